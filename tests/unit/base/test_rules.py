"""The lab's one rule for whether a speed-up scales (pylab.base.rules), at its bounds."""

from __future__ import annotations

import pytest

from pylab.base import rules


def test_the_ideal_is_the_workers_up_to_the_cores() -> None:
    assert rules.ideal(4, 2) == 2
    assert rules.ideal(1, 8) == 1
    assert rules.ideal(3, 3) == 3


@pytest.mark.parametrize(
    ("speedup", "level"),
    [(1.99, "scales"), (1.4, "scales"), (1.39, "partly"), (1.25, "partly"), (1.24, "flat"),
     (0.6, "flat")],
)  # fmt: skip
def test_two_workers_scale_from_1_4x_and_gain_partly_from_1_25x(speedup: float, level: str) -> None:
    assert rules.scaling_level(speedup, 2) == level


def test_the_bounds_follow_the_ideal() -> None:
    assert rules.scales_at(4) == pytest.approx(2.8)
    assert rules.partly_at(4) == pytest.approx(1.75)
    assert rules.scaling_level(2.7, 4) == "partly" and rules.scaling_level(1.7, 4) == "flat"
    assert rules.scaling_level(1.0, 1) == "scales"  # one worker: nothing to gain, nothing lost


@pytest.mark.parametrize("ideal", [2, 3, 8])
def test_the_stored_bounds_say_where_the_rule_draws_its_lines(ideal: int) -> None:
    """A file keeps bounds(): from them alone a reader finds each level's least speed-up."""
    bounds = rules.bounds()
    scales = bounds["scales"] * ideal
    partly = 1 + bounds["partly_gain"] * (ideal - 1)
    assert rules.scaling_level(scales, ideal) == "scales"
    assert rules.scaling_level(scales * 0.99, ideal) == "partly"
    assert rules.scaling_level(partly, ideal) == "partly"
    assert rules.scaling_level(partly * 0.99, ideal) == "flat"
    assert bounds["busy"] == rules.FULL_CPU_SHARE
