#!/usr/bin/env python3
"""Generate PyTorch golden fixtures for the autograd ops and their new kernels.

Run from anywhere in the repository (there is no npm script for it; `npm run fixtures` makes
the kernel fixtures, fixtures/torch/golden.json, with scripts/make-torch-fixtures.py):

    /usr/bin/python3 scripts/make-torch-op-fixtures.py

It writes fixtures/torch/ops.json (checked in). test/golden/torch-ops.test.ts only reads that
JSON: Python and PyTorch are never needed at test time, only to regenerate the file.

Covered: transposed convolution (stride, padding, output padding, dilation, groups), nearest
and bilinear upsampling (scale factor or size, align_corners both ways, shrinking too), batch
norm 2d in training (output, gradients, running statistics after the update) and evaluation,
cross-entropy with class weights and an ignore index, (N,K) and per-pixel (N,K,H,W), every
reduction, binary cross-entropy with logits (pos_weight, large logits), smooth-L1 (beta), and
softmax / log-softmax / L2 normalisation / MSE on small inputs, and GELU (exact, approximate='none')
and SiLU from -40 to 40 through 0.

Everything is float64 with a fixed seed; numbers are written with Python's repr (shortest
round-trip form), so the values are exact. Arrays are stored flattened row-major next to their
shape: {"shape": [...], "data": [...]}. Gradients come from autograd: for an output y that is
not a scalar, the backward pass of (y * dy).sum() with the stored dy; for a scalar loss, of the
loss itself.

Needs PyTorch (made with Debian's python3-torch 1.13); nothing else beyond the standard library.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixture_support import arr, pair, require_torch, shape_str  # noqa: E402

require_torch("make-torch-op-fixtures")
import torch  # noqa: E402
import torch.nn.functional as F

SEED = 20240612
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(ROOT, "fixtures", "torch", "ops.json")

torch.set_default_dtype(torch.float64)
GEN = torch.Generator().manual_seed(SEED)


def randn(*shape, scale=1.0):
    return torch.randn(*shape, generator=GEN, dtype=torch.float64) * scale


def rand(*shape):
    return torch.rand(*shape, generator=GEN, dtype=torch.float64)


def leaf(t):
    return t.detach().clone().requires_grad_()


def backward_of(y):
    """Runs backward: on a scalar directly, otherwise with a random dy (returned, or None)."""
    if y.dim() == 0:
        y.backward()
        return None
    dy = randn(*y.shape)
    (y * dy).sum().backward()
    return dy


def conv_transpose2d_case(name, n, c, h, w, f, kh, kw, stride=1, padding=0, output_padding=0,
                          dilation=1, groups=1, bias=True):
    x = leaf(randn(n, c, h, w))
    weight = leaf(randn(c, f // groups, kh, kw))
    b = leaf(randn(f)) if bias else None
    y = F.conv_transpose2d(x, weight, b, stride=stride, padding=padding,
                           output_padding=output_padding, groups=groups, dilation=dilation)
    dy = backward_of(y)
    print(f"  conv_transpose2d {name}: x{shape_str(x)} w{shape_str(weight)} -> y{shape_str(y)}")
    return {
        "name": name,
        "options": {
            "stride": pair(stride),
            "padding": pair(padding),
            "outputPadding": pair(output_padding),
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


def upsample_case(name, mode, shape, size=None, scale_factor=None, align_corners=None):
    x = leaf(randn(*shape))
    kwargs = {"mode": mode}
    if size is not None:
        kwargs["size"] = tuple(size) if isinstance(size, (list, tuple)) else size
    if scale_factor is not None:
        kwargs["scale_factor"] = scale_factor
    if align_corners is not None:
        kwargs["align_corners"] = align_corners
    y = F.interpolate(x, **kwargs)
    dy = backward_of(y)
    print(f"  interpolate {mode} {name}: x{shape_str(x)} -> y{shape_str(y)}")
    options = {}
    if size is not None:
        options["size"] = pair(size)
    if scale_factor is not None:
        options["scaleFactor"] = (
            [float(scale_factor), float(scale_factor)]
            if isinstance(scale_factor, (int, float))
            else [float(s) for s in scale_factor]
        )
    if align_corners is not None:
        options["alignCorners"] = align_corners
    return {
        "name": name,
        "mode": mode,
        "options": options,
        "x": arr(x),
        "y": arr(y),
        "dy": arr(dy),
        "dx": arr(x.grad),
    }


def batch_norm2d_case(name, n, c, h, w, training, momentum=0.1, eps=1e-5, affine=True):
    x = leaf(randn(n, c, h, w, scale=2.0) + 0.5)
    weight = leaf(randn(c) * 0.5 + 1.0) if affine else None
    bias = leaf(randn(c) * 0.5) if affine else None
    running_mean = randn(c) * 0.3
    running_var = rand(c) + 0.5
    running_mean_before = running_mean.clone()
    running_var_before = running_var.clone()
    y = F.batch_norm(x, running_mean, running_var, weight, bias, training=training,
                     momentum=momentum, eps=eps)
    dy = backward_of(y)
    print(f"  batch_norm {name}: x{shape_str(x)} training={training}")
    return {
        "name": name,
        "training": training,
        "momentum": momentum,
        "eps": eps,
        "x": arr(x),
        "weight": arr(weight) if affine else None,
        "bias": arr(bias) if affine else None,
        "runningMean": arr(running_mean_before),
        "runningVar": arr(running_var_before),
        "runningMeanAfter": arr(running_mean),
        "runningVarAfter": arr(running_var),
        "y": arr(y),
        "dy": arr(dy),
        "dx": arr(x.grad),
        "dweight": arr(weight.grad) if affine else None,
        "dbias": arr(bias.grad) if affine else None,
    }


def cross_entropy_case(name, logits, labels, weight=None, ignore_index=-100, reduction="mean"):
    logits = leaf(logits)
    labels = torch.as_tensor(labels, dtype=torch.long)
    loss = F.cross_entropy(logits, labels, weight=weight, ignore_index=ignore_index,
                           reduction=reduction)
    dy = backward_of(loss)
    print(f"  cross_entropy {name}: logits{shape_str(logits)} reduction={reduction}")
    return {
        "name": name,
        "logits": arr(logits),
        "labels": {"shape": list(labels.shape), "data": [int(v) for v in labels.reshape(-1).tolist()]},
        "weight": arr(weight) if weight is not None else None,
        "ignoreIndex": ignore_index,
        "reduction": reduction,
        "loss": arr(loss),
        "dy": arr(dy) if dy is not None else None,
        "dlogits": arr(logits.grad),
    }


def bce_with_logits_case(name, logits, target, pos_weight=None, reduction="mean"):
    logits = leaf(logits)
    target = leaf(target)
    loss = F.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight,
                                              reduction=reduction)
    dy = backward_of(loss)
    print(f"  bce_with_logits {name}: logits{shape_str(logits)} reduction={reduction}")
    return {
        "name": name,
        "logits": arr(logits),
        "target": arr(target),
        "posWeight": arr(pos_weight) if pos_weight is not None else None,
        "reduction": reduction,
        "loss": arr(loss),
        "dy": arr(dy) if dy is not None else None,
        "dlogits": arr(logits.grad),
        "dtarget": arr(target.grad),
    }


def regression_loss_case(kind, name, shape, reduction="mean", beta=1.0):
    x = leaf(randn(*shape, scale=1.5))
    t = leaf(randn(*shape))
    if kind == "smoothL1":
        loss = F.smooth_l1_loss(x, t, reduction=reduction, beta=beta)
    else:
        loss = F.mse_loss(x, t, reduction=reduction)
    dy = backward_of(loss)
    print(f"  {kind} {name}: x{shape_str(x)} reduction={reduction}")
    return {
        "name": name,
        "kind": kind,
        "beta": beta,
        "reduction": reduction,
        "x": arr(x),
        "target": arr(t),
        "loss": arr(loss),
        "dy": arr(dy) if dy is not None else None,
        "dx": arr(x.grad),
        "dtarget": arr(t.grad),
    }


def along_axis_case(kind, name, shape, axis, scale=1.0):
    x = leaf(randn(*shape, scale=scale))
    if kind == "softmax":
        y = F.softmax(x, dim=axis)
    elif kind == "logSoftmax":
        y = F.log_softmax(x, dim=axis)
    else:
        y = F.normalize(x, p=2.0, dim=axis)
    dy = backward_of(y)
    print(f"  {kind} {name}: x{shape_str(x)} axis={axis}")
    return {"name": name, "kind": kind, "axis": axis, "x": arr(x), "y": arr(y), "dy": arr(dy),
            "dx": arr(x.grad)}


def activation_case(kind, name, x):
    x = leaf(x)
    y = F.gelu(x) if kind == "gelu" else F.silu(x)
    dy = backward_of(y)
    print(f"  {kind} {name}: x{shape_str(x)}")
    return {"name": name, "kind": kind, "x": arr(x), "y": arr(y), "dy": arr(dy), "dx": arr(x.grad)}


def main():
    print(f"torch {torch.__version__}, float64, seed {SEED}")

    conv_transpose2d = [
        conv_transpose2d_case("3x3, stride 2, padding 1, output padding 1", 2, 3, 3, 2, 2, 3, 3,
                              stride=2, padding=1, output_padding=1),
        conv_transpose2d_case("2x3 kernel, groups 2, dilation 2, non-square, N=1", 1, 4, 2, 4, 6, 2, 3,
                              dilation=2, groups=2),
        conv_transpose2d_case("no bias, stride (2,1), padding (0,1), output padding (1,0)",
                              2, 2, 2, 3, 3, 3, 3, stride=(2, 1), padding=(0, 1),
                              output_padding=(1, 0), bias=False),
        conv_transpose2d_case("depthwise 3x3 (groups = C = 3), stride 2", 1, 3, 3, 3, 3, 3, 3,
                              stride=2, groups=3),
        conv_transpose2d_case("output padding 1 < dilation 2 with stride 1", 1, 2, 4, 4, 2, 2, 2,
                              dilation=2, output_padding=1),
        conv_transpose2d_case("2x2, stride 2 (the U-Net up-convolution)", 2, 4, 2, 3, 2, 2, 2,
                              stride=2),
    ]

    upsample = [
        upsample_case("scale 2", "nearest", (2, 1, 3, 4), scale_factor=2),
        upsample_case("size (7,9) from (3,4)", "nearest", (1, 2, 3, 4), size=(7, 9)),
        upsample_case("scale 1.5", "nearest", (1, 2, 5, 4), scale_factor=1.5),
        upsample_case("shrink to (3,2) from (7,5)", "nearest", (1, 1, 7, 5), size=(3, 2)),
        upsample_case("scale 2", "bilinear", (2, 1, 3, 4), scale_factor=2, align_corners=False),
        upsample_case("size (7,9) from (3,4)", "bilinear", (1, 2, 3, 4), size=(7, 9),
                      align_corners=False),
        upsample_case("scale (1.7,2.5)", "bilinear", (1, 2, 4, 3), scale_factor=(1.7, 2.5),
                      align_corners=False),
        upsample_case("align corners, size (5,7) from (3,4)", "bilinear", (2, 1, 3, 4),
                      size=(5, 7), align_corners=True),
        upsample_case("shrink to (3,2) from (7,5)", "bilinear", (1, 2, 7, 5), size=(3, 2),
                      align_corners=False),
    ]

    batch_norm2d = [
        batch_norm2d_case("training, N=3, C=2, 2x3", 3, 2, 2, 3, training=True),
        batch_norm2d_case("training, N=1, C=3, 2x3, momentum 0.3", 1, 3, 2, 3, training=True,
                          momentum=0.3),
        batch_norm2d_case("training, no affine, N=4, C=2, 1x1", 4, 2, 1, 1, training=True,
                          affine=False),
        batch_norm2d_case("evaluation, N=2, C=3, 2x2", 2, 3, 2, 2, training=False),
    ]

    labels_nk = [2, 0, -100, 4, 1, 2]
    weight_k = rand(5) + 0.5
    pix_logits = randn(2, 3, 3, 4)
    pix_labels = [[[0, 1, 255, 2], [2, 2, 1, 0], [255, 0, 1, 1]],
                  [[1, 255, 255, 0], [0, 2, 2, 2], [1, 0, 255, 1]]]
    weight_c = torch.tensor([0.3, 1.0, 2.5])
    cross_entropy = [
        cross_entropy_case("(N,K), weights, ignore -100, mean", randn(6, 5), labels_nk,
                           weight=weight_k),
        cross_entropy_case("(N,K), weights, ignore -100, sum", randn(6, 5), labels_nk,
                           weight=weight_k, reduction="sum"),
        cross_entropy_case("(N,K), ignore -100, none", randn(6, 5), labels_nk, reduction="none"),
        cross_entropy_case("per-pixel (N,C,H,W), weights, ignore 255, mean", pix_logits,
                           pix_labels, weight=weight_c, ignore_index=255),
        cross_entropy_case("per-pixel (N,C,H,W), weights, ignore 255, sum", pix_logits,
                           pix_labels, weight=weight_c, ignore_index=255, reduction="sum"),
        cross_entropy_case("per-pixel (N,C,H,W), weights, ignore 255, none", pix_logits,
                           pix_labels, weight=weight_c, ignore_index=255, reduction="none"),
        cross_entropy_case("per-pixel, ignore a class index (1), no weights, mean",
                           randn(1, 3, 2, 3), [[[0, 1, 2], [1, 1, 0]]], ignore_index=1),
        cross_entropy_case("(N,K) logits about +-1e4", randn(3, 4, scale=1e4), [1, 3, 0]),
    ]

    big = randn(2, 3, scale=30.0)
    big[0, 0] = 60.0
    big[1, 2] = -60.0
    bce_with_logits = [
        bce_with_logits_case("(4,3), mean", randn(4, 3), rand(4, 3)),
        bce_with_logits_case("(2,3,2,2), pos_weight per last-axis entry, sum", randn(2, 3, 2, 2),
                             rand(2, 3, 2, 2), pos_weight=torch.tensor([0.5, 3.0]), reduction="sum"),
        bce_with_logits_case("(3,4), pos_weight (4), none", randn(3, 4), (rand(3, 4) > 0.5).double(),
                             pos_weight=torch.tensor([1.0, 2.0, 0.25, 4.0]), reduction="none"),
        bce_with_logits_case("logits up to +-60, mean", big, torch.tensor([[1.0, 0.0, 0.3], [0.0, 1.0, 1.0]])),
    ]

    regression = [
        regression_loss_case("smoothL1", "beta 1, mean", (3, 5)),
        regression_loss_case("smoothL1", "beta 0.5, sum", (2, 2, 3), reduction="sum", beta=0.5),
        regression_loss_case("smoothL1", "beta 2, none", (4, 3), reduction="none", beta=2.0),
        regression_loss_case("smoothL1", "beta 0 (L1), mean", (2, 4), beta=0.0),
        regression_loss_case("mse", "mean", (3, 4)),
        regression_loss_case("mse", "none", (2, 3, 2), reduction="none"),
    ]

    along_axis = [
        along_axis_case("softmax", "(2,4,2,3) on axis 1", (2, 4, 2, 3), 1, scale=3.0),
        along_axis_case("logSoftmax", "(3,5) on axis -1", (3, 5), -1, scale=3.0),
        along_axis_case("logSoftmax", "(2,3,4) on axis 1", (2, 3, 4), 1),
        along_axis_case("l2Normalize", "(4,6) on axis 1", (4, 6), 1),
        along_axis_case("l2Normalize", "(2,3,2,2) on axis 1", (2, 3, 2, 2), 1),
    ]

    # Drawn last, so that the cases above keep their random values.
    edges = torch.tensor([-40.0, -12.0, -6.0, -3.0, -1.0, -0.25, -1e-8, 0.0, 1e-8, 0.25, 1.0,
                          3.0, 6.0, 12.0, 40.0])
    activation = [
        activation_case("gelu", "(2,3,4) normal, scale 3", randn(2, 3, 4, scale=3.0)),
        activation_case("gelu", "0, tiny, large and negative values", edges),
        activation_case("silu", "(2,3,4) normal, scale 3", randn(2, 3, 4, scale=3.0)),
        activation_case("silu", "0, tiny, large and negative values", edges),
    ]

    fixtures = {
        "meta": {
            "generator": "scripts/make-torch-op-fixtures.py",
            "torch": torch.__version__,
            "dtype": "float64",
            "seed": SEED,
        },
        "convTranspose2d": conv_transpose2d,
        "upsample": upsample,
        "batchNorm2d": batch_norm2d,
        "crossEntropy": cross_entropy,
        "binaryCrossEntropyWithLogits": bce_with_logits,
        "regressionLoss": regression,
        "alongAxis": along_axis,
        "activation": activation,
    }

    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    text = json.dumps(fixtures, separators=(",", ":"), allow_nan=False) + "\n"
    with open(OUT_PATH, "w", encoding="utf-8") as fh:
        fh.write(text)
    counts = {k: len(v) for k, v in fixtures.items() if isinstance(v, list)}
    total = sum(counts.values())
    print(f"wrote {os.path.relpath(OUT_PATH, ROOT)}: {len(text.encode('utf-8'))} bytes, {total} cases {counts}")


if __name__ == "__main__":
    main()
