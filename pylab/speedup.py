"""Speed-up of any callable in W threads, as interleaved serial/parallel pairs.

The same method as the core lab's cells (pylab.measure), for work that is not
a kernel: outside extensions (experiments.scaling) and a user's call (probe).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


def threaded(run: Callable[[int], Any], parts: int, workers: int) -> list[Any]:
    """run(i) for every part, the parts dealt over W threads that start together.

    The first exception a part raises is raised here once every thread has ended: a
    thread that died early would otherwise make the parallel run look faster."""
    out: list[Any] = [None] * parts
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def work(k: int) -> None:
        barrier.wait()
        try:
            for i in range(k, parts, workers):
                out[i] = run(i)
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return out


def paired_ratios(
    serial: Callable[[], Any], parallel: Callable[[], Any], repeats: int, check: bool = True
) -> list[float]:
    """serial / parallel wall time per pair, alternating which runs first (drift favours
    neither); with `check`, the parallel result must equal the serial one."""
    expected = serial()  # also the warm-up
    ratios = []
    for r in range(repeats):
        order = [("serial", serial), ("parallel", parallel)]
        wall = {}
        for name, fn in order if r % 2 == 0 else order[::-1]:
            t0 = time.perf_counter()
            got = fn()
            wall[name] = time.perf_counter() - t0
            if check and got != expected:
                raise RuntimeError("the parallel run gave a different result")
        ratios.append(wall["serial"] / wall["parallel"])
    return ratios
