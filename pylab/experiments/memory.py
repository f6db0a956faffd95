"""C11, C12: processes have a larger memory footprint; threads are lightweight.

Pool footprint (C11): a pool of W workers, each of which has imported numpy and the
lab's kernels and run one small kernel call, passed a barrier (so W tasks reach W
workers) and reported its pid:
- threads: this process's PSS with the W pool threads warm, minus its PSS just before
  the pool was created. numpy and the kernels are imported here first, as any program
  running them in threads has them, so the difference is what the threads add;
- processes, per start method (fork, forkserver, spawn): the summed PSS of the W worker
  processes (USS where the kernel gives no PSS; `metric` says which was used).
PSS splits every page shared by several processes between them. Fork workers share the
parent's pages (numpy included) copy-on-write, so they look far cheaper than spawn or
forkserver workers, which import numpy privately. That is real, not hidden: the data
also carry each pool's USS sum (private pages only) and `added_bytes`, the growth of
parent plus workers together, which is what the pool really cost the machine. The
forkserver process itself is shared by all pools and not counted.
- subinterpreters (where this interpreter has them with their own GIL: 3.13 with the
  PEP 734 backport, 3.14+; elsewhere `interpreter_pool` says why not): measured like the
  threads, this process's PSS with W warm InterpreterPoolExecutor workers minus just
  before. A worker imports what a spawn or forkserver worker does (this module, to find
  its task, and the kernels) and runs the same call, but not numpy, which cannot load in
  a subinterpreter (nor the stream kernel, which needs it): the process workers carry
  numpy's pages and a subinterpreter does not. Measured last, after every process pool:
  CPython keeps ~1.75 MB of each closed interpreter, which fork workers would otherwise
  share. They enter no rule; C11's and C12's reasons say where a subinterpreter worker
  sits between a thread and a process.

Per extra thread (C12): N idle threads blocked on a threading.Event; this process's
PSS and RSS growth divided by N. A thread reserves a whole stack (threading.stack_size(),
0 = the platform default, which on Linux follows RLIMIT_STACK's soft limit, both
recorded) but only the pages it touches count.

Rules (per-worker numbers are divided by W; for processes the median over repeated
pools, for threads the largest seen, as a first pool or batch gets fresh stacks and
later ones reuse freed ones):
- C11 holds when every start method's per-worker footprint is at least FOOTPRINT_RATIO
  times the thread pool's per-worker footprint and at least FOOTPRINT_MARGIN bytes above
  it; partly when only some start methods are (named: fork, sharing its parent's pages,
  is the usual exception); fails when none is.
- C12 holds when an extra thread adds under THREAD_SMALL bytes of PSS and at least
  LIGHT_RATIO times less than the smallest per-worker process footprint; partly when
  only one of the two is true; fails when neither is.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from pylab.base.fmt import MIB, fmt_bytes, fmt_place, fmt_times
from pylab.base.stats import median, summarize
from pylab.executors import barriers, subinterpreters
from pylab.executors.barriers import BARRIER_TIMEOUT_S
from pylab.executors.worker import init_process, rendezvous
from pylab.experiments._kit import (
    FORK,
    ON_THIS_INTERPRETER,
    judge_for,
    judges,
    pool_workers,
    scaled_count,
    start_methods,
    subinterpreter_part,
    subinterpreter_status,
    tiny,
)
from pylab.experiments.base import Level, Verdict

NAME = "memory"
CLAIMS = ("C11", "C12")

# A process worker must cost at least twice a thread worker, and by a size that matters
# (2 MiB is more than a thread's touched stack pages, far less than an interpreter),
# so that noise in PSS of a few hundred KiB cannot make the claim hold.
FOOTPRINT_RATIO = 2.0
FOOTPRINT_MARGIN = 2 * MIB
# "Lightweight": an idle thread costs well under a MiB (its touched stack pages and
# thread state), and at least ten times less than the cheapest process worker.
THREAD_SMALL = 1 * MIB
LIGHT_RATIO = 10.0
# The data's sections the report reads too (pylab.report.costs, the memory plot), and
# what each pool's section gives per worker: the verdicts' figure.
THREAD_POOL, PROCESS_POOLS, INTERPRETER_POOL = "thread_pool", "process_pools", "interpreter_pool"
PER_THREAD = "per_thread"
PER_WORKER = "per_worker_bytes"
# Said beside a subinterpreter's figure: it is not the same load as a process worker's.
NO_NUMPY = " (the kernels as in a process worker, but no numpy: it cannot load in one)"


def load_kernels() -> None:
    """What every worker holds: numpy and the lab's kernels, with one small call each."""
    import numpy as np

    from pylab import kernels

    compute = kernels.get("compute")
    kernels.get("stream")  # imported, not run: its inputs are arrays of 64 MiB and more
    compute.variant("nogil")(compute.make_input(1000))
    np.arange(1000).sum()


