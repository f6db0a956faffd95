"""Serial, thread-pool and process-pool executors behind one small interface.

An executor runs a job split into one part per worker, all parts starting
together at a barrier, and reports wall and CPU time. Pools are created and
warmed by `start()`, so `run()` measures steady state, not start-up.
"""

from __future__ import annotations

import multiprocessing
import pickle
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor as _Pool
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from pylab import kernels
from pylab.base import extras
from pylab.base.errors import UserError, unknown_name
from pylab.base.stats import median
from pylab.executors import barriers, subinterpreters
from pylab.executors.barriers import BARRIER_TIMEOUT_S
from pylab.executors.worker import (
    Job,
    Part,
    PartResult,
    WorkerInfo,
    identify,
    init_process,
    part_input,
    run_part,
)
from pylab.host.affinity import Cpus, pinned

EXECUTORS = (
    "serial",
    "threads",
    "processes",
    "interpreters",
    "omp",
    "dask-threads",
    "dask-processes",
)
DASK = ("dask-threads", "dask-processes")  # pylab.executors.dask; only where Dask is installed
START_METHODS = ("fork", "forkserver", "spawn")
RESULT_TIMEOUT_S = 900.0  # no part of a sane cell runs this long; a hang fails the cell


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


class SerialExecutor(Executor):
    """Runs the whole job in one thread: the baseline of every speed-up.

    That thread is the calling one, or with `in_thread` a thread of its own: pure Python
    ran about 4% slower in the main thread than in any other on CPython 3.11 here, so the
    baseline of a thread pool runs where its workers do, in a thread that is not the
    main one, and a W=1 pool then reads 1.0x as it should."""

    kind = "serial"
    _thread: ThreadPoolExecutor | None = None

    def __init__(
        self, workers: int = 1, start_method: str | None = None, in_thread: bool = False
    ) -> None:
        if workers != 1:
            raise UserError("the serial executor runs exactly one worker")
        super().__init__(1, None)
        self._thread = ThreadPoolExecutor(1, "pylab-serial") if in_thread else None

    def _start(self) -> None:
        pass

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True)

    def _prepare(self, parts: list[Part]) -> None:
        for part in parts:
            part_input(part)

    def _run_parts(self, parts: list[Part], cpus: Cpus | None) -> list[PartResult]:
        if self._thread is None:
            return self._pinned_parts(parts, cpus)
        return self._thread.submit(self._pinned_parts, parts, cpus).result()

    def _pinned_parts(self, parts: list[Part], cpus: Cpus | None) -> list[PartResult]:
        with pinned(cpus):  # then unpinned: OpenMP's threads inherit this thread's CPUs
            return [run_part(part) for part in parts]

    def _map(self, fn: Callable[..., Any], args: list[tuple]) -> list[Any]:
        return [fn(*a) for a in args]


class OpenMPExecutor(SerialExecutor):
    """One call in the calling thread, the kernel's own OpenMP loop using W threads.

    The third way to use W cores: parallelism inside the kernel. W is set only
    for this executor's runs; every other cell keeps OpenMP at one thread
    (pylab.host.pools), so OpenMP threads never stack on top of pool workers.
    """

    kind = "omp"

    def __init__(self, workers: int = 1, start_method: str | None = None) -> None:
        from pylab.kernels.base import openmp_built

        if not openmp_built():
            raise UserError("the omp executor needs kernels built with OpenMP")
        Executor.__init__(self, workers, None)

    def _parts(self, job: Job) -> list[Part]:
        return [Part(job)]

    def _run_parts(self, parts: list[Part], cpus: Cpus | None) -> list[PartResult]:
        from pylab.kernels._ext import _openmp

        _openmp.set_threads(self.workers)
        try:
            return super()._run_parts(parts, cpus)
        finally:
            _openmp.set_threads(1)

    def identify(self) -> list[WorkerInfo]:
        return self._map(identify, [()])  # the OpenMP threads themselves are not visible


class _PoolExecutor(Executor):
    _pool: _Pool | None = None
    _barrier: Any = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _map(self, fn: Callable[..., Any], args: list[tuple]) -> list[Any]:
        assert self._pool is not None, "start() the executor first"
        futures = [self._submit(fn, a) for a in args]
        return [f.result(timeout=RESULT_TIMEOUT_S) for f in futures]

    def _submit(self, fn: Callable[..., Any], args: tuple) -> Any:
        raise NotImplementedError


