"""C07 and C18: stopping a worker that sits inside a long compiled call.

C07, processes: a worker process signals that it is entering a Cython loop that
would run for hours (one that holds the GIL, one that releases it), then the
parent sends terminate() (SIGTERM) or kill() (SIGKILL) and times until join()
returns. With fork always, with spawn too at default level and above.

C18, threads:
  (i)   whether threading.Thread has any kill-like method (computed from the
        class, beside multiprocessing.Process, which has them);
  (ii)  how long a cooperative stop flag takes: a thread runs GIL-releasing
        chunks of FLAG_CHUNK_S (1 ms, sized by the loop's time per iteration
        measured first; each chunk's own time is recorded as `chunk_s`) and checks a
        threading.Event between them; time from setting the event to the thread
        having exited;
  (iii) how late Ctrl-C reaches the main thread while it is inside one long
        compiled call (GIL held, or released): SIGINT's Python handler
        (signal.default_int_handler, installed for the measurement) runs only in
        the main thread, between bytecodes, so a compiled call should delay it
        until it returns; this measures whether it does. SIGINT comes from a
        helper *process*, not a thread: a Python thread cannot even send a
        signal while the main thread holds the GIL.
        The call lasts SIGINT_CALL_S (1 s at scale 1, at most 0.5 s), sized by
        the kernel's measured time per iteration. Lateness is compared with the
        call time left when the signal was sent, taken from the faster of two
        undisturbed calls of the same kernel.

Rule for C07: holds when every terminate() and kill() ended the worker within
KILL_BOUND_S (200 ms), for both kernels and every start method; fails otherwise.

Rule for C18, first match wins:
  fails   if threading.Thread has a kill-like method (threads can be killed);
  partly  if Ctrl-C did not wait for some kernel call (median lateness under
          WAIT_SHARE, 0.25, of the call time left): the main thread can be interrupted;
  partly  if the cooperative flag stopped the thread within FLAG_BOUND_CHUNKS (10) of
          its measured chunks (median):
          no kill and Ctrl-C waits for the call, but threads can be stopped,
          cooperatively; this is the expected outcome;
  holds   otherwise: no kill, Ctrl-C waits, and not even a flag stops a thread
          promptly.
The cooperative flag outranks `holds` because the claim says threads *cannot*
be stopped; a thread that stops within milliseconds when asked shows they can,
only not by force.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from typing import Any

from pylab.base.fmt import fmt_seconds
from pylab.base.stats import median, summarize
from pylab.experiments._kit import (
    FORK,
    fork_and_spawn,
    from_intervals,
    hang_up,
    judge_for,
    judges,
    reap,
)
from pylab.experiments.base import Level, Verdict
from pylab.measure.timing import seconds_per_unit, timings, units_for

NAME = "killing"
CLAIMS = ("C07", "C18")

FOREVER_ITERS = 10**13  # a kernel call of hours: the worker is always inside it when signalled
READY_TIMEOUT_S = 60.0  # a spawned worker re-imports the lab; give up on one that never starts
SETTLE_S = 0.02  # after the worker's "entering" message: it is deep inside the call
JOIN_TIMEOUT_S = 5.0  # a worker still alive this long after the signal counts as not stopped
FLAG_CHUNK_S = 1e-3  # GIL-releasing work between two checks of the stop flag
FLAG_RUN_S = 0.01  # the flagged thread runs this long before it is asked to stop
SIGINT_CALL_S = 1.0  # the Ctrl-C call at scale 1 (quick 0.3 s)...
SIGINT_MAX_SCALE = 0.5  # ...but no longer than 0.5 s: each trial costs one whole call
SIGINT_AT = 1 / 3  # the signal is sent this far into the call
SIGINT_GRACE_S = 2.0  # after the call: how long to wait for a KeyboardInterrupt that never came
SIGINT_TRIALS = 3  # per kernel; each costs a whole long call
CLEAN_CALLS = 2  # undisturbed calls per kernel, to time one
KILL_NAMES = ("kill", "terminate", "stop", "cancel", "interrupt", "abort")
KERNELS = ("gil", "nogil")
KERNEL_LABELS = {"gil": "GIL-holding", "nogil": "GIL-releasing"}
TERMINATE, KILL = "terminate", "kill"  # how a worker process is stopped: SIGTERM, SIGKILL
# The data's sections the killing plot reads too.
PROCESS_STOPS, FLAG_STOP, CTRL_C = "processes", "flag_stop", "sigint"

# 200 ms: far above the few ms a signal and waitpid take, far below anything a
# user would call "cannot be killed" (a GIL-holding call would run for hours).
KILL_BOUND_S = 0.2
# Ten chunks of the flagged loop, each timed as the run measured it (about 10 ms): a
# stop that lands within them acts promptly.
FLAG_BOUND_CHUNKS = 10
# Ctrl-C "waits for the call" when it is raised no sooner than a quarter of the
# call time left when it was sent (expected: about all of it). An interrupt that
# acted mid-call would take a few ms, under 0.05 of it; the call time left is
# estimated from undisturbed calls, which vary 50% here under load, hence the margin.
WAIT_SHARE = 0.25


def _kernel(name: str) -> Any:
    from pylab.kernels._ext import compute

    return compute.hash_sum_gil if name == "gil" else compute.hash_sum_nogil


# --- C07: processes --------------------------------------------------------


def kernel_worker(conn: Any, kernel: str) -> None:
    """In the worker process: say it is entering the kernel, then run it for hours."""
    fn = _kernel(kernel)
    conn.send_bytes(b"in")
    fn(0, FOREVER_ITERS)


def _stop_worker(ctx: Any, kernel: str, how: str) -> tuple[float, int | None]:
    """Seconds from terminate()/kill() to join() returning, and the exit code."""
    recv, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=kernel_worker, args=(send, kernel), name="pylab-kill")
    try:
        process.start()
        send.close()
        try:
            if not recv.poll(READY_TIMEOUT_S):
                raise EOFError
            recv.recv_bytes()
        except EOFError:  # it died before the kernel, or never got there
            from pylab.executors import exit_reason  # not at the top: spawned workers import us

            process.join(0.1)
            raise RuntimeError(
                f"{kernel} worker never entered the kernel: {exit_reason(process.exitcode)}"
            ) from None
        time.sleep(SETTLE_S)
        t0 = time.perf_counter()
        getattr(process, how)()
        process.join(JOIN_TIMEOUT_S)
        return time.perf_counter() - t0, process.exitcode
    finally:
        reap(process)
        send.close()
        recv.close()


def _kill_case(ctx: Any, kernel: str, how: str, repeats: int) -> dict[str, Any]:
    samples, codes = [], []
    for _ in range(repeats):
        seconds, code = _stop_worker(ctx, kernel, how)
        samples.append(seconds)
        codes.append(code)
    return {
        "seconds": summarize(samples),
        "max_s": round(max(samples), 6),
        "exit_codes": codes,
        "stopped": sum(code is not None for code in codes),
        "repeats": repeats,
    }


def measure_processes(level: Level) -> dict[str, Any]:
    methods = fork_and_spawn(level)
    cases = []
    for method in methods:
        ctx = multiprocessing.get_context(method)
        for kernel in KERNELS:
            for how in (TERMINATE, KILL):
                case = _kill_case(ctx, kernel, how, level.repeats)
                cases.append({"start_method": method, "kernel": kernel, "how": how} | case)
    return {"start_methods": methods, "cases": cases}


# --- C18 (i): is there a kill API? -----------------------------------------


def kill_api() -> dict[str, list[str]]:
    """Public kill-like methods of threading.Thread, beside multiprocessing.Process's."""

    def methods(cls: type) -> list[str]:
        names = [n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))]
        return sorted(n for n in names if any(word in n.lower() for word in KILL_NAMES))

    return {"thread": methods(threading.Thread), "process": methods(multiprocessing.Process)}


