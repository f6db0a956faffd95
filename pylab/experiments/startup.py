"""C03: starting a process is slower than starting a thread.

For a thread (threading.Thread) and a process under each start method (fork,
forkserver, spawn), three start-up costs, each a median of repeats with an
order-statistic interval:
  start_join         .start() to .join() returning, for a target that does nothing;
  first_instruction  just before .start() to the target's first statement, which
                     reads time.perf_counter() and sends it back;
  pool               creating a ThreadPoolExecutor / ProcessPoolExecutor of W
                     workers until W tasks, held at a barrier so each reaches its
                     own worker, have all returned (every worker up).
A forkserver context launches its server on its first start: that start is
measured and reported apart (first_start_join_s), the repeats are steady state.
Every kind is warmed with one discarded round before timing.

Where this interpreter has subinterpreters with their own GIL (3.13 with the PEP 734
backport, 3.14+), a subinterpreter is measured too, last, as the kind `interpreter`
(see subinterpreter_costs: the same three costs and the first import of the kernels
in a fresh one); elsewhere `subinterpreters` records why not. It enters no rule: C03
is about threads and processes, and its reason says where a subinterpreter sits.

A spawned child starts a fresh interpreter and imports this module to find the
target (a forkserver child unpickles it likewise, from the server). So this
module imports only the standard library and pylab modules that themselves
import only the standard library (experiments.base, claims, stats); what such a
child really had imported is measured and recorded under child_imports.

Rule: C03 holds when the thread's start+join interval lies wholly below every
process start method's interval; fails when some start method's median is at or
below the thread's; partly when the thread's median is lower than all of them
but an interval overlaps (faster, yet not distinguishable from the noise).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from typing import Any

from pylab.base import extras
from pylab.base.fmt import fmt_place, fmt_seconds, fmt_span, fmt_times
from pylab.base.stats import ratio, summarize
from pylab.executors import START_METHODS
from pylab.experiments import subinterpreter_costs
from pylab.experiments._kit import (
    FORK,
    FORKSERVER,
    ON_THIS_INTERPRETER,
    SPAWN,
    SUBINTERPRETER_RECORD,
    judge_for,
    judges,
    pool_up_s,
    reap,
    rounds,
    start_methods,
    subinterpreter_part,
)
from pylab.experiments.base import Level, Verdict
from pylab.experiments.claims import PUBLISHED
from pylab.experiments.subinterpreter_costs import (
    FIRST_INSTRUCTION,
    KERNEL_IMPORT,
    POOL,
    START_JOIN,
)

NAME = "startup"
CLAIMS = ("C03",)

THREAD = "thread"
INTERPRETER = "interpreter"  # a subinterpreter with its own GIL, in this process
FORKSERVER_FIRST = "forkserver_first"  # the data's key for the first forkserver start
POOL_WORKERS = 2
# Starting a thread or forking costs microseconds to milliseconds: many repeats
# are cheap. A spawn or forkserver start costs tens of milliseconds: fewer.
CHEAP = (THREAD, FORK)
CHEAP_REPEATS_FACTOR = 4
TIMEOUT_S = 60.0  # no start takes this long; a child that hangs fails the experiment

_barrier: Any = None  # the pool's barrier, set in each worker by _keep_barrier


# --- Targets: module-level, so spawned and forkserver children can import them.


def _noop() -> None:
    pass


def _stamp(conn: Any) -> None:
    # The first statement of the target. On Linux perf_counter is CLOCK_MONOTONIC,
    # one system-wide clock, so a child's reading compares with the parent's.
    now = time.perf_counter()
    conn.send(now)
    conn.close()


def _stamp_into(box: list[float]) -> None:
    box.append(time.perf_counter())


def _keep_barrier(barrier: Any) -> None:
    global _barrier
    _barrier = barrier


def _meet() -> None:
    _barrier.wait(TIMEOUT_S)


def _report_imports(conn: Any) -> None:
    outside = {name for name in sys.modules if name.split(".")[0] not in sys.stdlib_module_names}
    conn.send({"modules": len(sys.modules), "outside_stdlib": sorted(outside)})
    conn.close()


# --- One measurement each; `method` None is a thread.


def _start_join(method: str | None) -> float:
    if method is None:
        thread = threading.Thread(target=_noop)
        t0 = time.perf_counter()
        thread.start()
        thread.join()
        return time.perf_counter() - t0
    process = multiprocessing.get_context(method).Process(target=_noop)
    try:
        t0 = time.perf_counter()
        process.start()
        process.join(TIMEOUT_S)
        elapsed = time.perf_counter() - t0
        if process.exitcode != 0:
            raise RuntimeError(f"a {method} child did not exit cleanly: {process.exitcode}")
    finally:
        reap(process, TIMEOUT_S)
    return elapsed


def _from_child(method: str, target: Callable[[Any], None]) -> tuple[float, Any]:
    """Start `target(conn)` in a child; the time just before start() and what it sent."""
    context = multiprocessing.get_context(method)
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(send,))
    try:
        t0 = time.perf_counter()
        process.start()
        send.close()  # ours; so a child that dies unheard ends the wait with EOF
        if not receive.poll(TIMEOUT_S):
            raise RuntimeError(f"a {method} child sent nothing in {TIMEOUT_S:.0f} s")
        return t0, receive.recv()
    finally:
        send.close()
        receive.close()
        reap(process, TIMEOUT_S)


def _first_instruction(method: str | None) -> float:
    if method is None:
        box: list[float] = []
        thread = threading.Thread(target=_stamp_into, args=(box,))
        t0 = time.perf_counter()
        thread.start()
        thread.join()
        return box[0] - t0
    t0, first = _from_child(method, _stamp)
    return first - t0


def _make_pool(method: str | None, barrier: Any) -> Executor:
    if method is None:
        return ThreadPoolExecutor(POOL_WORKERS, initializer=_keep_barrier, initargs=(barrier,))
    return ProcessPoolExecutor(
        POOL_WORKERS,
        mp_context=multiprocessing.get_context(method),
        initializer=_keep_barrier,
        initargs=(barrier,),
    )


def _pool(method: str | None) -> float:
    # The barrier is made before the clock starts: it is not part of the pool.
    if method is None:
        barrier = threading.Barrier(POOL_WORKERS)
    else:
        barrier = multiprocessing.get_context(method).Barrier(POOL_WORKERS)
    return pool_up_s(partial(_make_pool, method, barrier), (_meet,), POOL_WORKERS, TIMEOUT_S)


MEASUREMENTS = {
    START_JOIN: _start_join,
    FIRST_INSTRUCTION: _first_instruction,
    POOL: _pool,
}


# --- Putting it together.


def _forkserver_running() -> bool | None:
    # Private state of multiprocessing; None where it cannot be read.
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    if server is None or not hasattr(server, "_forkserver_pid"):
        return None
    return server._forkserver_pid is not None


def _repeats(level: Level) -> dict[str, int]:
    # A subinterpreter costs milliseconds and CPython keeps ~1.75 MB of each one closed
    # (five per round): not a cheap kind.
    kinds = (THREAD, *START_METHODS, INTERPRETER)
    factor = {kind: CHEAP_REPEATS_FACTOR if kind in CHEAP else 1 for kind in kinds}
    return {kind: max(3, level.repeats * factor[kind]) for kind in kinds}


def measure(level: Level, cells: list[dict[str, Any]]) -> dict[str, Any]:
    methods = start_methods()
    repeats = _repeats(level)
    results: dict[str, dict[str, list[float]]] = {}
    forkserver_first: dict[str, Any] = {}
    child_imports: dict[str, Any] = {}
    # Threads first, then fork: every thread is joined and every pool shut down
    # before the next kind starts, so no fork happens while other threads run.
    for method in [None, *methods]:
        kind = method or THREAD
        if method == FORKSERVER:
            already = _forkserver_running()
            forkserver_first = {
                "start_join_s": round(_start_join(method), 6),
                "server_already_running": already,
            }
        # `repeats` rounds of every measurement, after one discarded warm-up round.
        of_kind = {
            name: partial(measure_once, method) for name, measure_once in MEASUREMENTS.items()
        }
        results[kind] = rounds(of_kind, repeats[kind])
        if method in (FORKSERVER, SPAWN):
            child_imports[method] = _from_child(method, _report_imports)[1]
    # Last: no fork after an interpreter was created (and what CPython kept of it).
    interpreter = _measure_interpreter(repeats[INTERPRETER])
    if interpreter:
        results[INTERPRETER] = interpreter["samples"]
    return {
        "pool_workers": POOL_WORKERS,
        "start_methods": methods,
        "repeats": {kind: repeats[kind] for kind in results},
        "clock": time.get_clock_info("perf_counter").implementation,
        **{
            name: {kind: summarize(samples[name]) for kind, samples in results.items()}
            for name in MEASUREMENTS
        },
        FORKSERVER_FIRST: forkserver_first,
        "child_imports": child_imports,
        SUBINTERPRETER_RECORD: _subinterpreter_record(interpreter),
        "published": PUBLISHED["C03"],
    }


def _measure_interpreter(repeats: int) -> dict[str, Any] | None:
    if extras.why_no_subinterpreters() is not None:
        return None
    return subinterpreter_costs.startup_costs(repeats, POOL_WORKERS, TIMEOUT_S)


def _subinterpreter_record(measured: dict[str, Any] | None) -> dict[str, Any]:
    """Whether a subinterpreter was measured (why not, if not); its kernel imports."""
    record = extras.subinterpreters_info()
    if measured is not None:
        record[KERNEL_IMPORT] = summarize(measured["samples"][KERNEL_IMPORT])
        record["kernels"] = measured["kernels"]
    return record


def _fastest(section: dict[str, Any], methods: list[str]) -> str:
    return min(methods, key=lambda m: section[m]["median"])


def _versus(data: dict[str, Any], name: str, label: str) -> str:
    section = data[name]
    fastest = _fastest(section, data["start_methods"])
    thread = fmt_seconds(section[THREAD]["median"])
    return f"{label} {thread} vs {fastest} {fmt_seconds(section[fastest]['median'])}"


def _start_join_text(data: dict[str, Any]) -> str:
    section = data[START_JOIN]
    parts = []
    for method in data["start_methods"]:
        text = f"{method} {fmt_seconds(section[method]['median'])}"
        first = data[FORKSERVER_FIRST]
        if method == FORKSERVER and first:
            launch = "server already up" if first["server_already_running"] else "server launch"
            text += f" (first start {fmt_seconds(first['start_join_s'])}, {launch})"
        parts.append(text)
    return ", ".join(parts)


def _intervals_text(verdict: str, section: dict[str, Any], methods: list[str]) -> str:
    """What the rule read from the intervals: clear of every process's, or which overlap."""
    if verdict == "holds":
        lowest = min(methods, key=lambda m: section[m]["low"])
        return (
            f", its interval wholly below every process's (the lowest, {lowest}, from "
            f"{fmt_seconds(section[lowest]['low'])})"
        )
    if verdict == "partly":
        thread_high = section[THREAD]["high"]
        overlap = [m for m in methods if section[m]["low"] <= thread_high]
        return ", but the intervals overlap: " + ", ".join(
            f"{m} {fmt_span(section[m])}" for m in overlap
        )
    return ""


