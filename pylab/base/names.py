"""The lab's vocabulary, one spelling each: the executors a cell runs on and the start
methods of its processes. The executors themselves are pylab.executors'; the tables,
plans, presets and plots name them from here."""

from __future__ import annotations

SERIAL = "serial"
THREADS = "threads"
PROCESSES = "processes"
INTERPRETERS = "interpreters"  # subinterpreters with their own GIL: only some Pythons have them
OMP = "omp"  # one call of the `omp` variant on W OpenMP threads
DASK_THREADS = "dask-threads"
DASK_PROCESSES = "dask-processes"

EXECUTORS = (SERIAL, THREADS, PROCESSES, INTERPRETERS, OMP, DASK_THREADS, DASK_PROCESSES)
DASK = (DASK_THREADS, DASK_PROCESSES)  # only where Dask is installed

FORK = "fork"
FORKSERVER = "forkserver"
SPAWN = "spawn"
START_METHODS = (FORK, FORKSERVER, SPAWN)

# Executors as the tables show them: the processes column per start method.
COLUMNS = (THREADS, *START_METHODS, INTERPRETERS, OMP, *DASK)
