"""What runs inside a worker (a pool thread or a pool process): one part of a job.

Workers rebuild their input from (kernel, size, params) instead of receiving it,
so a 500 MiB array is never pickled; the input is cached per process, and the
warm-up runs fill the cache before anything is timed.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pylab import kernels
from pylab.executors.barriers import BARRIER_TIMEOUT_S
from pylab.host.affinity import pin
from pylab.host.machine import gil_enabled

_process_barrier: Any = None  # set in each pool process by init_process


@dataclass(frozen=True)
class Job:
    """A whole measurement's work: `size` units of a kernel variant."""

    kernel: str
    variant: str
    size: int
    params: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Part:
    """Part `index` of `count` of a job, run by one worker."""

    job: Job
    index: int = 0
    count: int = 1


@dataclass(frozen=True)
class PartResult:
    value: Any
    cpu_s: float  # CPU time of the worker thread while the kernel ran
    pid: int
    thread_id: int


@dataclass(frozen=True)
class WorkerInfo:
    pid: int
    thread_id: int
    gil_enabled: bool


def die_with_parent() -> None:
    """On Linux, have the kernel SIGKILL this process when its parent dies.

    A parent that ends normally kills its children's process groups itself; one killed
    with SIGKILL cannot, and a kernel spinning in a child (a hung GIL-holding loop) would
    then take a core forever. Call it only in a process forked by a thread that lives
    as long as the parent (Linux sends the signal when that thread ends). Elsewhere
    this does nothing."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request: nobody would kill us
        os._exit(1)


def init_process(barrier: Any) -> None:
    """Pool-process initializer: keep the pool's barrier (it can only be inherited).

    Ctrl-C reaches the whole process group; only the parent acts on it (it saves
    what is finished and shuts the pool down), so workers ignore SIGINT.
    """
    global _process_barrier
    _process_barrier = barrier
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@lru_cache(maxsize=2)
def job_input(kernel: str, size: int, params: tuple[tuple[str, Any], ...]) -> Any:
    return kernels.get(kernel).make_input(size, **dict(params))


@lru_cache(maxsize=256)  # every part of the widest pool, so none is rebuilt while timed
def part_input(part: Part) -> Any:
    job = part.job
    whole = job_input(job.kernel, job.size, job.params)
    return kernels.get(job.kernel).split(whole, part.count)[part.index]


def rendezvous(barrier: Any = None) -> None:
    """Wait for every worker: at a thread pool's barrier passed in, or the process's own.

    A worker waiting here takes no other task, so W such tasks reach W workers.
    """
    barrier = barrier if barrier is not None else _process_barrier
    if barrier is not None:
        barrier.wait(BARRIER_TIMEOUT_S)


def run_part(part: Part, cpus: frozenset[int] | None = None, barrier: Any = None) -> PartResult:
    """Run one part, on `cpus` if given (pylab.host.affinity); with a barrier, start only once
    every worker is ready."""
    run = kernels.get(part.job.kernel).variant(part.job.variant)
    data = part_input(part)
    pin(cpus)
    rendezvous(barrier)
    cpu0 = time.thread_time()
    value = run(data)
    cpu = time.thread_time() - cpu0
    return PartResult(value, cpu, os.getpid(), threading.get_native_id())


def identify(barrier: Any = None) -> WorkerInfo:
    """A no-op task: who ran it. Through the barrier, so W such tasks reach W workers."""
    rendezvous(barrier)
    return WorkerInfo(os.getpid(), threading.get_native_id(), gil_enabled())
