"""The experiment kit: what the claim experiments share, instead of each keeping a copy.

  levels              how sizes, counts and worker numbers follow the level of effort
                      (scaled, scaled_count, tiny, full_size, pool_workers) and which
                      start methods a run uses (start_methods, fork_and_spawn; FORK,
                      FORKSERVER, SPAWN are pylab.executors.START_METHODS by name);
  rounds, pool_up_s   repeated rounds of several measurements after a warm-up round; the
                      time a pool takes until all its workers are up;
  reap, hang_up       making sure a child process is gone and its resources released,
                      first telling one that serves a pipe to stop;
  subinterpreters     the record the data keeps of them (subinterpreter_status) and the
                      part of a reason that speaks of them (subinterpreter_part), in one of
                      the two wordings verdicts already carry (HERE, ON_THIS_INTERPRETER);
  the judge registry  `@judges("C06")` on the function that judges one claim; the module's
                      `judge = judge_for(__name__, CLAIMS)` runs them in CLAIMS order and
                      refuses a module whose judges are not exactly its CLAIMS, so the
                      claims a module names and the judges it has cannot drift apart;
  from_intervals      a claim decided by which side of its bounds the figures' intervals
                      lie: `undecided` where an interval crosses one;
  until_decided       rounds of a measurement taken until that decision is made (or a cap
                      is reached), as a cell takes repeats until it is precise.

startup.py imports this module, and its spawned children import startup.py: this module
imports only the standard library and pylab modules that startup imports anyway.
"""

from __future__ import annotations

import itertools
import multiprocessing
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from pylab.base import extras
from pylab.executors import START_METHODS
from pylab.experiments.base import Level, Verdict
from pylab.experiments.claims import CLAIMS as ALL_CLAIMS

# --- levels ------------------------------------------------------------------------------

FORK, FORKSERVER, SPAWN = START_METHODS


def scaled(level: Level, base: float, least: float) -> float:
    """`base` (seconds, most often) times the level's scale, never under `least`."""
    return max(least, base * level.scale)


def scaled_count(level: Level, base: float, least: float) -> int:
    """`base` (a count) times the level's scale, never under `least`, rounded."""
    return round(scaled(level, base, least))


def tiny(level: Level) -> bool:
    """The tests' level, where each experiment runs in a few seconds."""
    return level.scale < 0.1


def full_size(level: Level) -> bool:
    """The default level and above: what is too slow for quick runs is measured too."""
    return level.scale >= 1


def pool_workers(level: Level) -> int:
    """Workers in a pool: 4 at the default level and above, 2 below."""
    return 4 if full_size(level) else 2


def start_methods(among: Iterable[str] = START_METHODS) -> list[str]:
    """The start methods of `among` this platform has, in order."""
    available = multiprocessing.get_all_start_methods()
    return [method for method in among if method in available]


def fork_and_spawn(level: Level) -> list[str]:
    """fork, and spawn too at the default level and above (each spawn starts a fresh
    interpreter: slow where fork is cheap)."""
    return [FORK, SPAWN] if full_size(level) else [FORK]


def rounds(
    measurements: Mapping[str, Callable[[], float]], repeats: int, warmed: Iterable[str] = ()
) -> dict[str, list[float]]:
    """`repeats` rounds of every measurement, one after another in each round, after one
    discarded warm-up round of those not `warmed` already: the samples, by name."""
    for name, measure_once in measurements.items():
        if name not in warmed:
            measure_once()
    samples: dict[str, list[float]] = {name: [] for name in measurements}
    for _ in range(repeats):
        for name, measure_once in measurements.items():
            samples[name].append(measure_once())
    return samples


def pool_up_s(
    make_pool: Callable[[], Executor],
    task: tuple[Any, ...],
    workers: int,
    timeout: float,
    release: Callable[[list[Future]], None] | None = None,
) -> float:
    """Seconds from making a pool until `workers` tasks have all returned: `task` is a
    function and its arguments, one that waits at a barrier so that each task reaches a
    worker of its own; `release`, if any, opens the barrier given the futures. The pool is
    shut down after the clock stops."""
    t0 = time.perf_counter()
    pool = make_pool()
    try:
        futures = [pool.submit(*task) for _ in range(workers)]
        if release is not None:
            release(futures)
        for future in futures:
            future.result(timeout=timeout)
        return time.perf_counter() - t0
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- child processes ---------------------------------------------------------------------


def reap(process: Any, timeout: float = 0.0) -> bool:
    """Make sure a started multiprocessing.Process is gone and its resources released:
    wait up to `timeout` seconds for it to end, kill it if it has not. True when it ended
    by itself (or was never started)."""
    if process.pid is None:  # never started
        return True
    process.join(timeout)
    ended = not process.is_alive()
    if not ended:
        process.kill()
    process.join()
    process.close()
    return ended


def hang_up(conn: Any, process: Any, timeout: float) -> bool:
    """End a child that serves `conn` until it reads None: send it None (unless it has
    gone already), reap it (see reap), close our end. True when it ended by itself."""
    try:
        conn.send(None)
    except OSError:  # the child is already gone
        pass
    ended = reap(process, timeout)
    conn.close()
    return ended


