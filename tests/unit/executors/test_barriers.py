"""The barriers that start a pool's workers together (pylab.executors.barriers): through
a pipe for threads and subinterpreters, first in first out for spawned processes."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from pylab.base import extras
from pylab.executors import barriers

needs_dask = pytest.mark.skipif(extras.why_no_dask() is not None, reason=str(extras.why_no_dask()))


def test_the_pipe_barrier_starts_every_worker_together_and_survives_a_failure() -> None:
    barrier = barriers.PipeBarrier(3)
    passed = []

    def worker(fail: bool) -> None:
        if fail:
            raise RuntimeError("failed before the barrier")
        barrier.wait(10)
        passed.append(threading.get_ident())

    try:
        with ThreadPoolExecutor(3) as pool:
            futures = [pool.submit(worker, False) for _ in range(3)]
            barrier.release(futures, 10)
            assert [f.result(10) for f in futures] == [None] * 3 and len(passed) == 3
            # one fails before it arrives: those that arrived are let go, nobody hangs
            futures = [pool.submit(worker, i == 0) for i in range(3)]
            barrier.release(futures, 10)
            with pytest.raises(RuntimeError, match="before the barrier"):
                futures[0].result(10)
            assert [f.result(10) for f in futures[1:]] == [None, None] and len(passed) == 5
    finally:
        barrier.close()


def _wait(barrier) -> int:
    barrier.wait(30)
    return multiprocessing.current_process().pid


@needs_dask
def test_a_fifo_barrier_starts_spawned_processes_together() -> None:
    from pylab.executors.barriers import FifoBarrier

    barrier = FifoBarrier(2)
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(2, mp_context=context) as pool:
            waiting = [pool.submit(_wait, barrier) for _ in range(2)]
            barrier.release(waiting, 30)
            assert len({w.result(30) for w in waiting}) == 2
        with pytest.raises(TimeoutError):  # nobody opens it: a worker waits, then says so
            barrier.wait(0.2)
    finally:
        barrier.close()
