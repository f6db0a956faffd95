"""Measuring one cell: calibrate the work, then interleaved serial/parallel pairs.

This machine drifts and is noisy, so a speed-up is never a serial time from
minutes ago divided by a parallel time now. Each repeat times the serial run
and the parallel run back to back (alternating which goes first, so drift
favours neither), and the speed-up is the median of the per-pair ratios with an
order-statistic interval (stats.median_interval).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pylab import kernels
from pylab.executors import Executor, Run, SerialExecutor, make_executor
from pylab.machine import usable_cores
from pylab.plan import CellSpec
from pylab.stats import coefficient_of_variation, median_interval
from pylab.worker import Job, WorkerInfo, job_input

# A cell is flagged noisy when its speed-up interval is wider than this share of
# the median: it cannot then tell 1.6x from 2.0x on two cores.
NOISY_WIDTH = 0.30


@dataclass(frozen=True)
class Settings:
    repeats: int = 6
    warmups: int = 1
    min_time_s: float = 0.15  # the serial run of every cell lasts at least this long
    timeout_s: float = 300.0  # a cell (or a calibration) running longer is stopped and failed
    level: str = "default"  # how much the claim experiments measure (experiments.base.LEVELS)


class WrongResult(Exception):
    """A kernel returned something other than its reference: the cell is invalid."""


@lru_cache(maxsize=8)
def expected(kernel: str, size: int, params: tuple[tuple[str, Any], ...]) -> Any:
    return kernels.get(kernel).reference(job_input(kernel, size, params))


def _checked(run: Run, job: Job, who: str) -> Run:
    want = expected(job.kernel, job.size, job.params)
    if run.value != want:
        raise WrongResult(f"{who} returned {run.value!r}, expected {want!r}")
    return run


def calibrate(kernel: str, variant: str, params: tuple, min_time_s: float) -> int:
    """The smallest size (growing geometrically) whose serial run lasts `min_time_s`."""
    spec = kernels.get(kernel)
    if spec.fixed_size is not None:
        return spec.fixed_size
    serial = SerialExecutor()
    size = spec.start_size
    while True:
        job = Job(kernel, variant, size, params)
        elapsed = min(serial.run(job).wall_s for _ in range(2))
        if elapsed >= min_time_s or size >= spec.max_size:
            return size
        growth = min(max(1.2 * min_time_s / max(elapsed, 1e-6), 1.5), 100.0)
        size = min(spec.max_size, int(size * growth))


def _pair(serial: Executor, parallel: Executor, job: Job, parallel_first: bool) -> tuple[Run, Run]:
    if parallel_first:
        p = _checked(parallel.run(job), job, parallel.kind)
        s = _checked(serial.run(job), job, "serial")
    else:
        s = _checked(serial.run(job), job, "serial")
        p = _checked(parallel.run(job), job, parallel.kind)
    return s, p


def failed_cell(spec: CellSpec, size: int | None, reason: str) -> dict[str, Any]:
    """The record of a cell that could not be measured, and why."""
    record = spec.as_dict() | {"size": size, "unit": kernels.get(spec.kernel).unit}
    return record | {"ok": False, "error": reason, "noisy": False}


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def measure_cell(spec: CellSpec, size: int, settings: Settings) -> dict[str, Any]:
    """Measure one cell; a wrong result or an error gives a failed cell, never a fast one."""
    job = Job(spec.kernel, spec.variant, size, spec.params)
    t0 = time.perf_counter()
    try:
        record = spec.as_dict() | {"size": size, "unit": kernels.get(spec.kernel).unit}
        record |= _measure(spec, job, settings)
    except Exception as exc:  # the cell fails; the run goes on and says why
        record = failed_cell(spec, size, describe(exc))
    return record | {"elapsed_s": round(time.perf_counter() - t0, 3)}


def _measure(spec: CellSpec, job: Job, settings: Settings) -> dict[str, Any]:
    serial = SerialExecutor()
    with make_executor(spec.executor, spec.workers, spec.start_method) as parallel:
        workers = parallel.probe()
        dispatch_s = parallel.dispatch_overhead()
        for i in range(settings.warmups):
            _pair(serial, parallel, job, parallel_first=bool(i % 2))
        pairs = [
            _pair(serial, parallel, job, parallel_first=bool(i % 2))
            for i in range(settings.repeats)
        ]
        start_s = parallel.start_s
    return _summarize(spec, job, pairs, workers, dispatch_s, start_s)


def _summarize(
    spec: CellSpec,
    job: Job,
    pairs: list[tuple[Run, Run]],
    workers: list[WorkerInfo],
    dispatch_s: float,
    start_s: float | None,
) -> dict[str, Any]:
    serial_s = [s.wall_s for s, _ in pairs]
    parallel_s = [p.wall_s for _, p in pairs]
    speedup = median_interval([s / p for s, p in zip(serial_s, parallel_s, strict=True)])
    cores = usable_cores()
    ideal = min(spec.workers, cores)
    cpu_per_wall = median_interval([p.cpu_s / p.wall_s for _, p in pairs])
    throughput = median_interval([job.size / p for p in parallel_s])
    model = kernels.get(spec.kernel).thread_model
    threads = model and spec.executor == "threads"
    predicted = model(dict(spec.params), spec.workers, cores) if threads else None
    return {
        "ok": True,
        "error": None,
        "samples": {
            "serial_s": _rounded(serial_s),
            "parallel_s": _rounded(parallel_s),
            "parallel_cpu_s": _rounded([p.cpu_s for _, p in pairs]),
        },
        "speedup": speedup.as_dict(),
        "efficiency": speedup.scaled(1.0 / ideal).as_dict(),
        "model_speedup": round(predicted, 4) if predicted is not None else None,
        "cpu_per_wall": cpu_per_wall.as_dict(),
        "throughput_per_s": throughput.as_dict(),
        "noisy": speedup.relative_width > NOISY_WIDTH,
        "noise": {
            "speedup_relative_width": round(speedup.relative_width, 4),
            "serial_cv": round(coefficient_of_variation(serial_s), 4),
        },
        "dispatch_s": round(dispatch_s, 6),
        "dispatch_share": round(dispatch_s / statistics.median(parallel_s), 6),
        "pool_start_s": round(start_s, 6) if start_s is not None else None,
        "workers_seen": {
            "pids": len({w.pid for w in workers}),
            "threads": len({(w.pid, w.thread_id) for w in workers}),
            "gil_enabled": sorted({w.gil_enabled for w in workers}),
        },
    }


def _rounded(values: list[float]) -> list[float]:
    return [round(v, 7) for v in values]
