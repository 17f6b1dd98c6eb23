#!/usr/bin/env python3
"""A convnet-ts model file as a PyTorch nn.Module: the way out of the project to PyTorch.

    python3 scripts/torch-from-model-file.py MODEL.safetensors
        [--check REFERENCE.safetensors] [--torchscript OUT.pt] [--tolerance 1e-5]

One file, no convnet-ts needed: it reads the model file with plain Python and needs only torch
(Debian: apt install python3-torch) and numpy. A model file is a safetensors file,

    8 bytes        the header's length, unsigned little-endian
    header         JSON: {"__metadata__": {"format": "convnet-ts-model", "spec": "<JSON>", ...},
                          "<tensor>": {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}, ...}
    data           the tensors' bytes, little-endian, offsets counted from the data's start

whose spec (src/io/model-spec.ts) holds "graph" (src/nn/graph/graph-spec.ts): inputs, nodes in
topological order, each {name, op, config, inputs}, and outputs. GraphModule runs the nodes in
that order, each op built as the PyTorch module of the same name and config (the op names are
PyTorch's class names; configs are camelCase), registered under the node's dotted name so the
state-dict keys are the file's (features.0.weight). Buffers are renamed runningMean ->
running_mean, runningVar -> running_var, numBatchesTracked -> num_batches_tracked.

The graph takes what convnet-ts's graph takes: normalised pixels. PixelModel puts the model
file's normalisation in front, (x - mean[c]) * (1 / std[c]), so that it takes pixels in [0, 1]
as `convnet predict` and the exported ONNX model do; --torchscript saves it traced (batch axis
free), loadable with torch.jit.load and nothing else.

--check reads what convnet-ts computed for the same model (scripts/model-reference-output.ts)
and prints, for each output, the largest difference, the output's scale (its largest |value|)
and the first index where they differ most; it exits 1 when a difference exceeds tolerance *
scale. See docs/leaving.md.
"""

import argparse
import json
import os
import struct
import sys

MODEL_FILE_FORMAT = "convnet-ts-model"
REFERENCE_FORMAT = "convnet-ts reference output"
BUFFER_NAMES = {
    "runningMean": "running_mean",
    "runningVar": "running_var",
    "numBatchesTracked": "num_batches_tracked",
}


def require_torch():
    """On Debian python3-torch lives in the system interpreter; a pyenv python3 first on PATH
    may not see it, so retry once with /usr/bin/python3."""
    try:
        import torch  # noqa: F401
    except ImportError:
        system = "/usr/bin/python3"
        if os.path.exists(system) and os.path.realpath(sys.executable) != os.path.realpath(system):
            print(f"torch not importable from {sys.executable}; retrying with {system}", file=sys.stderr)
            os.execv(system, [system, *sys.argv])
        sys.exit("torch-from-model-file: PyTorch is required (apt install python3-torch)")


require_torch()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
          "I8": "i1", "U8": "u1", "BOOL": "?"}


