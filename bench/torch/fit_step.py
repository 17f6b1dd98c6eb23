"""PyTorch's side of the bench's `fit` and `infer seed-net` lines (bench/contestants/pytorch.ts
spawns it).

The presets of src/nn/presets.ts built with torch.nn, Adam (lr 1e-3), and a DataLoader
(batch 64, shuffled) over the same kind of data as ours: random 28x28x1 images in [0, 1),
normalised per batch as ours are (mean 0.5, std 0.25), random labels of 10 classes. One step is
what `fit` runs: next batch, normalise, zero_grad, forward, cross-entropy, backward, Adam step,
loss read back as a float.

A line protocol on stdin/stdout, one reply line per command, so that the bench times each step
the way it times ours (its own warm-up and sampling, bench/timing.ts):

  info                      -> {"torch": ..., "threads": ..., "capability": ..., "blas": ...}
  prepare <preset> <batch> <images> <threads>
                            -> "ready": builds the model, optimizer and loader
  step                      -> the loss, after one training step
  prepare-infer <batch> <threads>
                            -> "ready": the seed net in eval mode and a fixed batch of inputs
  infer                     -> the first logit, after one forward pass under inference_mode
  noop                      -> "ok": the pipe's round trip alone
  quit
"""

import json
import os
import re
import sys

import torch
from torch import nn

MEAN, STD = 0.5, 0.25


def seed_net() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )


def fashion_net() -> nn.Module:
    def block(cin: int, cout: int) -> list:
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

    return nn.Sequential(
        *block(1, 32),
        *block(32, 32),
        nn.MaxPool2d(2),
        *block(32, 64),
        *block(64, 64),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.25),
        nn.Linear(64 * 7 * 7, 128),
        nn.ReLU(),
        nn.Dropout(0.25),
        nn.Linear(128, 10),
    )


PRESETS = {"seed-net": seed_net, "fashion-net": fashion_net}


def capability() -> str:
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return "?"


def blas() -> str:
    found = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return found.group(1) if found else "?"


class FitStep:
    def __init__(self, preset: str, batch: int, images: int, threads: int) -> None:
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        self.model = PRESETS[preset]()
        self.model.train()
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss = nn.CrossEntropyLoss()
        data = torch.rand(images, 1, 28, 28)
        labels = torch.randint(0, 10, (images,))
        dataset = torch.utils.data.TensorDataset(data, labels)
        self.loader = torch.utils.data.DataLoader(dataset, batch_size=batch, shuffle=True)
        self.batches = iter(self.loader)

    def next_batch(self):
        try:
            return next(self.batches)
        except StopIteration:
            self.batches = iter(self.loader)
            return next(self.batches)

    def step(self) -> float:
        x, y = self.next_batch()
        x = (x - MEAN) / STD
        self.optimizer.zero_grad()
        loss = self.loss(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        return loss.item()


class InferNet:
    """The seed net's forward pass in evaluation mode, no autograd (the bench's infer lines)."""

    def __init__(self, batch: int, threads: int) -> None:
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        self.model = seed_net().eval()
        self.x = (torch.rand(batch, 1, 28, 28) - MEAN) / STD

    def run(self) -> float:
        with torch.inference_mode():
            return float(self.model(self.x)[0, 0])


ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "ATEN_CPU_CAPABILITY")
fit = None
infer = None


def main() -> None:
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        command = words[0]
        try:
            reply = run(command, words[1:])
        except Exception as error:  # reported to the bench, which fails the row with it
            reply = f"error: {type(error).__name__}: {error}".replace("\n", " ")
        if reply is None:
            break
        sys.stdout.write(reply + "\n")
        sys.stdout.flush()


def run(command: str, args: list):
    """One command's reply line, or None for quit."""
    global fit, infer
    if command == "info":
        return json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "capability": capability(),
                "blas": blas(),
                "env": {k: os.environ[k] for k in ENV if k in os.environ},
            }
        )
    if command == "prepare":
        fit = FitStep(args[0], int(args[1]), int(args[2]), int(args[3]))
        return "ready"
    if command == "step":
        return repr(fit.step())
    if command == "prepare-infer":
        infer = InferNet(int(args[0]), int(args[1]))
        return "ready"
    if command == "infer":
        return repr(infer.run())
    if command == "noop":
        return "ok"
    if command == "quit":
        return None
    return f"error: unknown command {command}"


if __name__ == "__main__":
    main()
