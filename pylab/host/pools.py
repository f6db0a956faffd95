"""Keep library thread pools (BLAS, OpenMP) from stacking on top of the lab's workers.

The variables must be set before numpy is first imported (OpenBLAS sizes its pool
when it loads); worker processes inherit them. threadpoolctl then limits pools
already loaded in this process, and reports what is there, for the results.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

PINNED_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "BLIS_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}


def pin_environment() -> None:
    """Set every pool-size variable to 1, for this process and its children."""
    os.environ.update(PINNED_ENV)


def pin_thread_pools() -> dict[str, Any]:
    """Pin the pools loaded in this process to one thread; return what was pinned."""
    from threadpoolctl import threadpool_info, threadpool_limits

    pin_environment()
    threadpool_limits(limits=1)
    return _record(threadpool_info())


@contextmanager
def pools_pinned() -> Iterator[dict[str, Any]]:
    """Pin the pools loaded in this process to one thread while inside, and restore them
    after: for the probe's API, which runs in the user's process. Yields the record."""
    from threadpoolctl import threadpool_info, threadpool_limits

    with threadpool_limits(limits=1):
        yield _record(threadpool_info())


def _record(info: list[dict[str, Any]]) -> dict[str, Any]:
    pools = [
        {k: pool.get(k) for k in ("user_api", "internal_api", "num_threads", "version")}
        for pool in info
    ]
    return {"env": {k: os.environ.get(k) for k in PINNED_ENV}, "threadpools": pools}
