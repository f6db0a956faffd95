"""`pylab probe`: does a call hold the GIL, and will threads or processes speed it up?

For any callable (or a statement and its setup, as `python -m timeit` takes them)
the probe measures:
  gil_share     the share of the call's run time during which it holds the GIL: a
                ticking heartbeat thread beside the call loses the beats it cannot
                get the GIL for (pylab.measure.heartbeat); 0 releases it throughout, 1 holds
                it throughout; median of repeats with an order-statistic interval
  speed-ups     W copies of the call in W threads and in W processes (fork by
                default) against the same copies run serially: each repeat runs the
                three back to back, both speed-ups dividing the same serial run
  prediction    Amdahl's law with the GIL share as the serial fraction over the
                parallelism the cores allow (pylab.base.gilmodel)
  bound         the GIL bound, min(W, 1 / s), under the same cores. Amdahl assumes
                the held parts run while nothing else does; but one thread's held
                part overlaps the others' released parts, and copies of many calls
                drift out of step, so they can beat Amdahl up to the bound
                (amdahl/mixed, s = 0.5, three calls per copy: 1.39x-1.73x in threads
                at W=2 on two cores, against 1.33x by Amdahl and 2x by the bound)
  threads' CPU  the process's CPU per wall second while W threads ran: near W when all
                run (or stall on memory), near 1 when the GIL serializes them
  capacity      the machine's cores checked before each repeat and after the last
                (pylab.measure.capacity): a repeat beside a check that found cores
                missing is set aside and another taken, up to twice the repeats
                (none once too few could be clean)
and recommends `threads`, `processes`, `either` or `neither` by the rules of
pylab.probing.recommend, with the numbers in one line.

Processes run the call in a fresh process: a statement rebuilds it there from its
source (the setup must make it work there); a callable is inherited under fork
and must pickle under spawn or forkserver. If that fails, the thread numbers
still come back, with the reason.
"""

from __future__ import annotations

import math
import multiprocessing
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from functools import partial
from itertools import islice
from typing import Any

from pylab.base.errors import UserError
from pylab.base.fmt import fmt_seconds
from pylab.base.gilmodel import bounded, predicted
from pylab.base.stats import summarize
from pylab.executors.barriers import BARRIER_TIMEOUT_S
from pylab.host.load import Background
from pylab.host.machine import gil_enabled, machine_info, usable_cores
from pylab.host.pools import pools_pinned
from pylab.host.state import check as check_machine
from pylab.measure import capacity
from pylab.measure.heartbeat import SHARE_S, TICK_S, Heartbeat
from pylab.measure.sampling import Copies, uneven_copies
from pylab.measure.timing import interleaved, threaded
from pylab.probing.recommend import beyond_ideal, largest, memory_bound, model_share, recommend

MIN_CALL_S = 1e-6  # below this a call is too fast to measure: dispatching it costs more
TIME_CALL_S = 0.02  # time_call's last batch lasts about this long
MAX_BATCH = 1 << 20  # ... or has this many calls
COPY_S = 0.05  # each copy of the work lasts at least this long

# --- the call, here and in a fresh process ----------------------------------------------

Target = tuple  # ("statement", stmt, setup) or ("callable", call)


def statement_target(stmt: str, setup: str = "pass") -> tuple[Target, Callable[[], Any]]:
    """The target for processes and the call for here; a statement that does not compile
    or a setup that fails is a user error."""
    return ("statement", stmt, setup), _make_call(("statement", stmt, setup))


def _make_call(target: Target) -> Callable[[], Any]:
    if target[0] == "callable":
        return target[1]
    _, stmt, setup = target
    try:
        code = compile(stmt, "<statement>", "exec")
        setup_code = compile(setup, "<setup>", "exec")
    except SyntaxError as exc:
        raise UserError(f"does not compile: {exc.msg} (line {exc.lineno})") from None
    namespace: dict[str, Any] = {}
    try:
        exec(setup_code, namespace)
    except Exception as exc:
        raise UserError(f"the setup raised {type(exc).__name__}: {exc}") from None
    return partial(exec, code, namespace)