def _others(data: dict[str, Any], name: str) -> dict[str, float]:
    """The medians of `name` for the thread and each process start method, by label."""
    section = data[name]
    others = {"a thread": section[THREAD]["median"]}
    others |= {f"a {m} process": section[m]["median"] for m in data["start_methods"]}
    return others


def _subinterpreter(data: dict[str, Any]) -> tuple[str, Any]:
    """A subinterpreter's figures and where they sit (the reason's part and its numbers),
    or why there are none."""

    def measured(record: dict[str, Any]) -> tuple[str, Any]:
        start, pool = data[START_JOIN][INTERPRETER], data[POOL][INTERPRETER]
        first = data[FIRST_INSTRUCTION][INTERPRETER]
        kernels = ", ".join(record["kernels"]["loaded"])
        text = (
            f"; a subinterpreter: create+exec+close {fmt_span(start)}, "
            f"{fmt_place(start['median'], _others(data, START_JOIN), fmt_seconds)}; "
            f"its first instruction {fmt_seconds(first['median'])}; "
            f"pool of {data['pool_workers']} up {fmt_seconds(pool['median'])}, "
            f"{fmt_place(pool['median'], _others(data, POOL), fmt_seconds)}; "
            f"importing the kernels ({kernels}) in a fresh one "
            f"{fmt_seconds(record['kernel_import']['median'])}"
        )
        medians = {name: data[name][INTERPRETER]["median"] for name in MEASUREMENTS}
        return text, {
            "available": True,
            **{f"{name}_median_s": value for name, value in medians.items()},
            "kernel_import_median_s": record[KERNEL_IMPORT]["median"],
            "kernels": record["kernels"]["loaded"],
        }

    return subinterpreter_part(data.get(SUBINTERPRETER_RECORD), measured, ON_THIS_INTERPRETER)


