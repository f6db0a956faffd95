"""Dask (`dask.distributed`) where it is installed: whether it is, and the settings every
part of pylab that starts or joins a Dask cluster uses.

`distributed` is optional (`pip install pylab-cext-lab[dask]`). Without it the Dask
executors are listed as unavailable with `reason()`, their cells are skipped, and the
commands that need it (`run --scheduler`) say so in one line. `probe` advises a Dask worker
layout where it is installed (or with `--dask`: the advice is arithmetic, pylab.dasklayout).
"""

from __future__ import annotations

import importlib.util
from typing import Any

EXTRA = "pylab-cext-lab[dask]"


def reason() -> str | None:
    """Why Dask cannot be used here, or None if it can."""
    if importlib.util.find_spec("distributed") is None:
        return f"dask.distributed is not installed (pip install '{EXTRA}')"
    return None


def describe() -> dict[str, Any]:
    """For the results' python block: whether Dask runs here, and which version."""
    why = reason()
    if why is not None:
        return {"available": False, "version": None, "reason": why}
    import distributed

    return {"available": True, "version": distributed.__version__, "reason": None}


def require() -> None:
    """Raise UserError (one line) where Dask is not installed."""
    from pylab.errors import UserError

    why = reason()
    if why is not None:
        raise UserError(why)
