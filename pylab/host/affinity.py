"""Which CPU a timed run gets: the control for the W=1 bias.

Linux keeps a busy thread on the CPU it started on. The serial run (the cell's main
thread) and a one-worker pool (another thread or process) then sit on different
CPUs, and on a shared VM the CPUs are not equally fast: another tenant on the
physical core behind one of them slows every run there for seconds. A W=1 cell then
read 1.6x, the speed ratio of two CPUs rather than anything the executor did. So
each pair of a cell is given one CPU, in turn: the serial run and a single worker
both run there, and over the pairs every CPU is used alike. Wider pools are left
to the scheduler (pinning W workers would be a different experiment).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

Cpus = frozenset[int]


def allowed() -> Cpus:
    """The CPUs this process may use; empty where affinity cannot be set (not Linux)."""
    try:
        return frozenset(os.sched_getaffinity(0))
    except AttributeError:
        return frozenset()


def cpu_for(pair: int, cpus: Cpus) -> Cpus | None:
    """The CPU of pair `pair` (one each, in turn), or None when there is nothing to choose."""
    if len(cpus) < 2:
        return None
    return frozenset({sorted(cpus)[pair % len(cpus)]})


def pin(cpus: Cpus | None) -> None:
    """Keep the calling thread on `cpus` (Linux applies it to this thread only)."""
    if cpus:
        os.sched_setaffinity(0, cpus)


@contextmanager
def pinned(cpus: Cpus | None) -> Iterator[None]:
    """The calling thread on `cpus` for the block, then back where it was allowed: threads
    it starts later (OpenMP's, a pool's) inherit its affinity."""
    if not cpus:
        yield
        return
    before = allowed()
    pin(cpus)
    try:
        yield
    finally:
        pin(before)
