#!/usr/bin/env python3
"""Generate PyTorch golden fixtures for the modules and model presets.

Run from anywhere in the repository:

    /usr/bin/python3 scripts/make-torch-module-fixtures.py

It writes fixtures/torch/modules.json (checked in). test/nn/torch-modules.test.ts only reads
that JSON: Python and PyTorch are never needed at test time.

Models: seedNet, lenet5 (tanh, average pooling) and fashionNet, built here with torch.nn under
the same parameter names as the TypeScript presets (features.0.weight, ...; batch norm's
running_mean, running_var and num_batches_tracked are written runningMean, runningVar and
numBatchesTracked). Each runs in float64 on a batch of 2 images of 28x28 with labels (3, 7):

  eval   logits in evaluation mode (batch norm uses the running statistics, dropout is the
         identity);
  train  logits, mean cross-entropy loss, every parameter's gradient, and the buffers after
         the forward (batch norm's running statistics move in training mode);
  steps  the parameters after one step of SGD (momentum 0.9, weight decay), Adam and AdamW,
         each from the same starting weights and gradients.

Dropout draws random masks, and torch's generator is not ours, so no fixture can match a
training-mode dropout: fashionNet's train case uses dropout p = 0 (dropout is then the
identity in both), and its eval case uses the default p (identity in evaluation).

Fixed weights without megabytes. seedNet alone has 421,642 parameters, several megabytes of
JSON per copy, so the weights are not listed: every tensor (weights, buffers, inputs) comes
from a recipe that Python and TypeScript compute bit for bit, and the fixture records the
recipe of each tensor (stream, scale, offset) with checksums of the result:

  mix32(x)     = the murmur3 finaliser on 32 bits (xor-shift 16, * 0x85EBCA6B, xor-shift 13,
                 * 0xC2B2AE35, xor-shift 16, all mod 2^32)
  unit(s, k)   = (floor(mix32((k * 0x9E3779B9 + mix32(s + 0x632BE5AB)) mod 2^32) / 2^16) - 2^15) / 2^15
  value[k]     = offset + scale * unit(stream, k)          (k: row-major index)

unit is a multiple of 2^-15 in [-1, 1), so each value is one correctly rounded product and
sum: the same double in both languages. Conv and linear weights and biases use
scale = 1/sqrt(fan_in) (PyTorch's default init range).

Large tensors are not listed in full either. A recorded tensor is {"shape", "data"} when it
has at most FULL_LIMIT elements, and otherwise {"shape", "sample", "sum", "hashDot"}: the
values at the indices floor((2j+1) * size / (2 * count)), j < count, the exact sum (math.fsum)
and the exact sum of value[k] * unit(HASH_STREAM, k), which any error in any element moves.

Numbers are written with Python's repr, so float64 values are exact. Needs PyTorch (made with
Debian's python3-torch 1.13); nothing else beyond the standard library.
"""

import json
import math
import os
import sys
from collections import OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixture_support import require_torch  # noqa: E402

require_torch("make-torch-module-fixtures")
import torch  # noqa: E402
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(ROOT, "fixtures", "torch", "modules.json")

torch.set_default_dtype(torch.float64)

MASK = 0xFFFFFFFF
HASH_STREAM = 999
# Gradients and buffers: full up to 512 elements, else 96 samples. Parameters after an
# optimizer step (an elementwise update): full up to 128 elements, else 48 samples.
GRAD_FULL_LIMIT, GRAD_SAMPLES = 512, 96
STEP_FULL_LIMIT, STEP_SAMPLES = 128, 48

BATCH = 2
IMAGE = 28
LABELS = [3, 7]
OPTIMIZERS = [
    ("SGD", {"lr": 0.05, "momentum": 0.9, "weightDecay": 5e-4}),
    ("Adam", {"lr": 1e-3}),
    ("AdamW", {"lr": 1e-3, "weightDecay": 0.01}),
]


def mix32(x):
    x &= MASK
    x = ((x ^ (x >> 16)) * 0x85EBCA6B) & MASK
    x = ((x ^ (x >> 13)) * 0xC2B2AE35) & MASK
    return x ^ (x >> 16)


def unit(stream, k):
    h = mix32((k * 0x9E3779B9 + mix32(stream + 0x632BE5AB)) & MASK)
    return ((h >> 16) - 32768) / 32768