# --- C18 (ii): a cooperative stop flag -------------------------------------


def _flagged(stop: threading.Event, running: threading.Event, iters: int) -> None:
    fn = _kernel("nogil")
    while not stop.is_set():
        fn(0, iters)
        running.set()


def _flag_stop(iters: int) -> float:
    """Seconds from setting the stop event to the thread having exited."""
    stop, running = threading.Event(), threading.Event()
    thread = threading.Thread(target=_flagged, args=(stop, running, iters), name="pylab-flagged")
    thread.start()
    try:
        running.wait()
        time.sleep(FLAG_RUN_S)
        t0 = time.perf_counter()
        stop.set()
        thread.join()
        return time.perf_counter() - t0
    finally:
        stop.set()
        thread.join()


# --- C18 (iii): Ctrl-C while the main thread is in a compiled call ---------


def sigint_sender(conn: Any, target_pid: int) -> None:
    """In a helper process: for each (at) received, send SIGINT at perf_counter `at`.

    perf_counter is CLOCK_MONOTONIC on Linux, one clock for every process, so
    the parent can compare the send time it gets back with its own times.
    """
    while True:
        at = conn.recv()
        if at is None:
            return
        time.sleep(max(0.0, at - time.perf_counter()))
        sent = time.perf_counter()
        os.kill(target_pid, signal.SIGINT)
        conn.send(sent)


