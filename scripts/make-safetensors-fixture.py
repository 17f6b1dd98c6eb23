#!/usr/bin/env python3
"""Generate the safetensors fixtures that test/io/safetensors.test.ts reads.

Run from anywhere in the repository:

    python3 scripts/make-safetensors-fixture.py

It writes two files into fixtures/safetensors/ (checked in; Python is never needed at test
time):

- reference-layout.safetensors: F32 and F64 tensors (a matrix, a vector, a scalar of shape [],
  an empty (0,4) tensor, inf/-inf/NaN/subnormal values, non-ASCII, astral-plane and
  integer-like names) and one metadata entry. It is laid out exactly as the reference
  implementation lays out a file: "__metadata__" first, then the tensors sorted by descending
  dtype size and by name (Unicode code point order), their bytes in the same order, the header
  padded with spaces to a multiple of 8 bytes. The test checks that our encoder reproduces it
  byte for byte.
- mixed-dtypes.safetensors: one tensor of each other dtype convnet-ts reads (F16, BF16, I64,
  I32, I16, I8, U64, U32, U16, U8, BOOL), with values whose conversion is exact.

Debian has no python3-safetensors, so this script writes the format by hand from the
specification with only the standard library (struct and json). The files it wrote were
checked once by hand against the reference: the safetensors Rust crate (v0.6.2, the core of
the Python package), built offline against Debian's serde crates, validated both files, read
the same values, and its own serialize() of the reference-layout dictionary gave the same bytes.
"""

import json
import math
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "fixtures", "safetensors")

# dtype -> (struct format for one element, little-endian; element size in bytes)
FORMATS = {
    "F64": ("<d", 8),
    "F32": ("<f", 4),
    "F16": ("<e", 2),
    "I64": ("<q", 8),
    "I32": ("<i", 4),
    "I16": ("<h", 2),
    "I8": ("<b", 1),
    "U64": ("<Q", 8),
    "U32": ("<I", 4),
    "U16": ("<H", 2),
    "U8": ("<B", 1),
    "BOOL": ("<?", 1),
}


def element_bytes(dtype, value):
    if dtype == "BF16":
        # bfloat16 is the top half of a float32; the values used here are exact in it.
        (bits,) = struct.unpack("<I", struct.pack("<f", value))
        assert bits & 0xFFFF == 0, f"{value} is not exact in bfloat16"
        return struct.pack("<H", bits >> 16)
    fmt, _ = FORMATS[dtype]
    return struct.pack(fmt, value)


def size_of(dtype):
    return 2 if dtype == "BF16" else FORMATS[dtype][1]


def write_safetensors(path, tensors, metadata=None):
    """tensors: {name: (dtype, shape, flat values)}; laid out as the reference crate does."""
    order = sorted(tensors, key=lambda name: (-size_of(tensors[name][0]), name))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    data = bytearray()
    for name in order:
        dtype, shape, values = tensors[name]
        assert len(values) == math.prod(shape), name
        begin = len(data)
        for v in values:
            data += element_bytes(dtype, v)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [begin, len(data)]}
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)
    print(f"wrote {os.path.relpath(path, ROOT)} ({8 + len(text) + len(data)} bytes)")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    write_safetensors(
        os.path.join(OUT_DIR, "reference-layout.safetensors"),
        {
            "conv1.weight": ("F32", [2, 3], [1.5, -2.0, 0.25, 3.0e-8, 1.0e30, -0.0]),
            "bn.running_var": ("F64", [2], [math.pi, -1.0e-300]),
            "fc.bias": ("F64", [3], [0.1, 1.0 / 3.0, -2.5e100]),
            "special": ("F32", [4], [math.inf, -math.inf, math.nan, 1.0e-45]),
            "scalar": ("F32", [], [42.0]),
            "empty": ("F32", [0, 4], []),
            "10": ("F32", [1], [10.0]),
            "2": ("F32", [1], [2.0]),
            "\u5c421.\u6743\u91cd": ("F32", [1], [7.0]),
            "\U0001d465": ("F32", [1], [8.0]),
            "\ufb01": ("F32", [1], [9.0]),
        },
        {"format": "pt"},
    )
    write_safetensors(
        os.path.join(OUT_DIR, "mixed-dtypes.safetensors"),
        {
            "half": ("F16", [2, 3], [1.0, -2.5, 65504.0, 2.0**-24, -0.0, math.inf]),
            "brain": ("BF16", [3], [1.0, -(2.0**127), 2.0**-133]),
            "bn.num_batches_tracked": ("I64", [], [1234]),
            "i64": ("I64", [3], [-(2**53) + 1, 2**53 - 1, -7]),
            "i32": ("I32", [2], [-(2**31), 2**31 - 1]),
            "i16": ("I16", [2], [-32768, 32767]),
            "i8": ("I8", [2], [-128, 127]),
            "u64": ("U64", [1], [2**53 - 1]),
            "u32": ("U32", [1], [2**32 - 1]),
            "u16": ("U16", [1], [65535]),
            "u8": ("U8", [2, 2], [0, 1, 128, 255]),
            "mask": ("BOOL", [3], [True, False, True]),
        },
        {"producer": "scripts/make-safetensors-fixture.py"},
    )


if __name__ == "__main__":
    main()
