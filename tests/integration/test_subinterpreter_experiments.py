"""Subinterpreters beside threads and processes in the ipc (C10), sharing (C02) and
responsiveness (C14) experiments: their figures, where they sit in the reasons, and
their series in the plots.

Where this Python has no subinterpreters (3.11 here), each experiment records why and
its reason says they were not measured. Under a 3.13 environment
(conftest.subinterpreter_python) each runs at level tiny in a child of that Python, as
a run would, and is judged here; the test skips, saying why, where there is none.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from pylab.base import extras
from pylab.experiments import ipc, responsiveness, sharing
from pylab.report.plots import ipc as ipc_plot
from pylab.report.plots import responsiveness as responsiveness_plot
from pylab.report.plots import sharing as sharing_plot
from pylab.runner.isolation import run_experiment
from tests import DATA

HAS_THEM = extras.why_no_subinterpreters() is None
EXPERIMENTS = {"ipc": ipc, "sharing": sharing, "responsiveness": responsiveness}
PLOTS = {"ipc": ipc_plot, "sharing": sharing_plot, "responsiveness": responsiveness_plot}
TIMEOUT_S = 600.0  # tiny runs take seconds; a hang fails instead of blocking the suite
PLACES = {"below threads and processes", "between threads and processes",
          "above threads and processes"}  # fmt: skip


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


def _run(python: str | None) -> dict[str, dict[str, Any]]:
    """Each experiment's record at level tiny, in a child of `python` (None: this one)."""
    records = {name: run_experiment(name, "tiny", [], TIMEOUT_S, python) for name in EXPERIMENTS}
    for name, record in records.items():
        assert record["ok"], (name, record.get("error"))
    return json.loads(json.dumps(records))  # as a results file holds them


