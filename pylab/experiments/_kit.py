"""The experiment kit: what the claim experiments share, instead of each keeping a copy.

  the judge registry  `@judges("C06")` on the function that judges one claim; the module's
                      `judge = judge_for(__name__, CLAIMS)` runs them in CLAIMS order and
                      refuses a module whose judges are not exactly its CLAIMS, so the
                      claims a module names and the judges it has cannot drift apart.

startup.py imports this module, and its spawned children import startup.py: this module
imports only the standard library and pylab modules that startup imports anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pylab.experiments.base import Verdict
from pylab.experiments.claims import CLAIMS as ALL_CLAIMS

# --- the judge registry ------------------------------------------------------------------

Judge = Callable[[dict[str, Any]], Verdict]
J = TypeVar("J", bound=Judge)

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


def _registered(module: str, claims: tuple[str, ...]) -> dict[str, Judge]:
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
    _registered(module, claims)

    def judge(data: dict[str, Any]) -> list[Verdict]:
        found = _registered(module, claims)
        verdicts = [found[claim](data) for claim in claims]
        for claim, verdict in zip(claims, verdicts, strict=True):
            if verdict.claim != claim:
                raise JudgesMismatch(f"{module}: the judge of {claim} gave {verdict.claim}")
        return verdicts

    judge.__module__ = module
    judge.__qualname__ = judge.__name__ = "judge"
    judge.__doc__ = f"One verdict per claim of {module}, in CLAIMS order (see _kit.judge_for)."
    return judge
