"""The startup plot (C03): drawn from real runs, a valid PNG, its caption; a subinterpreter
beside the thread and the processes where the file has one."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from pylab.base.fmt import fmt_seconds
from pylab.report.plots import startup
from tests.unit.report.plots import DEFAULT, FIXTURE, SCALING_ONLY, _load


def _data(results: dict[str, Any]) -> dict[str, Any]:
    return results["experiments"]["startup"]["data"]


@pytest.mark.parametrize("path", [FIXTURE, DEFAULT], ids=["tiny", "default"])
def test_plot_from_real_runs(path: Path, check_plot) -> None:
    plots = startup.make(_load(path))
    assert [p.name for p in plots] == [startup.NAME]
    check_plot(plots[0])


def test_no_data_no_plot() -> None:
    assert startup.make(_load(SCALING_ONLY)) == []
    assert startup.make({"experiments": {startup.NAME: {"ok": False, "data": None}}}) == []


def test_the_caption_carries_the_numbers() -> None:
    assert "77 us" in startup.make(_load(DEFAULT))[0].caption  # thread start+join


def test_missing_pieces_still_plot(check_plot) -> None:
    """No forkserver."""
    results = copy.deepcopy(_load(FIXTURE))
    _data(results)["start_methods"].remove("forkserver")
    (plot,) = startup.make(results)
    assert plot.name == "startup"
    assert "forkserver" not in plot.caption
    check_plot(plot)


# --- with and without a subinterpreter


def _with_a_subinterpreter(results: dict[str, Any]) -> dict[str, Any]:
    """The fixture's run with a subinterpreter added that starts 10x slower than fork."""
    results = copy.deepcopy(results)
    start = _data(results)
    for name in ("start_join", "first_instruction", "pool"):
        start[name]["interpreter"] = {k: v * 10 if k != "confidence" else v
                                      for k, v in start[name]["fork"].items()}  # fmt: skip
    interval = {"median": 0.05, "low": 0.045, "high": 0.055, "confidence": 0.95}
    kernels = {"loaded": ["compute", "io"], "refused": ["stream"]}
    start["subinterpreters"] = {"available": True, "pool": "x", "reason": None,
                                "kernel_import": interval, "kernels": kernels}  # fmt: skip
    return results


def test_the_plot_shows_a_subinterpreter_when_the_file_has_one(check_plot) -> None:
    results = _with_a_subinterpreter(_load(FIXTURE))
    fork = _data(results)["start_join"]["fork"]["median"]
    (plot,) = startup.make(results)
    assert "subinterpreter" in plot.title
    assert f"a subinterpreter took {fmt_seconds(fork * 10)}" in plot.caption
    ticks = [t.get_text() for t in plot.figure.axes[0].get_xticklabels()]
    assert ticks[:2] == ["thread", "subinterpreter"]
    check_plot(plot)


def test_old_files_and_unavailable_subinterpreters_leave_them_out(check_plot) -> None:
    results = _load(FIXTURE)
    unavailable = copy.deepcopy(results)
    _data(unavailable)["subinterpreters"] = {"available": False, "pool": None, "reason": "no pool"}
    for case in (results, unavailable):
        (plot,) = startup.make(case)
        assert "subinterpreter" not in plot.title + plot.caption
        ticks = [t.get_text() for t in plot.figure.axes[0].get_xticklabels()]
        assert not any("subinterpreter" in t for t in ticks)
        check_plot(plot)