_worker_call: Callable[[], Any] | None = None
_worker_error: str | None = None
_worker_barrier: Any = None


def _init_worker(target: Target, barrier: Any) -> None:
    """Pool initializer: rebuild the call here; keep a failure to report it, not to crash."""
    global _worker_call, _worker_error, _worker_barrier
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_barrier = barrier
    try:
        _worker_call = _make_call(target)
    except Exception as exc:  # UserError included: reported by _run_copy to the parent
        _worker_error = f"{type(exc).__name__}: {exc}"


def _run_copy(calls: int) -> float:
    """One copy of `calls` calls once every worker is ready; the CPU seconds it used."""
    if _worker_error:
        raise RuntimeError(_worker_error)
    _worker_barrier.wait(BARRIER_TIMEOUT_S)
    c0 = time.thread_time()
    for _ in range(calls):
        _worker_call()
    return time.thread_time() - c0


# --- measuring ----------------------------------------------------------------------------


class StatementError(UserError):
    """The user's statement or call raised: one error line, never pylab's traceback."""


class _ProcessFailure(Exception):
    """The call could not run in a fresh process: the threads' numbers still stand."""


def _calls(call: Callable[[], Any], n: int) -> None:
    """n calls of the user's call. What raises in this loop is the user's code, so it is
    a StatementError; an exception anywhere else in the probe is pylab's own, a bug.
    (Guarding the loop, not each call, adds nothing to a call's time or GIL share.)"""
    try:
        for _ in range(n):
            call()
    except Exception as exc:
        detail = f": {exc}" if str(exc) else ""
        raise StatementError(f"the statement raised {type(exc).__name__}{detail}") from None


def time_call(call: Callable[[], Any]) -> float:
    """Seconds per call (timed_call)."""
    return timed_call(call)[0]


def timed_call(call: Callable[[], Any]) -> tuple[float, float]:
    """Seconds per call, and the call's CPU seconds per wall second run serially (near 0
    for waits) over the last batch timed.

    The seconds: the best of batches that grow fourfold until one lasts a millisecond,
    then of one sized from them to last TIME_CALL_S. (Growing fourfold all the way, the
    last batch lasted 20-80 ms and the batches 60 ms in all on average; a quick atlas times
    three sizes of each call.) The CPU per wall: the calling thread's CPU, not the
    process's: a BLAS pool restored by an earlier probe spins its fresh threads for a
    while and read 1.7 here; with the pools pinned to one thread, BLAS and OpenMP work runs
    in the calling thread anyway. (It once took a copy of the work of its own: 0.1 s of
    each quick atlas call.)"""
    _calls(call, 1)  # the first call: imports, caches
    batch, best, sized = 1, math.inf, False
    while True:
        c0, t0 = time.thread_time(), time.perf_counter()
        _calls(call, batch)
        elapsed, cpu = time.perf_counter() - t0, time.thread_time() - c0
        best = min(best, elapsed / batch)
        # The sized batch ends it even where it fell a little short of TIME_CALL_S (half
        # the time, if it did not: another as long).
        if sized or elapsed >= TIME_CALL_S or batch >= MAX_BATCH:
            return best, cpu / max(elapsed, 1e-9)
        sized = elapsed >= TIME_CALL_S / 20
        batch = min(max(batch + 1, math.ceil(TIME_CALL_S / best)) if sized else batch * 4,
                    MAX_BATCH)  # fmt: skip


def gil_share(
    call: Callable[[], Any], calls: int, repeats: int, seconds: float = SHARE_S
) -> dict[str, float]:
    """The share of its run time that `call` holds the GIL, by the ticking heartbeat:
    {median, low, high, confidence} of `repeats` samples, each batches of `calls` calls
    run again and again for `seconds` (pylab.measure.heartbeat)."""
    with closing(share_samples(call, calls, seconds)) as samples:
        return summarize(list(islice(samples, repeats)))


