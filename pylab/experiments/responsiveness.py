"""C14: does a heartbeat thread stay responsive while background threads work?

A heartbeat thread sleeps 1 ms in a loop and records how late it wakes each
time (actual wake-up minus intended wake-up). Two background threads run, one
scenario at a time: nothing (idle), a Cython loop that releases the GIL, blocking
I/O made from C with the GIL released, a Cython loop that holds the GIL, and a
pure-Python loop. The last two run again with a shorter switch interval
(sys.setswitchinterval): pure-Python threads give up the GIL every switch
interval, but a compiled loop that holds the GIL runs no bytecode and so never
gives it up before its call returns; the heartbeat then waits about one call.
Each scenario runs in a few rounds, interleaved with the others, so a burst of
noise from the shared machine lands on all of them; the beats of all rounds are
pooled for p50, p99 and max.

Rule for C14 (on the pooled p99 lateness, decided from its order-statistic interval:
undecided where that interval crosses RESPONSIVE_S and so could change the verdict):
  fails   if the heartbeat is not responsive (p99 >= RESPONSIVE_S, 10 ms) even while the
          background threads are idle, do I/O or run GIL-releasing code;
  holds   if it is responsive in every scenario, GIL-holding ones included;
  partly  otherwise: responsive while the background releases the GIL, not while
          it holds it (the reason calls a p99 over STARVED_S, 20 ms, starved).
The subinterpreter scenario is not in the rule (the claim is about threads): the reason
gives its p99 beside the same loop in threads.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from functools import partial
from typing import Any

from pylab.base.fmt import fmt_seconds
from pylab.base.stats import percentile, quantile_interval, summarize
from pylab.experiments import _subinterp
from pylab.experiments._kit import (
    INTERFERENCE,
    SUBINTERPRETER_RECORD,
    Regions,
    from_intervals,
    judge_for,
    judges,
    region_doubts,
    scaled,
    subinterpreter_part,
    subinterpreter_status,
)
from pylab.experiments.base import Level, Verdict
from pylab.experiments.claims import PUBLISHED
from pylab.measure.timing import seconds_per_unit, units_for

NAME = "responsiveness"
CLAIMS = ("C14",)

BEAT_S = 0.001  # the heartbeat's sleep: a UI or network loop ticking at 1 kHz
DURATION_S = 1.0  # heartbeat time per scenario at scale 1 (quick: 0.3 s)
MIN_DURATION_S = 0.15  # at tiny scale: still a few beats
ROUNDS = 3  # each scenario's time is split into rounds, interleaved with the others...
MIN_ROUND_S = 0.1  # ...but no round shorter: a GIL-holding round costs a few 50 ms chunks extra
BACKGROUND_THREADS = 2
CHUNK_S = 0.05  # one Cython call; the stop flag is checked between calls
IO_WAITS = (10, 1000)  # one I/O call: 10 blocking 1 ms sleeps, GIL released
PY_CHUNK_S = 0.4e-3  # one pure-Python call; it yields at the switch interval anyway
SHORT_SWITCH_S = 0.0005  # a tenth of CPython's default 5 ms switch interval
STOP_TIMEOUT_S = 60.0  # a subinterpreter's loop stops within a chunk; a hang fails the run

# 10 ms: under one 60 Hz frame (16.7 ms), so a user sees no stall; twice the
# default switch interval. An idle 1 ms sleep wakes about 0.1 ms late here, so
# scheduler noise on a busy shared two-core machine stays well under it.
RESPONSIVE_S = 10e-3
# 20 ms: more than a 60 Hz frame (16.7 ms); a user sees a stall. Only names the
# degree in the reason; the verdict turns on RESPONSIVE_S.
STARVED_S = 20e-3

# The scenarios judge() reads: the background releases the GIL in the first three.
IDLE, NOGIL_C, IO, GIL_C, PYTHON = "idle", "nogil_c", "io", "gil_c", "python"
SHORT_SWITCH = "_short_switch"  # ends the name of a scenario run at SHORT_SWITCH_S
RELEASING = (IDLE, NOGIL_C, IO)
HOLDING = (GIL_C, PYTHON, GIL_C + SHORT_SWITCH, PYTHON + SHORT_SWITCH)
SCENARIOS = RELEASING + HOLDING
SUBINTERPRETERS = "gil_c_subinterpreters"  # measured where there are subinterpreters
P99 = "p99"  # a scenario's pooled p99 with its order-statistic interval (what C14 reads)
BY_SCENARIO = "scenarios"  # the data's section of each scenario's lateness
_LABELS = {
    IDLE: "idle",
    NOGIL_C: "beside nogil C",
    IO: "beside I/O",
    GIL_C: "beside GIL-holding C",
    PYTHON: "beside pure Python",
    GIL_C + SHORT_SWITCH: f"beside GIL-holding C at {SHORT_SWITCH_S * 1e3:g} ms switch",
    PYTHON + SHORT_SWITCH: f"beside pure Python at {SHORT_SWITCH_S * 1e3:g} ms switch",
    SUBINTERPRETERS: "beside GIL-holding C in subinterpreters",
}
# What each subinterpreter runs: GIL-holding chunks until its stop queue has an item.
_SPIN = (
    "from pylab.kernels.base import ext\n"
    "compute = ext('compute')\n"
    "while stop.empty():\n"
    "    compute.hash_sum_gil(0, iterations)\n"
    "del stop\n"
)


def chunk_sizes() -> dict[str, int]:
    """Iterations per background call, from the loops' time per iteration measured here:
    a call lasts CHUNK_S (Cython) or PY_CHUNK_S (pure Python) on any CPU."""
    from pylab.kernels._ext import compute
    from pylab.kernels.hashing import hash_sum_py

    c_iter = seconds_per_unit(lambda n: compute.hash_sum_gil(0, n))
    py_iter = seconds_per_unit(lambda n: hash_sum_py(0, n))
    return {"c_iters": units_for(CHUNK_S, c_iter), "py_iters": units_for(PY_CHUNK_S, py_iter)}


def _work(scenario: str, sizes: dict[str, int]) -> Callable[[], Any] | None:
    """One chunk of a background thread's work; None for idle threads."""
    from pylab.kernels._ext import compute, io
    from pylab.kernels.hashing import hash_sum_py

    kind = scenario.removesuffix(SHORT_SWITCH)
    c_iters, py_iters = sizes["c_iters"], sizes["py_iters"]
    return {
        IDLE: None,
        NOGIL_C: lambda: compute.hash_sum_nogil(0, c_iters),
        IO: lambda: io.wait_nogil(*IO_WAITS),
        GIL_C: lambda: compute.hash_sum_gil(0, c_iters),
        PYTHON: lambda: hash_sum_py(0, py_iters),
    }[kind]


