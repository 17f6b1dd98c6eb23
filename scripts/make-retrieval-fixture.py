"""Retrieval metrics computed independently with numpy, for test/apps/search/retrieval-metrics.test.ts.

Writes fixtures/search/retrieval-metrics.json: small-integer query and gallery vectors (many
tied scores, exact in float32), their labels, and what numpy computes for them, as Musgrave,
Belongie & Lim (2020) define the metrics: P@1, R-precision, MAP@R and recall@k (a relevant item
among the first k). Ranking: inner product, descending, ties by ascending gallery index (a
stable sort). Two cases: queries against a separate gallery, and a set against itself (each
query left out of its own neighbours and of R).

Run: python3 scripts/make-retrieval-fixture.py
"""
import json
import pathlib

import numpy as np

KS = [1, 2, 5]


def metrics(queries, query_labels, gallery, gallery_labels, same_set):
    scores = queries.astype(np.float64) @ gallery.astype(np.float64).T
    p1, rp, mapr, recall, scored = 0.0, 0.0, 0.0, np.zeros(len(KS)), 0
    for q in range(len(queries)):
        order = np.argsort(-scores[q], kind="stable")
        if same_set:
            order = order[order != q]
        relevant = gallery_labels[order] == query_labels[q]
        R = int(np.sum(gallery_labels == query_labels[q])) - (1 if same_set else 0)
        if R == 0:
            continue
        scored += 1
        p1 += float(relevant[0])
        top = relevant[:R]
        rp += top.sum() / R
        precision_at_i = np.cumsum(top) / np.arange(1, R + 1)
        mapr += np.sum(precision_at_i * top) / R
        recall += np.array([float(relevant[:k].any()) for k in KS])
    return {
        "queries": scored,
        "precisionAt1": p1 / scored,
        "rPrecision": rp / scored,
        "mapAtR": mapr / scored,
        "recallAt": {str(k): r / scored for k, r in zip(KS, recall)},
    }


def main():
    rng = np.random.default_rng(12)
    D = 3
    gallery = rng.integers(-2, 3, size=(40, D))
    gallery_labels = rng.integers(0, 4, size=40)
    queries = rng.integers(-2, 3, size=(15, D))
    query_labels = rng.integers(0, 5, size=15)  # label 4 is absent from the gallery: skipped
    fixture = {
        "ks": KS,
        "dim": D,
        "gallery": gallery.flatten().tolist(),
        "galleryLabels": gallery_labels.tolist(),
        "queries": queries.flatten().tolist(),
        "queryLabels": query_labels.tolist(),
        "separate": metrics(queries, query_labels, gallery, gallery_labels, False),
        "sameSet": metrics(gallery, gallery_labels, gallery, gallery_labels, True),
    }
    out = pathlib.Path(__file__).resolve().parent.parent / "fixtures/search/retrieval-metrics.json"
    out.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