def read_safetensors(path):
    """(tensors by name as torch tensors, metadata dict); errors name the file and the entry."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        sys.exit(f"{path}: not a safetensors file ({len(data)} bytes)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        sys.exit(f"{path}: header length {n} runs past the end of the file ({len(data)} bytes)")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, entry in header.items():
        dtype = DTYPES.get(entry["dtype"])
        if dtype is None:
            sys.exit(f"{path}: tensor '{name}': dtype {entry['dtype']} is not supported")
        begin, end = entry["data_offsets"]
        shape = entry["shape"]
        count = int(np.prod(shape, dtype=np.int64))
        if not 0 <= begin <= end <= len(body) or end - begin != count * np.dtype(dtype).itemsize:
            sys.exit(f"{path}: tensor '{name}': data_offsets {entry['data_offsets']} do not fit "
                     f"shape {shape} of {entry['dtype']} in {len(body)} data bytes")
        array = np.frombuffer(body, dtype=dtype, count=count, offset=begin).reshape(shape)
        tensors[name] = torch.from_numpy(array.astype(array.dtype.newbyteorder("="), copy=True))
    return tensors, metadata


def read_model_file(path):
    tensors, metadata = read_safetensors(path)
    if metadata.get("format") != MODEL_FILE_FORMAT:
        sys.exit(f"{path}: not a convnet-ts model file (__metadata__ format "
                 f"{metadata.get('format')!r}, expected {MODEL_FILE_FORMAT!r})")
    spec = json.loads(metadata["spec"])
    if "graph" not in spec:
        sys.exit(f"{path}: the spec has no graph (a file from before graphs, naming preset "
                 f"{spec.get('preset')!r}): open and save it again with convnet-ts first")
    return spec, tensors


def pair(value):
    return tuple(value) if isinstance(value, list) else value


class Add(nn.Module):
    """The sum of its inputs (a residual join)."""

    def forward(self, xs):
        y = xs[0]
        for x in xs[1:]:
            y = y + x
        return y


class Concat(nn.Module):
    def __init__(self, axis):
        super().__init__()
        self.axis = axis

    def forward(self, xs):
        return torch.cat(xs, dim=self.axis)


class L2Normalize(nn.Module):
    """y = x / max(||x||_2, eps) along axis (F.normalize)."""

    def __init__(self, axis, eps):
        super().__init__()
        self.axis, self.eps = axis, eps

    def forward(self, x):
        return F.normalize(x, p=2.0, dim=self.axis, eps=self.eps)


def upsample(c):
    scale = c["scaleFactor"]
    bilinear = c["mode"] == "bilinear"
    return nn.Upsample(size=pair(c["size"]), scale_factor=pair(scale) if scale is not None else None,
                       mode=c["mode"], align_corners=c["alignCorners"] if bilinear else None)


# One builder per op of src/nn/graph/layer-table.ts (LAYER_TYPES), config in the file's form.
BUILDERS = {
    "Conv2d": lambda c: nn.Conv2d(c["inChannels"], c["outChannels"], pair(c["kernelSize"]),
                                  stride=pair(c["stride"]), padding=pair(c["padding"]),
                                  dilation=pair(c["dilation"]), groups=c["groups"], bias=c["bias"]),
    "ConvTranspose2d": lambda c: nn.ConvTranspose2d(
        c["inChannels"], c["outChannels"], pair(c["kernelSize"]), stride=pair(c["stride"]),
        padding=pair(c["padding"]), output_padding=pair(c["outputPadding"]), groups=c["groups"],
        bias=c["bias"], dilation=pair(c["dilation"])),
    "Linear": lambda c: nn.Linear(c["inFeatures"], c["outFeatures"], bias=c["bias"]),
    "BatchNorm2d": lambda c: nn.BatchNorm2d(c["numFeatures"], eps=c["eps"], momentum=c["momentum"],
                                            affine=c["affine"],
                                            track_running_stats=c["trackRunningStats"]),
    "MaxPool2d": lambda c: nn.MaxPool2d(pair(c["kernelSize"]), stride=pair(c["stride"]),
                                        padding=pair(c["padding"])),
    "AvgPool2d": lambda c: nn.AvgPool2d(pair(c["kernelSize"]), stride=pair(c["stride"]),
                                        padding=pair(c["padding"]),
                                        count_include_pad=c["countIncludePad"]),
    "AdaptiveAvgPool2d": lambda c: nn.AdaptiveAvgPool2d(pair(c["outputSize"])),
    "GlobalAvgPool2d": lambda c: nn.AdaptiveAvgPool2d(1),
    "Flatten": lambda c: nn.Flatten(c["startDim"], c["endDim"]),
    "ReLU": lambda c: nn.ReLU(),
    "LeakyReLU": lambda c: nn.LeakyReLU(c["negativeSlope"]),
    "Sigmoid": lambda c: nn.Sigmoid(),
    "Tanh": lambda c: nn.Tanh(),
    "GELU": lambda c: nn.GELU(),
    "SiLU": lambda c: nn.SiLU(),
    "Softmax": lambda c: nn.Softmax(dim=c["axis"]),
    "L2Normalize": lambda c: L2Normalize(c["axis"], c["eps"]),
    "Dropout": lambda c: nn.Dropout(c["p"]),
    "Upsample": upsample,
    "Add": lambda c: Add(),
    "Concat": lambda c: Concat(c["axis"]),
}
MERGES = {"Add", "Concat"}


class GraphModule(nn.Module):
    """A convnet-ts graph: forward(*inputs) runs the nodes in file order and returns the one
    output, or a tuple of the outputs in the graph's order."""

    def __init__(self, graph):
        super().__init__()
        self.input_names = [i["name"] for i in graph["inputs"]]
        self.output_names = list(graph["outputs"])
        self.steps = []
        for node in graph["nodes"]:
            op = node["op"]
            if op not in BUILDERS:
                sys.exit(f"node '{node['name']}': op {op!r} is not known "
                         f"(known: {', '.join(BUILDERS)})")
            self._register(node["name"], BUILDERS[op](node.get("config", {})))
            self.steps.append((node["name"], op in MERGES, list(node["inputs"])))

    def _register(self, dotted, module):
        """Registers module under a dotted name, making plain containers for the parents."""
        parent = self
        *path, last = dotted.split(".")
        for part in path:
            if not hasattr(parent, part):
                parent.add_module(part, nn.Module())
            parent = getattr(parent, part)
        parent.add_module(last, module)

    def forward(self, *inputs):
        values = dict(zip(self.input_names, inputs))
        for name, merge, sources in self.steps:
            module = self.get_submodule(name)
            args = [values[s] for s in sources]
            values[name] = module(args) if merge else module(args[0])
        outputs = tuple(values[o] for o in self.output_names)
        return outputs[0] if len(outputs) == 1 else outputs


