"""pylab's tests: tests/unit/<room>/test_<module>.py and tests/integration/ (README.md).

The paths every test file may need, importable as `from tests import DATA`."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]  # the checkout
DATA = REPO / "tests" / "data"  # small results files the report and plot tests read
REFERENCE = REPO / "results" / "reference"  # the committed reference runs