# --- subinterpreters ---------------------------------------------------------------------

SUBINTERPRETER_RECORD = "subinterpreters"  # the data's key for the record (memory's differs)


def subinterpreter_status() -> dict[str, Any]:
    """The record of subinterpreters with their own GIL on this interpreter, for the data:
    {"available": True, "pool": the pool's module} or {"available": False, "reason": why}.
    An experiment adds what it measured in them. (startup keeps all three keys of
    extras.subinterpreters_info(), as its files always have.)"""
    found = extras.subinterpreters_info()
    if not found["available"]:
        return {"available": False, "reason": found["reason"]}
    return {"available": True, "pool": found["pool"]}


@dataclass(frozen=True)
class Wording:
    """How a reason says subinterpreters were not measured, and the numbers of a file from
    before they were: None, or {"available": False, "reason": missing}. Two stand in the
    verdicts of files already judged, and a reason stays as it was judged."""

    where: str
    missing: str | None


HERE = Wording("here", None)  # ipc, sharing, responsiveness
ON_THIS_INTERPRETER = Wording("on this interpreter", "not in the data")  # startup, memory


def subinterpreter_part(
    record: dict[str, Any] | None,
    measured: Callable[[dict[str, Any]], tuple[str, Any]],
    wording: Wording = HERE,
) -> tuple[str, Any]:
    """The part of a reason on subinterpreters (from "; ", or "") and the numbers behind
    it, from the data's record of them: nothing where the data has no record (a file from
    before they were measured); why not where they were not measured; else what
    `measured(record)` says of them."""
    if not record:  # a file from before subinterpreters were measured
        return "", None if wording.missing is None else _not_measured(wording.missing)
    if not record.get("available"):
        why = record.get("reason")
        return f"; subinterpreters not measured {wording.where}: {why}", _not_measured(why)
    return measured(record)


def _not_measured(why: str | None) -> dict[str, Any]:
    return {"available": False, "reason": why}


# --- the judge registry ------------------------------------------------------------------

Judge = Callable[[dict[str, Any]], Verdict]
J = TypeVar("J", bound=Judge)
T = TypeVar("T")

_JUDGES: dict[str, dict[str, Judge]] = {}  # module name -> claim ID -> its judge


class JudgesMismatch(Exception):
    """A module's registered judges are not exactly the claims it names."""


def judges(claim: str) -> Callable[[J], J]:
    """Register the decorated function as its module's judge of `claim`: it takes the
    experiment's data and returns that claim's Verdict."""
    if claim not in ALL_CLAIMS:
        raise JudgesMismatch(f"@judges({claim!r}): no such claim in claims.CLAIMS")

    def register(judge_one: J) -> J:
        found = _JUDGES.setdefault(judge_one.__module__, {})
        other = found.get(claim)
        # The same function again is a module imported twice (importlib.reload), not a clash.
        if other is not None and other.__qualname__ != judge_one.__qualname__:
            raise JudgesMismatch(
                f"{judge_one.__module__}: {claim} judged by both {other.__qualname__} "
                f"and {judge_one.__qualname__}"
            )
        found[claim] = judge_one
        return judge_one

    return register


def registered(module: str, claims: tuple[str, ...]) -> dict[str, Judge]:
    """The judge of each claim of `module`, checked to be exactly its `claims`."""
    found = _JUDGES.get(module, {})
    if len(set(claims)) != len(claims) or set(found) != set(claims):
        raise JudgesMismatch(
            f"{module}: CLAIMS {list(claims)} but judges registered for {sorted(found)}"
        )
    return found


def judge_for(module: str, claims: tuple[str, ...]) -> Callable[[dict[str, Any]], list[Verdict]]:
    """The `judge(data)` of `module`: one verdict per claim, in `claims` order, each from
    the judge registered for it. Called at the end of the module, after its judges, it
    checks there and then that they are exactly `claims`, and again at every call."""
    registered(module, claims)

    def judge(data: dict[str, Any]) -> list[Verdict]:
        found = registered(module, claims)
        verdicts = [found[claim](data) for claim in claims]
        for claim, verdict in zip(claims, verdicts, strict=True):
            if verdict.claim != claim:
                raise JudgesMismatch(f"{module}: the judge of {claim} gave {verdict.claim}")
        return verdicts

    judge.__module__ = module
    judge.__qualname__ = judge.__name__ = "judge"
    judge.__doc__ = f"One verdict per claim of {module}, in CLAIMS order (see _kit.judge_for)."
    return judge


# --- deciding from intervals ---------------------------------------------------------------

MAX_CROSSING = 7  # figures moved to their ends together at most (3**7 judgements and more)


