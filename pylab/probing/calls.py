"""`pylab probe`: does a call hold the GIL, and will threads or processes speed it up?

For any callable (or a statement and its setup, as `python -m timeit` takes them)
the probe measures:
  gil_share     the share of the call's run time during which it holds the GIL: a
                ticking heartbeat thread beside the call loses the beats it cannot
                get the GIL for (pylab.measure.heartbeat); 0 releases it throughout, 1 holds
                it throughout; median of repeats with an order-statistic interval
  speed-ups     W copies of the call in W threads and in W processes (fork by
                default) against the same copies run serially, as interleaved pairs
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
and recommends `threads`, `processes`, `either` or `neither` by the rules in
`recommend`, with the numbers in one line. A call whose threads are busy yet clearly
short while its GIL share is low is named memory-bound (`memory_bound`), with the
machine's memory bandwidth as the stream kernel measured it (pylab.probing.bandwidth, cached
per machine), and never sent to processes, which share the same memory bus.

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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

from pylab.base.errors import UserError
from pylab.base.fmt import fmt_interval, fmt_rate, fmt_seconds, fmt_speedup, fmt_times
from pylab.base.gilmodel import bounded, predicted
from pylab.base.rules import FULL_CPU_SHARE, ideal, partly_at, scales_at
from pylab.base.stats import summarize
from pylab.executors.barriers import BARRIER_TIMEOUT_S
from pylab.host.load import Background, is_busy
from pylab.host.machine import gil_enabled, machine_info, usable_cores
from pylab.host.pools import pools_pinned
from pylab.host.state import check as check_machine
from pylab.measure.heartbeat import SHARE_S, TICK_S, Heartbeat
from pylab.measure.timing import paired_ratios, threaded

MIN_CALL_S = 1e-6  # below this a call is too fast to measure: dispatching it costs more
COPY_S = 0.05  # each copy of the work lasts at least this long
GAINS = 1.1  # less than this is no gain at all
BEYOND = 1.15  # a speed-up interval wholly above 1.15 x ideal is not a speed-up to trust

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


def _run_copy(calls: int) -> None:
    if _worker_error:
        raise RuntimeError(_worker_error)
    _worker_barrier.wait(BARRIER_TIMEOUT_S)
    for _ in range(calls):
        _worker_call()


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
    """Seconds per call (best of a few batches)."""
    _calls(call, 1)  # the first call: imports, caches
    batch, best = 1, math.inf
    while True:
        t0 = time.perf_counter()
        _calls(call, batch)
        elapsed = time.perf_counter() - t0
        best = min(best, elapsed / batch)
        if elapsed >= 0.02 or batch >= 1 << 20:
            return best
        batch *= 4


def _cpu_fraction(call: Callable[[], Any], calls: int) -> float:
    """CPU seconds per wall second of the call run serially (near 0 for waits).

    The calling thread's CPU, not the process's: a BLAS pool restored by an earlier
    probe spins its fresh threads for a while and read 1.7 here; with the pools
    pinned to one thread, BLAS and OpenMP work runs in the calling thread anyway."""
    c0, t0 = time.thread_time(), time.perf_counter()
    _calls(call, calls)
    return (time.thread_time() - c0) / max(time.perf_counter() - t0, 1e-9)


def gil_share(
    call: Callable[[], Any], calls: int, repeats: int, seconds: float = SHARE_S
) -> dict[str, float]:
    """The share of its run time that `call` holds the GIL, by the ticking heartbeat:
    {median, low, high, confidence} of `repeats` samples, each batches of `calls` calls
    run again and again for `seconds` (pylab.measure.heartbeat)."""
    batch = partial(_calls, call, calls)
    with Heartbeat(tick_s=TICK_S) as beat:
        return summarize([beat.held_share(batch, seconds) for _ in range(repeats)])


def _thread_speedup(call: Callable[[], Any], calls: int, w: int, repeats: int) -> tuple:
    """The speed-up of W threads, and their CPU per wall second: near W when every thread
    computes (or stalls on memory), near 1 when the GIL lets one run at a time."""
    busy = {"cpu_s": 0.0, "wall_s": 0.0}

    def copy(_: int) -> None:
        _calls(call, calls)

    def serial() -> None:
        for i in range(w):
            copy(i)

    def parallel() -> None:
        c0, t0 = time.process_time(), time.perf_counter()
        threaded(copy, w, w)
        busy["cpu_s"] += time.process_time() - c0
        busy["wall_s"] += time.perf_counter() - t0

    speedup = summarize(paired_ratios(serial, parallel, repeats, check=False))
    return speedup, round(busy["cpu_s"] / max(busy["wall_s"], 1e-9), 4)


def _process_speedups(
    target: Target, call: Callable[[], Any], calls: int, workers: list[int], repeats: int,
    method: str,
) -> dict[str, dict]:  # fmt: skip
    context = multiprocessing.get_context(method)
    found = {}
    for w in workers:
        with ProcessPoolExecutor(
            w, mp_context=context, initializer=_init_worker, initargs=(target, context.Barrier(w))
        ) as pool:

            def parallel(pool: ProcessPoolExecutor = pool, w: int = w) -> None:
                try:  # what fails here failed in (or on the way to) the fresh processes
                    for future in [pool.submit(_run_copy, calls) for _ in range(w)]:
                        future.result(timeout=600)
                except Exception as exc:
                    raise _ProcessFailure(f"{type(exc).__name__}: {exc}") from None

            def serial(w: int = w) -> None:
                _calls(call, w * calls)

            parallel()  # start and warm every worker before timing
            found[str(w)] = summarize(paired_ratios(serial, parallel, repeats, check=False))
    return found


# --- the model and the recommendation -----------------------------------------------------


NO_GIL = "no GIL to hold: a free-threaded build running with the GIL off"


def model_share(data: dict[str, Any]) -> float:
    """The serial fraction the models take: the GIL share, or 0 where there is no GIL."""
    return data["gil_share"]["median"] if data["gil_share"] else 0.0


def recommend(data: dict[str, Any]) -> tuple[str, str]:
    """The recommendation of `_recommend`, marked uncertain when the machine was busy
    while the speed-ups were measured: other work then took cores from the copies, and
    the load, not the call, may be why they fell short."""
    choice, reason = _recommend(data)
    load = data.get("background_cores")
    if is_busy(load):
        by_share = _by_gil_share(data)
        if by_share is not None:
            choice, reason = by_share[0], f"{by_share[1]}; measured beside the load: {reason}"
        reason = (
            f"uncertain: the machine was busy, {load:.2f} cores of other work on average "
            f"while the speed-ups were measured, the likely cause of any shortfall; {reason}"
        )
        if choice == "neither":
            reason = reason.split(": a call of ")[0] + "; probe again on a quiet machine"
    return choice, reason


def _largest(data: dict[str, Any]) -> tuple[str, float]:
    """The largest W measured (a key of the speed-up maps) and its ideal speed-up on this
    machine: what every rule below judges at."""
    w = max(data["thread_speedup"], key=int)
    return w, ideal(int(w), data["cores"], data["cpu_per_wall"])


def _by_gil_share(data: dict[str, Any]) -> tuple[str, str] | None:
    """On a busy machine the speed-ups measure the load as much as the call; the GIL
    share, read by the heartbeat, says what threads could reach (Amdahl at W). Where
    that is clear, scaling or not even a partial gain, it decides; else None."""
    share = data.get("gil_share")
    if not share:
        return None
    w, n = _largest(data)
    amdahl = data["predicted_thread_speedup"][w]
    text = (
        f"by its GIL share ({share['median']:.0%}) threads would reach {fmt_speedup(amdahl)} "
        f"at W={w} by Amdahl (scaling needs {fmt_speedup(scales_at(n))})"
    )
    if amdahl >= scales_at(n):
        return "threads", f"{text}: threads"
    if amdahl < partly_at(n):
        return "processes", f"{text}: processes"
    return None


def memory_bound(data: dict[str, Any]) -> bool:
    """Threads all busy, the GIL no reason to fall short, yet well short of W: a resource
    every core shares caps the call, most often memory bandwidth. At the largest W:
    the threads' CPU per wall is at least FULL_CPU_SHARE x the parallelism (they run, or stall
    on memory, rather than wait for the GIL); Amdahl's prediction from the GIL share
    scales; and the threads' whole interval is below both the scaling mark and that
    prediction. Processes must not clearly beat threads (their whole interval above the
    threads'): then the cap is inside the process, which processes do not share.
    Never on a busy machine, where the load explains a shortfall just as well."""
    w, n = _largest(data)
    busy = (data.get("thread_cpu_per_wall") or {}).get(w)
    if busy is None or is_busy(data.get("background_cores")):
        return False
    mark, amdahl = scales_at(n), data["predicted_thread_speedup"][w]
    t, p = data["thread_speedup"][w], data["process_speedup"].get(w)
    short = t["high"] < mark <= amdahl
    return busy >= FULL_CPU_SHARE * n and short and (p is None or p["low"] <= t["high"])


def _memory_bound(data: dict[str, Any], numbers: str) -> tuple[str, str]:
    """threads, either or neither, naming memory bandwidth: processes share the memory
    bus, so they gain no more; threads are the cheaper of two that gain the same."""
    w, n = _largest(data)
    mark = scales_at(n)
    t, p = data["thread_speedup"][w], data["process_speedup"].get(w)
    reason = (
        f"memory bandwidth (or another shared resource) likely caps it {numbers}: the {w} "
        f"threads are busy ({data['thread_cpu_per_wall'][w]:.2f} CPU per wall) yet gain "
        f"{fmt_interval(t)}, under the {fmt_speedup(mark)} that scaling needs and Amdahl's "
        f"prediction"
    )
    if p is None:
        choice = "threads" if t["median"] >= GAINS else "neither"
        tail = f"; processes not measured: {data['process_error']}"
    else:
        reason += f"; processes, on the same memory bus, gain {fmt_interval(p)}"
        if p["median"] >= mark:  # yet overlapping the threads' interval: a noise-sized lead
            choice, tail = "either", "; threads: the cheaper of two that gain the same"
            reason += ", reaching the mark but within the threads' noise"
        elif max(t["median"], p["median"]) >= GAINS:
            choice, tail = "threads", "; threads: they start faster and share memory"
        else:
            choice, tail = "neither", ""
    return choice, reason + _bandwidth_text(data.get("bandwidth")) + tail


def _bandwidth_text(bw: dict[str, Any] | None) -> str:
    if not bw:
        return ""
    single, many = bw["single_bytes_per_s"], bw["threads_bytes_per_s"]
    return (
        f"; the machine's measured bandwidth is {fmt_rate(single)} single-core, "
        f"{fmt_rate(many)} with {bw['workers']} threads ({fmt_times(many / single)} one thread's)"
    )


def _recommend(data: dict[str, Any]) -> tuple[str, str]:
    """threads, processes, either or neither, and why, at the largest W measured.

    First, a memory-bound call (`memory_bound`: threads busy, GIL share low, threads
    clearly short) gets threads, either or neither with memory bandwidth named, never
    processes: they share the memory bus. Otherwise each speed-up S is judged against
    the ideal: it scales by the lab's rule (pylab.base.rules: S >= SCALES x ideal) and gains
    at S >= GAINS. Both scale: either (threads start faster and share memory).
    One scales: that one, but only if the other's whole interval is below the mark;
    if its interval reaches it, noise may have hidden it, so: either (uncertain);
    for threads, unless the GIL bound from the GIL share also falls short (two
    measurements then agree that they cannot scale; not Amdahl's prediction, which
    copies that drift out of step can beat).
    Neither scales but one gains: the larger, unless their intervals overlap: then
    threads, the cheaper (a noise-sized difference never decides); none gains: neither
    (the call is too short for the dispatch, or a shared resource caps it). Without a process
    measurement, a call that holds the GIL half the time or more gets `processes`,
    marked as not measured.
    """
    w, n = _largest(data)
    mark = scales_at(n)
    t = data["thread_speedup"][w]
    p = data["process_speedup"].get(w)
    share = model_share(data)
    held = f"it holds the GIL {share:.0%} of its run time" if data["gil_share"] else NO_GIL
    numbers = (
        f"at W={w}: threads {fmt_speedup(t['median'])}"
        + (f", processes {fmt_speedup(p['median'])}" if p else "")
        + f"; {held} "
        f"(threads: {fmt_speedup(data['predicted_thread_speedup'][w])} by Amdahl, "
        f"{fmt_speedup(data['thread_speedup_bound'][w])} at most)"
    )
    if memory_bound(data):
        return _memory_bound(data, numbers)
    if p is None:
        if t["median"] >= mark:
            return "threads", f"threads scale {numbers}"
        guess = "processes" if share >= 0.5 else "neither"
        return guess, f"{numbers}; processes not measured: {data['process_error']}"
    scales = {"threads": t["median"] >= mark, "processes": p["median"] >= mark}
    bound = data["thread_speedup_bound"][w]
    maybe = {"threads": t["high"] >= mark and bound >= mark, "processes": p["high"] >= mark}
    if all(scales.values()):
        return "either", f"both scale {numbers}; threads start faster and share memory"
    for winner, other in (("threads", "processes"), ("processes", "threads")):
        if scales[winner]:
            if maybe[other]:
                return "either", f"{winner} scale, {other} may (uncertain) {numbers}"
            return winner, f"only {winner} scale {numbers}"
    if max(t["median"], p["median"]) >= GAINS:
        if t["low"] <= p["high"] and p["low"] <= t["high"]:  # the same within the noise
            return "threads", (
                f"threads and processes gain the same within their intervals, short of "
                f"scaling, {numbers}; threads: they start faster and share memory"
            )
        winner = "threads" if t["median"] >= p["median"] else "processes"
        return winner, f"{winner} gain, though short of scaling, {numbers}"
    return "neither", (
        f"neither gains {numbers}: a call of {fmt_seconds(data['call_s'])} is too short to "
        f"pay for its dispatch, or a shared resource caps it"
    )


def beyond_ideal(data: dict[str, Any]) -> list[str]:
    """A speed-up whose whole interval is above what W copies can reach means the copies
    did less work than the serial runs: most often a setup that builds other work in a
    fresh process (unseeded sizes, a calibration), so the numbers are not comparable."""
    found = []
    for kind, key in (("threads", "thread_speedup"), ("processes", "process_speedup")):
        for w, s in data[key].items():
            most = ideal(int(w), data["cores"], data["cpu_per_wall"])
            if s["low"] > BEYOND * most:
                found.append(
                    f"{kind} at W={w} ran {fmt_interval(s)}, "
                    f"beyond the {fmt_speedup(most)} that {w} copies can reach on "
                    f"{data['cores']} cores: "
                    f"did each copy do the same work? (the setup runs again in each process)"
                )
    return found


# --- the probe ------------------------------------------------------------------------------


def probe_target(
    target: Target,
    call: Callable[[], Any],
    workers: list[int] | None = None,
    start_method: str = "fork",
    repeats: int = 5,
) -> dict[str, Any]:
    """Measure `call` (rebuilt in processes from `target`); the JSON the CLI writes.

    BLAS and OpenMP pools are pinned to one thread meanwhile, so W copies use W threads,
    not W x the pool's; the record says what was pinned, on which machine, and in what
    state the machine was at the start (pylab.host.state)."""
    state, warnings = check_machine()  # before the probe starts anything of its own
    with pools_pinned() as pinning:
        data = _measure(target, call, workers, start_method, repeats)
    return {
        **data,
        "machine": machine_info(),
        "machine_state": state,
        "machine_warnings": warnings,
        "pinning": pinning,
    }


def _measure(
    target: Target, call: Callable[[], Any], workers: list[int] | None, start_method: str,
    repeats: int,
) -> dict[str, Any]:  # fmt: skip
    cores = usable_cores()
    workers = sorted(set(workers or {2, cores}))
    if workers[-1] < 2:  # W=1 measures the dispatch alone: nothing to recommend from
        raise UserError("--workers needs a count of 2 or more (1 alone runs nothing in parallel)")
    call_s = time_call(call)
    if call_s < MIN_CALL_S:
        raise UserError(
            f"too fast to measure: one call takes {fmt_seconds(call_s)}; pylab probes calls "
            f"of {fmt_seconds(MIN_CALL_S)} or more (dispatching one to a thread costs more)"
        )
    calls = max(1, math.ceil(COPY_S / call_s))
    data: dict[str, Any] = {
        "call_s": call_s,
        "calls_per_copy": calls,
        "cores": cores,
        "workers": workers,
        "start_method": start_method,
    }
    data["cpu_per_wall"] = round(_cpu_fraction(call, calls), 4)
    # A free-threaded build with the GIL off has no GIL to hold: nothing to measure, and
    # the heartbeat would read 0 for any call (None says so instead).
    data["gil_share"] = gil_share(call, calls, repeats) if gil_enabled() else None
    with Background() as seen:  # what the rest of the machine took meanwhile
        threads = {str(w): _thread_speedup(call, calls, w, repeats) for w in workers}
        data["thread_speedup"] = {w: speedup for w, (speedup, _) in threads.items()}
        data["thread_cpu_per_wall"] = {w: busy for w, (_, busy) in threads.items()}
        data["process_speedup"], data["process_error"] = {}, None
        try:
            data["process_speedup"] = _process_speedups(
                target, call, calls, workers, repeats, start_method
            )
        except _ProcessFailure as exc:  # it cannot run in a fresh process: threads answer
            data["process_error"] = f"cannot run in a fresh process ({start_method}): {exc}"
    data["background_cores"] = seen.reading.background_cores
    data["steal_cores"] = seen.reading.steal_cores
    share = model_share(data)
    for key, model in (("predicted_thread_speedup", predicted), ("thread_speedup_bound", bounded)):
        data[key] = {
            str(w): round(model(share, w, cores, data["cpu_per_wall"]), 4) for w in workers
        }
    _with_bandwidth(data)
    data["recommendation"], data["reason"] = recommend(data)
    data["warnings"] = beyond_ideal(data)
    return data


def _with_bandwidth(data: dict[str, Any]) -> None:
    """The machine's memory bandwidth for the reason of a memory-bound call, under
    `bandwidth`: measured once per machine, then read from the cache (pylab.probing.bandwidth)."""
    if not memory_bound(data):
        return
    # Imported here: it loads numpy and the stream kernel, which most probes never need.
    from pylab.probing import bandwidth

    w, _ = _largest(data)
    data["bandwidth"] = bandwidth.machine_bandwidth(min(int(w), data["cores"]))


def probe(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Probe fn(*args, **kwargs): its GIL share, its speed-ups in threads and in fork
    processes, Amdahl's prediction, and a recommendation (see the module docstring)."""
    call = partial(fn, *args, **kwargs)
    return probe_target(("callable", call), call)
