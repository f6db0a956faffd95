"""pylab's tests: tests/unit/<room>/test_<module>.py and tests/integration/ (README.md).

The paths every test file may need, importable as `from tests import DATA`, and the one
decision on a missing interpreter (no_interpreter)."""

import os
from pathlib import Path
from typing import Any, NoReturn

import pytest

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


def in_ci() -> bool:
    """Whether the tests run in CI (CI=true), where .ci/run has installed the free-threaded
    CPython 3.13 and its GIL twin before them (docs/development.md: Tests)."""
    return os.environ.get("CI") == "true"


def no_interpreter(reason: str, ci_installs: bool = True) -> NoReturn:
    """A test's interpreter is not here: skip it, saying why; but under CI=true, where the
    interpreter should be there (`ci_installs`: the free-threaded 3.13 or its GIL twin, or
    an environment built for one), fail instead: a CI that measures no free-threading
    must not pass unnoticed."""
    if ci_installs and in_ci():
        pytest.fail(f"{reason} (CI=true: .ci/run installs the free-threaded CPython 3.13 and its "
                    "GIL twin before the tests)", pytrace=False)  # fmt: skip
    pytest.skip(reason)
