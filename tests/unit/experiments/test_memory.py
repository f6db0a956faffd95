"""Subinterpreter figures of C03 (startup) and C11/C12 (memory): recorded with the reason
where there are none, measured under a 3.13 environment (conftest.subinterpreter_python)
where there are, named in the verdicts' reasons, drawn in the plots beside the old ones."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pylab.base import extras
from pylab.base.fmt import fmt_bytes, fmt_place, fmt_seconds
from pylab.experiments import memory, startup
from pylab.report.plots import memory as memory_plot
from pylab.report.plots import startup as startup_plot
from tests import DATA

HAS_THEM = extras.why_no_subinterpreters() is None
FIXTURE = DATA / "full_small.json"
MIB = 1 << 20


def _interval(median: float) -> dict[str, float]:
    return {"median": median, "low": median * 0.9, "high": median * 1.1, "confidence": 0.95}


def _startup_data(interpreter: float | None, why: str = "no pool here") -> dict[str, Any]:
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


def _memory_data(interpreter: dict[str, Any] | None) -> dict[str, Any]:
    processes = {"fork": 9 * MIB, "forkserver": 18 * MIB, "spawn": 20 * MIB}
    data = {
        "workers": 2,
        "metric": "pss",
        "start_methods": list(processes),
        "thread_pool": {"per_worker_bytes": 40 << 10},
        "process_pools": {m: {"per_worker_bytes": s} for m, s in processes.items()},
        "per_thread": {"per_thread_bytes": 12 << 10, "threads": 50},
    }
    if interpreter is not None:
        data["interpreter_pool"] = interpreter
    return data


# --- where to place a figure among others


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5.0, "between b (2 s) and c (10 s)"),
        (1.0, "below a (1.5 s)"),
        (10.0, "above c (10 s)"),  # equal to one counts as above it
    ],
)
def test_fmt_place_names_the_nearest_neighbours(value: float, expected: str) -> None:
    assert fmt_place(value, {"c": 10.0, "a": 1.5, "b": 2.0}, fmt_seconds) == expected


def test_fmt_place_with_nothing_to_compare() -> None:
    assert fmt_place(1.0, {}, fmt_seconds) == "with nothing to compare"


# --- the verdicts' reasons, on made-up data


def test_startup_reason_gives_the_subinterpreter_figures_and_where_they_sit() -> None:
    (verdict,) = startup.judge(_startup_data(20e-3))
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
    (verdict,) = startup.judge(_startup_data(50e-6))
    assert "create+exec+close 50 us [45 us-55 us], below a thread (100 us)" in verdict.reason


def test_startup_reason_says_why_no_subinterpreter_was_measured() -> None:
    (verdict,) = startup.judge(_startup_data(None, "Python 3.11 has no subinterpreter pool"))
    assert verdict.verdict == "holds"
    assert verdict.reason.endswith(
        "; subinterpreters not measured on this interpreter: Python 3.11 has no subinterpreter pool"
    )
    assert verdict.data["subinterpreter"] == {
        "available": False,
        "reason": "Python 3.11 has no subinterpreter pool",
    }


def test_memory_reasons_give_the_subinterpreter_worker_and_where_it_sits() -> None:
    c11, c12 = memory.judge(_memory_data({"available": True, "per_worker_bytes": 5 * MIB}))
    assert (c11.verdict, c12.verdict) == ("holds", "holds")  # the rules do not change
    assert "a subinterpreter worker 5 MiB (the kernels as in a process worker, but no numpy" in (
        c11.reason
    )
    assert "between a thread (40 KiB) and a fork process (9 MiB)" in c11.reason
    assert "; a subinterpreter worker 5 MiB, between an idle thread (12 KiB) and a fork " in (
        c12.reason
    )
    assert c12.reason.endswith("under 1 MiB, at least 10x less")  # the marks stay last
    for verdict in (c11, c12):
        assert verdict.data["subinterpreter"] == {"available": True, "per_worker_bytes": 5 * MIB}


def test_memory_reasons_say_why_no_subinterpreter_was_measured() -> None:
    why = {"available": False, "reason": "a free-threaded build has no GIL to give"}
    for verdict in memory.judge(_memory_data(why)):
        assert "subinterpreters not measured on this interpreter: a free-threaded" in (
            verdict.reason
        )
        assert verdict.data["subinterpreter"]["available"] is False


def test_old_data_without_subinterpreters_is_judged_as_before() -> None:
    data = _startup_data(None)
    del data["subinterpreters"]
    (verdict,) = startup.judge(data)
    assert "subinterpreter" not in verdict.reason
    for verdict in memory.judge(_memory_data(None)):
        assert "subinterpreter" not in verdict.reason


# --- where this interpreter has no subinterpreters (3.11, 3.12, free-threaded)


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


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
def test_without_subinterpreters_memory_records_why_and_measures_the_rest(claims_run) -> None:
    data = claims_run.data("memory")
    json.dumps(data, allow_nan=False)
    why = extras.why_no_subinterpreters()
    assert data["interpreter_pool"] == {"available": False, "reason": why}
    assert data["process_pools"] and data["thread_pool"]["samples"]
    for verdict in memory.judge(data):
        assert f"subinterpreters not measured on this interpreter: {why}" in verdict.reason


# --- under an interpreter that has them

MEASURE = """
import json
from pylab import experiments
from pylab.experiments.base import LEVELS
out = {}
for name in ("startup", "memory"):
    module = experiments.get(name)
    data = module.measure(LEVELS["tiny"], [])
    out[name] = {"data": data, "reasons": [v.reason for v in module.judge(data)]}
