"""How many pairs a cell takes: until its speed-up is precise enough, within its time.

A fixed count of pairs is too many on a quiet machine and too few on a busy one. A
cell keeps taking interleaved serial/parallel pairs until the interval of its
speed-up is narrower than `precision` (a share of the median, full width) or its
time is spent, and never trusts a pair that something else disturbed:

- background: the rest of the machine used more than BACKGROUND_BOUND_CORES while the pair
  was timed (seen inside this machine, pylab.host.load);
- an unevenly slowed CPU: one run used clearly more CPU time for the same work,
  against the typical (median) run of its side, than the other did. A VM's neighbours slow it
  from outside the guest, where no load shows; the run's threads then still do full
  CPU time, only slower, and the CPU seconds give it away. A spell that slows both
  runs of a pair alike leaves the pair's ratio as it was, and the pair is kept. A run
  that mostly waits (CPU under MIN_CPU_SHARE of its wall per worker, the `io` kernel)
  has no CPU to compare, and its pair is judged by background only.

A disturbed pair is set aside and another taken in its place, as long as the time
lasts. If too few clean pairs remain, the cell uses them all and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pylab.base.stats import median, median_interval
from pylab.host.load import Reading, is_busy

RATE_SLACK = 1.2  # one run of a pair slowed this much more than the other: not comparable
MIN_CPU_SHARE = 0.2  # CPU per wall per worker below which a run mostly waits
MAX_PAIRS = 200  # a bound even for a cell given hours


@dataclass(frozen=True)
class Timed:
    """One timed run: its wall time, the CPU its slowest worker used, and the load beside it."""

    wall_s: float
    cpu_s: float  # the slowest worker's CPU seconds (the whole run's if it has one worker)
    cpu_share: float  # CPU per wall per worker: near 1 when the workers compute
    background: Reading
    run: Any = None  # what the executor returned (pylab.executors.Run)


@dataclass(frozen=True)
class Policy:
    min_pairs: int  # taken in any case: with 6, [min, max] covers the median at 96.9%
    precision: float  # stop once the interval's full width is at most this share of the median
    max_time_s: float  # stop taking pairs once this much time is spent (min_pairs reached)
    warmups: int = 1  # pairs run and dropped first


@dataclass(frozen=True)
class Sample:
    """The pairs a cell's figures come from, and how the taking went."""

    pairs: list[tuple[Timed, Timed]]  # the pairs used, in the order taken
    every: list[tuple[Timed, Timed]]  # every pair timed (warm-ups not counted)
    disturbed: int  # of them, set aside as disturbed
    used_disturbed: bool  # too few clean pairs: all of them were used
    stopped: str  # "precise", "time" or "pairs"
    spent_s: float  # seconds of timed pairs (warm-ups not counted)
    reasons: list[str]  # why pairs were set aside (distinct, first few)

    @property
    def ratios(self) -> list[float]:
        return [s.wall_s / p.wall_s for s, p in self.pairs]


def _background(pair: tuple[Timed, Timed]) -> float:
    """The other work beside the pair, in cores: over both runs, whose sum spans more
    ticks of the system's CPU clock (10 ms) than either run alone."""
    walls = [run.background.wall_s for run in pair]
    busy = sum(run.background.background_cores * w for run, w in zip(pair, walls, strict=True))
    return busy / max(sum(walls), 1e-9)


def _slowdowns(pair: tuple[Timed, Timed], typical: list[float]) -> list[float] | None:
    """Each run's CPU time over its side's typical, or None if either run mostly waits.
    A spell that slows both runs alike leaves their ratio, the speed-up, as it was: what
    matters is how much more one was slowed than the other."""
    if any(run.cpu_share < MIN_CPU_SHARE for run in pair):
        return None
    return [run.cpu_s / t if t > 0 else 1.0 for run, t in zip(pair, typical, strict=True)]


def disturbance(pairs: Sequence[tuple[Timed, Timed]]) -> list[str | None]:
    """Why each pair is not to be trusted, or None for a clean pair. Each side's typical
    CPU time is its median: the fastest run is itself an outlier on this VM, and
    measuring from it set aside pairs whose runs ran alike."""
    typical = [median([pair[side].cpu_s for pair in pairs]) for side in (0, 1)]
    reasons: list[str | None] = []
    for pair in pairs:
        background, slowed = _background(pair), _slowdowns(pair, typical)
        uneven = max(slowed) / min(slowed) if slowed else 1.0
        if is_busy(background):
            reasons.append(f"{background:.2f} cores of other work beside the pair")
        elif uneven > RATE_SLACK:
            slower = "serial" if slowed[0] > slowed[1] else "parallel"
            reasons.append(f"the {slower} run was slowed {uneven:.2f}x more than the other")
        else:
            reasons.append(None)
    return reasons