def _background(work: Callable[[], Any] | None, stop: threading.Event) -> None:
    if work is None:
        stop.wait()
        return
    while not stop.is_set():  # checked between chunks: a chunk is never cut short
        work()


def _heartbeat(duration_s: float, lateness: list[float]) -> None:
    end = time.perf_counter() + duration_s
    while True:
        due = time.perf_counter() + BEAT_S
        time.sleep(BEAT_S)
        woke = time.perf_counter()
        lateness.append(woke - due)
        if woke >= end:
            return


def _beat(duration_s: float) -> list[float]:
    """Heartbeat lateness over `duration_s`, from a thread of its own."""
    lateness: list[float] = []
    beat = threading.Thread(target=_heartbeat, args=(duration_s, lateness), name="pylab-hb")
    beat.start()
    beat.join()
    return lateness


def _interp_round(workers: list[Any], duration_s: float, sizes: dict[str, int]) -> list[float]:
    """Heartbeat lateness while every worker subinterpreter runs GIL-holding chunks."""
    stop = _subinterp.create_queue()
    running = [w.submit(_SPIN, stop=stop, iterations=sizes["c_iters"]) for w in workers]
    try:
        return _beat(duration_s)
    finally:
        _subinterp.put(stop, None)
        for future in running:
            future.result(STOP_TIMEOUT_S)


