"""C10: inter-process communication costs more than passing objects between threads.

All messages are bytes objects of a few sizes (8 B .. 1 MIB). Each channel has one
worker at its far end, in a thread or in a process started from an explicit context:
  thread_queue  two queue.Queue objects between two threads (objects pass by reference)
  fork_queue    two multiprocessing Queues (one each way) to a forked process
  fork_pipe     one duplex multiprocessing Pipe to a forked process
  spawn_queue, spawn_pipe   the same with spawn (default level and above)
  interp_queue  two interpreters queues to a subinterpreter (its own GIL) driven by a
                thread, where this Python has them: bytes cross shared (copied once,
                not pickled), each message announced by a byte on an os.pipe, which the
                far end blocks on (the queue's get() polls every 10 ms). Otherwise the
                data's `subinterpreters` says why not

  latency     ping-pong: the worker echoes each message; microseconds per round trip from
              batches of round trips, the batches of all channels interleaved so drift
              favours none
  throughput  one way: N messages of a size sent, timed until the worker has them all
              (it acknowledges the last); bytes per second
  dispatch    microseconds per no-op task submitted many at a time to a warmed
              ThreadPoolExecutor, ProcessPoolExecutor (fork, forkserver, spawn) and,
              where there are subinterpreters, InterpreterPoolExecutor (the
              `interpreters` executor's pool), W = 2
  crossover   2*k GIL-holding tasks (hash_sum_gil) on W = 2 threads vs a warmed fork
              pool, per task size s: the smallest s from which processes finish first
              (median of back-to-back pairs), or None. Task sizes are durations, 1 us to
              10 ms, turned into iterations by the loop's time per iteration measured
              first (`iteration_s`), so the sweep covers the same times on any CPU

  placement   the rule reads round trips and throughputs with both ends of every channel
              on one CPU (the calling thread, the far end's process or thread, queue
              feeder threads: all inherit the near end's affinity): the channel's own work
              (copies, pickling, system calls, switches), not how fast an idle core wakes
              up. Across cores a small message's round trip swings with the machine's
              idle states (thread_queue 8 B: 9 or 65 us from one second to the next on a
              2-core VM, 2026-12-06), so it could not decide the rule; it is what a program
              sees, so it is measured beside (`across_cores`, the level's rounds only)
              and reported. Where a thread cannot be pinned (no os.sched_setaffinity) or
              there is one CPU, one pass runs as scheduled and `settings.placement` says so

Rule (C10), on the medians:
  threads win at a size when the fastest process channel's round trip is at least
  LATENCY_MARGIN times the thread round trip. C10 holds when threads win at every
  size and their throughput at the largest size is at least THROUGHPUT_MARGIN times
  the best process channel's; it fails when threads win at no size and not on
  throughput (processes as fast or faster); otherwise partly, naming the sizes.
  The verdict is about cost only: "more complex" is not measured. Subinterpreters are
  not in the rule (the claim is threads vs processes); the reason says where their
  round trip and dispatch cost sit against threads and the best process channel.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import replace
from functools import partial
from typing import Any

from pylab.base import extras, names
from pylab.base.fmt import KIB, MIB, fmt_bytes, fmt_rate, fmt_seconds, fmt_times
from pylab.base.stats import median, ratio, summarize
from pylab.executors import START_METHODS, subinterpreters
from pylab.experiments import _subinterp
from pylab.experiments._kit import (
    FORK,
    INTERFERENCE,
    MORE_ROUNDS,
    SUBINTERPRETER_RECORD,
    Regions,
    fork_and_spawn,
    from_intervals,
    hang_up,
    judge_for,
    judges,
    reap,
    region_doubts,
    scaled_count,
    settles,
    start_methods,
    subinterpreter_part,
    subinterpreter_status,
    tiny,
    until_decided,
)
from pylab.experiments.base import Level, Verdict
from pylab.host import affinity
from pylab.kernels.base import ext  # this module is imported in subinterpreters too
from pylab.measure.timing import interleaved, seconds_per_unit, units_for

NAME = "ipc"
CLAIMS = ("C10",)

SIZES = (8, KIB, 64 * KIB, MIB)
TINY_SIZES = (8, 64 * KIB)  # tests: the smallest and a copy-dominated size only
# The channels: queue.Queue between threads, interpreters queues to a subinterpreter, and
# a multiprocessing Queue or Pipe to a process, by start method (fork_queue, fork_pipe, ...).
THREADS = "thread_queue"
INTERP = "interp_queue"
PROCESS_CHANNELS = {method: (f"{method}_queue", f"{method}_pipe") for method in START_METHODS}
# The pools, by executor name; a process pool is named by its start method.
THREAD_POOL, INTERPRETERS = names.THREADS, names.INTERPRETERS
# The data's sections the report reads too (pylab.report.costs, the ipc plots).
LATENCY, THROUGHPUT = "latency_us", "throughput_bytes_per_s"
DISPATCH, CROSSOVER = "dispatch_us", "crossover"
ACROSS = "across_cores"  # the data's section measured with the ends free to run anywhere
INTERP_HOW = (
    "two interpreters queues to a subinterpreter driven by a thread: bytes shared (copied "
    "once, not pickled), each message announced by a byte on an os.pipe the far end blocks "
    "on (the queue's get() polls every 10 ms)"
)
FAILED = "failed"  # a far end in a subinterpreter posts (FAILED, error) before it ends
WORKERS = 2

# Round trips per latency batch and messages per throughput sample at scale 1: about
# 5-20 ms per batch on this machine, so a batch outlasts timer and scheduler jitter.
ROUND_TRIPS = {8: 400, KIB: 400, 64 * KIB: 150, MIB: 15}
MESSAGES = {8: 3000, KIB: 3000, 64 * KIB: 500, MIB: 30}
DISPATCH_TASKS = 500  # no-op tasks per dispatch sample at scale 1
TASKS_PER_WORKER = 4  # the crossover runs 2*k tasks on W = 2 workers
CROSSOVER_TASK_S = tuple(10 ** (-6 + i / 2) for i in range(9))  # 1 us .. 10 ms a task
TINY_LONGEST_TASK_S = 1e-3  # tiny stops at 1 ms a task to stay within a test's seconds
JOIN_TIMEOUT_S = 10.0
BATCH_TIMEOUT_S = 60.0  # no batch of tasks here takes a second; a hang fails the run

# One timing here spreads 20-50%; the medians of many batches much less. A channel is
# called slower only when it is 20% slower than the other, so noise cannot decide it.
LATENCY_MARGIN = 1.2
THROUGHPUT_MARGIN = 1.2

Send = Callable[[Any], None]
Recv = Callable[[], Any]


# -- the far end of a channel (module level: spawned children import it) -------------


def _serve(recv: Recv, send: Send) -> None:
    """Echo every message; on ("sink", n) take n messages, then answer b"". None stops."""
    while True:
        message = recv()
        if message is None:
            return
        if isinstance(message, tuple):
            for _ in range(message[1]):
                if recv() is None:
                    return
            send(b"")
        else:
            send(message)


def _serve_queues(to_worker: Any, from_worker: Any) -> None:
    _serve(to_worker.get, from_worker.put)


def _serve_pipe(conn: Any) -> None:
    _serve(conn.recv, conn.send)


def _serve_interp(inbox: Any, bell_in: int, outbox: Any, bell_out: int) -> None:
    """The far end in a subinterpreter: messages in through one queue, out through the other.

    A failure is posted before it ends the far end, so that the near end, blocked on
    the bell, raises instead of waiting for the experiment's timeout."""
    send = partial(_subinterp.post, outbox, bell_out)
    try:
        _serve(partial(_subinterp.fetch, inbox, bell_in), send)
    except Exception as exc:
        send((FAILED, f"{type(exc).__name__}: {exc}"))
        raise


