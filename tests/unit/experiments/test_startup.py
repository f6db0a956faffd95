"""The startup experiment (C03): its rule on made-up start-up times, with and without a
subinterpreter, the figures in its reason, its imports, and the session's tiny run."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from typing import Any

import pytest

from pylab.base import extras
from pylab.experiments import startup

HAS_THEM = extras.why_no_subinterpreters() is None


def _one(verdicts: list, module) -> object:
    assert [v.claim for v in verdicts] == list(module.CLAIMS)
    return verdicts[0]


def _interval(median: float, spread: float = 0.1) -> dict:
    return {
        "median": median,
        "low": median * (1 - spread),
        "high": median * (1 + spread),
        "confidence": 0.95,
    }


def _startup_data(
    thread: float, fork: float, forkserver: float = 0.036, spawn: float = 0.075
) -> dict:
    medians = {"thread": thread, "fork": fork, "forkserver": forkserver, "spawn": spawn}
    section = {kind: _interval(m) for kind, m in medians.items()}
    return {
        "pool_workers": 2,
        "start_methods": ["fork", "forkserver", "spawn"],
        "repeats": {"thread": 20, "fork": 20, "forkserver": 5, "spawn": 5},
        "clock": "clock_gettime(CLOCK_MONOTONIC)",
        "start_join": section,
        "first_instruction": copy.deepcopy(section),
        "pool": copy.deepcopy(section),
        "forkserver_first": {"start_join_s": 0.08, "server_already_running": False},
        "child_imports": {},
        "published": startup.PUBLISHED["C03"],
    }


def test_startup_holds_when_a_thread_starts_clearly_faster() -> None:
    verdict = _one(startup.judge(_startup_data(190e-6, 3.7e-3)), startup)
    assert verdict.verdict == "holds"
    assert "fork 3.7 ms" in verdict.reason
    assert "19.5x faster" in verdict.reason
    assert "first start 80 ms" in verdict.reason
    assert "PEP 703" in verdict.reason


def test_startup_partly_when_faster_but_intervals_overlap() -> None:
    verdict = _one(startup.judge(_startup_data(1.0e-3, 1.1e-3)), startup)
    assert verdict.verdict == "partly"


def test_startup_fails_when_a_process_starts_as_fast_as_a_thread() -> None:
    verdict = _one(startup.judge(_startup_data(2.0e-3, 1.0e-3)), startup)
    assert verdict.verdict == "fails"
    assert "slower than fork" in verdict.reason


def test_startup_judges_without_forkserver() -> None:
    data = _startup_data(190e-6, 3.7e-3)
    data["start_methods"] = ["fork", "spawn"]
    data["forkserver_first"] = {}
    for name in ("start_join", "first_instruction", "pool"):
        del data[name]["forkserver"]
    verdict = _one(startup.judge(data), startup)
    assert verdict.verdict == "holds"
    assert "forkserver" not in verdict.reason


def test_startup_reason_gives_the_intervals_the_rule_compared() -> None:
    held = _one(startup.judge(_startup_data(190e-6, 3.7e-3)), startup).reason
    assert "thread start+join 190 us [171 us-209 us]" in held
    assert "wholly below every process's (the lowest, fork, from 3.33 ms)" in held
    partly = _one(startup.judge(_startup_data(1.0e-3, 1.1e-3)), startup).reason
    assert "1.1x faster" in partly
    assert "but the intervals overlap: fork 1.1 ms [990 us-1.21 ms]" in partly
    assert "forkserver 36 ms [" not in partly  # clear of the thread's: not named


def test_startup_module_imports_only_stdlib_and_pylab() -> None:
    # Spawned children import the module to find their target: it must stay light.
    code = (
        "import json, sys; import pylab.experiments.startup; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout)) - set(sys.stdlib_module_names)
    outside = sorted(m for m in loaded if not m.startswith("_"))  # _distutils_hack, finders
    assert outside == ["pylab"]


# --- a subinterpreter's figures, where the run measured one


def _subinterpreter_startup_data(
    interpreter: float | None, why: str = "no pool here"
) -> dict[str, Any]:
    """Made-up start-up medians: a thread, three start methods, and a subinterpreter that
    starts in `interpreter` seconds (its pool 3x that), or none, for `why`."""
    medians = {"thread": 100e-6, "fork": 3e-3, "forkserver": 40e-3, "spawn": 80e-3}
    if interpreter is not None:
        medians["interpreter"] = interpreter
    section = {kind: _interval(m) for kind, m in medians.items()}
    record: dict[str, Any] = {"available": False, "pool": None, "reason": why}
    if interpreter is not None:
        record = {"available": True, "pool": "x", "reason": None,
                  "kernel_import": _interval(0.05),
                  "kernels": {"loaded": ["compute", "io"], "refused": ["stream"]}}  # fmt: skip
    return {
        "pool_workers": 2,
        "start_methods": ["fork", "forkserver", "spawn"],
        "start_join": section,
        "first_instruction": copy.deepcopy(section),
        "pool": {kind: _interval(m * 3) for kind, m in medians.items()},
        "forkserver_first": {},
        "child_imports": {},
        "subinterpreters": record,
        "published": startup.PUBLISHED["C03"],
    }


def test_startup_reason_gives_the_subinterpreter_figures_and_where_they_sit() -> None:
    (verdict,) = startup.judge(_subinterpreter_startup_data(20e-3))
    assert verdict.verdict == "holds"  # the rule is still about threads and processes
    reason = verdict.reason
    assert "a subinterpreter: create+exec+close 20 ms [18 ms-22 ms]" in reason
    assert "between a fork process (3 ms) and a forkserver process (40 ms)" in reason
    assert "pool of 2 up 60 ms, between a fork process (9 ms) and a forkserver" in reason
    assert "importing the kernels (compute, io) in a fresh one 50 ms" in reason
    found = verdict.data["subinterpreter"]
    assert found["available"] and found["start_join_median_s"] == 20e-3
    assert verdict.data["start_join_median_s"]["interpreter"] == 20e-3


def test_startup_reason_places_a_subinterpreter_below_a_thread_when_it_is() -> None:
    (verdict,) = startup.judge(_subinterpreter_startup_data(50e-6))
    assert "create+exec+close 50 us [45 us-55 us], below a thread (100 us)" in verdict.reason


def test_startup_reason_says_why_no_subinterpreter_was_measured() -> None:
    (verdict,) = startup.judge(
        _subinterpreter_startup_data(None, "Python 3.11 has no subinterpreter pool")
    )
    assert verdict.verdict == "holds"
    assert verdict.reason.endswith(
        "; subinterpreters not measured on this interpreter: Python 3.11 has no subinterpreter pool"
    )
    assert verdict.data["subinterpreter"] == {
        "available": False,
        "reason": "Python 3.11 has no subinterpreter pool",
    }


def test_old_data_without_subinterpreters_is_judged_as_before() -> None:
    data = _subinterpreter_startup_data(None)
    del data["subinterpreters"]
    (verdict,) = startup.judge(data)
    assert "subinterpreter" not in verdict.reason


# --- the session's tiny claims run (conftest.claims_run): as a run measured it


def test_tiny_run_gives_one_verdict_per_claim(claims_run) -> None:
    data = claims_run.data("startup")
    assert {"start_methods", "start_join", "first_instruction", "pool", "forkserver_first"} <= set(
        data
    )
    verdicts = startup.judge(data)
    assert [v.claim for v in verdicts] == list(startup.CLAIMS)
    for verdict in verdicts:
        assert verdict.reason and "\n" not in verdict.reason
        json.dumps(verdict.as_dict())
    # the run stored what the rule says of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in verdicts} == claims_run.claims(startup)


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
def test_without_subinterpreters_startup_records_why_and_measures_the_rest(claims_run) -> None:
    data = claims_run.data("startup")
    json.dumps(data, allow_nan=False)
    why = extras.why_no_subinterpreters()
    assert data["subinterpreters"] == {"available": False, "pool": None, "reason": why}
    assert "interpreter" not in data["start_join"] and "interpreter" not in data["repeats"]
    assert set(data["start_join"]) == {"thread", *data["start_methods"]}
    (verdict,) = startup.judge(data)
    assert f"subinterpreters not measured on this interpreter: {why}" in verdict.reason