def _interrupted_call(conn: Any, fn: Any, iters: int, call_s: float) -> dict[str, Any]:
    """One call of fn with SIGINT sent SIGINT_AT into it; when did KeyboardInterrupt come?"""
    raised = sent = None
    start = time.perf_counter()
    try:
        conn.send(start + SIGINT_AT * call_s)
        fn(0, iters)
        sent = conn.recv()  # the sender has signalled by now...
        time.sleep(SIGINT_GRACE_S)  # ...so the interrupt lands here at the latest
    except KeyboardInterrupt:
        raised = time.perf_counter()
    if sent is None:
        sent = conn.recv()
    return {
        # never raised: counted as waiting until we gave up
        "lateness_s": round((time.perf_counter() if raised is None else raised) - sent, 6),
        "call_left_s": round(start + call_s - sent, 6),
        "raised_after_start_s": None if raised is None else round(raised - start, 6),
        "raised": raised is not None,
    }


def _sigint_kernel(conn: Any, kernel: str, seconds: float) -> dict[str, Any]:
    fn = _kernel(kernel)
    iters = units_for(seconds, seconds_per_unit(lambda n: fn(0, n)))
    # Undisturbed calls: how long one takes, to know what was left of it at the
    # signal. The faster of two, as the first call of a kernel is often slow.
    call_s = min(timings(lambda: fn(0, iters), CLEAN_CALLS))
    trials = [_interrupted_call(conn, fn, iters, call_s) for _ in range(SIGINT_TRIALS)]
    shares = [t["lateness_s"] / t["call_left_s"] for t in trials if t["call_left_s"] > 0]
    return {
        "iters": iters,
        "call_s": round(call_s, 6),
        "lateness_s": summarize([t["lateness_s"] for t in trials]),
        "call_left_s": summarize([t["call_left_s"] for t in trials]),
        "share_of_left": round(median(shares), 4) if shares else None,
        "trials": trials,
    }


def measure_sigint(level: Level) -> dict[str, Any]:
    """Ctrl-C lateness per kernel. Must run in the main thread (signal handlers live there)."""
    seconds = SIGINT_CALL_S * min(level.scale, SIGINT_MAX_SCALE)
    ctx = multiprocessing.get_context(FORK)  # forked before any thread of ours runs
    here, there = ctx.Pipe()
    sender = ctx.Process(target=sigint_sender, args=(there, os.getpid()), name="pylab-sigint")
    sender.start()
    there.close()
    try:
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            kernels = {kernel: _sigint_kernel(here, kernel, seconds) for kernel in KERNELS}
        finally:
            signal.signal(signal.SIGINT, previous)
    finally:
        hang_up(here, sender, JOIN_TIMEOUT_S)
    return {"call_s": seconds, "at": SIGINT_AT, "trials": SIGINT_TRIALS, "kernels": kernels}


def measure_flag(level: Level) -> dict[str, Any]:
    """The cooperative stop flag, its chunk sized by time and timed as it ran."""
    fn = _kernel("nogil")
    iters = units_for(FLAG_CHUNK_S, seconds_per_unit(lambda n: fn(0, n)))
    chunk = median(timings(lambda: fn(0, iters), 5))
    flag = [_flag_stop(iters) for _ in range(level.repeats)]
    return {
        "chunk_iters": iters,
        "chunk_s": round(chunk, 9),
        "seconds": summarize(flag),
        "max_s": round(max(flag), 6),
    }


def measure(level: Level, cells: list[dict]) -> dict[str, Any]:
    # Processes first and Ctrl-C next, both forking, before any thread of ours runs.
    processes = measure_processes(level)
    sigint = measure_sigint(level)
    flag = measure_flag(level)
    return {
        "settings": {
            "repeats": level.repeats,
            "settle_s": SETTLE_S,
            "join_timeout_s": JOIN_TIMEOUT_S,
            "flag_chunk_s": FLAG_CHUNK_S,
            "flag_bound_chunks": FLAG_BOUND_CHUNKS,
        },
        PROCESS_STOPS: processes,
        "kill_api": kill_api(),
        FLAG_STOP: flag,
        CTRL_C: sigint,
    }


# --- verdicts --------------------------------------------------------------