def _checked(recv: Recv) -> Any:
    message = recv()
    if isinstance(message, tuple) and message[0] == FAILED:
        raise RuntimeError(f"the subinterpreter's end of {INTERP} failed: {message[1]}")
    return message


def _noop() -> None:
    pass


def _hash_task(iterations: int) -> int:
    """One GIL-holding task of `iterations` loop turns (a wrapper so that it pickles)."""
    return ext("compute").hash_sum_gil(0, iterations)


# -- channels -------------------------------------------------------------------------


@contextmanager
def _thread_channel() -> Iterator[tuple[Send, Recv]]:
    to_worker: queue.Queue = queue.Queue()
    from_worker: queue.Queue = queue.Queue()
    worker = threading.Thread(
        target=_serve, args=(to_worker.get, from_worker.put), name="pylab-ipc", daemon=True
    )
    worker.start()
    try:
        yield to_worker.put, from_worker.get
    finally:
        to_worker.put(None)
        worker.join(JOIN_TIMEOUT_S)


@contextmanager
def _queue_channel(method: str) -> Iterator[tuple[Send, Recv]]:
    context = multiprocessing.get_context(method)
    to_worker, from_worker = context.Queue(), context.Queue()
    worker = context.Process(target=_serve_queues, args=(to_worker, from_worker), daemon=True)
    worker.start()
    try:
        yield to_worker.put, from_worker.get
    finally:
        to_worker.put(None)
        if not reap(worker, JOIN_TIMEOUT_S):
            to_worker.cancel_join_thread()  # nobody will read what is still buffered
        for q in (to_worker, from_worker):
            q.close()
            q.join_thread()


