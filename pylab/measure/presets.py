"""Named selections of cells with their measurement settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pylab.base.errors import unknown_name
from pylab.base.names import (
    DASK,
    EXECUTORS,
    FORK,
    INTERPRETERS,
    OMP,
    PROCESSES,
    SERIAL,
    SPAWN,
    START_METHODS,
    THREADS,
)
from pylab.measure.settings import Settings

# Worker counts are numbers, or "cores" (usable cores) and "2cores" (oversubscribed).
WorkerToken = int | str


@dataclass(frozen=True)
class Preset:
    """A named selection: its kernels, executors, start methods, W and parameters, and the
    settings it changes from the defaults (pylab.measure.settings)."""

    name: str
    summary: str
    kernels: tuple[str, ...]
    # interpreters: only where the interpreter has them (--python 3.13); skipped elsewhere
    executors: tuple[str, ...] = (SERIAL, THREADS, PROCESSES, INTERPRETERS, OMP)
    start_methods: tuple[str, ...] = START_METHODS
    workers: tuple[WorkerToken, ...] = (1, 2, 4, "cores")
    param_grid: Mapping[str, Mapping[str, tuple]] = field(default_factory=dict)
    settings: Settings = Settings()


ALL_KERNELS = ("compute", "stream", "amdahl", "objects", "io")  # never faults
EVERY_EXECUTOR = EXECUTORS
# Dask's own advice is tasks of 100 ms or more (its overhead is ~1 ms a task on a quiet
# machine); runs this long keep a run of W tasks' scheduling a small part of it.
DASK_MIN_TIME_S = 0.5

PRESETS = {
    p.name: p
    for p in (
        Preset(
            "quick",
            "compute and io; every variant; threads, fork processes, subinterpreters, OpenMP; "
            "W 1, 2; short claims",
            kernels=("compute", "io"),
            start_methods=(FORK,),
            workers=(1, 2),
            settings=Settings(level="quick", max_time_s=3.0),
        ),
        Preset(
            "default",
            "every kernel, variant, executor (Dask's in presets dask and full) and start method, "
            "W 1, 2, 4 and the usable cores",
            kernels=ALL_KERNELS,
            param_grid={"amdahl": {"gil_share": (0.0, 0.5, 1.0)}},
        ),
        Preset(
            "dask",
            "Dask's two layouts beside bare pools (spawn, as Dask's workers): compute, amdahl "
            "and io, W 1, 2 and the usable cores, runs of 0.5 s or more; short claims",
            kernels=("compute", "amdahl", "io"),
            executors=(SERIAL, THREADS, PROCESSES, *DASK),
            start_methods=(SPAWN,),
            workers=(1, 2, "cores"),
            param_grid={"amdahl": {"gil_share": (0.0, 0.5, 1.0)}},
            settings=Settings(level="quick", min_time_s=DASK_MIN_TIME_S, max_time_s=8.0),
        ),
        Preset(
            "full",
            "denser W (to 2x cores), gil_share sweep, stream triad too, Dask's layouts too; "
            "12 repeats of 0.3 s",
            kernels=ALL_KERNELS,
            executors=EVERY_EXECUTOR,
            workers=(1, 2, 3, 4, 6, 8, 12, 16, 24, 32, "cores", "2cores"),
            param_grid={
                "amdahl": {"gil_share": tuple(i / 8 for i in range(9))},
                "stream": {"op": ("sum", "triad")},
            },
            settings=Settings(repeats=12, min_time_s=0.3, max_time_s=8.0, level="full"),
        ),
    )
}


def get_preset(name: str) -> Preset:
    if name not in PRESETS:
        raise unknown_name("preset", name, PRESETS)
    return PRESETS[name]


def resolve_workers(tokens: Sequence[WorkerToken], cores: int) -> list[int]:
    """Worker counts for this machine; numbers above twice the cores are dropped."""
    named = {"cores": cores, "2cores": 2 * cores}
    counts = {named[t] if isinstance(t, str) else t for t in tokens}
    return sorted(w for w in counts if w <= max(2 * cores, 4))
