#!/usr/bin/env python3
"""Generate PyTorch golden fixtures for the optimizers and learning-rate schedules.

Run from anywhere in the repository:

    /usr/bin/python3 scripts/make-torch-optim-fixtures.py

It writes fixtures/torch/optim.json (checked in). test/optim/torch-golden.test.ts only reads
that JSON: Python and PyTorch are never needed at test time.

Optimizers: three float64 parameters, (3,4), (5,) and (2,3), start from fixed seeded values and
take STEPS steps. Step s uses a fixed seeded gradient per parameter, scaled by GRAD_SCALES[s] so
that the gradient magnitude varies (AMSGrad's running maximum then matters). Parameter 2 has no
gradient (None) at the steps in NO_GRAD_STEPS: it must be skipped, and its own step count and
buffers must not advance. Each case records every parameter's values after every step.

Schedules: each case records the lr of every param group right after the schedule is made and
after each step() (and, for OneCycleLR, the momentum or beta1 it cycles).

Option names are convnet-ts's (camelCase), translated here to torch's, so the test can pass
each case's options straight to the TypeScript constructors. Numbers are written with Python's
repr, so float64 values are exact.

Needs PyTorch (made with Debian's python3-torch 1.13); nothing else beyond the standard library.
"""

import json
import math
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixture_support import require_torch  # noqa: E402

require_torch("make-torch-optim-fixtures")
import torch  # noqa: E402

# The schedule cases step a schedule without training, which torch warns about; that is intended.
warnings.filterwarnings("ignore", message=r"Detected call of `lr_scheduler\.step\(\)`")

SEED = 20240612
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(ROOT, "fixtures", "torch", "optim.json")

torch.set_default_dtype(torch.float64)
GEN = torch.Generator().manual_seed(SEED)

SHAPES = [(3, 4), (5,), (2, 3)]
STEPS = 6
GRAD_SCALES = [1.0, 0.1, 2.0, 0.5, 3.0, 0.2]
NO_GRAD_STEPS = {1, 3}  # parameter 2 has no grad at these steps


def randn(*shape):
    return torch.randn(*shape, generator=GEN, dtype=torch.float64)


def flat(t):
    data = t.detach().reshape(-1).tolist()
    for v in data:
        if not math.isfinite(v):
            raise ValueError(f"non-finite value {v} in fixture")
    return data


INITIAL = [randn(*shape) for shape in SHAPES]
GRADS = [
    [
        None if (i == 2 and s in NO_GRAD_STEPS) else randn(*shape) * GRAD_SCALES[s]
        for i, shape in enumerate(SHAPES)
    ]
    for s in range(STEPS)
]


def torch_options(name, options):
    """convnet-ts option names -> torch keyword arguments."""
    out = {}
    for key, value in options.items():
        if key == "weightDecay":
            out["weight_decay"] = value
        elif key == "betas":
            out["betas"] = tuple(value)
        else:
            out[key] = value
    return out


OPTIMIZERS = {
    "SGD": torch.optim.SGD,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
}


def optimizer_case(name, kind, groups):
    """groups: [(param indices, options)]; the first group's options are also the defaults."""
    params = [p.clone().requires_grad_() for p in INITIAL]
    defaults = torch_options(kind, groups[0][1])
    torch_groups = [
        {"params": [params[i] for i in indices], **torch_options(kind, options)}
        for indices, options in groups
    ]
    opt = OPTIMIZERS[kind](torch_groups, **defaults)
    trajectory = []
    for s in range(STEPS):
        for i, p in enumerate(params):
            g = GRADS[s][i]
            p.grad = None if g is None else g.clone()
        opt.step()
        trajectory.append([flat(p) for p in params])
    return {
        "name": name,
        "optimizer": kind,
        "groups": [{"params": list(indices), "options": options} for indices, options in groups],
        "trajectory": trajectory,
    }


ALL = [0, 1, 2]