def recipe_values(size, stream, scale, offset):
    return [offset + scale * unit(stream, k) for k in range(size)]


def recipe_tensor(shape, stream, scale, offset):
    size = math.prod(shape)
    return torch.tensor(recipe_values(size, stream, scale, offset)).reshape(shape)


HASH_WEIGHTS = []


def hash_weights(size):
    while len(HASH_WEIGHTS) < size:
        HASH_WEIGHTS.append(unit(HASH_STREAM, len(HASH_WEIGHTS)))
    return HASH_WEIGHTS[:size]


def finite(values):
    for v in values:
        if not math.isfinite(v):
            raise ValueError(f"non-finite value {v} in fixture")
    return values


def flat(t):
    return finite(t.detach().reshape(-1).tolist())


def sample_indices(size, count):
    return [(2 * j + 1) * size // (2 * count) for j in range(count)]


def checksums(values):
    weights = hash_weights(len(values))
    return {
        "sum": math.fsum(values),
        "hashDot": math.fsum(v * w for v, w in zip(values, weights)),
    }


def record(t, full_limit, samples):
    values = flat(t)
    shape = list(t.shape)
    if len(values) <= full_limit:
        return {"shape": shape, "data": values}
    return {
        "shape": shape,
        "sample": [values[i] for i in sample_indices(len(values), samples)],
        **checksums(values),
    }


# The models, with the TypeScript presets' layer order and names.


def seed_net():
    features = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
    )
    classifier = nn.Sequential(
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10)
    )
    return nn.Sequential(OrderedDict(features=features, classifier=classifier))


def lenet5_tanh_avg():
    features = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.Tanh(),
        nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.Tanh(),
        nn.AvgPool2d(2),
    )
    classifier = nn.Sequential(
        nn.Flatten(),
        nn.Linear(400, 120),
        nn.Tanh(),
        nn.Linear(120, 84),
        nn.Tanh(),
        nn.Linear(84, 10),
    )
    return nn.Sequential(OrderedDict(features=features, classifier=classifier))


def fashion_net(p):
    def block(c_in, c_out):
        return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()]

    features = nn.Sequential(
        *block(1, 32),
        *block(32, 32),
        nn.MaxPool2d(2),
        *block(32, 64),
        *block(64, 64),
        nn.MaxPool2d(2),
    )
    classifier = nn.Sequential(
        nn.Flatten(),
        nn.Dropout(p),
        nn.Linear(3136, 128),
        nn.ReLU(),
        nn.Dropout(p),
        nn.Linear(128, 10),
    )
    return nn.Sequential(OrderedDict(features=features, classifier=classifier))


TS_NAMES = {
    "running_mean": "runningMean",
    "running_var": "runningVar",
    "num_batches_tracked": "numBatchesTracked",
}


def ts_name(key):
    *path, leaf = key.split(".")
    return ".".join([*path, TS_NAMES.get(leaf, leaf)])


def tensor_recipe(model, key, tensor, stream):
    """(scale, offset) of a state dict entry, from the kind of module that holds it."""
    *path, leaf = key.split(".")
    module = model.get_submodule(".".join(path))
    if isinstance(module, (nn.Conv2d, nn.Linear)):
        w = module.weight
        fan_in = w.shape[1] * math.prod(w.shape[2:])
        return 1 / math.sqrt(fan_in), 0.0
    if isinstance(module, nn.BatchNorm2d):
        return {
            "weight": (0.25, 1.0),
            "bias": (0.1, 0.0),
            "running_mean": (0.1, 0.0),
            "running_var": (0.5, 1.0),
            "num_batches_tracked": (0.0, 0.0),
        }[leaf]
    raise ValueError(f"no recipe for {key}")


def set_recipe_state(model, first_stream):
    """Fills every parameter and buffer from its recipe; returns the fixture's description."""
    described = []
    state = OrderedDict()
    for i, (key, tensor) in enumerate(model.state_dict().items()):
        stream = first_stream + i
        scale, offset = tensor_recipe(model, key, tensor, stream)
        shape = list(tensor.shape)
        values = recipe_tensor(shape, stream, scale, offset)
        state[key] = values.to(tensor.dtype)
        described.append(
            {
                "name": ts_name(key),
                "shape": shape,
                "stream": stream,
                "scale": scale,
                "offset": offset,
                **checksums(flat(values)),
            }
        )
    model.load_state_dict(state)
    return described, state


