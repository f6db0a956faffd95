"""The memory plot (C11, C12): drawn from real runs, a valid PNG, its caption; a
subinterpreter worker beside the thread and the processes where the file has one."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from pylab.report.plots import memory
from tests.unit.report.plots import DEFAULT, FIXTURE, SCALING_ONLY, _load

MIB = 1 << 20




def _data(results: dict[str, Any]) -> dict[str, Any]:
    return results["experiments"]["memory"]["data"]


@pytest.mark.parametrize("path", [FIXTURE, DEFAULT], ids=["tiny", "default"])
def test_plot_from_real_runs(path: Path, check_plot) -> None:
    plots = memory.make(_load(path))
    assert [p.name for p in plots] == [memory.NAME]
    check_plot(plots[0])


def test_no_data_no_plot() -> None:
    assert memory.make(_load(SCALING_ONLY)) == []
    assert memory.make({"experiments": {memory.NAME: {"ok": False, "data": None}}}) == []


def test_the_caption_carries_the_numbers() -> None:
    assert "2.44 MiB" in memory.make(_load(DEFAULT))[0].caption  # fork's own pages (USS)


def test_missing_pieces_still_plot(check_plot) -> None:
    """No fork pool, USS as the metric, no thread growth."""
    results = copy.deepcopy(_load(FIXTURE))
    mem = _data(results)
    mem["start_methods"].remove("fork")
    mem["metric"] = "uss"
    mem["thread_pool"]["per_worker_bytes"] = 0.0
    mem["per_thread"]["per_thread_bytes"] = -1.0
    (plot,) = memory.make(results)
    assert plot.name == "memory"
    assert "idle thread" not in plot.caption
    check_plot(plot)


# --- with and without a subinterpreter


def _with_a_subinterpreter(results: dict[str, Any]) -> dict[str, Any]:
    """The fixture's run with a subinterpreter pool added: 5 MiB a worker."""
    results = copy.deepcopy(results)
    size = {"median": 10 * MIB, "low": 10 * MIB, "high": 10 * MIB, "confidence": 0.0}
    pool = {"available": True, "pss_bytes": size, "uss_bytes": size, "per_worker_bytes": 5 * MIB}
    _data(results)["interpreter_pool"] = pool
    return results


def test_the_plot_shows_a_subinterpreter_when_the_file_has_one(check_plot) -> None:
    (plot,) = memory.make(_with_a_subinterpreter(_load(FIXTURE)))
    assert "subinterpreter" in plot.title
    assert "a subinterpreter (no numpy) 5 MiB" in plot.caption
    ticks = [t.get_text() for t in plot.figure.axes[0].get_xticklabels()]
    assert ticks[:2] == ["threads", "subinterpreters"]
    check_plot(plot)


def test_old_files_and_unavailable_subinterpreters_leave_them_out(check_plot) -> None:
    results = _load(FIXTURE)
    unavailable = copy.deepcopy(results)
    _data(unavailable)["interpreter_pool"] = {"available": False, "reason": "no pool"}
    for case in (results, unavailable):
        (plot,) = memory.make(case)
        assert "subinterpreter" not in plot.title + plot.caption
        ticks = [t.get_text() for t in plot.figure.axes[0].get_xticklabels()]
        assert not any("subinterpreter" in t for t in ticks)
        check_plot(plot)
