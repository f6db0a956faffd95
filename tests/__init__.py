"""pylab's tests: tests/unit/<room>/test_<module>.py and tests/integration/ (README.md).

The paths every test file may need, importable as `from tests import DATA`."""

from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]  # the checkout
DATA = REPO / "tests" / "data"  # small results files the report and plot tests read
REFERENCE = REPO / "results" / "reference"  # the committed reference runs


def plot_texts_of(plot: Any) -> str:
    """Every label a report Plot shows (legends and y tick labels), its title and caption."""
    shown = [plot.title, plot.caption]
    for legend in plot.figure.legends:
        shown += [t.get_text() for t in legend.get_texts()]
    for ax in plot.figure.axes:
        shown += [t.get_text() for t in ax.get_yticklabels()]
        if ax.get_legend():
            shown += [t.get_text() for t in ax.get_legend().get_texts()]
    return "\n".join(shown)
