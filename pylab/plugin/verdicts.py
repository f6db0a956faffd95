"""What the `gil` fixture's numbers decide: pass, fail or inconclusive, and why, with the
numbers. Pure: the rules are tested on made-up intervals.

A decision is made only from an interval (pylab.base.stats: the order statistics that cover
the median with at least 95% confidence): wholly on one side of the bound decides, an
interval across it does not. A busy machine (pylab.host.load.is_busy: other work took more
than its bound of cores while the call was measured) decides nothing either way: the load
starves the heartbeat (a share that reads high) and takes cores from the threads (a speed-up
that reads low). Inconclusive is then a skip (or xfail) with the reason, never a pass or a
failure by chance; `--gil-strict` makes it a failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pylab.base.fmt import fmt_interval, fmt_speedup
from pylab.base.rules import SCALES, ideal, scales_at
from pylab.host.load import BACKGROUND_BOUND_CORES, is_busy
from pylab.results.cells import short_of_cores

PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
MEASURED = "measured"  # gil.share: a number, no bound to judge it by
SKIPPED = "skipped"  # the check means nothing here (a GIL build, the GIL off): skipped, even strict
MIN_SAMPLES = 6  # the fewest whose [min, max] covers the median at 95% (96.9%)


@dataclass
class Outcome:
    """One GIL assertion: what was checked on which call, the verdict, why, and the numbers
    (the summary table and --gil-json read them)."""

    check: str  # released, scales, keeps_gil_off, share
    call: str
    verdict: str
    reason: str
    numbers: dict[str, Any] = field(default_factory=dict)
    test: str = ""


def _busy_reason(background_cores: float) -> str:
    return (
        f"the machine was busy: other work took {background_cores:.2f} cores on average while "
        f"the call was measured (bound {BACKGROUND_BOUND_CORES}), the likely cause of any shortfall"
    )


def released(
    share: Mapping[str, float], below: float, background_cores: float | None, samples: int
) -> tuple[str, str]:
    """A GIL share `share` (an interval) against the bound `below`: released when the whole
    interval is below it, held when the whole interval is above it."""
    numbers = (
        f"GIL held {fmt_interval(share, '')} of its run time "
        f"({samples} samples, {share['confidence']:.1%} interval), bound {below:g}"
    )
    if is_busy(background_cores):
        return INCONCLUSIVE, f"{_busy_reason(background_cores)}; {numbers}"
    if share["high"] < below:
        return PASS, f"releases the GIL: {numbers}"
    if share["low"] > below:
        return FAIL, f"holds the GIL: {numbers}"
    return INCONCLUSIVE, f"the interval straddles the bound after the time budget: {numbers}"


def scales(
    speedup: Mapping[str, float], workers: int, cores: int, cpu_per_wall: float,
    background_cores: float | None, pairs: int, cores_check: Mapping[str, Any] | None = None,
) -> tuple[str, str]:  # fmt: skip
    """W threads' speed-up (an interval) judged by the lab's rule (pylab.base.rules) against
    the ideal on these cores: scales when the whole interval reaches SCALES x ideal, does not
    when the whole interval is short of it. Beside a busy machine, or one whose cores both
    checks found missing (`cores_check`, pylab.measure.capacity), it cannot decide."""
    most = ideal(workers, cores, cpu_per_wall)
    mark = scales_at(most)
    numbers = (
        f"{workers} threads {fmt_interval(speedup)} against serial ({pairs} pairs, "
        f"{speedup['confidence']:.1%} interval); scaling needs {fmt_speedup(mark)} "
        f"({SCALES:g} x the ideal {fmt_speedup(most)} on {cores} usable cores)"
    )
    if is_busy(background_cores):
        return INCONCLUSIVE, f"{_busy_reason(background_cores)}; {numbers}"
    short = short_of_cores(cores_check)
    if short:
        return INCONCLUSIVE, f"the machine was short of cores ({short}); {numbers}"
    if speedup["low"] >= mark:
        return PASS, f"scales in threads: {numbers}"
    if speedup["high"] < mark:
        return FAIL, f"does not scale in threads: {numbers}"
    return INCONCLUSIVE, f"the interval straddles the mark after the time budget: {numbers}"


def gil_after_import(module: str, seen: Mapping[str, Any]) -> tuple[str, str]:
    """What importing `module` in a fresh free-threaded child did (checks.imported): the GIL
    still off passes; switched on fails, naming what CPython named."""
    if seen.get("error"):
        return FAIL, f"importing {module} failed in a fresh child: {seen['error']}"
    if seen.get("gil_before"):
        return INCONCLUSIVE, (
            "the fresh child started with the GIL on (-X gil=1 in its options?), so the import "
            "could not switch it on"
        )
    if seen.get("gil_after"):
        said = "; ".join(seen.get("warnings") or []) or "no warning was caught"
        return FAIL, (
            f"importing {module} switched the GIL on: a module it loads does not declare that "
            f"it runs without the GIL (Py_mod_gil = Py_MOD_GIL_NOT_USED; Cython: "
            f"freethreading_compatible=True). CPython said: {said}"
        )
    return PASS, f"importing {module} keeps the GIL off"