print(json.dumps(out, allow_nan=False))
"""


@pytest.fixture(scope="module")
def measured(subinterpreter_python: Path, tmp_path_factory) -> dict[str, Any]:
    """startup and memory measured at level tiny under 3.13, with their reasons."""
    where = tmp_path_factory.mktemp("measure")
    done = subprocess.run([str(subinterpreter_python), "-c", MEASURE], capture_output=True,
                          text=True, timeout=600, cwd=where)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_startup_under_3_13_measures_a_subinterpreter(measured: dict[str, Any]) -> None:
    data = measured["startup"]["data"]
    assert data["subinterpreters"]["available"] and data["subinterpreters"]["reason"] is None
    for name in ("start_join", "first_instruction", "pool"):
        found = data[name]["interpreter"]
        assert 0 < found["low"] <= found["median"] <= found["high"], (name, found)
    kernels = data["subinterpreters"]["kernels"]
    assert "compute" in kernels["loaded"] and "stream" in kernels["refused"]
    assert data["subinterpreters"]["kernel_import"]["median"] > 0
    (reason,) = measured["startup"]["reasons"]
    start = fmt_seconds(data["start_join"]["interpreter"]["median"])
    pool = fmt_seconds(data["pool"]["interpreter"]["median"])
    assert f"a subinterpreter: create+exec+close {start} [" in reason
    assert f"pool of 2 up {pool}, " in reason and "importing the kernels (compute" in reason


def test_memory_under_3_13_measures_a_subinterpreter_pool(measured: dict[str, Any]) -> None:
    data = measured["memory"]["data"]
    pool = data["interpreter_pool"]
    assert pool["available"] and pool["per_worker_bytes"] > 0
    assert [s["distinct_workers"] for s in pool["samples"]] == [data["workers"]] * data["repeats"]
    c11, c12 = measured["memory"]["reasons"]
    size = fmt_bytes(pool["per_worker_bytes"])
    assert f"a subinterpreter worker {size} (the kernels as in a process worker" in c11
    assert f"a subinterpreter worker {size}, " in c12


def test_measured_subinterpreters_plot(measured: dict[str, Any], check_plot) -> None:
    results = json.loads(FIXTURE.read_text())
    for name in ("startup", "memory"):
        results["experiments"][name]["data"] = measured[name]["data"]
    (start,) = startup_plot.make(results)
    (mem,) = memory_plot.make(results)
    assert "subinterpreter" in start.caption and "subinterpreter" in mem.caption
    check_plot(start)
    check_plot(mem)


# --- plots, with and without a subinterpreter


def _with_subinterpreters(results: dict[str, Any]) -> dict[str, Any]:
    """The fixture's run with a subinterpreter added: start-up 10x fork's, memory 5 MiB."""
    results = copy.deepcopy(results)
    start = results["experiments"]["startup"]["data"]
    for name in ("start_join", "first_instruction", "pool"):
        start[name]["interpreter"] = {k: v * 10 if k != "confidence" else v
                                      for k, v in start[name]["fork"].items()}  # fmt: skip
    start["subinterpreters"] = _startup_data(20e-3)["subinterpreters"]
    mem = results["experiments"]["memory"]["data"]
    size = {"median": 10 * MIB, "low": 10 * MIB, "high": 10 * MIB, "confidence": 0.0}
    mem["interpreter_pool"] = {"available": True, "pss_bytes": size, "uss_bytes": size,
                               "per_worker_bytes": 5 * MIB}  # fmt: skip
    return results


def test_plots_show_a_subinterpreter_when_the_file_has_one(check_plot) -> None:
    results = _with_subinterpreters(json.loads(FIXTURE.read_text()))
    fork = results["experiments"]["startup"]["data"]["start_join"]["fork"]["median"]
    (start,) = startup_plot.make(results)
    (mem,) = memory_plot.make(results)
    assert "subinterpreter" in start.title and "subinterpreter" in mem.title
    assert f"a subinterpreter took {fmt_seconds(fork * 10)}" in start.caption
    assert "a subinterpreter (no numpy) 5 MiB" in mem.caption
    ticks = [t.get_text() for t in start.figure.axes[0].get_xticklabels()]
    assert ticks[:2] == ["thread", "subinterpreter"]
    ticks = [t.get_text() for t in mem.figure.axes[0].get_xticklabels()]
    assert ticks[:2] == ["threads", "subinterpreters"]
    check_plot(start)
    check_plot(mem)


def test_plots_of_old_files_and_unavailable_subinterpreters_leave_them_out(check_plot) -> None:
    results = json.loads(FIXTURE.read_text())
    unavailable = copy.deepcopy(results)
    unavailable["experiments"]["startup"]["data"]["subinterpreters"] = {
        "available": False, "pool": None, "reason": "no pool"}  # fmt: skip
    unavailable["experiments"]["memory"]["data"]["interpreter_pool"] = {
        "available": False, "reason": "no pool"}  # fmt: skip
    for case in (results, unavailable):
        for module in (startup_plot, memory_plot):
            (plot,) = module.make(case)
            assert "subinterpreter" not in plot.title + plot.caption
            ticks = [t.get_text() for t in plot.figure.axes[0].get_xticklabels()]
            assert not any("subinterpreter" in t for t in ticks)
            check_plot(plot)