@contextmanager
def _pipe_channel(method: str) -> Iterator[tuple[Send, Recv]]:
    context = multiprocessing.get_context(method)
    here, there = context.Pipe(duplex=True)
    worker = context.Process(target=_serve_pipe, args=(there,), daemon=True)
    worker.start()
    there.close()  # so that recv() here sees EOF if the worker dies
    try:
        yield here.send, here.recv
    finally:
        hang_up(here, worker, JOIN_TIMEOUT_S)


# A far end that cannot even import its code posts why, as _serve_interp does for what
# fails later: the near end waits on the bell and would otherwise wait for ever.
_SERVE_INTERP = (
    "try:\n"
    "    from pylab.experiments.ipc import _serve_interp\n"
    "except BaseException as exc:\n"
    "    from pylab.experiments._subinterp import post\n"
    f"    post(outbox, bell_out, ({FAILED!r}, f'{{type(exc).__name__}}: {{exc}}'))\n"
    "    raise\n"
    "_serve_interp(inbox, bell_in, outbox, bell_out)"
)


@contextmanager
def _interp_channel() -> Iterator[tuple[Send, Recv]]:
    with _subinterp.workers(1) as (worker,):
        inbox, outbox = _subinterp.create_queue(), _subinterp.create_queue()
        (in_r, in_w), (out_r, out_w) = os.pipe(), os.pipe()
        far = {"inbox": inbox, "bell_in": in_r, "outbox": outbox, "bell_out": out_w}
        served = worker.submit(_SERVE_INTERP, **far)
        try:
            recv = partial(_checked, partial(_subinterp.fetch, outbox, out_r))
            yield partial(_subinterp.post, inbox, in_w), recv
        finally:
            _subinterp.post(inbox, in_w, None)
            served.result(JOIN_TIMEOUT_S)  # before the pipes close: it may still write
            for fd in (in_r, in_w, out_r, out_w):
                os.close(fd)


def _one_core() -> tuple[int | None, str | None]:
    """The CPU both ends of every channel share in the judged pass, or None and why not."""
    if not hasattr(os, "sched_setaffinity"):
        return None, "this OS cannot pin a thread to a CPU (no os.sched_setaffinity)"
    cpus = affinity.allowed()
    if len(cpus) < 2:
        return None, "one CPU: both ends share it as scheduled"
    return max(cpus), None


def _on_cpu(cpu: int | None) -> AbstractContextManager[None]:
    """The calling thread on `cpu` (None: as it is), its affinity restored after. Threads
    it starts and processes it forks or spawns meanwhile inherit the affinity (Linux)."""
    return affinity.pinned(None if cpu is None else frozenset({cpu}))


