"""The plot of what a worker costs (pylab.report.plots.costs): every cost drawn, the
subinterpreter named where the run measured one, and committed files still drawn."""

from __future__ import annotations

from pylab import results
from pylab.report import costs
from pylab.report.plots import costs as costs_plot
from pylab.results.views import views
from tests import DATA
from tests.unit.report.made_up import _results


def test_the_plot_draws_every_cost_and_names_the_subinterpreter(check_plot) -> None:
    (plot,) = costs_plot.make(_results())
    check_plot(plot)
    assert plot.caption.startswith("A subinterpreter worker, median: start (start to join) 30")
    assert len(plot.figure.axes) == len(costs.COLUMNS)


def test_without_a_subinterpreter_the_caption_says_none_was_measured() -> None:
    (plot,) = costs_plot.make(_results(with_interpreter=False))
    assert "no subinterpreter was measured" in plot.caption


def test_committed_files_still_get_the_table_and_plot(check_plot) -> None:
    for path in sorted(DATA.glob("*.json")):
        for _, view in views(results.load(path)):
            rows = costs.costs(view)
            if not rows:  # a file without the experiments: nothing to draw, nothing faked
                assert costs_plot.make(view) == []
                continue
            assert all(r.kind != "interpreter" for r in rows)
            for plot in costs_plot.make(view):
                check_plot(plot)