@judges("C03")
def _judge_c03(data: dict[str, Any]) -> Verdict:
    section = data[START_JOIN]
    methods = data["start_methods"]
    thread = section[THREAD]
    fastest = _fastest(section, methods)
    speedup = ratio(section[fastest]["median"], thread["median"])
    if any(section[m]["median"] <= thread["median"] for m in methods):
        verdict = "fails"
    elif all(thread["high"] < section[m]["low"] for m in methods):
        verdict = "holds"
    else:
        verdict = "partly"
    published = data["published"]
    if speedup >= 1:
        compared = f"{fmt_times(speedup)} faster than the fastest process ({fastest})"
    else:
        slower = ratio(thread["median"], section[fastest]["median"])
        compared = f"{fmt_times(slower)} slower than {fastest}"
    pool_label = f"pool of {data['pool_workers']} up"
    note, subinterpreter = _subinterpreter(data)
    reason = (
        f"thread start+join {fmt_span(thread)}; {_start_join_text(data)}: "
        f"{compared}{_intervals_text(verdict, section, methods)}; "
        f"{_versus(data, FIRST_INSTRUCTION, 'first instruction')}; "
        f"{_versus(data, POOL, pool_label)} "
        f"({published['source']}: {fmt_seconds(published['thread_start_s'])} vs "
        f"{fmt_seconds(published['process_spawn_s'])})"
        f"{note}"
    )
    numbers = {
        "start_join_median_s": {kind: s["median"] for kind, s in section.items()},
        "fastest_process": fastest,
        "ratio_to_fastest_process": round(speedup, 3),
        "first_instruction_median_s": {k: s["median"] for k, s in data[FIRST_INSTRUCTION].items()},
        "pool_median_s": {kind: s["median"] for kind, s in data[POOL].items()},
        "forkserver_first": data[FORKSERVER_FIRST],
        "subinterpreter": subinterpreter,
        "published": published,
    }
    return Verdict("C03", verdict, reason, numbers)


judge = judge_for(__name__, CLAIMS)