def _warm_worker(barrier: Any = None) -> int:
    load_kernels()
    rendezvous(barrier)
    return os.getpid()


def _warm_interpreter(barrier: barriers.PipeBarrier) -> int:
    """load_kernels in a subinterpreter, as far as it runs there: no numpy, no stream."""
    from pylab import kernels

    compute = kernels.get("compute")
    compute.variant("nogil")(compute.make_input(1000))
    barrier.wait(BARRIER_TIMEOUT_S)
    return threading.get_ident()  # its pool thread: W distinct ones, W workers


def _usage(pid: int | None = None) -> dict[str, int]:
    import psutil

    info = psutil.Process(pid).memory_full_info()
    pss = getattr(info, "pss", None)
    return {"pss": pss if pss is not None else info.uss, "uss": info.uss, "rss": info.rss}


def _metric() -> str:
    import psutil

    return "pss" if getattr(psutil.Process().memory_full_info(), "pss", None) else "uss"


def _thread_pool(workers: int) -> dict[str, int]:
    """What W warm pool threads add to this process."""
    gc.collect()
    before = _usage()
    barrier = threading.Barrier(workers)
    with ThreadPoolExecutor(workers, thread_name_prefix="pylab-memory") as pool:
        futures = [pool.submit(_warm_worker, barrier) for _ in range(workers)]
        for future in futures:
            future.result(BARRIER_TIMEOUT_S)
        after = _usage()
    return {key: after[key] - before[key] for key in ("pss", "uss", "rss")}


def _process_pool(method: str, workers: int) -> dict[str, int]:
    """Summed memory of W warm worker processes, and what parent and workers gained."""
    context = multiprocessing.get_context(method)
    gc.collect()
    before = _usage()
    pool = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=init_process,
        initargs=(context.Barrier(workers),),
    )
    try:
        futures = [pool.submit(_warm_worker) for _ in range(workers)]
        pids = sorted({future.result(BARRIER_TIMEOUT_S) for future in futures})
        seen = [_usage(pid) for pid in pids]
        parent = _usage()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    sums = {key: sum(u[key] for u in seen) for key in ("pss", "uss", "rss")}
    sums["added"] = parent["pss"] - before["pss"] + sums["pss"]
    sums["distinct_pids"] = len(pids)
    return sums


def _interpreter_pool(workers: int) -> dict[str, int]:
    """What W warm subinterpreter workers add to this process."""
    barrier = barriers.PipeBarrier(workers)  # two pipes: a few bytes of the kernel's
    try:
        gc.collect()
        before = _usage()
        with subinterpreters.pool(workers, "pylab-memory") as pool:
            futures = [pool.submit(_warm_interpreter, barrier) for _ in range(workers)]
            barrier.release(futures, BARRIER_TIMEOUT_S)
            threads = {future.result(BARRIER_TIMEOUT_S) for future in futures}
            after = _usage()
    finally:
        barrier.close()
    sample = {key: after[key] - before[key] for key in ("pss", "uss", "rss")}
    sample["distinct_workers"] = len(threads)
    return sample


def _interpreter_pools(workers: int, repeats: int) -> dict[str, Any]:
    found = subinterpreter_status()
    if not found["available"]:
        return found
    samples = [_interpreter_pool(workers) for _ in range(repeats)]
    # The largest, as for threads: a later pool may reuse what an earlier one left.
    imported = {"imported": "pylab.experiments.memory, pylab.kernels.compute; not numpy"}
    return {"available": True, **imported, **_pool_data(samples, workers, max)}


