"""Order-statistic intervals for the median (pylab.base.stats): the coverage they claim is
the binomial one; percentiles by nearest rank."""

from __future__ import annotations

import random

import pytest

from pylab.base.stats import median_interval, percentile, quantile_interval


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


def test_the_quantile_interval_covers_the_asked_share_around_the_nearest_rank_point():
    xs = list(range(1, 1001))
    found = quantile_interval(xs, 0.99)
    assert found.median == percentile(xs, 0.99) == 990
    assert found.low < 990 < found.high and found.confidence >= 0.95
    # about 1.96 binomial standard deviations (3.1 ranks) each side
    assert 980 <= found.low and found.high <= 1000


def test_the_quantile_interval_of_few_samples_is_all_of_them_and_says_how_little_it_covers():
    found = quantile_interval([3.0, 1.0, 2.0], 0.99)
    assert (found.median, found.low, found.high) == (3.0, 1.0, 3.0)
    assert found.confidence == pytest.approx(1 - 0.99**3 - 0.01**3, abs=1e-12)


def test_the_quantile_interval_at_the_median_matches_the_median_interval():
    xs = [float(x) for x in range(50)]
    q, m = quantile_interval(xs, 0.5), median_interval(xs)
    assert q.confidence >= 0.95 and q.low == pytest.approx(m.low, abs=1.0)


@pytest.mark.parametrize("share", [0.0, 1.0, -0.1])
def test_the_quantile_interval_refuses_a_share_outside_zero_and_one(share):
    with pytest.raises(ValueError, match="share"):
        quantile_interval([1.0, 2.0], share)
