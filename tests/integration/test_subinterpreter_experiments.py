"""Subinterpreters in the experiments, measured for real under a 3.13 environment
(conftest.subinterpreter_python): start-up (C03) and memory (C11, C12), ipc (C10), sharing
(C02) and responsiveness (C14) each at level tiny in a child of that Python, as a run would,
judged here, and drawn. The tests skip, saying why, where there is no such Python.

What the rules make of made-up subinterpreter figures, and what each experiment records
where there are none, are in tests/unit/experiments/; the plots' handling of both, in
tests/unit/report/plots/."""

from __future__ import annotations

import copy
import json
import math
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pylab.base.fmt import fmt_bytes, fmt_seconds
from pylab.experiments import ipc, responsiveness, sharing
from pylab.report.plots import ipc as ipc_plot
from pylab.report.plots import memory as memory_plot
from pylab.report.plots import responsiveness as responsiveness_plot
from pylab.report.plots import sharing as sharing_plot
from pylab.report.plots import startup as startup_plot
from pylab.runner.isolation import run_experiment
from tests import DATA, plot_texts_of

FIXTURE = DATA / "full_small.json"
EXPERIMENTS = {"ipc": ipc, "sharing": sharing, "responsiveness": responsiveness}
PLOTS = {"ipc": ipc_plot, "sharing": sharing_plot, "responsiveness": responsiveness_plot}
TIMEOUT_S = 600.0  # tiny runs take seconds; a hang fails instead of blocking the suite
PLACES = {"below threads and processes", "between threads and processes",
          "above threads and processes"}  # fmt: skip


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


def _run(python: str) -> dict[str, dict[str, Any]]:
    """Each experiment's record at level tiny, in a child of `python`."""
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


# --- startup and memory under 3.13


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


# --- ipc, sharing and responsiveness under 3.13


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
            drawn[plot.name] = plot_texts_of(plot)
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
            assert "subinterpreter" not in plot_texts_of(plot), plot.name