def _idle_threads(count: int) -> dict[str, float]:
    """Memory per thread of `count` started threads blocked on an Event."""
    gc.collect()
    before = _usage()
    release = threading.Event()
    started = []
    try:
        for _ in range(count):
            thread = threading.Thread(target=release.wait, daemon=True)
            thread.start()  # returns once the thread runs: its stack is in use
            started.append(thread)
        after = _usage()
    finally:
        release.set()
        for thread in started:
            thread.join()
    return {key: (after[key] - before[key]) / count for key in ("pss", "rss")}


def _pool_repeats(level: Level) -> int:
    # Page counts vary much less than times; a few pools per method are enough.
    return 1 if tiny(level) else max(3, level.repeats // 2)


def _summary(samples: list[dict[str, int]], key: str) -> dict[str, float]:
    return summarize([float(s[key]) for s in samples])


def _pool_data(
    samples: list[dict[str, int]], workers: int, pick: Callable[[list[float]], float]
) -> dict[str, Any]:
    keys = [k for k in ("pss", "uss", "rss", "added") if k in samples[0]]
    data: dict[str, Any] = {f"{k}_bytes": _summary(samples, k) for k in keys}
    data[PER_WORKER] = pick([s["pss"] for s in samples]) / workers
    data["samples"] = samples
    return data


def _stack_info() -> dict[str, Any]:
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    return {
        "threading_stack_size": threading.stack_size(),  # 0: the platform default
        "rlimit_stack_soft": None if soft == resource.RLIM_INFINITY else soft,
        "rlimit_stack_hard": None if hard == resource.RLIM_INFINITY else hard,
    }


def measure(level: Level, cells: list[dict[str, Any]]) -> dict[str, Any]:
    workers = pool_workers(level)
    repeats = _pool_repeats(level)
    thread_count = scaled_count(level, 200, 20)
    methods = start_methods()
    numpy_was_imported = "numpy" in sys.modules
    load_kernels()  # the baseline of the thread pool already has them
    # Threads first: while process pools live, the parent's PSS shrinks (shared pages).
    thread_pools = [_thread_pool(workers) for _ in range(repeats)]
    idle = [_idle_threads(thread_count) for _ in range(level.repeats)]
    process_pools = {m: [_process_pool(m, workers) for _ in range(repeats)] for m in methods}
    interpreter_pool = _interpreter_pools(workers, repeats)  # last: see the docstring
    return {
        "workers": workers,
        "repeats": repeats,
        "metric": _metric(),
        "start_methods": methods,
        "numpy_imported_before_measure": numpy_was_imported,
        # Threads: the largest seen (a first pool gets fresh stacks, later ones reuse
        # freed ones), so no cache flatters them; processes: the median.
        THREAD_POOL: _pool_data(thread_pools, workers, max),
        PROCESS_POOLS: {m: _pool_data(s, workers, median) for m, s in process_pools.items()},
        INTERPRETER_POOL: interpreter_pool,
        PER_THREAD: {
            "threads": thread_count,
            "repeats": level.repeats,
            "pss_bytes": summarize([s["pss"] for s in idle]),
            "rss_bytes": summarize([s["rss"] for s in idle]),
            "per_thread_bytes": max(s["pss"] for s in idle),  # the largest, as for the pool
            **_stack_info(),
        },
    }


def _subinterpreter(data: dict[str, Any], others: dict[str, float], note: str = "") -> Any:
    """A subinterpreter worker's footprint and where it sits among `others` (the reason's
    part and its numbers), or why there is none."""

    def measured(pool: dict[str, Any]) -> tuple[str, Any]:
        size = max(0.0, pool[PER_WORKER])
        where = fmt_place(size, others, fmt_bytes)
        text = f"; a subinterpreter worker {fmt_bytes(size)}{note}, {where}"
        return text, {"available": True, "per_worker_bytes": size}

    return subinterpreter_part(data.get(INTERPRETER_POOL), measured, ON_THIS_INTERPRETER)


@judges("C11")
def _judge_c11(data: dict[str, Any]) -> Verdict:
    metric = data["metric"].upper()
    thread = max(0.0, data[THREAD_POOL][PER_WORKER])
    per_worker = {m: data[PROCESS_POOLS][m][PER_WORKER] for m in data["start_methods"]}
    larger = [
        m
        for m, size in per_worker.items()
        if size >= FOOTPRINT_RATIO * thread and size - thread >= FOOTPRINT_MARGIN
    ]
    smaller = [m for m in per_worker if m not in larger]
    others = {"a thread": thread} | {f"a {m} process": size for m, size in per_worker.items()}
    note, subinterpreter = _subinterpreter(data, others, NO_NUMPY)
    numbers = {
        "metric": data["metric"],
        "workers": data["workers"],
        "thread_per_worker_bytes": thread,
        "process_per_worker_bytes": per_worker,
        "clearly_larger": larger,
        "bounds": {"footprint_ratio": FOOTPRINT_RATIO, "footprint_margin_bytes": FOOTPRINT_MARGIN},
        "subinterpreter": subinterpreter,
    }
    seen = ", ".join(f"{m} {fmt_bytes(size)}" for m, size in per_worker.items())
    reason = f"{metric} per worker: thread {fmt_bytes(thread)}; processes {seen}"
    fork_uss = data[PROCESS_POOLS].get(FORK, {}).get("uss_bytes")
    if fork_uss:  # PSS gives fork workers a share of the parent's pages; USS shows their own
        numbers["fork_uss_per_worker_bytes"] = fork_uss["median"] / data["workers"]
        reason += f" (fork's own pages, USS: {fmt_bytes(numbers['fork_uss_per_worker_bytes'])})"
    reason += note
    reason += (
        f"; clearly larger means {FOOTPRINT_RATIO:g}x the thread's and "
        f"{fmt_bytes(FOOTPRINT_MARGIN)} above it"
    )
    if per_worker and not smaller:
        return Verdict("C11", "holds", reason, numbers)
    if larger:
        return Verdict(
            "C11", "partly", f"{reason}; not clearly larger: {', '.join(smaller)}", numbers
        )
    return Verdict("C11", "fails", f"{reason}; no start method clearly larger", numbers)


@judges("C12")
def _judge_c12(data: dict[str, Any]) -> Verdict:
    per_thread = max(0.0, data[PER_THREAD]["per_thread_bytes"])
    per_worker = {m: data[PROCESS_POOLS][m][PER_WORKER] for m in data["start_methods"]}
    cheapest = min(per_worker, key=per_worker.get) if per_worker else None
    smallest = per_worker[cheapest] if cheapest else 0.0
    small = per_thread < THREAD_SMALL
    light = per_thread * LIGHT_RATIO <= smallest
    others = {"an idle thread": per_thread}
    if cheapest:
        others[f"a {cheapest} process worker"] = smallest
    note, subinterpreter = _subinterpreter(data, others)
    numbers = {
        "per_thread_bytes": per_thread,
        "threads": data[PER_THREAD]["threads"],
        "smallest_process_per_worker_bytes": smallest,
        "smallest_start_method": cheapest,
        "ratio": smallest / per_thread if per_thread > 0 else None,  # None: no growth seen
        "threading_stack_size": data[PER_THREAD].get("threading_stack_size"),
        "rlimit_stack_soft": data[PER_THREAD].get("rlimit_stack_soft"),
        "bounds": {"thread_small_bytes": THREAD_SMALL, "light_ratio": LIGHT_RATIO},
        "subinterpreter": subinterpreter,
    }
    times = "no growth seen" if numbers["ratio"] is None else f"{fmt_times(numbers['ratio'])} less"
    reason = (
        f"an idle thread adds {fmt_bytes(per_thread)} {data['metric'].upper()} ({times}); "
        f"cheapest process worker: {cheapest}, {fmt_bytes(smallest)}"
    )
    reason += note
    marks = (
        f"{'under' if small else 'not under'} {fmt_bytes(THREAD_SMALL)}, "
        f"{'at least' if light else 'not'} {LIGHT_RATIO:g}x less"
    )
    reason += f"; {marks}"
    if small and light:
        return Verdict("C12", "holds", reason, numbers)
    return Verdict("C12", "partly" if small or light else "fails", reason, numbers)


judge = judge_for(__name__, CLAIMS)
