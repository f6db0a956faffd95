"""The two ways pylab times parallel work: W threads started together, and interleaved runs.

This machine drifts and is noisy, so a speed-up is never a serial time from minutes
ago divided by a parallel time now: `interleaved` times the runs back to back,
alternating their order so that drift favours none. `run_threads` starts W threads
at a barrier, so that none runs alone while the others start, and re-raises the
first error a thread met: a thread that died early would make a parallel run look
faster. The cells (pylab.measure.cell), the probe and the experiments all use these two.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from pylab.executors.barriers import BARRIER_TIMEOUT_S

T = TypeVar("T")



@dataclass(frozen=True)
class ThreadRun:
    """What W threads returned, when each started and ended, and when they were released."""

    results: list[Any]
    starts: list[float]
    ends: list[float]
    released: float  # perf_counter as the barrier let them go

    @property
    def span_s(self) -> float:
        """From the first thread's start to the last one's end."""
        return max(self.ends) - min(self.starts)

    @property
    def own_s(self) -> list[float]:
        """Each thread's own time, from its start to its end."""
        return [end - start for start, end in zip(self.starts, self.ends, strict=True)]


def run_threads(
    target: Callable[[int], Any], count: int, timeout: float = BARRIER_TIMEOUT_S
) -> ThreadRun:
    """target(i) for i in range(count), each in a thread of its own, released together.

    Each thread times itself from the barrier, so thread start-up is not timed; the
    calling thread only waits (at the barrier, then in join) and takes no GIL from
    them. The first exception a thread raises is raised here once all have ended."""
    barrier = threading.Barrier(count + 1)
    starts, ends = [0.0] * count, [0.0] * count
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            barrier.wait(timeout)
            starts[i] = time.perf_counter()
            results[i] = target(i)
            ends[i] = time.perf_counter()
        except BaseException as exc:  # re-raised in the calling thread below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=body, args=(i,), name=f"pylab-{i}") for i in range(count)]
    released = None
    try:
        for thread in threads:
            thread.start()
        barrier.wait(timeout)
        released = time.perf_counter()
    except threading.BrokenBarrierError:
        pass  # a thread failed first (its error is raised below) or one never started
    finally:
        if released is None:  # frees the threads that wait for one that never started
            barrier.abort()
        for thread in threads:
            if thread.ident is not None:
                thread.join()
    if errors:
        raise errors[0]
    if released is None:
        raise RuntimeError(f"the {count} threads did not start together")
    return ThreadRun(results, starts, ends, released)


def threaded(run: Callable[[int], Any], parts: int, workers: int) -> list[Any]:
    """run(i) for every part, the parts dealt over W threads that start together."""
    dealt = run_threads(lambda k: [run(i) for i in range(k, parts, workers)], workers).results
    out: list[Any] = [None] * parts
    for k, values in enumerate(dealt):
        out[k::workers] = values
    return out


def interleaved(
    runs: Sequence[Callable[[], T]], repeats: int, warmups: int = 0, first: int = 0
) -> list[list[T]]:
    """Each repeat calls every run once, back to back, in order and reversed in turn;
    returns what each repeat's runs returned, in the order given. The warm-ups run the
    same way and are dropped. `first`: the index of the first repeat, for a caller that
    takes repeats one at a time and keeps the turns."""

    def one(r: int) -> list[T]:
        order = list(range(len(runs)))
        got: dict[int, T] = {}
        for i in order if r % 2 == 0 else order[::-1]:
            got[i] = runs[i]()
        return [got[i] for i in order]

    for r in range(warmups):
        one(r)
    return [one(r) for r in range(first, first + repeats)]


def timed(fn: Callable[[], Any]) -> Callable[[], float]:
    """fn as a run that returns its wall seconds."""

    def run() -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    return run


def timings(fn: Callable[[], Any], repeats: int) -> list[float]:
    """Wall seconds of `repeats` calls of fn, one sample per call."""
    run = timed(fn)
    return [run() for _ in range(repeats)]


def paired_ratios(
    serial: Callable[[], Any], parallel: Callable[[], Any], repeats: int, check: bool = True
) -> list[float]:
    """serial / parallel wall time per interleaved pair; with `check`, the parallel result
    must equal the serial one. The first serial call warms up and is the expected result."""
    return [s / p for s, p in paired_times(serial, parallel, repeats, check)]


def paired_times(
    serial: Callable[[], Any], parallel: Callable[[], Any], repeats: int, check: bool = True
) -> list[tuple[float, float]]:
    """(serial, parallel) wall seconds per interleaved pair, as paired_ratios takes them."""
    expected = serial()

    def checked(fn: Callable[[], Any]) -> Callable[[], float]:
        def run() -> float:
            t0 = time.perf_counter()
            got = fn()
            elapsed = time.perf_counter() - t0
            if check and got != expected:
                raise RuntimeError("the parallel run gave a different result")
            return elapsed

        return run

    return [(s, p) for s, p in interleaved([checked(serial), checked(parallel)], repeats)]


def seconds_per_unit(run: Callable[[int], Any], seconds: float = 0.02) -> float:
    """How long run(n) takes per unit of n on this machine: n doubles until one call lasts
    `seconds`, then the best of three calls at that n. Work sized from it lasts the same
    time on a CPU three times slower, where a count tuned on one CPU would not."""
    n = 1024
    while True:
        elapsed = min(timings(partial(run, n), 3))
        if elapsed >= seconds or n >= 1 << 40:
            return elapsed / n
        n *= 2 if elapsed <= 0 else max(2, min(64, int(1.2 * seconds / elapsed) + 1))


def units_for(seconds: float, unit_s: float) -> int:
    """How many units of `unit_s` each last `seconds` (at least one)."""
    return max(1, round(seconds / unit_s))
