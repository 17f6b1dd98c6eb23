#!/usr/bin/env python3
"""PyTorch's side of `npm run bench:apps` (bench/apps.ts): the same steps and the same batch-1
passes as ours, on the same data, timed the same way (warm-up runs, then samples until there are
at least --min-samples and --min-seconds have passed, at most --max-seconds), printed as one JSON
object {torch, threads, workloads: {name: [ms, ...]}} on stdout.

The models, losses and decoding are those of the parity scripts, imported from them:
torch-detection-parity.py (DigitDetector, targets, loss_fn, decode) and
torch-segmentation-parity.py (UnetLite, loss_of). bench/apps.ts writes the data to a folder:

    detector.f32     (B,1,96,96) float32 scenes     detector.json  their boxes and labels
    segmenter.f32    (B,1,H,W) float32 images       segmenter.i32  (B,H,W) int32 masks (255 ignored)
    meta.json        shapes

Workloads (names as bench/apps.ts prints them):
    train digit-detector     Adam lr 1e-4 step: zero_grad, forward, CenterNet loss, backward,
                             clip_grad_norm_ 10, step (targets built outside the timed region)
    detect digit-detector b1 eval, no_grad: forward of the first scene, decode, class-wise NMS
    train unet-lite          Adam lr 1e-4 step: zero_grad, forward, ce+dice, backward, step
    segment unet-lite b1     eval, no_grad: forward of the first image, softmax and argmax

    /usr/bin/python3 scripts/torch-apps-bench.py DIR --threads 2
"""
import argparse
import importlib.util
import json
import os
import time

import numpy as np
import torch


def load(name):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py")
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(run, warmup, min_samples, min_seconds, max_seconds):
    for _ in range(warmup):
        run()
    samples = []
    spent = 0.0
    while len(samples) < 1 or ((len(samples) < min_samples or spent < min_seconds) and spent < max_seconds):
        start = time.perf_counter()
        run()
        ms = (time.perf_counter() - start) * 1000
        samples.append(ms)
        spent += ms / 1000
    return samples


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--min-samples", type=int, default=10)
    p.add_argument("--min-seconds", type=float, default=1)
    p.add_argument("--max-seconds", type=float, default=5)
    p.add_argument("--only", default="detector,segmenter")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    timing = (args.warmup, args.min_samples, args.min_seconds, args.max_seconds)
    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    out = {}

    if "detector" in args.only:
        det = load("torch-detection-parity")
        B, C, H, W = meta["detector"]
        images = torch.from_numpy(np.fromfile(os.path.join(args.data, "detector.f32"), np.float32).reshape(B, C, H, W))
        with open(os.path.join(args.data, "detector.json")) as f:
            objects = [[(o["box"], o["label"]) for o in scene] for scene in json.load(f)]
        tg, k = det.targets(objects, H, W, meta["numClasses"])
        model = det.DigitDetector(meta["numClasses"], 32)
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)

        def train_detector():
            model.train()
            opt.zero_grad()
            loss = det.loss_fn(model(images), tg, k)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10)
            opt.step()

        one = images[:1].clone()

        def detect():
            model.eval()
            with torch.no_grad():
                det.decode(model(one), H, W, thr=0.3)

        out[f"train digit-detector b{B}"] = measure(train_detector, *timing)
        out["detect digit-detector b1"] = measure(detect, *timing)

    if "segmenter" in args.only:
        seg = load("torch-segmentation-parity")
        B, C, H, W = meta["segmenter"]
        images = torch.from_numpy(np.fromfile(os.path.join(args.data, "segmenter.f32"), np.float32).reshape(B, C, H, W))
        labels = torch.from_numpy(np.fromfile(os.path.join(args.data, "segmenter.i32"), np.int32).reshape(B, H, W).astype(np.int64))
        s = meta["unet"]
        widths = [s["base"] * 2**level for level in range(s["depth"] + 1)]
        model = seg.UnetLite(meta["segmentClasses"], C, widths, s["up"])
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)

        def train_unet():
            model.train()
            opt.zero_grad()
            loss = seg.loss_of(model(images), labels, "ce+dice", None)
            loss.backward()
            opt.step()

        one = images[:1].clone()

        def segment():
            model.eval()
            with torch.no_grad():
                logits = model(one)
                logits.softmax(1)
                logits.argmax(1)

        out[f"train unet-lite b{B}"] = measure(train_unet, *timing)
        out["segment unet-lite b1"] = measure(segment, *timing)

    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "workloads": out}))


if __name__ == "__main__":
    main()