def model_case(name, preset_options, eval_options, build, first_stream, input_stream):
    torch.manual_seed(0)  # only for the construction; every value is then overwritten
    model = build()
    described, initial = set_recipe_state(model, first_stream)
    input_recipe = {"shape": [BATCH, 1, IMAGE, IMAGE], "stream": input_stream, "scale": 0.5, "offset": 0.5}
    x = recipe_tensor(input_recipe["shape"], input_stream, 0.5, 0.5)
    labels = torch.tensor(LABELS)

    model.eval()
    with torch.no_grad():
        eval_logits = model(x)

    def train_forward():
        model.load_state_dict(initial)
        model.train()
        model.zero_grad(set_to_none=True)
        logits = model(x)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        return logits, loss

    logits, loss = train_forward()
    grads = {
        ts_name(k): record(p.grad, GRAD_FULL_LIMIT, GRAD_SAMPLES)
        for k, p in model.named_parameters()
    }
    buffers = {
        ts_name(k): record(b.to(torch.float64), GRAD_FULL_LIMIT, GRAD_SAMPLES)
        for k, b in model.named_buffers()
    }

    steps = []
    for optimizer_name, options in OPTIMIZERS:
        train_forward()
        params = list(model.parameters())
        if optimizer_name == "SGD":
            opt = torch.optim.SGD(
                params, lr=options["lr"], momentum=options["momentum"], weight_decay=options["weightDecay"]
            )
        elif optimizer_name == "Adam":
            opt = torch.optim.Adam(params, lr=options["lr"])
        else:
            opt = torch.optim.AdamW(params, lr=options["lr"], weight_decay=options["weightDecay"])
        opt.step()
        steps.append(
            {
                "optimizer": optimizer_name,
                "options": options,
                "params": {
                    ts_name(k): record(p, STEP_FULL_LIMIT, STEP_SAMPLES)
                    for k, p in model.named_parameters()
                },
            }
        )

    return {
        "name": name,
        "presetOptions": preset_options,
        "evalPresetOptions": eval_options,
        "input": input_recipe,
        "labels": LABELS,
        "state": described,
        "eval": {"logits": flat(eval_logits)},
        "train": {
            "logits": flat(logits),
            "loss": loss.item(),
            "grads": grads,
            "buffers": buffers,
        },
        "steps": steps,
    }


def adaptive_case(input_shape, output_size, stream):
    x = recipe_tensor(input_shape, stream, 1.0, 0.0).requires_grad_()
    y = F.adaptive_avg_pool2d(x, output_size)
    dy = recipe_tensor(list(y.shape), stream + 1, 1.0, 0.0)
    (y * dy).sum().backward()
    return {
        "inputShape": input_shape,
        "outputSize": list(output_size),
        "inputStream": stream,
        "dyStream": stream + 1,
        "y": {"shape": list(y.shape), "data": flat(y)},
        "dx": {"shape": list(x.grad.shape), "data": flat(x.grad)},
    }


def main():
    fixture = {
        "source": f"PyTorch {torch.__version__}, scripts/make-torch-module-fixtures.py",
        "hashStream": HASH_STREAM,
        "models": [
            model_case("seedNet", {}, {}, seed_net, 100, 1000),
            model_case(
                "lenet5",
                {"activation": "tanh", "pooling": "avg"},
                {"activation": "tanh", "pooling": "avg"},
                lenet5_tanh_avg,
                200,
                1001,
            ),
            model_case("fashionNet", {"dropout": 0}, {}, lambda: fashion_net(0.0), 300, 1002),
        ],
        "adaptiveAvgPool2d": [
            adaptive_case([2, 3, 7, 5], (3, 2), 2000),
            adaptive_case([1, 2, 5, 6], (4, 4), 2010),
            adaptive_case([1, 1, 3, 2], (5, 3), 2020),
        ],
    }
    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    with open(OUT_PATH, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT_PATH} ({os.path.getsize(OUT_PATH)} bytes)")


if __name__ == "__main__":
    main()
