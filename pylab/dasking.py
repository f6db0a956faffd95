"""Dask (`dask.distributed`) where it is installed: whether it is, and the settings every
part of pylab that starts or joins a Dask cluster uses.

`distributed` is optional (`pip install pylab-cext-lab[dask]`). Without it the Dask
executors are listed as unavailable with `reason()`, their cells are skipped, and the
commands that need it (`run --scheduler`) say so in one line. `probe` advises a Dask worker
layout where it is installed (or with `--dask`: the advice is arithmetic, pylab.dasklayout).
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Mapping
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


def local_cluster(processes: int, threads: int, config: Mapping[str, Any], **more: Any) -> Any:
    """A LocalCluster of `processes` worker processes (started by nannies) of `threads`
    threads each, on 127.0.0.1, with no dashboard; `config` set while it starts (the
    nannies hand it to their workers), `more` to LocalCluster."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(dict(config)), warnings.catch_warnings():
        # No dashboard, but the scheduler's HTTP server still tries port 8787 first and
        # warns when another cluster has it; it then takes a free one.
        warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
        return LocalCluster(
            n_workers=processes, threads_per_worker=threads, processes=True,
            host="127.0.0.1", dashboard_address=None, worker_dashboard_address=None, **more,
        )  # fmt: skip
