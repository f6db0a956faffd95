"""What every executor is: one job split into one part per worker, all parts starting
together at a barrier, wall and CPU time reported. Pools are created and warmed by
`start()`, so `run()` measures steady state, not start-up."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pylab import kernels
from pylab.base.stats import median
from pylab.executors.worker import (
    Job,
    Part,
    PartResult,
    WorkerInfo,
    identify,
    run_part,
)
from pylab.host.affinity import Cpus

PART_TIMEOUT_S = 900.0  # no part of a sane cell runs this long; a hang fails the cell


def exit_reason(code: int | None) -> str:
    """How a process ended, from its exit code: `killed by SIGSEGV`, `exited with status 3`."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


@dataclass(frozen=True)
class Run:
    """One timed run of a job: wall and CPU seconds, and the combined result."""

    wall_s: float
    cpu_s: float
    value: Any
    parts: tuple[PartResult, ...]


class Executor:
    kind: str = ""

    def __init__(self, workers: int = 1, start_method: str | None = None) -> None:
        self.workers = workers
        self.start_method = start_method
        self.start_s: float | None = None  # pool creation and first contact

    def __enter__(self) -> Executor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Create the workers and make sure each has started (not timed as steady state)."""
        t0 = time.perf_counter()
        self._start()
        self.identify()
        self.start_s = time.perf_counter() - t0

    def close(self) -> None:
        pass

    def run(self, job: Job, cpus: Cpus | None = None) -> Run:
        """Run `job` split over the workers, each kept on `cpus` if given (pylab.host.affinity);
        the parts' inputs are built before timing."""
        parts = self._parts(job)
        self._prepare(parts)
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        results = self._run_parts(parts, cpus)
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0 + self._children_cpu(results)
        value = kernels.get(job.kernel).combine([r.value for r in results])
        return Run(wall, cpu, value, tuple(results))

    def identify(self) -> list[WorkerInfo]:
        """Which process and thread each worker is, and whether it sees the GIL enabled."""
        return self._map(identify, [()] * self.workers)

    def dispatch_overhead(self, repeats: int = 5) -> float:
        """Median seconds to send W empty tasks through the barrier and get them back."""
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            self.identify()
            times.append(time.perf_counter() - t0)
        return median(times)

    def _parts(self, job: Job) -> list[Part]:
        return [Part(job, i, self.workers) for i in range(self.workers)]

    def _prepare(self, parts: list[Part]) -> None:
        pass

    def _children_cpu(self, results: list[PartResult]) -> float:
        return 0.0

    def _run_parts(self, parts: list[Part], cpus: Cpus | None) -> list[PartResult]:
        return self._map(run_part, [(part, cpus) for part in parts])

    def _start(self) -> None:
        raise NotImplementedError

    def _map(self, fn: Callable[..., Any], args: list[tuple]) -> list[Any]:
        raise NotImplementedError
