"""The executors: serial, thread and process pools (pools), subinterpreters with their own
GIL (subinterpreters), Dask's two layouts (dask), behind one interface (base), started at
one barrier (barriers), each worker running its part (worker). This module is the
registry: `make_executor(name, ...)`. The names are pylab.base.names'.
"""

from __future__ import annotations

from pylab.base.errors import unknown_name
from pylab.base.names import (
    DASK,
    EXECUTORS,
    FORK,
    INTERPRETERS,
    OMP,
    PROCESSES,
    SERIAL,
    START_METHODS,
    THREADS,
)  # fmt: skip
from pylab.executors.base import PART_TIMEOUT_S, Executor, Run, exit_reason
from pylab.executors.pools import OpenMPExecutor, ProcessExecutor, SerialExecutor, ThreadExecutor
from pylab.executors.subinterpreters import InterpreterExecutor

__all__ = [
    "DASK", "EXECUTORS", "PART_TIMEOUT_S", "START_METHODS", "Executor", "Run",
    "SerialExecutor", "exit_reason", "make_executor",
]  # fmt: skip

_CLASSES = {
    SERIAL: SerialExecutor,
    THREADS: ThreadExecutor,
    PROCESSES: ProcessExecutor,
    INTERPRETERS: InterpreterExecutor,
    OMP: OpenMPExecutor,
}


def make_executor(kind: str, workers: int = 1, start_method: str | None = None) -> Executor:
    """An executor by name: `serial`, `threads`, `processes` (with a start method),
    `interpreters`, `omp`, `dask-threads`, `dask-processes`."""
    if kind not in EXECUTORS:
        raise unknown_name("executor", kind, EXECUTORS)
    if kind == PROCESSES:
        return ProcessExecutor(workers, start_method or FORK)
    if kind in DASK:  # imported here: that module builds on this one
        from pylab.executors import dask

        return dask.CLASSES[kind](workers)
    return _CLASSES[kind](workers)
