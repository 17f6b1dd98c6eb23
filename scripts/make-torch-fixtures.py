#!/usr/bin/env python3
"""Generate PyTorch golden fixtures for the reference kernels.

Run from anywhere in the repository:

    npm run fixtures          # = python3 scripts/make-torch-fixtures.py

It writes fixtures/torch/golden.json (checked in). The tests in test/golden/torch.test.ts only
read that JSON: Python and PyTorch are never needed at test time, only to regenerate the file.

Everything is computed in float64 with a fixed seed, so rerunning it with the same PyTorch
gives the same file. Numbers are written with Python's repr (shortest round-trip form), so the
float64 values are exact: nothing is rounded. Arrays are stored flattened in row-major order
next to their shape: {"shape": [...], "data": [...]}.

Gradients come from autograd with an upstream gradient dy of the output's shape, i.e. the
backward pass of loss = (y * dy).sum(); for cross-entropy, loss.backward() on the mean loss.

Needs PyTorch (made with Debian's python3-torch 1.13); nothing else beyond the standard library.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixture_support import arr, pair, require_torch, shape_str  # noqa: E402

require_torch("make-torch-fixtures")
import torch  # noqa: E402
import torch.nn.functional as F

SEED = 20240611
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(ROOT, "fixtures", "torch", "golden.json")

torch.set_default_dtype(torch.float64)
GEN = torch.Generator().manual_seed(SEED)


def randn(*shape, scale=1.0):
    return torch.randn(*shape, generator=GEN, dtype=torch.float64) * scale


def conv2d_case(name, n, c, h, w, f, kh, kw, stride=1, padding=0, dilation=1, groups=1, bias=True):
    x = randn(n, c, h, w).requires_grad_()
    weight = randn(f, c // groups, kh, kw).requires_grad_()
    b = randn(f).requires_grad_() if bias else None
    y = F.conv2d(x, weight, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    dy = randn(*y.shape)
    (y * dy).sum().backward()
    print(
        f"  conv2d     {name}: x{shape_str(x)} w{shape_str(weight)} "
        f"b{shape_str(b) if b is not None else '=None'} -> y{shape_str(y)}"
    )
    return {
        "name": name,
        "options": {
            "stride": pair(stride),
            "padding": pair(padding),
            "dilation": pair(dilation),
            "groups": groups,
        },
        "x": arr(x),
        "w": arr(weight),
        "b": arr(b) if b is not None else None,
        "y": arr(y),
        "dy": arr(dy),
        "dx": arr(x.grad),
        "dw": arr(weight.grad),
        "db": arr(b.grad) if b is not None else None,
    }


def distinct_input(*shape):
    """Random values with no ties, so the max of every pooling window is unique."""
    x = randn(*shape)
    assert torch.unique(x).numel() == x.numel(), "tie in max-pool input"
    return x.requires_grad_()


def max_pool2d_case(name, n, c, h, w, kernel_size, stride, padding=0):
    x = distinct_input(n, c, h, w)
    y = F.max_pool2d(x, kernel_size, stride=stride, padding=padding)
    dy = randn(*y.shape)
    (y * dy).sum().backward()
    print(f"  max_pool2d {name}: x{shape_str(x)} -> y{shape_str(y)}")
    return {
        "name": name,
        "options": {
            "kernelSize": pair(kernel_size),
            "stride": pair(stride),
            "padding": pair(padding),
        },
        "x": arr(x),
        "y": arr(y),
        "dy": arr(dy),
        "dx": arr(x.grad),
    }


def avg_pool2d_case(name, n, c, h, w, kernel_size, stride, padding, count_include_pad):
    x = randn(n, c, h, w).requires_grad_()
    y = F.avg_pool2d(
        x, kernel_size, stride=stride, padding=padding, count_include_pad=count_include_pad
    )
    dy = randn(*y.shape)
    (y * dy).sum().backward()
    print(
        f"  avg_pool2d {name}: x{shape_str(x)} -> y{shape_str(y)} "
        f"count_include_pad={count_include_pad}"
    )
    return {
        "name": name,
        "options": {
            "kernelSize": pair(kernel_size),
            "stride": pair(stride),
            "padding": pair(padding),
        },
        "countIncludePad": count_include_pad,
        "x": arr(x),
        "y": arr(y),
        "dy": arr(dy),
        "dx": arr(x.grad),
    }


def cross_entropy_case(name, logits, labels):
    logits = logits.clone().requires_grad_()
    labels = torch.as_tensor(labels, dtype=torch.long)
    loss = F.cross_entropy(logits, labels, reduction="mean")
    loss.backward()
    print(f"  cross_entropy {name}: logits{shape_str(logits)} loss={loss.item()!r}")
    return {
        "name": name,
        "logits": arr(logits),
        "labels": [int(v) for v in labels.tolist()],
        "loss": float(loss.item()),
        "dlogits": arr(logits.grad),
    }


def linear_case(name, n, fan_in, fan_out, bias=True):
    x = randn(n, fan_in).requires_grad_()
    weight = randn(fan_out, fan_in).requires_grad_()
    b = randn(fan_out).requires_grad_() if bias else None
    y = F.linear(x, weight, b)
    dy = randn(*y.shape)
    (y * dy).sum().backward()
    print(f"  linear     {name}: x{shape_str(x)} w{shape_str(weight)} -> y{shape_str(y)}")
    return {
        "name": name,
        "x": arr(x),
        "w": arr(weight),
        "b": arr(b) if b is not None else None,
        "y": arr(y),
        "dy": arr(dy),
        "dx": arr(x.grad),
        "dw": arr(weight.grad),
        "db": arr(b.grad) if b is not None else None,
    }


def main():
    print(f"torch {torch.__version__}, float64, seed {SEED}")

    conv2d = [
        conv2d_case("plain 3x3, no padding", 2, 3, 5, 5, 4, 3, 3),
        # 6 + 2 - 3 = 5 is odd: the last padded row/column is never the start of a window.
        conv2d_case("3x3, stride 2, padding 1", 2, 2, 6, 6, 3, 3, 3, stride=2, padding=1),
        conv2d_case(
            "2x3 kernel on 5x7, stride (1,2), padding (1,0)",
            2, 2, 5, 7, 3, 2, 3, stride=(1, 2), padding=(1, 0),
        ),
        conv2d_case("3x3, dilation 2, padding 1, N=1", 1, 2, 7, 7, 2, 3, 3, padding=1, dilation=2),
        conv2d_case("3x3, groups 2 (4 -> 6 channels), padding 1", 2, 4, 4, 4, 6, 3, 3, padding=1, groups=2),
        conv2d_case("depthwise 3x3 (groups = C = 3), padding 1", 2, 3, 5, 5, 3, 3, 3, padding=1, groups=3),
        conv2d_case(
            "3x2 kernel, no bias, N=1, stride (2,1), padding (0,2), dilation (1,2)",
            1, 2, 6, 5, 3, 3, 2, stride=(2, 1), padding=(0, 2), dilation=(1, 2), bias=False,
        ),
    ]

    max_pool2d = [
        max_pool2d_case("2x2, stride 2", 2, 2, 4, 6, 2, 2),
        max_pool2d_case("3x3, stride 2, padding 1 (overlapping)", 2, 2, 5, 5, 3, 2, padding=1),
        max_pool2d_case("3x2 kernel, stride (1,2) on 5x6", 2, 2, 5, 6, (3, 2), (1, 2)),
    ]

    avg_pool2d = [
        avg_pool2d_case("2x2, stride 2", 2, 2, 4, 6, 2, 2, 0, True),
        avg_pool2d_case("3x3, stride 2, padding 1, count_include_pad", 2, 2, 5, 5, 3, 2, 1, True),
        avg_pool2d_case("3x3, stride 2, padding 1, exclude pad", 2, 2, 5, 5, 3, 2, 1, False),
        avg_pool2d_case(
            "3x2 kernel, stride (2,1), padding (1,1) on 5x6, exclude pad",
            2, 2, 5, 6, (3, 2), (2, 1), (1, 1), False,
        ),
    ]

    # Large logits: about +-1e4, with a few near-ties at the top of row 0 and row 1, so the
    # softmax there is not simply one-hot and the max-shift in logsumexp really matters.
    big = randn(3, 6, scale=1e4)
    big[0, :3] = torch.tensor([1.0e4, 1.0e4 - 0.5, 1.0e4 - 2.0])
    big[1, 2:4] = torch.tensor([-9.0e3, -9.0e3 + 1.0])
    big[1, [0, 1, 4, 5]] = torch.tensor([-1.0e4, -2.0e4, -9.5e3, -1.2e4])
    cross_entropy = [
        cross_entropy_case("N=4, K=5", randn(4, 5), [1, 0, 4, 2]),
        cross_entropy_case("N=1, K=3", randn(1, 3), [2]),
        cross_entropy_case("logits about +-1e4, N=3, K=6", big, [1, 3, 0]),
    ]

    linear = [
        linear_case("N=4, 6 -> 3", 4, 6, 3),
        linear_case("N=1, 5 -> 7, no bias", 1, 5, 7, bias=False),
    ]

    golden = {
        "meta": {
            "generator": "scripts/make-torch-fixtures.py",
            "torch": torch.__version__,
            "dtype": "float64",
            "seed": SEED,
        },
        "conv2d": conv2d,
        "maxPool2d": max_pool2d,
        "avgPool2d": avg_pool2d,
        "crossEntropy": cross_entropy,
        "linear": linear,
    }

    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    # allow_nan=False: the file must be standard JSON (arr() already rejects non-finite data).
    text = json.dumps(golden, separators=(",", ":"), allow_nan=False) + "\n"
    with open(OUT_PATH, "w", encoding="utf-8") as fh:
        fh.write(text)
    counts = {k: len(v) for k, v in golden.items() if isinstance(v, list)}
    total = sum(counts.values())
    print(f"wrote {os.path.relpath(OUT_PATH, ROOT)}: {len(text.encode('utf-8'))} bytes, {total} cases {counts}")


if __name__ == "__main__":
    main()