class ThreadExecutor(_PoolExecutor):
    """W threads in this process, sharing its memory and its GIL."""

    kind = "threads"

    def _start(self) -> None:
        self._barrier = threading.Barrier(self.workers)
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="pylab-worker")

    def _submit(self, fn: Callable[..., Any], args: tuple) -> Any:
        return self._pool.submit(fn, *args, self._barrier)


class ProcessExecutor(_PoolExecutor):
    """W processes started with an explicit start method (never the platform default)."""

    kind = "processes"

    def __init__(self, workers: int = 1, start_method: str | None = "fork") -> None:
        if start_method not in multiprocessing.get_all_start_methods():
            raise unknown_name(
                "start method", str(start_method), multiprocessing.get_all_start_methods()
            )
        super().__init__(workers, start_method)

    def _start(self) -> None:
        context = multiprocessing.get_context(self.start_method)
        self._barrier = context.Barrier(self.workers)
        self._pool = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=init_process, initargs=(self._barrier,)
        )

    def _submit(self, fn: Callable[..., Any], args: tuple) -> Any:
        return self._pool.submit(fn, *args)

    def _map(self, fn: Callable[..., Any], args: list[tuple]) -> list[Any]:
        try:
            return super()._map(fn, args)
        except BrokenProcessPool as exc:
            raise BrokenProcessPool(f"{exc} ({self._worker_exits()})") from None

    def _worker_exits(self) -> str:
        """How the broken pool's workers ended, e.g. `workers killed by SIGSEGV`."""
        # The pool keeps its processes privately. Its manager thread reaps them,
        # so read their exit codes only once shutdown has waited for it.
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=True)
        reasons = sorted({exit_reason(p.exitcode) for p in processes if p.exitcode})
        return "workers " + ", ".join(reasons) if reasons else "no worker exit code seen"

    def _children_cpu(self, results: list[PartResult]) -> float:
        # The workers' CPU is not in this process's clock; each part reports its own.
        return sum(r.cpu_s for r in results)


class InterpreterExecutor(_PoolExecutor):
    """W subinterpreters in this process, each with its own GIL, each driven by a thread.

    The pool is InterpreterPoolExecutor (pylab.executors.subinterpreters says which, and where
    there is none). Each worker imports pylab and the kernels in its own interpreter;
    numpy cannot load there, so only kernels whose inputs need none run (the others'
    cells fail with the import error). The thread that dispatches only waits, so the
    main interpreter's GIL is never in the way. Its workers' CPU time is this process's.
    """

    kind = "interpreters"

    def __init__(self, workers: int = 1, start_method: str | None = None) -> None:
        why = extras.why_no_subinterpreters()
        if why is not None:
            raise UserError(f"the interpreters executor is unavailable: {why}")
        super().__init__(workers, None)

    def _start(self) -> None:
        self._pool = subinterpreters.pool(self.workers, "pylab-interpreter")

    def _map(self, fn: Callable[..., Any], args: list[tuple]) -> list[Any]:
        assert self._pool is not None, "start() the executor first"
        barrier = barriers.PipeBarrier(len(args))
        try:
            futures = [self._pool.submit(subinterpreters.call, fn, (*a, barrier)) for a in args]
            barrier.release(futures, BARRIER_TIMEOUT_S)
            return [pickle.loads(f.result(timeout=RESULT_TIMEOUT_S)) for f in futures]
        finally:
            barrier.close()


_CLASSES = {
    "serial": SerialExecutor,
    "threads": ThreadExecutor,
    "processes": ProcessExecutor,
    "interpreters": InterpreterExecutor,
    "omp": OpenMPExecutor,
}


def make_executor(kind: str, workers: int = 1, start_method: str | None = None) -> Executor:
    """An executor by name: `serial`, `threads`, `processes` (with a start method),
    `interpreters`, `omp`, `dask-threads`, `dask-processes`."""
    if kind not in EXECUTORS:
        raise unknown_name("executor", kind, EXECUTORS)
    if kind == "processes":
        return ProcessExecutor(workers, start_method or "fork")
    if kind in DASK:  # imported here: that module builds on this one
        from pylab.executors import dask

        return dask.CLASSES[kind](workers)
    return _CLASSES[kind](workers)
