"""The GIL model (pylab.base.gilmodel): Amdahl's law over the cores the work fills, and
the bound a GIL share puts on threads."""

from __future__ import annotations

import pytest

from pylab.base.gilmodel import amdahl, bounded, gil_bound, predicted


def test_amdahl_is_the_formula() -> None:
    assert amdahl(0.0, 4) == pytest.approx(4.0)
    assert amdahl(1.0, 4) == pytest.approx(1.0)
    assert amdahl(0.5, 2) == pytest.approx(4 / 3)
    assert amdahl(0.25, 3) == pytest.approx(1 / (0.25 + 0.75 / 3))


def test_the_prediction_runs_over_the_cores_the_work_fills() -> None:
    assert predicted(0.0, 4, cores=2, cpu_fraction=1.0) == pytest.approx(2.0)  # CPU-bound
    assert predicted(0.0, 4, cores=2, cpu_fraction=0.02) == pytest.approx(4.0)  # waits
    assert predicted(0.5, 2, cores=2, cpu_fraction=1.0) == pytest.approx(4 / 3)
    # threads beyond the cores add no processors: Amdahl over N = 2, not W = 4 capped at 2
    assert predicted(0.25, 4, cores=2, cpu_fraction=1.0) == pytest.approx(amdahl(0.25, 2))
    assert predicted(0.25, 4, cores=2, cpu_fraction=1.0) < 2.0


def test_the_gil_bound_is_one_over_the_share_up_to_w_and_the_cores() -> None:
    assert gil_bound(0.5, 4) == pytest.approx(2.0)
    assert gil_bound(0.0, 4) == pytest.approx(4.0)
    assert gil_bound(0.8, 2) == pytest.approx(1.25)
    assert bounded(0.25, 8, cores=2, cpu_fraction=1.0) == pytest.approx(2.0)
    assert gil_bound(0.3, 3) >= amdahl(0.3, 3)  # Amdahl is the pessimistic end
