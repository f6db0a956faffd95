"""The plots that draw subinterpreters beside threads and processes (ipc, sharing,
responsiveness) draw none where there were none: in files from before subinterpreters were
measured, and in a run on an interpreter without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylab.base import extras
from pylab.report.plots import ipc, responsiveness, sharing
from tests import DATA
from tests.unit.report.plots import _load

HAS_THEM = extras.why_no_subinterpreters() is None
MODULES = [ipc, sharing, responsiveness]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
@pytest.mark.parametrize("path", sorted(DATA.glob("*.json")), ids=lambda p: p.name)
def test_files_from_before_subinterpreters_still_plot(
    module, path: Path, check_plot, plot_texts
) -> None:
    for plot in module.make(_load(path)):
        check_plot(plot)
        assert "subinterpreter" not in plot_texts(plot), plot.name


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_without_subinterpreters_the_plots_draw_no_subinterpreter_series(
    module, claims_run, check_plot, plot_texts
) -> None:
    plots = module.make(claims_run.view())
    assert plots
    for plot in plots:
        check_plot(plot)
        assert "subinterpreter" not in plot_texts(plot), plot.name