def share_samples(
    call: Callable[[], Any], calls: int, seconds: float = SHARE_S
) -> Iterator[float]:
    """One sample of the GIL share per next(), as gil_share takes them, for as long as the
    caller wants more (the pytest plugin: until its interval decides); the heartbeat runs
    while the generator is open, so close it (contextlib.closing)."""
    batch = partial(_calls, call, calls)
    # No warm-up beyond the first beat: each sample reads the idle rate first, which warms
    # the heartbeat. Three-sample shares of 12 calls (hashlib, numpy and zlib across their
    # thresholds, re, json, sorted), 12 times with the 50 ms warm-up and 12 without in
    # turn, had medians within 0.03 of each other on the 2-core VM (2026-12-06); the
    # warm-up took 0.15 s of each quick atlas call.
    with Heartbeat(warmup_s=0.0, tick_s=TICK_S) as beat:
        while True:
            yield beat.held_share(batch, seconds)


def thread_speedup(call: Callable[[], Any], calls: int, w: int, repeats: int) -> tuple:
    """The speed-up of W threads, and their CPU per wall second: near W when every thread
    computes (or stalls on memory), near 1 when the GIL lets one run at a time."""
    pairs, busy = thread_pairs(call, calls, w, repeats)
    return summarize([s / p for s, p in pairs]), busy


def thread_pairs(
    call: Callable[[], Any], calls: int, w: int, repeats: int
) -> tuple[list[tuple[float, float]], float]:
    """`repeats` interleaved pairs (serial seconds of W copies of `calls` calls, the same
    copies' seconds in W threads), and the threads' CPU per wall second. No warm-up run:
    each caller has just run the call (timed_call), and the plugin takes its pairs batch by
    batch."""
    threads, serial, busy = _thread_runs(call, calls, w)
    pairs = [(s.wall_s, p.wall_s) for s, p in interleaved([serial, threads], repeats)]
    return pairs, _per_wall(busy)


def _process_pool(target: Target, w: int, method: str) -> ProcessPoolExecutor:
    """W fresh processes that rebuild the call from `target`, released together."""
    context = multiprocessing.get_context(method)
    return ProcessPoolExecutor(
        w, mp_context=context, initializer=_init_worker, initargs=(target, context.Barrier(w))
    )


def _in_processes(pool: ProcessPoolExecutor, calls: int, w: int) -> Copies:
    """W copies of `calls` calls, one in each of the pool's processes."""
    t0 = time.perf_counter()
    try:  # what fails here failed in (or on the way to) the fresh processes
        cpus = [f.result(timeout=600) for f in [pool.submit(_run_copy, calls) for _ in range(w)]]
    except Exception as exc:
        raise _ProcessFailure(f"{type(exc).__name__}: {exc}") from None
    return Copies(time.perf_counter() - t0, cpus)


# --- the probe ------------------------------------------------------------------------------


def probe_target(
    target: Target,
    call: Callable[[], Any],
    workers: list[int] | None = None,
    start_method: str = "fork",
    repeats: int = 5,
    share_s: float = SHARE_S,
    check: bool = True,
    copy_s: float = COPY_S,
) -> dict[str, Any]:
    """Measure `call` (rebuilt in processes from `target`); the JSON the CLI writes.
    `share_s`: how long each GIL-share sample runs; `copy_s`: how long each copy of the
    work lasts at least (the atlas's presets shorten both: pylab.atlas.measure.PRESETS).
    `check`: look at the machine's state first (0.3 s); the atlas looks once for all its
    calls and leaves the state out of each (None).

    BLAS and OpenMP pools are pinned to one thread meanwhile, so W copies use W threads,
    not W x the pool's; the record says what was pinned, on which machine, and in what
    state the machine was at the start (pylab.host.state)."""
    # Before the probe starts anything of its own.
    state, warnings = check_machine() if check else (None, None)
    with pools_pinned() as pinning:
        data = _measure(target, call, workers, start_method, repeats, share_s, copy_s)
    return {
        **data,
        "machine": machine_info(),
        "machine_state": state,
        "machine_warnings": warnings,
        "pinning": pinning,
    }


