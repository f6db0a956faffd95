"""The responsiveness experiment (C14): its rule on made-up p99s on both sides of every
threshold, the subinterpreter scenario left out of it, and the session's tiny run."""

from __future__ import annotations

import json
import signal
from typing import Any

import pytest

from pylab.base import extras
from pylab.experiments import responsiveness
from pylab.experiments.base import LEVELS
from pylab.experiments.claims import PUBLISHED

HAS_THEM = extras.why_no_subinterpreters() is None


MS = 1e-3


def _interval(value: float) -> dict[str, float]:
    return {"median": value, "low": value, "high": value, "confidence": 0.75}


def _responsiveness(**p99: float) -> dict:
    values = dict.fromkeys(responsiveness.SCENARIOS, 1 * MS) | p99
    scenarios = {
        name: {"beats": 100, "p50_s": v / 2, "p99_s": v, "max_s": v, "round_p99_s": _interval(v)}
        for name, v in values.items()
    }
    return {"scenarios": scenarios, "published": PUBLISHED["C14"]}


def _c14(data: dict) -> str:
    (verdict,) = responsiveness.judge(data)
    assert verdict.claim == "C14" and "\n" not in verdict.reason
    return verdict.verdict


def test_c14_holds_when_responsive_in_every_scenario():
    below = responsiveness.RESPONSIVE_S * 0.9
    assert _c14(_responsiveness(gil_c=below, python=below)) == "holds"


def test_c14_partly_when_only_gil_holding_work_starves_it():
    starved = responsiveness.STARVED_S * 2
    assert _c14(_responsiveness(gil_c=starved, gil_c_short_switch=starved)) == "partly"
    # between the two thresholds: slowed, still not responsive in every scenario
    slowed = responsiveness.RESPONSIVE_S * 1.1
    data = _responsiveness(python=slowed)
    assert _c14(data) == "partly"
    assert "slowed" in responsiveness.judge(data)[0].reason


@pytest.mark.parametrize("scenario", responsiveness.RELEASING)
def test_c14_fails_when_not_responsive_even_with_the_gil_free(scenario):
    late = responsiveness.RESPONSIVE_S * 1.1
    assert _c14(_responsiveness(**{scenario: late, "gil_c": 0.1})) == "fails"
    just_under = responsiveness.RESPONSIVE_S * 0.9
    assert _c14(_responsiveness(**{scenario: just_under, "gil_c": 0.1})) == "partly"


def test_c14_reason_names_the_numbers():
    (verdict,) = responsiveness.judge(_responsiveness(gil_c=0.052, idle=0.0011))
    assert "52 ms beside GIL-holding C" in verdict.reason and "1.1 ms idle" in verdict.reason
    assert "responsive means a p99 under 10 ms, starved over 20 ms" in verdict.reason
    assert "ccbench" in verdict.reason
    (late,) = responsiveness.judge(_responsiveness(io=0.011, gil_c=0.1))
    assert "11 ms beside I/O: not responsive" in late.reason
    assert "responsive means a p99 under 10 ms (ccbench" in late.reason


def test_c14_rule_leaves_the_subinterpreter_scenario_out() -> None:
    """Starved in threads, on time in subinterpreters: still partly, the figure given."""

    def point(p99: float) -> dict[str, Any]:
        return {"beats": 100, "p50_s": p99 / 2, "p99_s": p99, "max_s": p99 * 2}

    scenarios = {n: point(1e-4) for n in responsiveness.RELEASING}
    scenarios |= {n: point(0.05) for n in responsiveness.HOLDING}
    scenarios[responsiveness.SUBINTERPRETERS] = point(5e-4)
    data = {
        "scenarios": scenarios,
        "subinterpreters": {"available": True, "workers": 2},
        "published": {"ping_latency_s": [0.004, 0.135, 0.312]},
    }
    (verdict,) = responsiveness.judge(data)
    assert verdict.verdict == "partly"
    assert responsiveness.SUBINTERPRETERS not in verdict.data["p99_s"]
    assert "; GIL-holding C in 2 subinterpreters (own GIL): p99 500 us, max 1 ms, against " in (
        verdict.reason
    )
    # a slow subinterpreter scenario does not fail the claim either: it is not the rule's
    scenarios[responsiveness.SUBINTERPRETERS] = point(1.0)
    assert responsiveness.judge(data)[0].verdict == "partly"


# --- the session's tiny claims run (conftest.claims_run): as a run measured it


def test_tiny_run_gives_one_verdict_per_claim(claims_run) -> None:
    verdicts = responsiveness.judge(claims_run.data("responsiveness"))
    assert [v.claim for v in verdicts] == list(responsiveness.CLAIMS)
    assert all(v.reason and "\n" not in v.reason for v in verdicts)
    # the run stored what the rule says of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in verdicts} == claims_run.claims(responsiveness)
    json.dumps([v.as_dict() for v in verdicts])


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
def test_without_subinterpreters_responsiveness_records_why_and_its_reason_says_so(
    claims_run,
) -> None:
    why = extras.why_no_subinterpreters()
    data = claims_run.data("responsiveness")
    assert data["subinterpreters"] == {"available": False, "reason": why}
    (first, *_) = responsiveness.judge(data)
    assert f"subinterpreters not measured here: {why}" in first.reason
    assert responsiveness.SUBINTERPRETERS not in data["scenarios"]


def test_a_tiny_run_in_this_process_restores_sigint() -> None:
    # Measured here, not read from the claims run: there each experiment runs in a child
    # (SIGINT ignored, then killed), so a handler it failed to restore goes unseen.
    sigint = signal.getsignal(signal.SIGINT)
    data = responsiveness.measure(LEVELS["tiny"], [])
    assert signal.getsignal(signal.SIGINT) == sigint  # restored
    json.dumps(data)


@pytest.mark.parametrize(
    ("low", "high", "verdict"),
    [(0.5, 0.9, "partly"), (1.1, 1.5, "fails"), (0.8, 1.2, "undecided")],
)
def test_c14_is_decided_from_the_p99_interval(low, high, verdict):
    # idle's p99 below, above or across the responsive mark; the GIL-holding C loop starves.
    mark = responsiveness.RESPONSIVE_S
    data = _responsiveness(gil_c=0.1)
    idle = data["scenarios"]["idle"]
    idle[responsiveness.P99] = {
        "median": (low + high) / 2 * mark, "low": low * mark, "high": high * mark,
        "confidence": 0.95,
    }  # fmt: skip
    (judged,) = responsiveness.judge(data)
    assert judged.verdict == verdict
    if verdict == "undecided":
        assert judged.data["possible"] == ["fails", "partly"]
