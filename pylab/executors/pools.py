"""The executors on this interpreter's own pools: serial (one worker, the baseline), omp
(one call of the `omp` variant on W OpenMP threads), a thread pool, a process pool per
start method."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Executor as _Pool
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from pylab.base.errors import UserError, unknown_name
from pylab.base.names import FORK, OMP, PROCESSES, SERIAL, THREADS
from pylab.executors.base import PART_TIMEOUT_S, Executor, exit_reason
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


class SerialExecutor(Executor):
    """Runs the whole job in one thread: the baseline of every speed-up.

    That thread is the calling one, or with `in_thread` a thread of its own: pure Python
    ran about 4% slower in the main thread than in any other on CPython 3.11 here, so the
    baseline of a thread pool runs where its workers do, in a thread that is not the
    main one, and a W=1 pool then reads 1.0x as it should."""

    kind = SERIAL
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

    kind = OMP

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


class PoolExecutor(Executor):
    _pool: _Pool | None = None
    _barrier: Any = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _map(self, fn: Callable[..., Any], args: list[tuple]) -> list[Any]:
        assert self._pool is not None, "start() the executor first"
        futures = [self._submit(fn, a) for a in args]
        return [f.result(timeout=PART_TIMEOUT_S) for f in futures]

    def _submit(self, fn: Callable[..., Any], args: tuple) -> Any:
        raise NotImplementedError


class ThreadExecutor(PoolExecutor):
    """W threads in this process, sharing its memory and its GIL."""

    kind = THREADS

    def _start(self) -> None:
        self._barrier = threading.Barrier(self.workers)
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="pylab-worker")

    def _submit(self, fn: Callable[..., Any], args: tuple) -> Any:
        return self._pool.submit(fn, *args, self._barrier)


class ProcessExecutor(PoolExecutor):
    """W processes started with an explicit start method (never the platform default)."""

    kind = PROCESSES

    def __init__(self, workers: int = 1, start_method: str | None = FORK) -> None:
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