def _measure(
    target: Target, call: Callable[[], Any], workers: list[int] | None, start_method: str,
    repeats: int, share_s: float = SHARE_S, copy_s: float = COPY_S,
) -> dict[str, Any]:  # fmt: skip
    cores = usable_cores()
    workers = sorted(set(workers or {2, cores}))
    if workers[-1] < 2:  # W=1 measures the dispatch alone: nothing to recommend from
        raise UserError("--workers needs a count of 2 or more (1 alone runs nothing in parallel)")
    call_s, cpu = timed_call(call)
    if call_s < MIN_CALL_S:
        raise UserError(
            f"too fast to measure: one call takes {fmt_seconds(call_s)}; pylab probes calls "
            f"of {fmt_seconds(MIN_CALL_S)} or more (dispatching one to a thread costs more)"
        )
    calls = max(1, math.ceil(copy_s / call_s))
    data: dict[str, Any] = {
        "call_s": call_s,
        "calls_per_copy": calls,
        "cores": cores,
        "workers": workers,
        "start_method": start_method,
    }
    data["cpu_per_wall"] = round(cpu, 4)
    # A free-threaded build with the GIL off has no GIL to hold: nothing to measure, and
    # the heartbeat would read 0 for any call (None says so instead).
    data["gil_share"] = gil_share(call, calls, repeats, share_s) if gil_enabled() else None
    data.update(_speedups_beside_load(target, call, calls, workers, repeats, start_method))
    share = model_share(data)
    for key, model in (("predicted_thread_speedup", predicted), ("thread_speedup_bound", bounded)):
        data[key] = {
            str(w): round(model(share, w, cores, data["cpu_per_wall"]), 4) for w in workers
        }
    return _judged(data)


def _judged(data: dict[str, Any]) -> dict[str, Any]:
    """The record with what its speed-ups recommend: bandwidth, recommendation, warnings."""
    data.pop("bandwidth", None)
    _with_bandwidth(data)
    data["recommendation"], data["reason"] = recommend(data)
    data["warnings"] = beyond_ideal(data)
    return data


def speedups_again(
    target: Target, call: Callable[[], Any], data: dict[str, Any], repeats: int
) -> dict[str, Any]:
    """A probe record's speed-ups measured once more (the same calls per copy, workers and
    start method; the GIL share and its models kept), and what they now recommend: a
    later round of the same probe (the atlas takes one minutes apart, pylab.atlas.run)."""
    again = dict(data)
    with pools_pinned():
        _calls(call, data["calls_per_copy"])  # a fresh process: warm it up, as _measure does
        again.update(_speedups_beside_load(target, call, data["calls_per_copy"],
                                           data["workers"], repeats,
                                           data["start_method"]))  # fmt: skip
    return _judged(again)


def _speedups_beside_load(
    target: Target, call: Callable[[], Any], calls: int, workers: list[int], repeats: int,
    start_method: str,
) -> dict[str, Any]:  # fmt: skip
    """The speed-ups (`_speedups`) with the load the rest of the machine took meanwhile."""
    with Background() as seen:
        found = _speedups(target, call, calls, workers, repeats, start_method)
    found["background_cores"] = seen.reading.background_cores
    found["steal_cores"] = seen.reading.steal_cores
    return found


