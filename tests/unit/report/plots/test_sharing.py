"""The sharing plot (C02, C13): drawn from real runs, a valid PNG, its caption; a
subinterpreter series only where the file has one."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from pylab.base import extras
from pylab.report.plots import sharing
from tests import DATA
from tests.unit.report.plots import DEFAULT, FIXTURE, SCALING_ONLY, _load

HAS_THEM = extras.why_no_subinterpreters() is None




@pytest.mark.parametrize("path", [FIXTURE, DEFAULT], ids=["tiny", "default"])
def test_plot_from_real_runs(path: Path, check_plot) -> None:
    plots = sharing.make(_load(path))
    assert [p.name for p in plots] == ["sharing"]
    for plot in plots:
        assert plot.title
        check_plot(plot)


def test_no_data_no_plot() -> None:
    assert sharing.make(_load(SCALING_ONLY)) == []
    assert sharing.make({"experiments": {sharing.NAME: {"ok": False, "data": None}}}) == []


def test_the_caption_carries_the_numbers() -> None:
    assert "256 MiB" in sharing.make(_load(DEFAULT))[0].caption


def test_missing_pieces_still_plot(check_plot) -> None:
    """No shared memory and no read-back."""
    results = copy.deepcopy(_load(FIXTURE))
    shared = results["experiments"]["sharing"]["data"]
    del shared["methods"]["shared_memory"], shared["read_back"]
    plots = sharing.make(results)
    assert [p.name for p in plots] == ["sharing"]
    assert "shared memory" not in plots[0].caption
    for plot in plots:
        check_plot(plot)


@pytest.mark.parametrize("path", sorted(DATA.glob("*.json")), ids=lambda p: p.name)
def test_files_from_before_subinterpreters_still_plot(path: Path, check_plot, plot_texts) -> None:
    for plot in sharing.make(_load(path)):
        check_plot(plot)
        assert "subinterpreter" not in plot_texts(plot), plot.name


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
def test_without_subinterpreters_the_plot_draws_no_subinterpreter_series(
    claims_run, check_plot, plot_texts
) -> None:
    plots = sharing.make(claims_run.view())
    assert plots
    for plot in plots:
        check_plot(plot)
        assert "subinterpreter" not in plot_texts(plot), plot.name
