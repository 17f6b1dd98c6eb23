#!/usr/bin/env python3
"""An independent check of convnet-ts's detection metric: fixtures/detection/ap.json.

A seeded set of images with ground-truth boxes and noisy detections (jittered boxes, duplicates,
false positives, misses, tied scores, a class with no ground truth), and what an implementation
outside convnet-ts makes of them:

  iou   pairwise IoU by torchvision.ops.box_iou
  nms   the indices kept by torchvision.ops.batched_nms (class-wise NMS)
  ap    COCO bbox AP (area 'all', maxDets 100, no crowd boxes) at IoU 0.5, 0.75 and averaged
        over 0.50:0.95, overall and per class, written here in numpy straight from pycocotools'
        COCOeval.evaluateImg and accumulate (pycocotools itself is not in Debian 12)

Where torchvision is missing (Debian's python3-torchvision is optional), box_iou and batched_nms
are the few lines of torch below, following torchvision's definitions; the script says which it
used. Run with Debian's python3 (numpy and torch): /usr/bin/python3 scripts/make-detection-ap-fixture.py
"""
import json
import os
import sys

import numpy as np
import torch

try:
    from torchvision.ops import batched_nms, box_iou

    SOURCE = "torchvision.ops"
except ImportError:
    SOURCE = "torch (torchvision not installed)"

    def box_iou(a, b):
        area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
        area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
        lt = torch.max(a[:, None, :2], b[None, :, :2])
        rb = torch.min(a[:, None, 2:], b[None, :, 2:])
        wh = (rb - lt).clamp(min=0)
        inter = wh[..., 0] * wh[..., 1]
        return inter / (area_a[:, None] + area_b[None, :] - inter)

    def batched_nms(boxes, scores, labels, threshold):
        order = torch.argsort(scores, descending=True)
        keep = []
        removed = torch.zeros(len(scores), dtype=torch.bool)
        for i in order.tolist():
            if removed[i]:
                continue
            keep.append(i)
            same = labels == labels[i]
            over = box_iou(boxes[i : i + 1], boxes)[0] > threshold
            removed |= same & over
        return torch.tensor(keep, dtype=torch.long)


OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "detection", "ap.json")
NUM_CLASSES = 4  # class 3 never appears in the ground truth
IOU_THRS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
REC_THRS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)
MAX_DETS = 100


def xyxy(b):
    return [b[0], b[1], b[0] + b[2], b[1] + b[3]]


def make_images(rng):
    images = []
    for _ in range(25):
        truths, dets = [], []
        for _ in range(rng.integers(0, 5)):
            w, h = rng.uniform(8, 40, 2)
            x, y = rng.uniform(0, 96 - w), rng.uniform(0, 96 - h)
            label = int(rng.integers(0, 3))
            truths.append({"bbox": [round(v, 2) for v in (x, y, w, h)], "label": label})
            if rng.uniform() < 0.85:  # found, with jitter in position and size
                jitter = rng.normal(0, 0.08, 4) * [w, h, w, h]
                box = [x + jitter[0], y + jitter[1], w + jitter[2], h + jitter[3]]
                score = round(rng.uniform(0.3, 1.0), 2)  # 2 decimals: ties happen
                wrong = rng.uniform() < 0.1
                dets.append({"bbox": [round(v, 2) for v in box], "label": (label + 1) % 3 if wrong else label, "score": score})
            if rng.uniform() < 0.2:  # a duplicate
                jitter = rng.normal(0, 0.15, 4) * [w, h, w, h]
                box = [x + jitter[0], y + jitter[1], w + jitter[2], h + jitter[3]]
                dets.append({"bbox": [round(v, 2) for v in box], "label": label, "score": round(rng.uniform(0.05, 0.6), 2)})
        for _ in range(rng.integers(0, 3)):  # false positives, some of the absent class 3
            w, h = rng.uniform(8, 30, 2)
            x, y = rng.uniform(0, 96 - w), rng.uniform(0, 96 - h)
            dets.append({"bbox": [round(v, 2) for v in (x, y, w, h)], "label": int(rng.integers(0, 4)), "score": round(rng.uniform(0.05, 0.7), 2)})
        images.append({"truths": truths, "detections": dets})
    return images


def coco_iou(dt, gt):
    """pycocotools maskUtils.iou for boxes (no crowd): [len(dt), len(gt)], via box_iou."""
    if len(dt) == 0 or len(gt) == 0:
        return np.zeros((len(dt), len(gt)))
    a = torch.tensor([xyxy(d["bbox"]) for d in dt], dtype=torch.float64)
    b = torch.tensor([xyxy(g["bbox"]) for g in gt], dtype=torch.float64)
    return box_iou(a, b).numpy()