def _speedups(
    target: Target, call: Callable[[], Any], calls: int, workers: list[int], repeats: int,
    start_method: str,
) -> dict[str, Any]:  # fmt: skip
    """At each W, the thread and process speed-ups and the threads' CPU per wall; the
    process speed-ups left out, with why, where the call cannot run in a fresh process.

    Each repeat runs the W copies serially, in W threads and in W processes back to back
    (in turn reversed), and both speed-ups divide the same serial run: a spell that takes
    a core slows threads and processes alike, so it cannot make one look better than the
    other. Measured one after the other, three quick atlases on a busy 2-core VM read
    zlib.crc32, GIL share 0.00, at 1.17x in threads and 1.9x in processes in one run and
    `either` in the others (2026-12-06). A check of the cores before each repeat and after
    the last sets aside the repeats that a spell shorter than the call took a core from
    (pylab.measure.capacity.repeats_checked); the record's `capacity` is the largest W's."""
    found: dict[str, Any] = {"thread_speedup": {}, "thread_cpu_per_wall": {},
                             "process_speedup": {}, "process_error": None,
                             "capacity_at": {}}  # fmt: skip
    for w in workers:
        # No serial run first to warm up: each caller has just run the call (_measure:
        # timed_call, the GIL share; speedups_again: a copy of it).
        threads, serial, busy = _thread_runs(call, calls, w)
        ratios = None
        if found["process_error"] is None:
            try:
                with _process_pool(target, w, start_method) as pool:
                    procs = partial(_in_processes, pool, calls, w)
                    procs()  # start and warm every worker before timing
                    ratios, checked = _ratios(w, [serial, threads, procs], repeats)
            except _ProcessFailure as exc:  # it cannot run in a fresh process: threads answer
                found["process_error"] = f"cannot run in a fresh process ({start_method}): {exc}"
                busy.update(cpu_s=0.0, wall_s=0.0)
        if ratios is None:
            ratios, checked = _ratios(w, [serial, threads], repeats)
        found["thread_speedup"][str(w)] = summarize(ratios[0])
        found["thread_cpu_per_wall"][str(w)] = _per_wall(busy)
        found["capacity_at"][str(w)] = checked
        if len(ratios) > 1:
            found["process_speedup"][str(w)] = summarize(ratios[1])
    found["capacity"] = found["capacity_at"][str(workers[-1])]
    return found


def _thread_runs(
    call: Callable[[], Any], calls: int, w: int
) -> tuple[Callable[[], Copies], Callable[[], Copies], dict[str, float]]:
    """W copies of `calls` calls in W threads, the same copies serially, and the threads'
    CPU and wall seconds, summed over their runs."""
    busy = {"cpu_s": 0.0, "wall_s": 0.0}

    def copy(_: int) -> float:
        c0 = time.thread_time()
        _calls(call, calls)
        return time.thread_time() - c0

    def parallel() -> Copies:
        # The process's CPU, not the copies' sum, for the CPU per wall: a call may hand
        # its work to threads of its own.
        c0, t0 = time.process_time(), time.perf_counter()
        cpus = threaded(copy, w, w)
        wall_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
        busy["cpu_s"] += cpu_s
        busy["wall_s"] += wall_s
        return Copies(wall_s, cpus)

    def serial() -> Copies:
        c0, t0 = time.thread_time(), time.perf_counter()
        _calls(call, w * calls)
        return Copies(time.perf_counter() - t0, [(time.thread_time() - c0) / w] * w)

    return parallel, serial, busy


def _per_wall(busy: dict[str, float]) -> float:
    return round(busy["cpu_s"] / max(busy["wall_s"], 1e-9), 4)


def _ratios(
    w: int, runs: list[Callable[[], Copies]], repeats: int
) -> tuple[list[list[float]], dict[str, Any]]:
    """Per parallel run (runs[1:]), the serial seconds (runs[0]) over its seconds, a ratio
    per repeat whose copies ran alike between good checks of W cores, and the `capacity`
    record of the repeats (pylab.measure.capacity.repeats_checked)."""
    times, checked = capacity.repeats_checked(w, runs, repeats, lambda r: uneven_copies(*r))
    return [[rep[0].wall_s / rep[k].wall_s for rep in times] for k in range(1, len(runs))], checked


def _with_bandwidth(data: dict[str, Any]) -> None:
    """The machine's memory bandwidth for the reason of a memory-bound call, under
    `bandwidth`: measured once per machine, then read from the cache
    (pylab.probing.bandwidth)."""
    if not memory_bound(data):
        return
    # Imported here: it loads numpy and the stream kernel, which most probes never need.
    from pylab.probing import bandwidth

    w, _ = largest(data)
    data["bandwidth"] = bandwidth.machine_bandwidth(min(int(w), data["cores"]))


def probe(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Probe fn(*args, **kwargs): its GIL share, its speed-ups in threads and in fork
    processes, Amdahl's prediction, and a recommendation (see the module docstring)."""
    call = partial(fn, *args, **kwargs)
    return probe_target(("callable", call), call)
