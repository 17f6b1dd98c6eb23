#!/usr/bin/env python3
"""PyTorch parity for convnet-ts's digit detector (issue 13).

Trains the same architecture (src/apps/detection/digit-detector.ts), with the same targets and
losses (targets.ts, losses.ts: CenterNet focal loss alpha 2 beta 4, L1 on size x0.1 and offset at
centres), the same optimiser and schedule (Adam, peak lr, cosine with 5% linear warm-up, stepped
per batch, gradient norm clipped at 10) on the same scenes, exported as COCO folders by

    node --import tsx scripts/export-digit-scenes.ts /tmp/digit-scenes 8000 2000

then decodes (3x3 peaks, top 100, score >= 0.05, class-wise NMS 0.5) and prints COCO AP@0.5 and
AP@[.5:.95], computed by the numpy COCOeval transcription in make-detection-ap-fixture.py.

    /usr/bin/python3 scripts/torch-detection-parity.py /tmp/digit-scenes --epochs 6
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
import importlib.util

STRIDE = 4


def load_coco(folder):
    with open(os.path.join(folder, "annotations.json")) as f:
        coco = json.load(f)
    cats = sorted(c["id"] for c in coco["categories"])
    label_of = {c: i for i, c in enumerate(cats)}
    by_image = {im["id"]: [] for im in coco["images"]}
    for a in coco["annotations"]:
        x, y, w, h = a["bbox"]
        by_image[a["image_id"]].append(([x, y, x + w, y + h], label_of[a["category_id"]]))
    images = np.stack([np.asarray(Image.open(os.path.join(folder, im["file_name"])).convert("L"), dtype=np.float32) / 255 for im in coco["images"]])
    return torch.from_numpy(images)[:, None], [by_image[im["id"]] for im in coco["images"]], len(cats)


def gaussian_radius(h, w, min_overlap=0.7):
    b1 = h + w
    c1 = w * h * (1 - min_overlap) / (1 + min_overlap)
    r1 = (b1 + math.sqrt(b1**2 - 4 * c1)) / 2
    b2 = 2 * (h + w)
    c2 = (1 - min_overlap) * w * h
    r2 = (b2 + math.sqrt(b2**2 - 16 * c2)) / 2
    a3 = 4 * min_overlap
    b3 = -2 * min_overlap * (h + w)
    c3 = (min_overlap - 1) * w * h
    r3 = (b3 + math.sqrt(b3**2 - 4 * a3 * c3)) / 2
    return min(r1, r2, r3)


def targets(objects, H, W, C):
    OH, OW = math.ceil(H / STRIDE), math.ceil(W / STRIDE)
    N = len(objects)
    hm = np.zeros((N, C, OH, OW), np.float32)
    size = np.zeros((N, 2, OH, OW), np.float32)
    off = np.zeros((N, 2, OH, OW), np.float32)
    mask = np.zeros((N, 1, OH, OW), np.float32)
    for n, objs in enumerate(objects):
        for (x1, y1, x2, y2), c in objs:
            px, py = (x1 + x2) / 2 / STRIDE, (y1 + y2) / 2 / STRIDE
            qx, qy = math.floor(px), math.floor(py)
            if not (0 <= qx < OW and 0 <= qy < OH):
                continue
            w, h = (x2 - x1) / STRIDE, (y2 - y1) / STRIDE
            r = max(0, math.floor(gaussian_radius(h, w)))
            sigma = (2 * r + 1) / 6
            for y in range(max(0, qy - r), min(OH - 1, qy + r) + 1):
                for x in range(max(0, qx - r), min(OW - 1, qx + r) + 1):
                    g = math.exp(-((x - qx) ** 2 + (y - qy) ** 2) / (2 * sigma * sigma))
                    hm[n, c, y, x] = max(hm[n, c, y, x], g)
            mask[n, 0, qy, qx] = 1
            size[n, :, qy, qx] = (w, h)
            off[n, :, qy, qx] = (px - qx, py - qy)
    return [torch.from_numpy(t) for t in (hm, size, off, mask)], int(mask.sum())


def cbr(i, o, s=1):
    return nn.Sequential(nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU())


class DigitDetector(nn.Module):
    def __init__(self, C=10, w=32):
        super().__init__()
        self.stem = cbr(1, w // 2, 2)
        self.down4 = nn.Sequential(cbr(w // 2, w, 2), cbr(w, w))
        self.down8 = nn.Sequential(cbr(w, 2 * w, 2), cbr(2 * w, 2 * w))
        self.neck = cbr(3 * w, w)
        self.heads = nn.ModuleList([nn.Sequential(nn.Conv2d(w, w, 3, 1, 1), nn.ReLU(), nn.Conv2d(w, k, 1)) for k in (C, 2, 2)])
        self.heads[0][2].bias.data.fill_(-math.log((1 - 0.1) / 0.1))

    def forward(self, x):
        c4 = self.down4(self.stem(x))
        c8 = self.down8(c4)
        neck = self.neck(torch.cat([F.interpolate(c8, scale_factor=2, mode="nearest"), c4], 1))
        return [h(neck) for h in self.heads]


def loss_fn(out, tg, k):
    hm, size, off, mask = tg
    x = out[0]
    p = torch.sigmoid(x)
    pos = (hm == 1).float()
    neg = (1 - hm) ** 4 * (1 - pos)
    focal = ((1 - p) ** 2 * F.softplus(-x) * pos + p**2 * F.softplus(x) * neg).sum()
    l_size = (out[1] * mask - size * mask).abs().sum()
    l_off = (out[2] * mask - off * mask).abs().sum()
    k = max(1, k)
    return (focal + 0.1 * l_size + l_off) / k


def decode(out, H, W, top_k=100, thr=0.05, iou=0.5):
    hm = torch.sigmoid(out[0])
    peaks = (F.max_pool2d(out[0], 3, 1, 1) == out[0]).float()
    results = []
    N, C, OH, OW = hm.shape
    for n in range(N):
        s = (hm[n] * peaks[n]).flatten()
        scores, idx = s.topk(min(top_k, s.numel()))
        dets = []
        for score, i in zip(scores.tolist(), idx.tolist()):
            if score < thr:
                break
            c, at = divmod(i, OH * OW)
            j, i2 = divmod(at, OW)
            cx = (i2 + out[2][n, 0, j, i2].item()) * STRIDE
            cy = (j + out[2][n, 1, j, i2].item()) * STRIDE
            w = max(0, out[1][n, 0, j, i2].item()) * STRIDE
            h = max(0, out[1][n, 1, j, i2].item()) * STRIDE
            box = [min(W, max(0, cx - w / 2)), min(H, max(0, cy - h / 2)), min(W, max(0, cx + w / 2)), min(H, max(0, cy + h / 2))]
            dets.append((box, c, score))
        kept = []
        for d in dets:  # class-wise NMS, dets already best first
            if all(k[1] != d[1] or box_iou(k[0], d[0]) <= iou for k in kept):
                kept.append(d)
        results.append(kept)
    return results


def box_iou(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = w * h if w > 0 and h > 0 else 0
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0


def coco_ap(dets, truths, C):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location("apfix", os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-detection-ap-fixture.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    m.NUM_CLASSES = C
    images = [
        {
            "truths": [{"bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]], "label": c} for b, c in t],
            "detections": [{"bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]], "label": c, "score": s} for b, c, s in d],
        }
        for d, t in zip(dets, truths)
    ]
    precision = m.accumulate(images)
    return m.mean_valid(precision[0]), m.mean_valid(precision)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--width", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    train_x, train_objs, C = load_coco(os.path.join(args.folder, "train"))
    test_x, test_objs, _ = load_coco(os.path.join(args.folder, "test"))
    model = DigitDetector(C, args.width)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    N = len(train_x)
    batches = math.ceil(N / args.batch_size)
    total = max(2, args.epochs * batches)
    warm = min(total - 1, round(0.05 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: s / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / (total - warm))))
    H, W = train_x.shape[2:]
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(N)
        seen, total_loss = 0, 0.0
        for b in range(batches):
            idx = order[b * args.batch_size : (b + 1) * args.batch_size]
            tg, k = targets([train_objs[i] for i in idx.tolist()], H, W, C)
            loss = loss_fn(model(train_x[idx]), tg, k)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10)
            opt.step()
            sched.step()
            seen += len(idx)
            total_loss += loss.item() * len(idx)
        el = time.time() - start
        print(f"epoch {epoch + 1}/{args.epochs}  loss {total_loss / seen:.4f}  {seen * (epoch + 1) / el:.0f} img/s  {el:.1f} s", flush=True)
    train_seconds = time.time() - start
    model.eval()
    dets = []
    with torch.no_grad():
        for i in range(0, len(test_x), 64):
            dets += decode(model(test_x[i : i + 64]), H, W)
    ap50, ap = coco_ap(dets, test_objs, C)
    print(json.dumps({"ap50": ap50, "ap": ap, "trainSeconds": train_seconds, "torch": torch.__version__, "threads": args.threads}))


if __name__ == "__main__":
    main()