def evaluate_img(image, label):
    """COCOeval.evaluateImg for one image and category, area 'all', no ignored boxes."""
    gt = [g for g in image["truths"] if g["label"] == label]
    dt = [d for d in image["detections"] if d["label"] == label]
    if len(gt) == 0 and len(dt) == 0:
        return None
    dtind = np.argsort([-d["score"] for d in dt], kind="mergesort")
    dt = [dt[i] for i in dtind[0:MAX_DETS]]
    ious = coco_iou(dt, gt)
    T, G, D = len(IOU_THRS), len(gt), len(dt)
    gtm = np.zeros((T, G))
    dtm = np.zeros((T, D))
    for tind, t in enumerate(IOU_THRS):
        for dind in range(D):
            iou = min([t, 1 - 1e-10])
            m = -1
            for gind in range(G):
                if gtm[tind, gind] > 0:
                    continue
                if ious[dind, gind] < iou:
                    continue
                iou = ious[dind, gind]
                m = gind
            if m == -1:
                continue
            dtm[tind, dind] = 1
            gtm[tind, m] = 1
    return {"dtMatches": dtm, "dtScores": [d["score"] for d in dt], "numGt": G}


def accumulate(images):
    """COCOeval.accumulate: precision[T, R, K], -1 where a class has no ground truth."""
    T, R, K = len(IOU_THRS), len(REC_THRS), NUM_CLASSES
    precision = -np.ones((T, R, K))
    for k in range(K):
        E = [evaluate_img(im, k) for im in images]
        E = [e for e in E if e is not None]
        if len(E) == 0:
            continue
        dtScores = np.concatenate([e["dtScores"][0:MAX_DETS] for e in E])
        inds = np.argsort(-dtScores, kind="mergesort")
        dtm = np.concatenate([e["dtMatches"][:, 0:MAX_DETS] for e in E], axis=1)[:, inds]
        npig = sum(e["numGt"] for e in E)
        if npig == 0:
            continue
        tps = dtm.astype(bool)
        fps = np.logical_not(dtm)
        tp_sum = np.cumsum(tps, axis=1).astype(dtype=float)
        fp_sum = np.cumsum(fps, axis=1).astype(dtype=float)
        for t, (tp, fp) in enumerate(zip(tp_sum, fp_sum)):
            tp = np.array(tp)
            fp = np.array(fp)
            nd = len(tp)
            rc = tp / npig
            pr = tp / (fp + tp + np.spacing(1))
            q = np.zeros((R,))
            pr = pr.tolist()
            q = q.tolist()
            for i in range(nd - 1, 0, -1):
                if pr[i] > pr[i - 1]:
                    pr[i - 1] = pr[i]
            inds_r = np.searchsorted(rc, REC_THRS, side="left")
            try:
                for ri, pi in enumerate(inds_r):
                    q[ri] = pr[pi]
            except IndexError:
                pass
            precision[t, :, k] = np.array(q)
    return precision


def mean_valid(s):
    s = s[s > -1]
    return float(np.mean(s)) if s.size else None


def main():
    rng = np.random.default_rng(13)
    images = make_images(rng)
    precision = accumulate(images)
    t50 = 0
    t75 = int(np.where(np.isclose(IOU_THRS, 0.75))[0][0])
    ap = {
        "ap50": mean_valid(precision[t50]),
        "ap75": mean_valid(precision[t75]),
        "ap": mean_valid(precision),
        "perClass50": [mean_valid(precision[t50, :, k]) for k in range(NUM_CLASSES)],
        "perClass": [mean_valid(precision[:, :, k]) for k in range(NUM_CLASSES)],
    }

    a = [[round(v, 2) for v in (x, y, w, h)] for x, y, w, h in rng.uniform([0, 0, 4, 4], [60, 60, 30, 30], (6, 4))]
    b = [[round(v, 2) for v in (x, y, w, h)] for x, y, w, h in rng.uniform([0, 0, 4, 4], [60, 60, 30, 30], (5, 4))]
    b[0] = a[0]  # one identical pair
    iou = box_iou(torch.tensor([xyxy(x) for x in a], dtype=torch.float64), torch.tensor([xyxy(x) for x in b], dtype=torch.float64))

    centres = rng.uniform(10, 50, (4, 2))
    boxes, scores, labels = [], [], []
    for c in centres:
        for _ in range(5):
            w, h = rng.uniform(10, 20, 2)
            x, y = c + rng.normal(0, 3, 2) - [w / 2, h / 2]
            boxes.append([round(float(v), 2) for v in (x, y, w, h)])
            labels.append(int(rng.integers(0, 2)))
    scores = [round(float(s), 4) for s in rng.permutation(np.linspace(0.05, 0.99, len(boxes)))]
    threshold = 0.4
    keep = batched_nms(
        torch.tensor([xyxy(x) for x in boxes], dtype=torch.float64),
        torch.tensor(scores, dtype=torch.float64),
        torch.tensor(labels),
        threshold,
    )

    fixture = {
        "source": f"scripts/make-detection-ap-fixture.py; IoU and NMS by {SOURCE}; AP by numpy after pycocotools COCOeval",
        "numClasses": NUM_CLASSES,
        "images": images,
        "iou": {"a": a, "b": b, "iou": iou.tolist()},
        "nms": {"boxes": boxes, "scores": scores, "labels": labels, "threshold": threshold, "keep": keep.tolist()},
        "ap": ap,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT} ({SOURCE}): AP@0.5 {ap['ap50']:.4f}, AP@[.5:.95] {ap['ap']:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
