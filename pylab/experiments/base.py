"""What every claim experiment shares: levels of effort, verdicts, small helpers.

An experiment module under pylab/experiments/ defines:
  NAME: str                  its name (the module's name)
  CLAIMS: tuple[str, ...]    the claim IDs it settles (see claims.py)
  measure(level, cells) -> dict
      measures and returns plain JSON-able data; `cells` are the run's
      scaling cells (dicts, as in the results file), which most ignore
  judge(data) -> list[Verdict]
      one verdict per claim in CLAIMS, by a rule written next to it; pure,
      so the rules are unit-tested on made-up data
Each experiment runs in a child process (pylab.isolation), so it may crash,
hang, start processes or signal itself without harming the run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pylab.stats import median_interval

VERDICTS = ("holds", "fails", "partly", "opinion")


@dataclass(frozen=True)
class Level:
    """How much an experiment measures. `scale` multiplies sizes and durations."""

    name: str
    repeats: int
    scale: float


LEVELS = {
    level.name: level
    for level in (
        Level("tiny", repeats=3, scale=0.05),  # tests: each experiment in a few seconds
        Level("quick", repeats=5, scale=0.3),
        Level("default", repeats=9, scale=1.0),
        Level("full", repeats=15, scale=2.0),
    )
}


@dataclass(frozen=True)
class Verdict:
    claim: str
    verdict: str  # one of VERDICTS
    reason: str  # one line, with the key numbers
    data: dict[str, Any] = field(default_factory=dict)  # the numbers behind it

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"{self.claim}: verdict {self.verdict!r} not in {VERDICTS}")

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reason": self.reason, "data": self.data}


def summarize(samples: Sequence[float]) -> dict[str, float]:
    """{median, low, high, confidence}: the median with its order-statistic interval."""
    return median_interval(list(samples)).as_dict()


def timings(fn: Callable[[], Any], repeats: int) -> list[float]:
    """Wall seconds of `repeats` calls of fn, one sample per call."""
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def fmt_seconds(seconds: float) -> str:
    """A duration for a reason line: 61 ns, 190 us, 3.7 ms, 1.25 s."""
    if seconds < 1e-6:
        return f"{seconds * 1e9:.3g} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} us"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_bytes(count: float) -> str:
    """A size for a reason line: 850 B, 120 KiB, 31.5 MiB."""
    if abs(count) < 1024:
        return f"{count:.0f} B"
    if abs(count) < 1 << 20:
        return f"{count / 1024:.3g} KiB"
    return f"{count / (1 << 20):.3g} MiB"


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)
