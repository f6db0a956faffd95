"""Order-statistic intervals for the median (pylab.base.stats): the coverage they claim is
the binomial one; percentiles by nearest rank."""

from __future__ import annotations

import random

import pytest

from pylab.base.stats import median_interval, percentile


def test_six_samples_give_min_max_at_97_percent() -> None:
    iv = median_interval([5, 1, 4, 2, 6, 3])
    assert (iv.low, iv.median, iv.high) == (1, 3.5, 6)
    assert iv.confidence == pytest.approx(1 - 2 / 64)


def test_ten_samples_drop_the_extremes() -> None:
    iv = median_interval(list(range(10)))
    assert (iv.low, iv.high) == (1, 8)
    assert iv.confidence == pytest.approx(1 - 2 * 11 / 1024)


def test_too_few_samples_report_their_low_coverage() -> None:
    assert median_interval([2.0]).confidence == 0
    assert median_interval([1.0, 2.0, 3.0]).confidence == pytest.approx(0.75)


def test_coverage_holds_in_simulation() -> None:
    rng = random.Random(1)
    hits = 0
    for _ in range(2000):
        iv = median_interval([rng.expovariate(1.0) for _ in range(12)])
        hits += iv.low <= 0.6931 <= iv.high  # the median of Exp(1) is ln 2
    assert hits / 2000 >= 0.93


def test_empty_is_an_error() -> None:
    with pytest.raises(ValueError):
        median_interval([])


def test_percentile_is_nearest_rank():
    samples = [float(i) for i in range(1, 101)]
    assert percentile(samples, 0.99) == 99.0
    assert percentile(samples, 0.5) == 50.0
    assert percentile([3.0], 0.99) == 3.0