def _round(scenario: str, duration_s: float, sizes: dict[str, int]) -> list[float]:
    """Heartbeat lateness over one round of `scenario`; background threads joined after."""
    stop = threading.Event()
    work = _work(scenario, sizes)
    threads = [
        threading.Thread(target=_background, args=(work, stop), name=f"pylab-bg-{i}")
        for i in range(BACKGROUND_THREADS)
    ]
    old_switch = sys.getswitchinterval()
    if scenario.endswith(SHORT_SWITCH):
        sys.setswitchinterval(SHORT_SWITCH_S)
    try:
        for thread in threads:
            thread.start()
        lateness = _beat(duration_s)
    finally:
        stop.set()
        for thread in threads:
            if thread.ident is not None:  # started
                thread.join()
        sys.setswitchinterval(old_switch)
    return lateness


def _latency_summary(
    pooled: list[float], rounds: list[list[float]], switch_s: float
) -> dict[str, Any]:
    return {
        "beats": len(pooled),
        "p50_s": round(percentile(pooled, 0.50), 6),
        "p99_s": round(percentile(pooled, 0.99), 6),
        "max_s": round(max(pooled), 6),
        "round_p99_s": summarize([percentile(r, 0.99) for r in rounds]),
        P99: quantile_interval(pooled, 0.99).as_dict(),
        "switch_interval_s": switch_s,
    }


def measure(level: Level, cells: list[dict]) -> dict[str, Any]:
    duration_s = scaled(level, DURATION_S, MIN_DURATION_S)
    rounds = max(1, min(ROUNDS, int(round(duration_s / MIN_ROUND_S, 6))))
    per_round_s = duration_s / rounds
    sizes = chunk_sizes()
    found = subinterpreter_status()
    names = [*SCENARIOS, SUBINTERPRETERS] if found["available"] else list(SCENARIOS)
    beats: dict[str, list[list[float]]] = {name: [] for name in names}
    regions = Regions()
    with _interp_workers(found["available"]) as workers:
        for _ in range(rounds):
            for name in names:
                if name == SUBINTERPRETERS:
                    one = partial(_interp_round, workers, per_round_s, sizes)
                else:
                    one = partial(_round, name, per_round_s, sizes)
                beats[name].append(regions.take(one))
    default_switch = sys.getswitchinterval()
    scenarios = {
        name: _latency_summary(
            [x for r in per_round for x in r],
            per_round,
            SHORT_SWITCH_S if name.endswith(SHORT_SWITCH) else default_switch,
        )
        for name, per_round in beats.items()
    }
    return {
        "settings": {
            "beat_s": BEAT_S,
            "duration_s": duration_s,
            "rounds": rounds,
            "background_threads": BACKGROUND_THREADS,
            "chunk_s": CHUNK_S,
            "chunk_iters": sizes["c_iters"],
            "io_waits": list(IO_WAITS),
            "py_chunk_s": PY_CHUNK_S,
            "py_iters": sizes["py_iters"],
            "default_switch_interval_s": default_switch,
            "short_switch_interval_s": SHORT_SWITCH_S,
            "releasing": list(RELEASING),
        },
        BY_SCENARIO: scenarios,
        SUBINTERPRETER_RECORD: _interp_status(found),
        INTERFERENCE: regions.record(),
        "published": PUBLISHED["C14"],
    }


def _interp_status(found: dict[str, Any]) -> dict[str, Any]:
    if not found["available"]:
        return found
    return found | {"scenario": SUBINTERPRETERS, "workers": BACKGROUND_THREADS}