def from_intervals(
    judge: Callable[[dict[str, Any]], Verdict],
    data: dict[str, Any],
    figures: list[dict[str, Any]],
    turns: tuple[float, ...] = (),
) -> Verdict:
    """`judge`'s verdict on the medians, unless the figures it compares with its bounds
    (interval dicts {median, low, high} in `data`, read through "median") could give
    another: a figure whose low or high end alone changes the verdict crosses a bound;
    those are moved to each of their ends together, and where the verdicts differ the claim
    is `undecided`, its reason the medians' with the verdicts the ends allow, and its data
    their list under `possible`. Never the side the median happened to fall on.

    A rule that is not monotone in a figure (C19 reads a ratio's distance from 1 either
    way) names the values where it turns in `turns`: a figure is also read at each of them
    that lies inside its interval, so an interval wide enough to span the whole band
    between two bounds is not taken for one that lies beyond both."""
    on_medians = judge(data)

    def readings(figure: dict[str, Any]) -> list[Any]:
        inside = [t for t in turns if figure["low"] <= t <= figure["high"]]
        return ["low", "high", *inside]

    crossing = [
        figure for figure in figures
        if any(_at(judge, data, [(figure, at)]).verdict != on_medians.verdict
               for at in readings(figure))
    ][:MAX_CROSSING]  # fmt: skip
    seen = {on_medians.verdict}
    for ats in itertools.product(*(["median", *readings(f)] for f in crossing)):
        seen.add(_at(judge, data, list(zip(crossing, ats, strict=True))).verdict)
    if len(seen) == 1:
        return on_medians
    possible = [on_medians.verdict, *sorted(seen - {on_medians.verdict})]
    return replace(
        on_medians,
        verdict="undecided",
        reason=f"undecided ({' or '.join(possible)}: an interval crosses a bound); "
        + on_medians.reason,
        data=on_medians.data | {"possible": possible},
    )


def _at(
    judge: Callable[[dict[str, Any]], Verdict],
    data: dict[str, Any],
    moves: list[tuple[dict[str, Any], Any]],
) -> Verdict:
    """`judge(data)` with each figure of `moves` read at the given end of its interval
    ("low", "median", "high") or at the given value."""
    saved = [f["median"] for f, _ in moves]
    try:
        for figure, at in moves:
            figure["median"] = figure[at] if isinstance(at, str) else at
        return judge(data)
    finally:
        for (figure, _), value in zip(moves, saved, strict=True):
            figure["median"] = value


MORE_ROUNDS = 3  # an experiment undecided after its level's rounds takes up to 3x as many


def until_decided(
    take_round: Callable[[int], None], decided: Callable[[], bool], least: int, most: int
) -> int:
    """Call `take_round(i)` for i = 0, 1, ... : `least` rounds, then more while `decided()`
    is false, `most` in all at most. The rounds taken. A figure whose interval crosses a
    claim's bound narrows as its samples grow (the median's order-statistic interval), so
    an experiment spends more only where its claim would otherwise stay undecided."""
    taken = 0
    while taken < least or (taken < most and not decided()):
        take_round(taken)
        taken += 1
    return taken


def settles(
    judge: Callable[[dict[str, Any]], Verdict],
    data: dict[str, Any],
    figures: list[dict[str, Any]],
    turns: tuple[float, ...] = (),
) -> bool:
    """Whether from_intervals decides on these figures (no interval crosses a bound)."""
    return from_intervals(judge, data, figures, turns).verdict != "undecided"


# --- interference beside timed regions ---------------------------------------------------

RETAKES = 2  # a disturbed region is measured again at most this many times
INTERFERENCE = "interference"  # the data's key for what Regions saw (read by disturbed())


@dataclass
class Regions:
    """The rest of the machine's load beside an experiment's timed regions, as the cells
    have it: each region measured inside a background reading, and measured again (at most
    RETAKES times) while the reading says other work took more than the bound; the last
    attempt stands. `record()` goes into the data under INTERFERENCE."""

    timed: int = 0
    retaken: int = 0
    still_disturbed: int = 0
    worst_cores: float = 0.0

    def take(self, measure: Callable[[], T]) -> T:
        # Imported here: startup's spawned children import this module, and what they
        # import is what startup measures (psutil is not theirs).
        from pylab.host.load import Background, certain_cores, is_busy

        for attempt in range(RETAKES + 1):
            with Background() as seen:
                result = measure()
            assert seen.reading is not None
            cores = certain_cores(seen.reading)  # a short region's reading is mostly ticks
            self.worst_cores = max(self.worst_cores, cores)
            if not is_busy(cores):
                break
            if attempt < RETAKES:
                self.retaken += 1
            else:
                self.still_disturbed += 1
        self.timed += 1
        return result

    def record(self) -> dict[str, Any]:
        return {
            "regions": self.timed,
            "retaken": self.retaken,
            "still_disturbed": self.still_disturbed,
            "background_cores_max": round(self.worst_cores, 3),
        }


def region_doubts(record: dict[str, Any] | None) -> str | None:
    """Why figures measured in Regions are uncertain: some region stayed disturbed through
    its retakes; None where none did (or the data predates the accounting)."""
    if not record or not record.get("still_disturbed"):
        return None
    return (
        f"{record['still_disturbed']} of {record['regions']} timed regions still disturbed "
        f"after {RETAKES} retakes (up to {record['background_cores_max']:.2f} background cores)"
    )