def _results(records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A results file's experiments and claims, judged here as a run judges them."""
    claims = {}
    for name, record in records.items():
        for verdict in EXPERIMENTS[name].judge(record["data"]):
            claims[verdict.claim] = verdict.as_dict()
    return {"experiments": records, "claims": claims}


def _texts(plot: Any) -> str:
    """Every label a figure shows (legends and tick labels) and its title and caption."""
    shown = [plot.title, plot.caption]
    for legend in plot.figure.legends:
        shown += [t.get_text() for t in legend.get_texts()]
    for ax in plot.figure.axes:
        shown += [t.get_text() for t in ax.get_yticklabels()]
        if ax.get_legend():
            shown += [t.get_text() for t in ax.get_legend().get_texts()]
    return "\n".join(shown)


# --- the rules on made-up numbers ------------------------------------------------------


def _interval(value: float) -> dict[str, float]:
    return {"median": value, "low": value * 0.9, "high": value * 1.1, "confidence": 0.96}


def _ipc_data(interp_us: float, interp_dispatch_us: float) -> dict[str, Any]:
    """Threads 10 us a round trip, fork_pipe 30 us; a subinterpreter channel as given."""
    sizes = [8, 65536]

    def table(value: float) -> dict[str, Any]:
        return {str(s): _interval(value) for s in sizes}

    return {
        "settings": {"sizes": sizes},
        "latency_us": {"fork_pipe": table(30.0), "thread_queue": table(10.0),
                       "interp_queue": table(interp_us)},
        "throughput_bytes_per_s": {"fork_pipe": table(1e9), "thread_queue": table(1e10),
                                   "interp_queue": table(1e11)},
        "dispatch_us": {"fork": _interval(200.0), "threads": _interval(20.0),
                        "interpreters": _interval(interp_dispatch_us)},
        "crossover": None,
        "subinterpreters": {"available": True, "pool": "x", "channel": "interp_queue"},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("interp_us", "place"),
    [(5.0, "below threads and processes"), (20.0, "between threads and processes"),
     (60.0, "above threads and processes")],
)  # fmt: skip
def test_c10_places_the_subinterpreter_round_trip_without_changing_the_rule(
    interp_us: float, place: str
) -> None:
    (verdict,) = ipc.judge(_ipc_data(interp_us, 100.0))
    # a subinterpreter channel faster than any is never taken for the best process channel
    assert verdict.verdict == "holds"
    assert {r["best_process"] for r in verdict.data["latency"]} == {"fork_pipe"}
    figures = verdict.data["subinterpreters"]
    assert figures["round_trip_us"]["8"]["place"] == place
    assert figures["round_trip_us"]["8"]["over_thread"] == interp_us / 10.0
    assert figures["dispatch_us"]["place"] == "between threads and processes"
    assert f"subinterpreters (interp_queue) round trip 8 B {interp_us:g} us" in verdict.reason
    assert "their pool's dispatch 100 us a task (5x threads', between" in verdict.reason


def test_c10_says_why_subinterpreters_were_not_measured_and_old_files_say_nothing() -> None:
    data = _ipc_data(20.0, 100.0)
    for table in ("latency_us", "throughput_bytes_per_s"):
        data[table].pop("interp_queue")
    data["dispatch_us"].pop("interpreters")
    data["subinterpreters"] = {"available": False, "reason": "Python 3.11 has none"}
    (verdict,) = ipc.judge(data)
    assert verdict.reason.endswith("; subinterpreters not measured here: Python 3.11 has none")
    del data["subinterpreters"]
    (old,) = ipc.judge(data)
    assert "subinterpreter" not in old.reason and old.data["subinterpreters"] is None


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


# --- where there are no subinterpreters ------------------------------------------------


@pytest.fixture(scope="module")
def without(claims_run) -> dict[str, dict[str, Any]]:
    """Each experiment's record at level tiny, from the session's claims run."""
    if HAS_THEM:
        pytest.skip("this interpreter has subinterpreters")
    return {name: claims_run.record(name) for name in EXPERIMENTS}


def test_without_subinterpreters_each_experiment_records_why_and_its_reason_says_so(
    without: dict[str, dict[str, Any]],
) -> None:
    why = extras.why_no_subinterpreters()
    for name, record in without.items():
        data = record["data"]
        assert data["subinterpreters"] == {"available": False, "reason": why}, name
        (first, *_) = EXPERIMENTS[name].judge(data)
        assert f"subinterpreters not measured here: {why}" in first.reason, name
    assert "interp_queue" not in without["ipc"]["data"]["latency_us"]
    assert "interpreters" not in without["ipc"]["data"]["dispatch_us"]
    assert not {"interp_memoryview", "interp_pickled"} & set(without["sharing"]["data"]["methods"])
    assert responsiveness.SUBINTERPRETERS not in without["responsiveness"]["data"]["scenarios"]


def test_without_subinterpreters_the_plots_draw_no_subinterpreter_series(
    without: dict[str, dict[str, Any]], check_plot
) -> None:
    results = _results(without)
    for name, module in PLOTS.items():
        plots = module.make(results)
        assert plots, name
        for plot in plots:
            check_plot(plot)
            assert "subinterpreter" not in _texts(plot), plot.name


@pytest.mark.parametrize("path", sorted(DATA.glob("*.json")), ids=lambda p: p.name)
def test_files_from_before_still_plot(path: Path, check_plot) -> None:
    results = json.loads(path.read_text())
    for module in PLOTS.values():
        for plot in module.make(results):
            check_plot(plot)
            assert "subinterpreter" not in _texts(plot), plot.name


# --- under an interpreter that has them ------------------------------------------------


@pytest.fixture(scope="module")
def under_313(subinterpreter_python: Path) -> dict[str, dict[str, Any]]:
    return _run(str(subinterpreter_python))


def test_ipc_measures_a_subinterpreter_channel_and_pool(
    under_313: dict[str, dict[str, Any]],
) -> None:
    data = under_313["ipc"]["data"]
    assert data["subinterpreters"]["available"] and data["subinterpreters"]["channel"] == (
        "interp_queue"
    )
    assert "os.pipe" in data["subinterpreters"]["how"]  # says what carries the messages
    for table in ("latency_us", "throughput_bytes_per_s"):
        by_size = data[table]["interp_queue"]
        assert set(by_size) == {str(s) for s in data["settings"]["sizes"]}, table
        assert all(_positive(v["median"]) for v in by_size.values()), table
    assert _positive(data["dispatch_us"]["interpreters"]["median"])
    (verdict,) = ipc.judge(data)
    figures = verdict.data["subinterpreters"]
    assert {p["place"] for p in figures["round_trip_us"].values()} <= PLACES
    assert figures["dispatch_us"]["place"] in PLACES
    assert "subinterpreters (interp_queue) round trip 8 B " in verdict.reason
    assert "their pool's dispatch " in verdict.reason


def test_sharing_gives_a_subinterpreter_a_view_without_a_copy_and_pickled_bytes(
    under_313: dict[str, dict[str, Any]],
) -> None:
    data = under_313["sharing"]["data"]
    assert data["subinterpreters"]["available"]
    assert data["subinterpreters"]["same_buffer"]  # its write landed in the parent's buffer
    view, pickled = data["methods"]["interp_memoryview"], data["methods"]["interp_pickled"]
    assert [r["bytes"] for r in view] == [r["bytes"] for r in pickled] == data["sizes"]
    for row in view + pickled:
        assert _positive(row["time_s"]["median"]), row
    assert all(r["copied_bytes"] == 0 and _positive(r["read_alone_s"]["median"]) for r in view)
    assert all(r["copied_bytes"] > r["bytes"] * sharing.WORKERS for r in pickled)
    c02 = sharing.judge(data)[0]
    assert f"; to {sharing.WORKERS} subinterpreters (read by adler32): memoryview " in c02.reason
    assert c02.reason.endswith("the view no copy")


def test_responsiveness_beats_beside_a_gil_holding_kernel_in_subinterpreters(
    under_313: dict[str, dict[str, Any]],
) -> None:
    data = under_313["responsiveness"]["data"]
    assert data["subinterpreters"]["scenario"] == responsiveness.SUBINTERPRETERS
    point = data["scenarios"][responsiveness.SUBINTERPRETERS]
    assert point["beats"] > 0
    assert all(_positive(point[k]) for k in ("p50_s", "p99_s", "max_s"))
    (verdict,) = responsiveness.judge(data)
    assert verdict.data["subinterpreters"]["p99_s"] == point["p99_s"]
    assert " subinterpreters (own GIL): p99 " in verdict.reason


def test_the_plots_draw_the_subinterpreter_series(
    under_313: dict[str, dict[str, Any]], check_plot
) -> None:
    results = _results(under_313)
    expected = {
        "ipc": "interpreters queues, subinterpreter",
        "dispatch": "subinterpreters",
        "sharing": "subinterpreter memoryview (no copy)",
        "responsiveness": "in subinterpreters",
    }
    drawn = {}
    for module in PLOTS.values():
        for plot in module.make(results):
            check_plot(plot)
            drawn[plot.name] = _texts(plot)
    assert set(drawn) == set(expected)
    for name, label in expected.items():
        assert label in drawn[name], name
    # and the same file, with the subinterpreter parts removed, draws none of them
    old = copy.deepcopy(results)
    for record in old["experiments"].values():
        record["data"].pop("subinterpreters")
    ipc_data = old["experiments"]["ipc"]["data"]
    sharing_data = old["experiments"]["sharing"]["data"]
    for table in ("latency_us", "throughput_bytes_per_s"):
        ipc_data[table].pop("interp_queue")
    ipc_data["dispatch_us"].pop("interpreters")
    for method in ("interp_memoryview", "interp_pickled"):
        sharing_data["methods"].pop(method)
    old["experiments"]["responsiveness"]["data"]["scenarios"].pop(responsiveness.SUBINTERPRETERS)
    for module in PLOTS.values():
        for plot in module.make(old):
            assert "subinterpreter" not in _texts(plot), plot.name
