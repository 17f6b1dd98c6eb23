"""Shared by the scripts/make-torch-*.py fixture generators: finding PyTorch, and writing arrays.

Python and PyTorch are needed only to regenerate the fixtures, never at test time.
"""

import math
import os
import sys


def require_torch(script):
    """Makes `import torch` work: on Debian, python3-torch lives in the system interpreter, and a
    pyenv/venv `python3` first on PATH may not see it, so retry once with /usr/bin/python3."""
    try:
        import torch  # noqa: F401
    except ImportError:
        system_python = "/usr/bin/python3"
        if (
            os.path.exists(system_python)
            and os.path.realpath(sys.executable) != os.path.realpath(system_python)
            and os.environ.get("MAKE_TORCH_FIXTURES_REEXEC") != "1"
        ):
            print(
                f"torch not importable from {sys.executable}; retrying with {system_python}",
                file=sys.stderr,
            )
            os.environ["MAKE_TORCH_FIXTURES_REEXEC"] = "1"
            os.execv(system_python, [system_python, *sys.argv])
        sys.exit(f"{script}: PyTorch is required (apt install python3-torch)")


def arr(t):
    """A tensor as {"shape", "data"}: flattened row-major, full float64 precision."""
    import torch

    t = t.detach().to(torch.float64).contiguous()
    data = t.reshape(-1).tolist()
    for v in data:
        if not math.isfinite(v):
            raise ValueError(f"non-finite value {v} in fixture")
    return {"shape": list(t.shape), "data": data}


def pair(v):
    return [v, v] if isinstance(v, int) else [int(v[0]), int(v[1])]


def shape_str(t):
    return "(" + ",".join(str(d) for d in t.shape) + ")"
