#!/usr/bin/env python3
"""Generate the PyTorch ONNX fixture that test/io/onnx/onnx-torch.test.ts reads.

Run from anywhere in the repository:

    python3 scripts/make-onnx-fixture.py

It defines a small CNN (conv-bn-relu, max pool, a residual add, flatten, linear), sets its
batch-norm statistics away from their initial values, and writes into fixtures/onnx/
(checked in; Python is never needed at test time):

- torch-small.onnx: the model exported by torch.onnx.export in eval mode, opset 17, with a
  dynamic batch axis. training=PRESERVE keeps BatchNormalization as its own node (in its
  inference form) instead of folding it into the convolution, so the importer meets it.
- torch-small.safetensors: the same state dict (PyTorch's key names), written by hand from the
  safetensors specification (8-byte little-endian header length, JSON header, raw
  little-endian data), since Debian has no python3-safetensors.
- torch-small.json: an input batch and PyTorch's output for it, float64 values of the float32
  tensors ({"shape", "data"}, row-major).
- torch-layers.onnx and torch-layers.json: a second small model with the other layers as
  PyTorch exports them (GELU, SiLU, nearest and bilinear Upsample, ConvTranspose2d, AvgPool2d,
  global pooling, softmax, F.normalize; two outputs), its input and its outputs.

Needs PyTorch (made with Debian's python3-torch 1.13; torch.onnx.export needs no onnx package).
"""

import io
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixture_support import arr, require_torch  # noqa: E402

require_torch("make-onnx-fixture")
import torch  # noqa: E402
from torch import nn  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "fixtures", "onnx")


class SmallNet(nn.Module):
    """(N,1,14,14) -> (N,10): conv-bn-relu, pool, a residual conv block, flatten, linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(8 * 7 * 7, 10)

    def forward(self, x):
        x = self.pool(self.relu1(self.bn1(self.conv1(x))))
        x = x + self.relu2(self.conv2(x))
        return self.fc(self.flatten(x))


class LayersNet(nn.Module):
    """(N,1,8,8) -> probabilities (N,3) and an embedding (N,3): the other layers as PyTorch
    exports them (GELU as Div/Erf/Add/Mul/Mul, SiLU as Sigmoid*Mul, nearest and bilinear
    Upsample as Resize, AvgPool2d behind a zero Pad, F.normalize as ReduceL2/Clip/Expand/Div)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.gelu = nn.GELU()
        self.silu = nn.SiLU()
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.upb = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
        self.deconv = nn.ConvTranspose2d(4, 4, 2, stride=2)
        self.avg = nn.AvgPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        y = self.silu(self.gelu(self.conv(x)))
        y = self.avg(self.deconv(self.up(y))) + self.upb(y)
        z = self.fc(torch.flatten(self.gap(y), 1))
        return torch.softmax(z, dim=1), nn.functional.normalize(z, dim=1)


SAFETENSORS_DTYPES = {torch.float32: ("F32", "<f"), torch.int64: ("I64", "<q")}


def write_safetensors(path, tensors):
    """The safetensors layout: u64 header length, the JSON header (padded with spaces to a
    multiple of 8), then each tensor's little-endian bytes in header order."""
    header = {}
    chunks = []
    offset = 0
    for name, t in tensors.items():
        dtype, fmt = SAFETENSORS_DTYPES[t.dtype]
        values = t.contiguous().reshape(-1).tolist()
        data = struct.pack(f"<{len(values)}{fmt[1]}", *values)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in chunks:
            f.write(data)


def main():
    torch.manual_seed(0)
    model = SmallNet()
    with torch.no_grad():
        model.bn1.running_mean.uniform_(-0.5, 0.5)
        model.bn1.running_var.uniform_(0.5, 2.0)
        model.bn1.weight.uniform_(0.5, 1.5)
        model.bn1.bias.uniform_(-0.5, 0.5)
        model.bn1.num_batches_tracked.fill_(7)
    model.eval()

    x = torch.rand(2, 1, 14, 14)
    with torch.no_grad():
        y = model(x)

    os.makedirs(OUT_DIR, exist_ok=True)
    buffer = io.BytesIO()
    torch.onnx.export(
        model,
        x,
        buffer,
        opset_version=17,
        input_names=["image"],
        output_names=["logits"],
        dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}},
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=True,
    )
    with open(os.path.join(OUT_DIR, "torch-small.onnx"), "wb") as f:
        f.write(buffer.getvalue())
    write_safetensors(os.path.join(OUT_DIR, "torch-small.safetensors"), model.state_dict())
    with open(os.path.join(OUT_DIR, "torch-small.json"), "w") as f:
        json.dump({"torch": torch.__version__, "input": arr(x), "output": arr(y)}, f)
        f.write("\n")
    layers = LayersNet().eval()
    x2 = torch.rand(2, 1, 8, 8)
    with torch.no_grad():
        probs, embedding = layers(x2)
    buffer2 = io.BytesIO()
    torch.onnx.export(
        layers,
        x2,
        buffer2,
        opset_version=17,
        input_names=["x"],
        output_names=["probs", "embedding"],
        dynamic_axes={"x": {0: "N"}, "probs": {0: "N"}, "embedding": {0: "N"}},
    )
    with open(os.path.join(OUT_DIR, "torch-layers.onnx"), "wb") as f:
        f.write(buffer2.getvalue())
    with open(os.path.join(OUT_DIR, "torch-layers.json"), "w") as f:
        json.dump({"torch": torch.__version__, "input": arr(x2), "probs": arr(probs), "embedding": arr(embedding)}, f)
        f.write("\n")
    print(f"wrote {OUT_DIR}: torch-small.onnx ({len(buffer.getvalue())} bytes), .safetensors, .json")


if __name__ == "__main__":
    main()