@dataclass(frozen=True)
class Copies:
    """One run of W copies of the same work: its wall seconds and each copy's CPU seconds
    (a serial run's CPU shared evenly over its copies, which it runs one after another)."""

    wall_s: float
    cpu_s: list[float]


def uneven_copies(serial: Copies, *parallel: Copies) -> str | None:
    """Why a repeat of the same copies run serially and in parallel is not to be trusted,
    or None: in one parallel run, one copy used more CPU than another beside it (one core
    slowed while they ran), or every copy used less than the serial run's (the serial run
    slowed). Copies slowed alike in a parallel run (memory both share, or a spell on every
    core) are left to the checks of the cores (pylab.measure.capacity). A run that mostly
    waits has no CPU to compare.

    On the busy 2-core VM, with checks of the cores good on both sides, two processes ran
    re.search copies in 37 and 51 ms of CPU against 30 ms per copy serially, and the
    repeat read 1.14x; repeats whose copies ran alike read 1.8x (2026-12-06)."""
    per_copy = serial.cpu_s[0]
    if per_copy < MIN_CPU_SHARE * serial.wall_s / len(serial.cpu_s):
        return None
    for run in parallel:
        least, most = min(run.cpu_s), max(run.cpu_s)
        if most > RATE_SLACK * least:
            return f"one parallel copy used {most / least:.2f}x the CPU of another"
        if per_copy > RATE_SLACK * least:
            return f"the serial run used {per_copy / least:.2f}x the CPU per copy"
    return None


def precise(ratios: Sequence[float], precision: float, min_pairs: int) -> bool:
    """At least `min_pairs` ratios whose median interval is at most `precision` wide
    (never, for a precision of 0: the cell then takes pairs until its time is spent)."""
    if len(ratios) < min_pairs or precision <= 0:
        return False
    return median_interval(ratios).relative_width <= precision


def take(
    serial: Callable[[int], Timed],
    parallel: Callable[[int], Timed],
    policy: Policy,
    clock: Callable[[], float] = time.perf_counter,
) -> Sample:
    """Interleaved pairs (serial first in even pairs, parallel first in odd ones, so drift
    favours neither) until the clean ones are precise, the time is spent or MAX_PAIRS
    are taken. Each run is given the pair's index (for the CPU it is placed on)."""

    def pair(i: int) -> tuple[Timed, Timed]:
        if i % 2 == 0:
            s = serial(i)
            return s, parallel(i)
        p = parallel(i)
        return serial(i), p

    for i in range(policy.warmups):
        pair(i)
    t0 = clock()
    pairs: list[tuple[Timed, Timed]] = []
    while True:
        pairs.append(pair(len(pairs)))
        reasons = disturbance(pairs)
        clean = [p for p, why in zip(pairs, reasons, strict=True) if why is None]
        spent_s = clock() - t0
        stopped = _stop(pairs, clean, policy, spent_s)
        if stopped:
            break
    enough = len(clean) >= policy.min_pairs
    return Sample(
        pairs=clean if enough else pairs,
        every=pairs,
        disturbed=len(pairs) - len(clean),
        used_disturbed=not enough and len(clean) < len(pairs),
        stopped=stopped,
        spent_s=spent_s,
        reasons=list(dict.fromkeys(r for r in reasons if r))[:3],
    )


def _stop(pairs: list, clean: list, policy: Policy, spent_s: float) -> str | None:
    if precise([s.wall_s / p.wall_s for s, p in clean], policy.precision, policy.min_pairs):
        return "precise"
    if len(pairs) >= policy.min_pairs and spent_s >= policy.max_time_s:
        return "time"
    if len(pairs) >= MAX_PAIRS:
        return "pairs"
    return None


def interference(sample: Sample) -> dict[str, Any]:
    """What a cell records of the interference it met, over every run it timed."""
    every = [run.background for pair in sample.every for run in pair]
    cores = [r.background_cores for r in every]
    return {
        "pairs_taken": len(sample.every),
        "disturbed": sample.disturbed,
        "used_disturbed": sample.used_disturbed,
        "stopped": sample.stopped,
        "pairs_s": round(sample.spent_s, 3),
        "reasons": sample.reasons,
        "background_cores": round(median(cores), 3),
        "background_cores_max": round(max(cores), 3),
        "steal_cores_max": round(max(r.steal_cores for r in every), 3),
    }
