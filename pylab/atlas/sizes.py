"""From a size sweep to two sizes: where the call lets go of the GIL, and where threads pay.

A sweep is a list of points, ascending in size, each with the GIL share and the thread
speed-up measured at that size ({median, low, high}). Both sizes are "from which": the
smallest measured size from which on every larger measured size passes too, so a single
lucky point below a failing one does not count. Each comes with its bracket, the measured
sizes it lies between (the one below that failed and the one that passed; [None, s] when
the smallest size measured already passes), or None with the reason.

  release size  the GIL share's median lies below RELEASE_SHARE
  payoff size   the W threads' speed-up median reaches the scaling mark of
                pylab.base.rules (SCALES x the ideal for W copies on these cores)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pylab.base.fmt import fmt_speedup
from pylab.base.rules import ideal, scales_at

RELEASE_SHARE = 0.5  # the call holds the GIL for less than half its run time


def _from(points: list[dict[str, Any]], passes: Callable[[dict[str, Any]], bool]) -> int | None:
    """The index of the smallest point from which every point passes, or None."""
    first = None
    for i in range(len(points) - 1, -1, -1):
        if not passes(points[i]):
            break
        first = i
    return first


def _found(points: list[dict[str, Any]], i: int, what: str) -> dict[str, Any]:
    if i == 0:
        return {"size": points[0]["size"], "bracket": [None, points[0]["size"]],
                "reason": f"{what} at the smallest size measured already"}  # fmt: skip
    return {"size": points[i]["size"], "bracket": [points[i - 1]["size"], points[i]["size"]],
            "reason": None}  # fmt: skip


def release_size(points: list[dict[str, Any]], below: float = RELEASE_SHARE) -> dict[str, Any]:
    """The smallest size from which the call holds the GIL for less than `below` of its
    run time: {size, bracket, reason, below}."""
    shares = [p for p in points if p.get("gil_share")]
    if not points:
        return {"size": None, "bracket": None, "reason": "no size was measured", "below": below}
    if len(shares) < len(points):
        why = "no GIL to hold on this interpreter" if not shares else "a size lacks its GIL share"
        return {"size": None, "bracket": None, "reason": why, "below": below}
    i = _from(points, lambda p: p["gil_share"]["median"] < below)
    if i is None:
        last = points[-1]
        return {"size": None, "bracket": None, "below": below, "reason": (
            f"not found in the range: it holds the GIL {last['gil_share']['median']:.2f} of "
            f"its time at the largest size, {last['size']}")}  # fmt: skip
    return {**_found(points, i, f"holds it under {below:.2f}"), "below": below}


def payoff_mark(workers: int, cores: int, cpu_per_wall: float | None) -> float:
    """The speed-up W threads must reach to scale (pylab.base.rules)."""
    return round(scales_at(ideal(workers, cores, cpu_per_wall)), 4)


def payoff_size(points: list[dict[str, Any]], workers: int, cores: int) -> dict[str, Any]:
    """The smallest size from which W threads reach the scaling mark: {size, bracket,
    reason, workers}; each point is judged against its own mark (`mark`)."""
    if not points:
        return {"size": None, "bracket": None, "reason": "no size was measured",
                "workers": workers}  # fmt: skip
    for p in points:
        p.setdefault("mark", payoff_mark(workers, cores, p.get("cpu_per_wall")))
    i = _from(points, lambda p: p["thread_speedup"]["median"] >= p["mark"])
    if i is None:
        last = points[-1]
        return {"size": None, "bracket": None, "workers": workers, "reason": (
            f"not found in the range: {workers} threads reach "
            f"{fmt_speedup(last['thread_speedup']['median'])} at the largest size, "
            f"{last['size']} (the mark: {fmt_speedup(last['mark'])})")}  # fmt: skip
    return {**_found(points, i, f"{workers} threads scale"), "workers": workers}


def against_documented(release: dict[str, Any], documented: dict[str, Any] | None) -> str | None:
    """The measured release size set beside the documented one, in words; None where the
    catalogue documents neither a size nor `never_releases`."""
    if not documented:
        return None
    measured = release.get("size")
    if documented.get("never_releases"):
        if measured is None:
            return "agrees: documented never to release, and no release size was found"
        return f"disagrees: documented never to release, yet it held the GIL under " \
               f"{release['below']:.2f} from size {measured}"
    doc = documented.get("release_size")
    if doc is None:
        return None
    if measured is None:
        return f"documented from {doc}; none measured ({release['reason']})"
    ratio = measured / doc
    within = "within" if 0.5 <= ratio <= 2 else "outside"
    return f"documented from {doc}, measured {measured} (x{ratio:.2f}, {within} a factor of 2)"
