"""What every claim experiment shares: levels of effort and verdicts.

An experiment module under pylab/experiments/ defines:
  NAME: str                  its name (the module's name)
  CLAIMS: tuple[str, ...]    the claim IDs it settles (see claims.py)
  measure(level, cells) -> dict
      measures and returns plain JSON-able data; `cells` are the run's
      scaling cells (dicts, as in the results file), which most ignore
  judge(data) -> list[Verdict]
      one verdict per claim in CLAIMS, by a rule written next to it; pure,
      so the rules are unit-tested on made-up data. Each claim's rule is a function
      marked @judges("Cnn"), and `judge = judge_for(__name__, CLAIMS)` runs them
      (both from _kit.py, with what else the experiments share: levels, child
      processes, the subinterpreter record and note)
Each experiment runs in a child process (pylab.runner.isolation), so it may crash,
hang, start processes or signal itself without harming the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# undecided: the figure a rule compares with a bound has an interval across it, so either
# side could be the truth (pylab.experiments._kit.from_intervals)
VERDICTS = ("holds", "fails", "partly", "opinion", "undecided")


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
    uncertain: str | None = None  # why its inputs are not to be trusted (noisy, disturbed)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"{self.claim}: verdict {self.verdict!r} not in {VERDICTS}")

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reason": self.reason, "data": self.data,
                "uncertain": self.uncertain}  # fmt: skip