class PixelModel(nn.Module):
    """The model file's normalisation, then the graph: takes pixels in [0, 1]."""

    def __init__(self, graph, normalize):
        super().__init__()
        self.graph = graph
        channels = len(normalize["mean"])
        self.register_buffer("mean", torch.tensor(normalize["mean"], dtype=torch.float32)
                             .reshape(1, channels, 1, 1))
        self.register_buffer("scale", (1 / torch.tensor(normalize["std"], dtype=torch.float64))
                             .to(torch.float32).reshape(1, channels, 1, 1))

    def forward(self, pixels):
        return self.graph((pixels - self.mean) * self.scale)


def torch_state(tensors):
    """The model file's tensors under PyTorch's state-dict names and dtypes."""
    state = {}
    for name, tensor in tensors.items():
        *path, last = name.split(".")
        last = BUFFER_NAMES.get(last, last)
        state[".".join([*path, last])] = tensor.to(torch.int64) if last == "num_batches_tracked" else tensor
    return state


def load_model_file(path):
    """(spec, GraphModule with the file's weights, in eval mode)."""
    spec, tensors = read_model_file(path)
    model = GraphModule(spec["graph"])
    result = model.load_state_dict(torch_state(tensors), strict=False)
    if result.missing_keys or result.unexpected_keys:
        sys.exit(f"{path}: the weights do not fit the graph: missing {result.missing_keys}, "
                 f"unexpected {result.unexpected_keys}")
    return spec, model.eval()