def _interp_workers(available: bool) -> Any:
    """BACKGROUND_THREADS worker subinterpreters (made once: a few tens of ms each), or none."""
    return _subinterp.workers(BACKGROUND_THREADS) if available else nullcontext([])


def _verdict(p99: dict[str, float]) -> str:
    if any(p99[name] >= RESPONSIVE_S for name in RELEASING):
        return "fails"
    if all(value < RESPONSIVE_S for value in p99.values()):
        return "holds"
    return "partly"


def _reason(verdict: str, p99: dict[str, float], published: dict[str, Any]) -> str:
    def part(names: tuple[str, ...]) -> str:
        return ", ".join(f"{fmt_seconds(p99[n])} {_LABELS[n]}" for n in names)

    first, *rest = published["ping_latency_s"]
    spread = "-".join(f"{x * 1e3:.3g}" for x in rest)
    ccbench = f"(ccbench: {fmt_seconds(first)} -> {spread} ms)"
    worst = max(p99[n] for n in HOLDING)
    mark = f"responsive means a p99 under {fmt_seconds(RESPONSIVE_S)}"
    if verdict == "fails":
        return (
            f"heartbeat p99 {part(RELEASING)}: not responsive even with the GIL free; "
            f"{mark} {ccbench}"
        )
    if verdict == "holds":
        return f"heartbeat p99 {part(RELEASING)}, and still {part(HOLDING)}; {mark} {ccbench}"
    degree = "starved" if worst > STARVED_S else "slowed"
    return (
        f"heartbeat p99 {part(RELEASING)}, but {degree}: {part(HOLDING)}; {mark}, starved "
        f"over {fmt_seconds(STARVED_S)} {ccbench}"
    )


def _p99(scenario: dict[str, Any]) -> float:
    """The pooled p99 the rule reads (files from before its interval have p99_s only)."""
    return scenario[P99]["median"] if P99 in scenario else scenario["p99_s"]


@judges("C14")
def _judge_c14(data: dict[str, Any]) -> Verdict:
    """Decided from the p99s' intervals: undecided where one crosses RESPONSIVE_S and that
    changes the verdict."""
    scenarios = data[BY_SCENARIO]
    figures = [scenarios[name][P99] for name in SCENARIOS if P99 in scenarios[name]]
    judged = from_intervals(_c14_on_medians, data, figures)
    return replace(judged, uncertain=region_doubts(data.get(INTERFERENCE)))


def _c14_on_medians(data: dict[str, Any]) -> Verdict:
    p99 = {name: _p99(data[BY_SCENARIO][name]) for name in SCENARIOS}
    verdict = _verdict(p99)
    reason = _reason(verdict, p99, data["published"])
    note, subs = _interp_note(data)
    numbers = {
        "p99_s": p99,
        "responsive_s": RESPONSIVE_S,
        "starved_s": STARVED_S,
        "published_ping_latency_s": data["published"]["ping_latency_s"],
        "subinterpreters": subs,
    }
    return Verdict("C14", verdict, reason + note, numbers)


def _interp_note(data: dict[str, Any]) -> tuple[str, Any]:
    """The reason's part on the subinterpreter scenario, and its numbers."""

    def measured(found: dict[str, Any]) -> tuple[str, Any]:
        point, threads = data[BY_SCENARIO][SUBINTERPRETERS], data[BY_SCENARIO][GIL_C]
        figures = {k: point[k] for k in ("p50_s", "p99_s", "max_s")}
        note = (
            f"; GIL-holding C in {found.get('workers', BACKGROUND_THREADS)} subinterpreters "
            f"(own GIL): p99 {fmt_seconds(point['p99_s'])}, max {fmt_seconds(point['max_s'])}, "
            f"against {fmt_seconds(threads['p99_s'])} in threads"
        )
        return note, figures | {"threads_p99_s": threads["p99_s"]}

    return subinterpreter_part(data.get(SUBINTERPRETER_RECORD), measured)


judge = judge_for(__name__, CLAIMS)
