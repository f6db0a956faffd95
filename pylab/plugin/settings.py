"""The gil fixture's settings, from the command line or else the ini file: the time budget
of each assertion, strict or not, and what an inconclusive one becomes. Light on purpose:
the plugin reads it when pytest starts, before any fixture loads the instruments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BUDGET_S = 2.0  # per assertion: sampling stops once it is spent (at least MIN_SAMPLES taken)
INCONCLUSIVE_AS = ("skip", "xfail")


@dataclass(frozen=True)
class Settings:
    budget_s: float
    strict: bool  # an inconclusive assertion fails
    inconclusive: str  # what it becomes otherwise: "skip" or "xfail"


def from_config(config: Any) -> Settings:
    """--gil-budget, --gil-strict, --gil-inconclusive, else gil_budget, gil_strict and
    gil_inconclusive of the ini file; ValueError names what is wrong."""

    def pick(name: str) -> Any:
        value = config.getoption(name)
        return config.getini(name) if value is None else value

    try:
        budget = float(pick("gil_budget"))
    except ValueError:
        raise ValueError(f"gil_budget {pick('gil_budget')!r} is not a number of seconds") from None
    if not budget > 0:
        raise ValueError(f"gil budget {budget:g} s: it must be more than 0")
    how = pick("gil_inconclusive")
    if how not in INCONCLUSIVE_AS:
        raise ValueError(f"gil_inconclusive {how!r}: skip or xfail")
    return Settings(budget, bool(pick("gil_strict")), how)