optimizer_cases = [
    optimizer_case("sgd", "SGD", [(ALL, {"lr": 0.1})]),
    optimizer_case("sgd-momentum", "SGD", [(ALL, {"lr": 0.1, "momentum": 0.9})]),
    optimizer_case(
        "sgd-momentum-dampening", "SGD", [(ALL, {"lr": 0.05, "momentum": 0.8, "dampening": 0.3})]
    ),
    optimizer_case(
        "sgd-nesterov-weight-decay",
        "SGD",
        [(ALL, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weightDecay": 0.01})],
    ),
    optimizer_case("sgd-weight-decay", "SGD", [(ALL, {"lr": 0.1, "weightDecay": 0.1})]),
    optimizer_case(
        "sgd-groups",
        "SGD",
        [
            ([0], {"lr": 0.1, "momentum": 0.9}),
            ([1, 2], {"lr": 0.01, "momentum": 0.5, "weightDecay": 0.1}),
        ],
    ),
    optimizer_case("adam", "Adam", [(ALL, {"lr": 0.01})]),
    optimizer_case(
        "adam-weight-decay",
        "Adam",
        [(ALL, {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6, "weightDecay": 0.1})],
    ),
    optimizer_case("adam-amsgrad", "Adam", [(ALL, {"lr": 0.01, "amsgrad": True})]),
    optimizer_case(
        "adam-groups",
        "Adam",
        [([0, 2], {"lr": 0.01}), ([1], {"lr": 0.001, "amsgrad": True, "weightDecay": 0.5})],
    ),
    optimizer_case("adamw", "AdamW", [(ALL, {"lr": 0.01})]),
    optimizer_case(
        "adamw-amsgrad", "AdamW", [(ALL, {"lr": 0.01, "weightDecay": 0.1, "amsgrad": True})]
    ),
]


# ---- Schedules ----


def make_optimizer(kind, group_options):
    params = [torch.zeros(1, requires_grad=True) for _ in group_options]
    groups = [{"params": [p], **torch_options(kind, o)} for p, o in zip(params, group_options)]
    return OPTIMIZERS[kind](groups)


def lrs(opt):
    return [g["lr"] for g in opt.param_groups]


def momenta(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def schedule_case(name, kind, optimizer, group_options, options, make, steps, metrics=None):
    opt = make_optimizer(optimizer, group_options)
    sched = make(opt)
    lr_seq = [lrs(opt)]
    momentum_seq = [momenta(opt)]
    for s in range(steps):
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[s])
        lr_seq.append(lrs(opt))
        momentum_seq.append(momenta(opt))
    case = {
        "name": name,
        "scheduler": kind,
        "optimizer": optimizer,
        "groups": group_options,
        "options": options,
        "lr": lr_seq,
        "momentum": momentum_seq,
    }
    if metrics is not None:
        case["metrics"] = metrics
    return case


def one_cycle(options):
    return lambda opt: torch.optim.lr_scheduler.OneCycleLR(
        opt,
        max_lr=options["maxLr"],
        total_steps=options["totalSteps"],
        pct_start=options.get("pctStart", 0.3),
        anneal_strategy=options.get("annealStrategy", "cos"),
        cycle_momentum=options.get("cycleMomentum", True),
        base_momentum=options.get("baseMomentum", 0.85),
        max_momentum=options.get("maxMomentum", 0.95),
        div_factor=options.get("divFactor", 25.0),
        final_div_factor=options.get("finalDivFactor", 1e4),
        three_phase=options.get("threePhase", False),
    )


def plateau(options):
    return lambda opt: torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt,
        mode=options.get("mode", "min"),
        factor=options.get("factor", 0.1),
        patience=options.get("patience", 10),
        threshold=options.get("threshold", 1e-4),
        threshold_mode=options.get("thresholdMode", "rel"),
        cooldown=options.get("cooldown", 0),
        min_lr=options.get("minLr", 0),
        eps=options.get("eps", 1e-8),
    )


MIN_METRICS = [1.0, 0.9, 0.895, 0.894, 0.9, 0.85, 0.86, 0.86, 0.87, 0.7, 0.71, 0.72, 0.73, 0.74,
               0.75, 0.76, 0.6, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67]
MAX_METRICS = [0.1, 0.2, 0.22, 0.3, 0.31, 0.32, 0.5, 0.5, 0.52, 0.56, 0.57, 0.58, 0.59, 0.7,
               0.7, 0.7, 0.7, 0.7, 0.7, 0.7]

schedule_cases = [
    schedule_case(
        "step-lr",
        "StepLR",
        "SGD",
        [{"lr": 0.1}, {"lr": 0.03}],
        {"stepSize": 3, "gamma": 0.5},
        lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
        10,
    ),
    schedule_case(
        "one-cycle-sgd",
        "OneCycleLR",
        "SGD",
        [{"lr": 0.1, "momentum": 0.9}],
        {"maxLr": 0.5, "totalSteps": 20},
        one_cycle({"maxLr": 0.5, "totalSteps": 20}),
        20,
    ),
    schedule_case(
        "one-cycle-adam-linear",
        "OneCycleLR",
        "Adam",
        [{"lr": 0.001}, {"lr": 0.002}],
        opts := {
            "maxLr": [0.01, 0.02],
            "totalSteps": 15,
            "pctStart": 0.25,
            "annealStrategy": "linear",
            "divFactor": 10.0,
            "finalDivFactor": 100.0,
            "baseMomentum": 0.8,
            "maxMomentum": [0.9, 0.92],
        },
        one_cycle(opts),
        15,
    ),
    schedule_case(
        "one-cycle-three-phase",
        "OneCycleLR",
        "SGD",
        [{"lr": 0.1}],
        opts := {"maxLr": 1.0, "totalSteps": 17, "pctStart": 0.4, "threePhase": True,
                 "cycleMomentum": False},
        one_cycle(opts),
        17,
    ),
    schedule_case(
        "plateau-min-rel",
        "ReduceLROnPlateau",
        "SGD",
        [{"lr": 1.0}],
        opts := {"mode": "min", "factor": 0.5, "patience": 2, "threshold": 0.01, "cooldown": 1,
                 "minLr": 0.1},
        plateau(opts),
        len(MIN_METRICS),
        MIN_METRICS,
    ),
    schedule_case(
        "plateau-max-abs",
        "ReduceLROnPlateau",
        "Adam",
        [{"lr": 0.1}, {"lr": 0.01}],
        opts := {"mode": "max", "factor": 0.3, "patience": 1, "threshold": 0.05,
                 "thresholdMode": "abs", "minLr": [0.01, 0.002]},
        plateau(opts),
        len(MAX_METRICS),
        MAX_METRICS,
    ),
    schedule_case(
        "cosine-annealing",
        "CosineAnnealingLR",
        "SGD",
        [{"lr": 0.1}, {"lr": 0.05}],
        {"totalSteps": 10, "minLr": 0.01},
        lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.01),
        10,
    ),
]


fixture = {
    "source": f"PyTorch {torch.__version__}, scripts/make-torch-optim-fixtures.py, seed {SEED}",
    "initial": [{"shape": list(p.shape), "data": flat(p)} for p in INITIAL],
    "grads": [[None if g is None else flat(g) for g in step] for step in GRADS],
    "optimizers": optimizer_cases,
    "schedules": schedule_cases,
}

os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
with open(OUT_PATH, "w") as f:
    json.dump(fixture, f, separators=(",", ":"))
    f.write("\n")
print(
    f"wrote {os.path.relpath(OUT_PATH, ROOT)}: {len(optimizer_cases)} optimizer cases, "
    f"{len(schedule_cases)} schedule cases, {os.path.getsize(OUT_PATH)} bytes"
)
