"""Later rounds of the atlas's probe: a call whose first reading may not hold is measured
again minutes later, and again while no recommendation has been read twice.

Why rounds apart in time, not more pairs at once: on the 2-core VM cores leave the guest
in spells of seconds, with no load to see. Three quick atlases in a row kept 34 of 53
calls' recommendations (hashlib.blake2b read 1.14x, 1.80x and 1.53x in threads); taking
up to two more batches of pairs while an interval crossed a mark kept 31 of 53 and took
38% longer (2026-12-06): a spell outlasts a call, so pairs taken together share it. A
round taken after every other call's lets one spell move one reading of a call, not all
of them (asv measures in rounds, pyperf in separate processes, for the same reason).

Which calls: those whose first reading is unsettled (pylab.probing.recommend.unsettled:
the machine was disturbed and the GIL share does not decide, or an interval holds a mark
the rules decide by). A settled reading stands alone: on a quiet machine
most calls take one round. A later round measures the speed-ups only
(pylab.atlas.measure.again): the sweep and the GIL share, read by the heartbeat, move
little in a spell.

What the row keeps: the first reading of the first recommendation read twice, and every
round under `rounds`; where none was read twice within the rounds allowed, the first
reading, with `settled` false and the reason saying what each round read.
"""

from __future__ import annotations

from typing import Any

MAX_ROUNDS = 3  # a reading, a second, and a third where those two disagree


def record(probe: dict[str, Any] | None, error: str | None = None) -> dict[str, Any]:
    """One round as the row lists it: the recommendation and the speed-ups at W, the
    checks of the cores and the load beside them, and why another round may be needed."""
    # Imported here: `atlas --help` reads MAX_ROUNDS, and the rules' module loads psutil.
    from pylab.probing.recommend import unsettled

    if probe is None:
        return {"recommendation": None, "error": error}
    w = str(probe["workers"][-1])
    return {
        "recommendation": probe["recommendation"],
        "thread_speedup": probe["thread_speedup"].get(w),
        "process_speedup": probe["process_speedup"].get(w),
        "capacity": probe.get("capacity"),
        "background_cores": probe.get("background_cores"),
        "unsettled": unsettled(probe),
        "error": None,
    }


def chosen(rounds: list[dict[str, Any]]) -> int | None:
    """The index of the round whose recommendation stands: the first round, where it is
    settled and alone; else the first reading of the first recommendation read twice;
    None while there is none (another round is wanted, if allowed)."""
    if len(rounds) == 1 and rounds[0]["recommendation"] and not rounds[0]["unsettled"]:
        return 0
    seen: dict[str, int] = {}
    for i, r in enumerate(rounds):
        rec = r["recommendation"]
        if rec is None:
            continue
        if rec in seen:
            return seen[rec]
        seen[rec] = i
    return None


def wants_another(rounds: list[dict[str, Any]], allowed: int) -> bool:
    """Whether the call is measured once more: no recommendation stands yet, and fewer
    than `allowed` rounds were taken."""
    return bool(rounds) and rounds[0]["recommendation"] is not None and (
        len(rounds) < allowed and chosen(rounds) is None
    )


def unsettled_reason(rounds: list[dict[str, Any]]) -> str:
    """What the rounds read, where no recommendation was read twice."""
    read = ", ".join(r["recommendation"] or f"failed ({r['error']})" for r in rounds)
    return f"unsettled: {len(rounds)} rounds read {read}; the first is kept"
