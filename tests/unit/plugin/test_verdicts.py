"""The gil fixture's rules on made-up intervals: an interval wholly on one side of the bound
decides, one across it does not, and a busy machine decides nothing."""

from __future__ import annotations

from pylab.base.rules import scales_at
from pylab.host.load import BACKGROUND_BOUND_CORES
from pylab.plugin import verdicts
from pylab.plugin.verdicts import FAIL, INCONCLUSIVE, PASS

BUSY = BACKGROUND_BOUND_CORES + 0.5


def interval(median: float, low: float, high: float) -> dict[str, float]:
    return {"median": median, "low": low, "high": high, "confidence": 0.969}


def test_a_share_wholly_below_the_bound_is_released_and_wholly_above_is_held() -> None:
    verdict, reason = verdicts.released(interval(0.02, 0.0, 0.05), 0.2, 0.0, 6)
    assert verdict == PASS and "0.02 [0.00-0.05]" in reason and "bound 0.2" in reason
    verdict, reason = verdicts.released(interval(0.96, 0.94, 0.97), 0.2, 0.0, 6)
    assert verdict == FAIL and reason.startswith("holds the GIL") and "0.96 [0.94-0.97]" in reason


def test_a_share_across_the_bound_or_on_a_busy_machine_is_inconclusive() -> None:
    verdict, reason = verdicts.released(interval(0.2, 0.1, 0.3), 0.2, 0.0, 12)
    assert verdict == INCONCLUSIVE and "straddles" in reason and "12 samples" in reason
    verdict, reason = verdicts.released(interval(0.96, 0.94, 0.97), 0.2, BUSY, 6)
    assert verdict == INCONCLUSIVE and f"{BUSY:.2f} cores" in reason and "0.96" in reason


def test_scaling_is_judged_by_the_labs_rule_against_the_ideal_on_these_cores() -> None:
    mark = scales_at(2)  # 1.4x at W=2 on 2 cores for a call that computes
    ok = verdicts.scales(interval(1.9, mark + 0.01, 2.0), 2, 2, 1.0, 0.0, 6)
    assert ok[0] == PASS and f"scaling needs {mark:.2f}x" in ok[1]
    flat = verdicts.scales(interval(1.0, 0.95, mark - 0.01), 2, 2, 1.0, 0.0, 6)
    assert flat[0] == FAIL and "2 threads 1.00x [0.95-1.39]" in flat[1]
    across = verdicts.scales(interval(1.4, 1.2, 1.6), 2, 2, 1.0, 0.0, 10)
    assert across[0] == INCONCLUSIVE and "straddles" in across[1]
    busy = verdicts.scales(interval(1.0, 0.95, 1.05), 2, 2, 1.0, BUSY, 6)
    assert busy[0] == INCONCLUSIVE and "busy" in busy[1] and "1.00x [0.95-1.05]" in busy[1]


def test_a_call_that_waits_has_w_as_its_ideal_whatever_the_cores() -> None:
    # cpu_per_wall near 0 (a sleep): 4 threads on 2 cores may reach 4x (pylab.base.rules.ideal)
    verdict, reason = verdicts.scales(interval(3.0, 2.9, 3.1), 4, 2, 0.01, 0.0, 6)
    assert verdict == PASS and "the ideal 4.00x" in reason


def test_an_import_that_switches_the_gil_on_fails_naming_what_cpython_said() -> None:
    said = "The global interpreter lock (GIL) has been enabled to load module 'm'"
    verdict, reason = verdicts.gil_after_import(
        "m", {"gil_before": False, "gil_after": True, "error": None, "warnings": [said]}
    )
    assert verdict == FAIL and said in reason and "freethreading_compatible" in reason
    seen = {"gil_before": False, "gil_after": False, "error": None, "warnings": []}
    assert verdicts.gil_after_import("m", seen)[0] == PASS
    assert verdicts.gil_after_import("m", seen | {"error": "ImportError: no"})[0] == FAIL
    assert verdicts.gil_after_import("m", seen | {"gil_before": True})[0] == INCONCLUSIVE


def test_scales_cannot_decide_when_both_checks_found_cores_missing() -> None:
    """compute/nogil read 1.18x [1.01-1.40] beside no load while a tenant outside the VM
    held a core: with the checks of pylab.measure.capacity short, no "does not scale"."""
    flat = interval(1.18, 1.01, 1.3)
    short = {"workers": 2, "before": 1.7, "after": 1.6, "slack": 1.25, "short": True}
    verdict, reason = verdicts.scales(flat, 2, 2, 1.0, 0.0, 30, short)
    assert verdict == verdicts.INCONCLUSIVE
    assert reason.startswith("the machine was short of cores (2 threads ran a C loop 1.60x")
    fine = short | {"after": 1.1, "short": False}
    assert verdicts.scales(flat, 2, 2, 1.0, 0.0, 30, fine)[0] == verdicts.FAIL