@judges("C07")
def _judge_c07(data: dict[str, Any]) -> Verdict:
    cases = data[PROCESS_STOPS]["cases"]
    worst = max(cases, key=lambda c: c["max_s"])
    unstopped = [c for c in cases if c["stopped"] < c["repeats"]]
    ok = not unstopped and worst["max_s"] <= KILL_BOUND_S

    def median_of(kernel: str, how: str) -> str:
        values = [c["seconds"]["median"] for c in cases if (c["kernel"], c["how"]) == (kernel, how)]
        return fmt_seconds(max(values))

    medians = ", ".join(
        f"{how} {median_of(k, how)} in a {KERNEL_LABELS[k]} loop"
        for k in KERNELS
        for how in (TERMINATE, KILL)
    )
    where = f"{worst['how']} of a {KERNEL_LABELS[worst['kernel']]} loop ({worst['start_method']})"
    if ok:
        reason = (
            f"worker gone after {medians}; slowest {fmt_seconds(worst['max_s'])}, {where}, "
            f"within the {fmt_seconds(KILL_BOUND_S)} bound"
        )
    elif unstopped:
        c = unstopped[0]
        kernel = KERNEL_LABELS[c["kernel"]]
        reason = f"{c['how']} left a {kernel} worker ({c['start_method']}) alive"
    else:
        reason = f"{where} took {fmt_seconds(worst['max_s'])} > {fmt_seconds(KILL_BOUND_S)}"
    numbers = {
        "seconds": {f"{c['start_method']}/{c['kernel']}/{c['how']}": c["seconds"] for c in cases},
        "max_s": worst["max_s"],
        "bound_s": KILL_BOUND_S,
    }
    return Verdict("C07", "holds" if ok else "fails", reason, numbers)


def _c18_verdict(
    thread_kill: list[str], shares: dict[str, float | None], flag_s: float, bound_s: float
) -> str:
    if thread_kill:
        return "fails"
    if any(share is not None and share < WAIT_SHARE for share in shares.values()):
        return "partly"
    if flag_s <= bound_s:
        return "partly"
    return "holds"


@judges("C18")
def _judge_c18(data: dict[str, Any]) -> Verdict:
    """Decided from the interval of the flag's stopping time."""
    return from_intervals(_c18_on_medians, data, [data[FLAG_STOP]["seconds"]])


def _c18_on_medians(data: dict[str, Any]) -> Verdict:
    thread_kill = data["kill_api"]["thread"]
    kernels = data[CTRL_C]["kernels"]
    shares = {k: kernels[k]["share_of_left"] for k in KERNELS}
    flag_s = data[FLAG_STOP]["seconds"]["median"]
    bound_s = FLAG_BOUND_CHUNKS * data[FLAG_STOP]["chunk_s"]
    verdict = _c18_verdict(thread_kill, shares, flag_s, bound_s)
    api = f"Thread has {', '.join(thread_kill)}" if thread_kill else "Thread has no kill/terminate"

    def share(k: str) -> str:
        return "" if shares[k] is None else f", {shares[k]:.0%}"

    ctrl_c = ", ".join(
        f"{fmt_seconds(kernels[k]['lateness_s']['median'])} late in a "
        f"{fmt_seconds(kernels[k]['call_s'])} {KERNEL_LABELS[k]} call "
        f"({fmt_seconds(kernels[k]['call_left_s']['median'])} left{share(k)})"
        for k in KERNELS
    )
    interrupted = [
        KERNEL_LABELS[k] for k in KERNELS if shares[k] is not None and shares[k] < WAIT_SHARE
    ]
    if thread_kill:
        tail = ""
    elif interrupted:
        tail = f": Ctrl-C interrupts a {' and a '.join(interrupted)} call"
    elif flag_s <= bound_s:
        tail = ": threads stop only cooperatively"
    else:
        tail = ": not even a flag stops a thread promptly"
    reason = (
        f"{api} (Process has {', '.join(data['kill_api']['process'])}); Ctrl-C {ctrl_c}, "
        f"it waits when late by {WAIT_SHARE:.0%} of the call left or more; a stop flag acts in "
        f"{fmt_seconds(flag_s)}, bound {fmt_seconds(bound_s)} ({FLAG_BOUND_CHUNKS} chunks){tail}"
    )
    numbers = {
        "thread_kill_methods": thread_kill,
        "sigint_share_of_call_left": shares,
        "sigint_lateness_s": {k: kernels[k]["lateness_s"]["median"] for k in KERNELS},
        "flag_stop_s": flag_s,
        "flag_bound_s": bound_s,
        "flag_bound_chunks": FLAG_BOUND_CHUNKS,
        "wait_share": WAIT_SHARE,
    }
    return Verdict("C18", verdict, reason, numbers)


judge = judge_for(__name__, CLAIMS)