def _channel_names(level: Level) -> list[str]:
    methods = start_methods(fork_and_spawn(level))
    names = [name for method in methods for name in PROCESS_CHANNELS[method]]
    interp = [INTERP] if extras.why_no_subinterpreters() is None else []
    return names + [THREADS] + interp


def _open(stack: ExitStack, name: str) -> tuple[Send, Recv]:
    if name == THREADS:
        return stack.enter_context(_thread_channel())
    if name == INTERP:
        return stack.enter_context(_interp_channel())
    method, kind = name.split("_")
    opener = _queue_channel if kind == "queue" else _pipe_channel
    return stack.enter_context(opener(method))


# -- latency and throughput -----------------------------------------------------------


def _round_trip_us(send: Send, recv: Recv, message: bytes, count: int) -> float:
    t0 = time.perf_counter()
    for _ in range(count):
        send(message)
        recv()
    return (time.perf_counter() - t0) / count * 1e6


def _bytes_per_s(send: Send, recv: Recv, message: bytes, count: int) -> float:
    t0 = time.perf_counter()
    send(("sink", count))
    for _ in range(count):
        send(message)
    recv()  # the worker's acknowledgement: it has taken all `count`
    return count * len(message) / (time.perf_counter() - t0)


def _order(items: list[str], turn: int) -> list[str]:
    """`items` backwards and forwards in turn, so that drift favours none of them."""
    return items if turn % 2 else items[::-1]


def _turns(items: list[str], repeats: int) -> Iterator[tuple[bool, list[str]]]:
    """A warm-up round (not kept), then `repeats` kept rounds, each in _order."""
    for turn in range(repeats + 1):
        yield turn > 0, _order(items, turn)


def _counts(table: dict[int, int], sizes: tuple[int, ...], level: Level) -> dict[int, int]:
    return {size: scaled_count(level, table[size], 3) for size in sizes}


