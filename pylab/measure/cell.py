"""Measuring one cell: calibrate the work, then interleaved serial/parallel pairs.

This machine drifts and is noisy, so a speed-up is never a serial time from
minutes ago divided by a parallel time now. Each pair times the serial run
and the parallel run back to back (alternating which goes first, so drift
favours neither), and the speed-up is the median of the per-pair ratios with an
order-statistic interval (stats.median_interval). How many pairs, and which are
trusted, pylab.measure.sampling decides; which CPU each run gets, pylab.host.affinity.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pylab import kernels
from pylab import results as results_io
from pylab.base.errors import WrongResult
from pylab.base.rules import ideal
from pylab.base.stats import coefficient_of_variation, median_interval
from pylab.executors import Executor, Run, SerialExecutor, make_executor
from pylab.executors.worker import Job, WorkerInfo, job_input
from pylab.host import affinity
from pylab.host.load import Background
from pylab.host.machine import usable_cores
from pylab.measure import capacity, sampling
from pylab.measure.plan import CellSpec
from pylab.measure.sampling import Timed
from pylab.measure.settings import Settings

# A cell is flagged noisy when its speed-up interval is wider than this share of
# the median: it cannot then tell 1.6x from 2.0x on two cores.
NOISY_WIDTH = 0.30


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


def checked_run(executor: Executor, job: Job, who: str) -> Callable[[], Run]:
    return lambda: _checked(executor.run(job), job, who)


def failed_cell(spec: CellSpec, size: int | None, reason: str) -> dict[str, Any]:
    """The record of a cell that could not be measured, and why."""
    return results_io.failed_cell(spec.as_dict(), size, kernels.get(spec.kernel).unit, reason)


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def measure_cell(spec: CellSpec, size: int, settings: Settings) -> dict[str, Any]:
    """Measure one cell; a wrong result or an error gives a failed cell, never a fast one."""
    job = Job(spec.kernel, spec.variant, size, spec.params)
    t0 = time.perf_counter()
    try:
        record = _measure(spec, job, settings)
    except Exception as exc:  # the cell fails; the run goes on and says why
        record = failed_cell(spec, size, error_text(exc))
    return record | {"elapsed_s": round(time.perf_counter() - t0, 3)}


def _measure(spec: CellSpec, job: Job, settings: Settings) -> dict[str, Any]:
    # A thread pool's baseline runs in a thread too (SerialExecutor explains why).
    with (
        SerialExecutor(in_thread=spec.executor == "threads") as serial,
        make_executor(spec.executor, spec.workers, spec.start_method) as parallel,
    ):
        dispatch_s = parallel.dispatch_overhead()
        cpus = affinity.allowed()

        def serial_run(pair: int) -> Timed:
            return timed_run(serial, job, "serial", affinity.cpu_for(pair, cpus))

        def parallel_run(pair: int) -> Timed:
            where = affinity.cpu_for(pair, cpus) if spec.workers == 1 else None
            return timed_run(parallel, job, parallel.kind, where)

        sample, beside = capacity.around(  # the machine's cores, checked beside the pairs
            spec.workers, lambda: sampling.take(serial_run, parallel_run, policy(settings))
        )
        # Asked after the kernel ran in every worker: on a free-threaded build, importing
        # a module that does not declare itself safe without the GIL turns it back on.
        workers = parallel.identify()
        start_s = parallel.start_s
    return _summarize(spec, job, sample, settings, workers, dispatch_s, start_s, beside)


def policy(settings: Settings) -> sampling.Policy:
    return sampling.Policy(
        settings.repeats, settings.precision, settings.max_time_s, settings.warmups
    )


def timed_run(executor: Executor, job: Job, who: str, cpus: affinity.Cpus | None) -> Timed:
    """One checked run, with the CPU its slowest worker used and the load beside it."""
    with Background() as seen:
        run = _checked(executor.run(job, cpus), job, who)
    slowest = max(p.cpu_s for p in run.parts) if len(run.parts) > 1 else run.cpu_s
    share = run.cpu_s / (run.wall_s * executor.workers) if run.wall_s > 0 else 0.0
    assert seen.reading is not None
    return Timed(run.wall_s, slowest, share, seen.reading, run)


def _summarize(
    spec: CellSpec,
    job: Job,
    sample: sampling.Sample,
    settings: Settings,
    workers: list[WorkerInfo],
    dispatch_s: float,
    start_s: float | None,
    beside: dict[str, Any],
) -> dict[str, Any]:
    pairs = sample.pairs
    serial_s = [s.wall_s for s, _ in pairs]
    parallel_s = [p.wall_s for _, p in pairs]
    speedup = median_interval(sample.ratios)
    cores = usable_cores()
    model = kernels.get(spec.kernel).thread_model
    threads = model and spec.executor == "threads"
    return results_io.measured_cell(
        spec.as_dict(),
        job.size,
        kernels.get(spec.kernel).unit,
        samples={
            "serial_s": serial_s,
            "parallel_s": parallel_s,
            "parallel_cpu_s": [p.run.cpu_s for _, p in pairs],
        },
        speedup=speedup,
        efficiency=speedup.scaled(1.0 / ideal(spec.workers, cores)),
        cpu_per_wall=median_interval([p.run.cpu_s / p.wall_s for _, p in pairs]),
        throughput=median_interval([job.size / p for p in parallel_s]),
        model_speedup=model(dict(spec.params), spec.workers, cores) if threads else None,
        noisy_above=NOISY_WIDTH,
        precision=settings.precision,
        serial_cv=coefficient_of_variation(serial_s),
        dispatch_s=dispatch_s,
        pool_start_s=start_s,
        workers_seen={
            "pids": len({w.pid for w in workers}),
            "threads": len({(w.pid, w.thread_id) for w in workers}),
            "gil_enabled": sorted({w.gil_enabled for w in workers}),
        },
        interference=sampling.interference(sample) | {"capacity": beside},
    )
