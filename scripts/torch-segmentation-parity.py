#!/usr/bin/env python3
"""PyTorch parity for convnet-ts segmentation: the same U-Net-lite, trained on the same
digit-masks scenes (exported as PNG pairs) with the same schedule, printing its test mIoU.

    node --import tsx scripts/export-digit-masks.ts data/digit-masks
    /usr/bin/python3 scripts/torch-segmentation-parity.py data/digit-masks

The defaults are the recipe of `convnet train --task segmentation` (src/apps/segmentation/
digit-masks-recipe.ts, src/cli/train-segmentation.ts): depth 4, transposed convolutions, ce+dice
with the background weighted 0.2, 8 epochs of the 6,000 scenes the export writes by default:

  model     U-Net-lite (src/apps/segmentation/unet-lite.ts): per level [conv3x3 (no bias) - BN -
            ReLU] x2 with base*2^l channels (or --widths) and a 2x2 max pool; a bottleneck block;
            per level up, a 2x2 stride-2 transposed convolution (--up transpose) or nearest x2
            upsampling + conv3x3 (--up upsample), both with bias, concat [skip, up], a block; a
            1x1 head
  input     pixels in [0,1] (no normalisation), padded on the bottom/right with 0 to multiples of
            2^depth; the padded mask pixels are 255 (ignored)
  loss      cross-entropy (ignore_index 255, --class-weights) + soft Dice over softmax probabilities, one Dice per
            class over the whole batch, smooth 1, ignored pixels left out, 1 - mean over classes
  optimiser Adam (lr 3e-3, betas 0.9/0.999, eps 1e-8), a linear warm-up of `warmup` steps from 0
            then a cosine decay to 0 at the last step, stepped per batch
  batches   16, a seeded shuffle every epoch (torch's generator: the order differs from ours)
  metric    confusion over the test pixels not ignored; IoU_k = TP / (TP + FP + FN); mIoU = mean
            over classes present or predicted (background included)

Needs Debian's python3-torch (1.13), numpy and PIL (python3-pil); nothing else.
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

IGNORE = 255


def read_folder(root):
    """images (N,1,H,W) float32 in [0,1], masks (N,H,W) int64, class names."""
    names = sorted(f for f in os.listdir(os.path.join(root, "masks")) if f.endswith(".png"))
    images = np.stack(
        [np.asarray(Image.open(os.path.join(root, "images", f)).convert("L"), np.float32) / 255 for f in names]
    )
    masks = np.stack([np.asarray(Image.open(os.path.join(root, "masks", f)), np.int64) for f in names])
    with open(os.path.join(root, "classes.json")) as f:
        classes = json.load(f)
    return torch.from_numpy(images)[:, None], torch.from_numpy(masks), classes


def pad_to(images, masks, stride):
    h, w = images.shape[-2:]
    ph, pw = -h % stride, -w % stride
    return F.pad(images, (0, pw, 0, ph), value=0.0), F.pad(masks, (0, pw, 0, ph), value=IGNORE)


def block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(),
    )


class UnetLite(nn.Module):
    def __init__(self, num_classes, in_channels, widths, up):
        super().__init__()
        *levels, bottom = widths
        self.transpose = up == "transpose"
        self.enc = nn.ModuleList()
        c = in_channels
        for w in levels:
            self.enc.append(block(c, w))
            c = w
        self.bottleneck = block(c, bottom)
        c = bottom
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for w in reversed(levels):
            self.up.append(nn.ConvTranspose2d(c, w, 2, stride=2) if self.transpose else nn.Conv2d(c, w, 3, padding=1))
            self.dec.append(block(2 * w, w))
            c = w
        self.head = nn.Conv2d(c, num_classes, 1)

    def forward(self, x):
        skips = []
        for enc in self.enc:
            x = enc(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottleneck(x)
        for up, dec, skip in zip(self.up, self.dec, reversed(skips)):
            x = up(x if self.transpose else F.interpolate(x, scale_factor=2, mode="nearest"))
            x = dec(torch.cat([skip, x], dim=1))
        return self.head(x)


def dice_loss(logits, labels, smooth=1.0):
    k = logits.shape[1]
    valid = (labels != IGNORE).unsqueeze(1).to(logits.dtype)
    onehot = F.one_hot(labels.clamp(0, k - 1), k).permute(0, 3, 1, 2).to(logits.dtype) * valid
    p = logits.softmax(1) * valid
    inter = (p * onehot).sum((0, 2, 3))
    total = p.sum((0, 2, 3)) + onehot.sum((0, 2, 3))
    return 1 - ((2 * inter + smooth) / (total + smooth)).mean()


def loss_of(logits, labels, name, weight):
    ce = lambda: F.cross_entropy(logits, labels, weight=weight, ignore_index=IGNORE)
    if name == "ce":
        return ce()
    if name == "dice":
        return dice_loss(logits, labels)
    return ce() + dice_loss(logits, labels)


@torch.no_grad()
def evaluate(model, images, masks, k, batch=64):
    model.eval()
    confusion = torch.zeros(k, k, dtype=torch.int64)
    for i in range(0, len(images), batch):
        pred = model(images[i : i + batch]).argmax(1)
        t = masks[i : i + batch]
        keep = t != IGNORE
        confusion += torch.bincount(t[keep] * k + pred[keep], minlength=k * k).reshape(k, k)
    tp = confusion.diag().double()
    union = confusion.sum(0).double() + confusion.sum(1).double() - tp
    iou = tp / union
    defined = ~torch.isnan(iou)
    return iou, iou[defined].mean().item(), (tp.sum() / confusion.sum()).item()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", help="a folder with train/ and test/ image/mask pairs")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--base", type=int, default=8)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--widths", help="channels per level, the bottleneck last (default base*2^level)")
    parser.add_argument("--up", choices=["transpose", "upsample"], default="transpose")
    parser.add_argument(
        "--class-weights",
        default="0.2,1,1,1,1,1,1,1,1,1,1",
        help="cross-entropy weight per class, comma-separated; 'none' for none (default: the digit-masks recipe's)",
    )
    parser.add_argument("--loss", choices=["ce", "dice", "ce+dice"], default="ce+dice")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    stride = 2**args.depth
    train_x, train_y, classes = read_folder(os.path.join(args.data, "train"))
    test_x, test_y, _ = read_folder(os.path.join(args.data, "test"))
    train_x, train_y = pad_to(train_x, train_y, stride)
    test_x, test_y = pad_to(test_x, test_y, stride)
    k = len(classes)
    widths = (
        [int(w) for w in args.widths.split(",")]
        if args.widths
        else [args.base * 2**level for level in range(args.depth + 1)]
    )
    if len(widths) != args.depth + 1:
        parser.error(f"--widths needs depth + 1 = {args.depth + 1} numbers, got {len(widths)}")
    weight = None
    if args.class_weights != "none":
        weight = torch.tensor([float(w) for w in args.class_weights.split(",")])
        if len(weight) != k:
            parser.error(f"--class-weights needs {k} numbers, got {len(weight)}")
    model = UnetLite(k, train_x.shape[1], widths, args.up)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    batches = math.ceil(len(train_x) / args.batch_size)
    total = max(args.epochs * batches, args.warmup + 1)

    def lr_at(t):
        if t < args.warmup:
            return t / args.warmup
        return (1 + math.cos(math.pi * min(1.0, (t - args.warmup) / (total - args.warmup)))) / 2

    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    print(
        f"torch {torch.__version__}, {args.threads} threads; {len(train_x)} train, {len(test_x)} test, {k} classes;"
        f" widths {widths}, up {args.up}, loss {args.loss}, class weights {args.class_weights}"
    )
    train_seconds = 0.0
    for epoch in range(args.epochs):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(len(train_x))
        loss_sum = 0.0
        for b in range(batches):
            idx = order[b * args.batch_size : (b + 1) * args.batch_size]
            logits = model(train_x[idx])
            loss = loss_of(logits, train_y[idx], args.loss, weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            loss_sum += loss.item() * len(idx)
        seconds = time.perf_counter() - start
        train_seconds += seconds
        iou, miou, acc = evaluate(model, test_x, test_y, k)
        print(
            f"epoch {epoch + 1}/{args.epochs}  train loss {loss_sum / len(train_x):.4f}  test mIoU {100 * miou:.2f}%"
            f"  pixel acc {100 * acc:.2f}%  {len(train_x) / seconds:.1f} img/s  {seconds:.1f} s"
        )
    for name, value in zip(classes, iou.tolist()):
        print(f"{name:>10}  {'-' if math.isnan(value) else f'{100 * value:.2f}%'}")
    print(f"test mIoU {100 * miou:.2f}% after {args.epochs} epochs, {train_seconds:.0f} s of training")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meanIoU": miou, "pixelAccuracy": acc, "iou": iou.tolist(), "trainSeconds": train_seconds}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