def _channel_runs(
    names: list[str], sizes: tuple[int, ...], level: Level, regions: Regions, cpu: int | None,
    judged: bool = True,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Latency and throughput samples of every channel with both its ends on `cpu` (None:
    as scheduled), batches interleaved over channels, each kept batch a region of `regions`
    (retaken while other work disturbs it). After a warm-up round and the level's rounds,
    for the `judged` pass more (up to MORE_ROUNDS times as many) while the figures C10
    compares leave it undecided."""
    trips, messages = _counts(ROUND_TRIPS, sizes, level), _counts(MESSAGES, sizes, level)
    payload = {size: bytes(size) for size in sizes}
    latency: dict[str, dict[int, list[float]]] = {n: {s: [] for s in sizes} for n in names}
    throughput: dict[str, dict[int, list[float]]] = {n: {s: [] for s in sizes} for n in names}
    # Every process is started before the first thread (queue feeders and the echo
    # thread included): forking a process that runs threads is unsafe.
    with _on_cpu(cpu), ExitStack() as stack:
        ends = {name: _open(stack, name) for name in names}

        def one_round(turn: int, kept: bool = True) -> None:
            for size in sizes:
                for name in _order(names, turn):
                    batch = partial(_batch, *ends[name], payload[size], trips[size], messages[size])
                    rtt, rate = regions.take(batch) if kept else batch()
                    if kept:
                        latency[name][size].append(rtt)
                        throughput[name][size].append(rate)

        def decided() -> bool:
            sofar = {"settings": {"sizes": list(sizes)},
                     LATENCY: _summaries(latency), THROUGHPUT: _summaries(throughput)}  # fmt: skip
            return settles(_c10_side, sofar, _c10_figures(sofar))

        one_round(0, kept=False)
        most = MORE_ROUNDS * level.repeats if judged else level.repeats
        taken = until_decided(lambda turn: one_round(turn + 1), decided, level.repeats, most)
    settings = {"round_trips": _by_size(trips), "messages": _by_size(messages), "batches": taken}
    return _summaries(latency), _summaries(throughput), settings


def _batch(send: Any, recv: Any, payload: bytes, trips: int, messages: int) -> tuple:
    """One batch of a channel at one size: its round trip (us) and its throughput (B/s)."""
    return (_round_trip_us(send, recv, payload, trips),
            _bytes_per_s(send, recv, payload, messages))  # fmt: skip


def _by_size(values: dict[int, Any]) -> dict[str, Any]:
    return {str(size): value for size, value in values.items()}


def _summarized(samples: dict[int, list[float]]) -> dict[str, Any]:
    """{size as text: median and interval} of samples kept by size."""
    return {str(size): summarize(values) for size, values in samples.items()}


def _summaries(samples: dict[str, dict[int, list[float]]]) -> dict[str, Any]:
    return {name: _summarized(by_size) for name, by_size in samples.items()}


# -- executors: dispatch overhead and the thread/process crossover --------------------


def _make_pool(kind: str) -> Executor:
    if kind == THREAD_POOL:
        return ThreadPoolExecutor(WORKERS, thread_name_prefix="pylab-ipc")
    if kind == INTERPRETERS:
        return subinterpreters.pool(WORKERS, "pylab-ipc-interp")
    return ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context(kind))


def _all_tasks_s(pool: Executor, fn: Callable[..., Any], args: list[tuple]) -> float:
    """Wall seconds to submit every task at once and collect all the results."""
    t0 = time.perf_counter()
    futures = [pool.submit(fn, *a) for a in args]
    for future in futures:
        future.result(timeout=BATCH_TIMEOUT_S)
    return time.perf_counter() - t0


def _open_pools(stack: ExitStack, kinds: list[str]) -> dict[str, Executor]:
    """Pools in `kinds` order (processes before threads), each warmed with no-op tasks."""
    pools = {}
    for kind in kinds:
        pool = stack.enter_context(_make_pool(kind))
        _all_tasks_s(pool, _noop, [()] * (4 * WORKERS))  # starts every worker
        pools[kind] = pool
    return pools


def _dispatch_us(pools: dict[str, Executor], level: Level) -> tuple[dict[str, Any], int]:
    tasks = scaled_count(level, DISPATCH_TASKS, 20)
    samples: dict[str, list[float]] = {kind: [] for kind in pools}
    for kept, order in _turns(list(pools), level.repeats):
        for kind in order:
            per_task = _all_tasks_s(pools[kind], _noop, [()] * tasks) / tasks
            if kept:
                samples[kind].append(per_task * 1e6)
    return {kind: summarize(s) for kind, s in samples.items()}, tasks


def _crossover_sizes(level: Level, iteration_s: float) -> list[int]:
    durations = [t for t in CROSSOVER_TASK_S if not tiny(level) or t <= TINY_LONGEST_TASK_S]
    return sorted({units_for(t, iteration_s) for t in durations})


def _crossover(pools: dict[str, Executor], level: Level) -> dict[str, Any]:
    """Threads vs fork processes on 2*k GIL-holding tasks, per task size, in pairs."""
    iteration_s = seconds_per_unit(_hash_task)
    sizes = _crossover_sizes(level, iteration_s)
    thread_s: dict[int, list[float]] = {}
    process_s: dict[int, list[float]] = {}
    for size in sizes:
        args = [(size,)] * (WORKERS * TASKS_PER_WORKER)
        runs = [partial(_all_tasks_s, pools[k], _hash_task, args) for k in (FORK, THREAD_POOL)]
        pairs = interleaved(runs, level.repeats)
        process_s[size], thread_s[size] = [p for p, _ in pairs], [t for _, t in pairs]
    ratios = {
        s: [ratio(t, p) for t, p in zip(thread_s[s], process_s[s], strict=True)] for s in sizes
    }
    return {
        "iterations": sizes,
        "iteration_s": iteration_s,
        "tasks": WORKERS * TASKS_PER_WORKER,
        "thread_s": _summarized(thread_s),
        "process_s": _summarized(process_s),
        "thread_over_process": _summarized(ratios),
        "crossover_iterations": _first_win(sizes, {s: median(r) for s, r in ratios.items()}),
    }


def _first_win(sizes: list[int], thread_over_process: dict[int, float]) -> int | None:
    """The smallest size from which processes are faster at it and every larger size."""
    first = None
    for size in reversed(sizes):
        if thread_over_process[size] <= 1.0:
            break
        first = size
    return first


def _executor_runs(level: Level) -> dict[str, Any]:
    interpreters = [INTERPRETERS] if extras.why_no_subinterpreters() is None else []
    # Start order: no fork once threads run (a subinterpreter pool's workers are threads).
    kinds = [*start_methods(), THREAD_POOL, *interpreters]
    with ExitStack() as stack:
        pools = _open_pools(stack, kinds)
        dispatch, tasks = _dispatch_us(pools, level)
        crossover = _crossover(pools, level) if FORK in pools else None
    return {DISPATCH: dispatch, "dispatch_tasks": tasks, CROSSOVER: crossover}


def measure(level: Level, cells: list[dict[str, Any]]) -> dict[str, Any]:
    sizes = TINY_SIZES if tiny(level) else SIZES
    names = _channel_names(level)
    regions = Regions()
    cpu, why_not = _one_core()
    latency, throughput, counts = _channel_runs(names, sizes, level, regions, cpu)
    across = _across_cores(names, sizes, level, regions) if cpu is not None else None
    executors = _executor_runs(level)
    return {
        "settings": {
            "sizes": list(sizes),
            "channels": names,
            "least_batches": level.repeats,
            "workers": WORKERS,
            "pools": list(executors[DISPATCH]),
            "dispatch_tasks": executors["dispatch_tasks"],
            "placement": {"one_core": cpu, "why_not": why_not},
            **counts,
        },
        LATENCY: latency,
        THROUGHPUT: throughput,
        ACROSS: across,
        DISPATCH: executors[DISPATCH],
        CROSSOVER: executors[CROSSOVER],
        SUBINTERPRETER_RECORD: _subinterpreters(names),
        INTERFERENCE: regions.record(),
    }


def _across_cores(
    names: list[str], sizes: tuple[int, ...], level: Level, regions: Regions
) -> dict[str, Any]:
    """The channels again with their ends free to run anywhere: what a program sees."""
    latency, throughput, counts = _channel_runs(names, sizes, level, regions, None, False)
    return {LATENCY: latency, THROUGHPUT: throughput, "batches": counts["batches"]}


def _subinterpreters(names: list[str]) -> dict[str, Any]:
    """Whether subinterpreters were measured here, and through what; why not if not."""
    found = subinterpreter_status()
    return found | {"channel": INTERP, "how": INTERP_HOW} if INTERP in names else found


# -- the verdict ----------------------------------------------------------------------


def _best(by_channel: dict[str, Any], size: int, pick: Callable[..., str]) -> str:
    """The process channel with the lowest (pick=min) or highest (max) median at `size`."""
    names = [n for n in by_channel if n not in (THREADS, INTERP)]
    return pick(names, key=lambda n: by_channel[n][str(size)]["median"])


def _latency_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    latency = data[LATENCY]
    rows = []
    for size in data["settings"]["sizes"]:
        best = _best(latency, size, min)
        thread_us = latency[THREADS][str(size)]["median"]
        process_us = latency[best][str(size)]["median"]
        rows.append(
            {
                "size": size,
                "thread_us": thread_us,
                "best_process": best,
                "process_us": process_us,
                "process_over_thread": round(ratio(process_us, thread_us), 4),
            }
        )
    return rows


def _throughput_row(data: dict[str, Any]) -> dict[str, Any]:
    size = max(data["settings"]["sizes"])
    rates = data[THROUGHPUT]
    best = _best(rates, size, max)
    thread_rate = rates[THREADS][str(size)]["median"]
    process_rate = rates[best][str(size)]["median"]
    over = round(ratio(thread_rate, process_rate), 4)
    return {
        "size": size,
        "thread_bytes_per_s": thread_rate,
        "best_process": best,
        "process_bytes_per_s": process_rate,
        "thread_over_process": over,
    }


def _executor_note(data: dict[str, Any]) -> str:
    dispatch = ", ".join(
        f"{kind} {fmt_seconds(s['median'] * 1e-6)}"
        for kind, s in data[DISPATCH].items()
        if kind != INTERPRETERS  # the subinterpreter note gives it, placed
    )
    crossover = (data.get(CROSSOVER) or {}).get("crossover_iterations")
    beat = f"from {crossover:.2g} iterations a task" if crossover else "never in range"
    return f"dispatch per task {dispatch}; fork beats threads on GIL-held tasks {beat}"


def _place(value: float, thread: float, process: float) -> dict[str, Any]:
    """A subinterpreter figure against the thread and the best process one."""
    if value < min(thread, process):
        where = "below threads and processes"
    elif value > max(thread, process):
        where = "above threads and processes"
    else:
        where = "between threads and processes"
    return {
        "value": value,
        "over_thread": round(ratio(value, thread), 4),
        "over_process": round(ratio(value, process), 4),
        "place": where,
    }


def _subinterpreter_figures(data: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Round trip per size and dispatch per task in a subinterpreter, each placed."""
    latency = data[LATENCY][INTERP]
    trips = {
        str(r["size"]): _place(latency[str(r["size"])]["median"], r["thread_us"], r["process_us"])
        for r in rows
    }
    dispatch = {k: v["median"] for k, v in data[DISPATCH].items()}
    pools = [dispatch[k] for k in dispatch if k not in (THREAD_POOL, INTERPRETERS)]
    placed = None
    if INTERPRETERS in dispatch and THREAD_POOL in dispatch and pools:
        placed = _place(dispatch[INTERPRETERS], dispatch[THREAD_POOL], min(pools))
    return {"round_trip_us": trips, "dispatch_us": placed}


def _subinterpreter_note(figures: dict[str, Any]) -> str:
    trips = ", ".join(
        f"{fmt_bytes(int(size))} {fmt_seconds(p['value'] * 1e-6)} ({fmt_times(p['over_thread'])} "
        f"threads', {p['place']})"
        for size, p in figures["round_trip_us"].items()
    )
    note = f"subinterpreters ({INTERP}) round trip {trips}"
    placed = figures["dispatch_us"]
    if placed:
        note += (
            f"; their pool's dispatch {fmt_seconds(placed['value'] * 1e-6)} a task "
            f"({fmt_times(placed['over_thread'])} threads', {placed['place']})"
        )
    return note


def _subinterpreters_seen(data: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[str, Any]:
    """The reason's part on subinterpreters and its numbers."""
    found = data.get(SUBINTERPRETER_RECORD)
    if found and INTERP not in data[LATENCY]:  # said available, but no channel measured
        found = {"available": False, "reason": found.get("reason")}

    def measured(_found: dict[str, Any]) -> tuple[str, Any]:
        figures = _subinterpreter_figures(data, rows)
        return f"; {_subinterpreter_note(figures)}", figures

    return subinterpreter_part(found, measured)


def _partly_lead(wins: list[int], sizes: int, tput_win: bool, largest: int) -> str:
    """Where threads win, when they win somewhere but not everywhere."""
    one_way = f"{fmt_bytes(largest)} throughput"
    if len(wins) == sizes:
        return f"threads win every round trip but not {one_way}"
    where = ", ".join(fmt_bytes(s) for s in wins) or "no size"
    also = f", and {one_way}" if tput_win else f", not {one_way}"
    return f"threads win the round trip only at {where}{also}"


def _c10_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The intervals C10 compares with its bounds: the threads' and every process channel's
    round trip at each size and throughput at the largest (the best channel may change)."""
    return [
        by_size[str(size)]
        for section, sizes in ((LATENCY, data["settings"]["sizes"]),
                               (THROUGHPUT, [max(data["settings"]["sizes"])]))
        for name, by_size in data[section].items() if name != INTERP
        for size in sizes if str(size) in by_size
    ]  # fmt: skip


@judges("C10")
def _judge_c10(data: dict[str, Any]) -> Verdict:
    """Decided from the intervals of the round trips and the throughputs it compares."""
    verdict = from_intervals(_c10_on_medians, data, _c10_figures(data))
    return replace(verdict, uncertain=region_doubts(data.get(INTERFERENCE)))


def _placement_note(data: dict[str, Any]) -> str:
    """Where the channels' ends ran, and the smallest round trip across cores beside."""
    placement = data["settings"].get("placement")
    if not placement:  # files from before the placement was kept
        return ""
    if placement["one_core"] is None:
        return f"; ends as scheduled ({placement['why_not']})"
    note = f"; judged with both ends on CPU {placement['one_core']} (the channel's own cost)"
    across = data.get(ACROSS)
    if across:
        size = min(data["settings"]["sizes"])
        row = _latency_rows(across | {"settings": data["settings"]})[0]
        note += (
            f"; across cores, as scheduled, {fmt_bytes(size)} round trip "
            f"{fmt_seconds(row['thread_us'] * 1e-6)} vs {fmt_seconds(row['process_us'] * 1e-6)} "
            f"({row['best_process']}, {fmt_times(row['process_over_thread'])})"
        )
    return note


def _c10_outcome(rows: list[dict[str, Any]], tput: dict[str, Any]) -> tuple[str, str, list[int]]:
    """The verdict, its lead and the sizes where threads win, from the rows' medians."""
    wins = [r["size"] for r in rows if r["process_over_thread"] >= LATENCY_MARGIN]
    tput_win = tput["thread_over_process"] >= THROUGHPUT_MARGIN
    if len(wins) == len(rows) and tput_win:
        return "holds", "process channels cost more at every size", wins
    if not wins and not tput_win:
        return "fails", "process channels are as fast as queue.Queue or faster", wins
    return "partly", _partly_lead(wins, len(rows), tput_win, tput["size"]), wins


def _c10_side(data: dict[str, Any]) -> Verdict:
    """C10's verdict alone, from the round trips and throughputs only (while measuring)."""
    verdict, _, _ = _c10_outcome(_latency_rows(data), _throughput_row(data))
    return Verdict("C10", verdict, "")


def _c10_on_medians(data: dict[str, Any]) -> Verdict:
    rows = _latency_rows(data)
    tput = _throughput_row(data)
    verdict, lead, wins = _c10_outcome(rows, tput)
    trips = ", ".join(
        f"{fmt_bytes(r['size'])} {fmt_seconds(r['thread_us'] * 1e-6)} vs "
        f"{fmt_seconds(r['process_us'] * 1e-6)} ({fmt_times(r['process_over_thread'])})"
        for r in rows
    )
    reason = (
        f"{lead}: round trip thread vs best process {trips}, a win from "
        f"{fmt_times(LATENCY_MARGIN)}; {fmt_bytes(tput['size'])} one way "
        f"{fmt_rate(tput['thread_bytes_per_s'])} (by reference) vs "
        f"{fmt_rate(tput['process_bytes_per_s'])} ({tput['best_process']}), "
        f"{fmt_times(tput['thread_over_process'])}, a win from {fmt_times(THROUGHPUT_MARGIN)}; "
        f"{_executor_note(data)}{_placement_note(data)}; cost only, 'more complex' is not "
        "measured"
    )
    note, subs = _subinterpreters_seen(data, rows)
    numbers = {
        "latency": rows,
        "throughput_largest": tput,
        "thread_wins_latency_at": wins,
        "dispatch_us": {k: v["median"] for k, v in data[DISPATCH].items()},
        "crossover_iterations": (data.get(CROSSOVER) or {}).get("crossover_iterations"),
        "placement": data["settings"].get("placement"),
        "latency_margin": LATENCY_MARGIN,
        "throughput_margin": THROUGHPUT_MARGIN,
        "subinterpreters": subs,
    }
    return Verdict("C10", verdict, reason + note, numbers)


judge = judge_for(__name__, CLAIMS)