def compare(label, ours, theirs, tolerance):
    """Prints the largest difference relative to the output's scale; True when within."""
    ours = ours.detach().to(torch.float64)
    theirs = theirs.to(torch.float64)
    if tuple(ours.shape) != tuple(theirs.shape):
        print(f"{label}: shape {tuple(ours.shape)} but convnet-ts gave {tuple(theirs.shape)}")
        return False
    diff = (ours - theirs).abs()
    worst = diff.max().item()
    scale = max(theirs.abs().max().item(), 1e-30)
    index = np.unravel_index(int(diff.argmax()), tuple(diff.shape))
    line = (f"{label} {tuple(ours.shape)}: max |torch - convnet-ts| = {worst:.3e}, "
            f"output scale {scale:.4g}, relative {worst / scale:.3e} (at {tuple(int(i) for i in index)})")
    if ours.dim() == 2:
        same = (ours.argmax(1) == theirs.argmax(1)).sum().item()
        line += f", same argmax {same}/{ours.shape[0]}"
    ok = worst <= tolerance * scale
    print(f"{line}  {'ok' if ok else f'FAIL (tolerance {tolerance:g} x scale)'}")
    return ok


def check(spec, model, pixel_model, path, tolerance, scripted):
    tensors, metadata = read_safetensors(path)
    if metadata.get("format") != REFERENCE_FORMAT:
        sys.exit(f"{path}: not a reference output (format {metadata.get('format')!r}, expected "
                 f"{REFERENCE_FORMAT!r}); write one with scripts/model-reference-output.ts")
    inputs = json.loads(metadata["inputs"])
    outputs = json.loads(metadata["outputs"])
    if inputs != model.input_names or outputs != model.output_names:
        sys.exit(f"{path}: inputs {inputs} / outputs {outputs} are not the model's "
                 f"({model.input_names} / {model.output_names})")
    print(f"input: {metadata.get('input')}")
    expected = [tensors[f"output.{o}"] for o in outputs]
    as_tuple = lambda y: y if isinstance(y, tuple) else (y,)  # noqa: E731
    ok = True
    with torch.no_grad():
        got = as_tuple(model(*[tensors[f"input.{i}"] for i in inputs]))
        for name, y, ref in zip(outputs, got, expected):
            ok = compare(f"graph  output '{name}'", y, ref, tolerance) and ok
        pixels = [tensors.get(f"pixels.{i}") for i in inputs]
        if pixel_model is not None and pixels[0] is not None:
            for label, m in [("pixels", pixel_model), ("script", scripted)]:
                if m is None:
                    continue
                for name, y, ref in zip(outputs, as_tuple(m(pixels[0])), expected):
                    ok = compare(f"{label} output '{name}'", y, ref, tolerance) and ok
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", help="a convnet-ts model file (model.safetensors)")
    parser.add_argument("--check", metavar="REFERENCE",
                        help="what convnet-ts computed (scripts/model-reference-output.ts)")
    parser.add_argument("--torchscript", metavar="OUT",
                        help="save the model with its normalisation (pixels in [0,1]) as TorchScript")
    parser.add_argument("--tolerance", type=float, default=1e-5,
                        help="largest difference allowed, relative to the output's scale")
    args = parser.parse_args()

    spec, model = load_model_file(args.model)
    graph = spec["graph"]
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{args.model}: {spec.get('name')} ({spec.get('task')}), {len(graph['nodes'])} nodes, "
          f"{parameters:,} parameters; inputs {[(i['name'], i['shape']) for i in graph['inputs']]}, "
          f"outputs {graph['outputs']}; torch {torch.__version__}")
    pixel_model = PixelModel(model, spec["normalize"]).eval() if len(graph["inputs"]) == 1 else None

    scripted = None
    if args.torchscript is not None:
        if pixel_model is None:
            sys.exit("--torchscript needs a model of one input")
        example = torch.rand(1, *graph["inputs"][0]["shape"])
        with torch.no_grad():
            traced = torch.jit.trace(pixel_model, example)
        traced.save(args.torchscript)
        scripted = torch.jit.load(args.torchscript).eval()
        print(f"wrote {args.torchscript}: TorchScript, pixels (N,{','.join(map(str, example.shape[1:]))}) "
              f"in [0,1]; load with torch.jit.load")

    if args.check is not None and not check(spec, model, pixel_model, args.check,
                                            args.tolerance, scripted):
        sys.exit(1)


if __name__ == "__main__":
    main()
