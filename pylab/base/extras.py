"""The optional extras: whether Dask (`dask.distributed`) and subinterpreters with their own
GIL can be used on this interpreter, and why not where they cannot.

`distributed` is optional (`pip install pylab-cext-lab[dask]`). Without it the Dask
executors are listed as unavailable with `why_no_dask()`, their cells are skipped, and the
commands that need it (`run --scheduler`) say so in one line. `probe` advises a Dask worker
layout where it is installed (or with `--dask`: the advice is arithmetic,
pylab.probing.dasklayout).

Subinterpreters need a pool, `InterpreterPoolExecutor`: the standard library's from Python
3.14, the PEP 734 backport's (`pip install pylab-cext-lab[interpreters]`, import name
`interpreters_backport`) on 3.13. pylab.executors.subinterpreters runs work on them.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
import sysconfig
from typing import Any

from pylab import DISTRIBUTION
from pylab.base.errors import UserError

DASK_EXTRA = f"{DISTRIBUTION}[dask]"
SUBINTERPRETERS_EXTRA = f"{DISTRIBUTION}[interpreters]"
# (first Python version, module holding InterpreterPoolExecutor, distribution to install)
POOLS = (
    ((3, 14), "concurrent.futures", None),
    ((3, 13), "interpreters_backport.concurrent.futures", "interpreters-pep-734"),
)


def why_no_dask() -> str | None:
    """Why Dask cannot be used here, or None if it can."""
    if importlib.util.find_spec("distributed") is None:
        return f"dask.distributed is not installed (pip install '{DASK_EXTRA}')"
    return None


def dask_info() -> dict[str, Any]:
    """For the results' python block: whether Dask runs here, and which version."""
    why = why_no_dask()
    if why is not None:
        return {"available": False, "version": None, "reason": why}
    # The installed distribution's version, not the module's: importing distributed takes
    # 1.1 s on the 2-core VM, and every probe and atlas call's child writes this block.
    try:
        version = importlib.metadata.version("distributed")
    except importlib.metadata.PackageNotFoundError:  # importable, but not installed by pip
        version = None
    return {"available": True, "version": version, "reason": None}


def require_dask() -> None:
    """Raise UserError (one line) where Dask is not installed."""
    why = why_no_dask()
    if why is not None:
        raise UserError(why)


def interpreter_pool() -> tuple[str | None, str | None]:
    """(module holding InterpreterPoolExecutor, None) where a pool can exist, or (None, why
    not). Python 3.12 has per-interpreter GILs too, but nothing pylab can trust there: the
    PEP 734 backport crashes on import, and with `backports.interpreters` (no pool; tried
    2026-12-03 with a thread per interpreter) two GIL-holding calls in two subinterpreters
    took twice as long as one, and the process hung at exit."""
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        return None, (
            "a free-threaded build has no GIL to give each subinterpreter; its threads "
            "already run in parallel"
        )
    for since, module, distribution in POOLS:
        if sys.version_info[:2] < since:
            continue
        if distribution and importlib.util.find_spec(module.split(".")[0]) is None:
            return None, (
                f"the PEP 734 backport is not installed (pip install '{SUBINTERPRETERS_EXTRA}')"
            )
        return module, None
    version = ".".join(map(str, sys.version_info[:2]))
    known = " (the 3.12 backports tried gave no parallel speed-up)" if version == "3.12" else ""
    return None, (
        f"Python {version} has no subinterpreter pool{known}: it needs Python 3.13 with the "
        "PEP 734 backport, or 3.14+; select one with --python 3.13"
    )


def why_no_subinterpreters() -> str | None:
    """Why the `interpreters` executor cannot run on this interpreter, or None if it can."""
    return interpreter_pool()[1]


def subinterpreters_info() -> dict[str, Any]:
    """For the results' python block: whether subinterpreters run here, with what."""
    module, why = interpreter_pool()
    return {"available": module is not None, "pool": module, "reason": why}
