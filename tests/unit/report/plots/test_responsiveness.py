"""The responsiveness plot (C14): drawn from real results files, a subinterpreter series
only where the file has one."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylab.base import extras
from pylab.report.plots import responsiveness
from tests import DATA
from tests.unit.report.plots import DEFAULT, FIXTURE, SCALING_ONLY, _load

HAS_THEM = extras.why_no_subinterpreters() is None




@pytest.mark.parametrize("path", [FIXTURE, DEFAULT], ids=["tiny", "default"])
def test_one_readable_plot(path: Path, check_plot) -> None:
    plots = responsiveness.make(_load(path))
    assert [p.name for p in plots] == [responsiveness.NAME]
    check_plot(plots[0])


def test_nothing_without_the_experiment() -> None:
    assert responsiveness.make(_load(SCALING_ONLY)) == []


def test_nothing_from_a_failed_experiment() -> None:
    results = _load(FIXTURE)
    results["experiments"][responsiveness.NAME] = {"ok": False, "error": "boom"}
    assert responsiveness.make(results) == []


def test_the_caption_carries_the_numbers() -> None:
    assert "308 ms" in responsiveness.make(_load(DEFAULT))[0].caption  # p99 beside GIL-holding C


@pytest.mark.parametrize("path", sorted(DATA.glob("*.json")), ids=lambda p: p.name)
def test_files_from_before_subinterpreters_still_plot(path: Path, check_plot, plot_texts) -> None:
    for plot in responsiveness.make(_load(path)):
        check_plot(plot)
        assert "subinterpreter" not in plot_texts(plot), plot.name


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
def test_without_subinterpreters_the_plot_draws_no_subinterpreter_series(
    claims_run, check_plot, plot_texts
) -> None:
    plots = responsiveness.make(claims_run.view())
    assert plots
    for plot in plots:
        check_plot(plot)
        assert "subinterpreter" not in plot_texts(plot), plot.name
