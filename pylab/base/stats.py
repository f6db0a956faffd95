"""Medians with distribution-free confidence intervals, for few noisy samples.

With 5-12 samples and a skewed, drifting distribution, a bootstrap interval is
too narrow to trust. The interval here is between two order statistics of the
sample, chosen from the binomial distribution so that it covers the true median
with at least the asked probability; the coverage actually reached is reported,
because with very few samples even [min, max] falls short of 95%.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass

LEVEL = 0.95  # the coverage asked of every interval; `confidence` says what was reached


@dataclass(frozen=True)
class Interval:
    median: float
    low: float
    high: float
    confidence: float  # probability that [low, high] covers the true median

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 6) for k, v in asdict(self).items()}

    @property
    def relative_width(self) -> float:
        return (self.high - self.low) / self.median if self.median else math.inf

    def scaled(self, factor: float) -> Interval:
        return Interval(
            self.median * factor, self.low * factor, self.high * factor, self.confidence
        )


def _coverage(n: int, k: int) -> float:
    """P(X_(k) <= median <= X_(n+1-k)) for n samples: 1 - 2 * P(Binomial(n, 1/2) < k)."""
    below = sum(math.comb(n, i) for i in range(k)) / 2**n
    return max(0.0, 1.0 - 2.0 * below)


def median_interval(samples: Sequence[float], level: float = LEVEL) -> Interval:
    """The sample median and the narrowest order-statistic interval reaching `level`."""
    if not samples:
        raise ValueError("no samples")
    xs = sorted(samples)
    n = len(xs)
    k = 1
    while k + 1 <= (n + 1) // 2 and _coverage(n, k + 1) >= level:
        k += 1
    return Interval(statistics.median(xs), xs[k - 1], xs[n - k], _coverage(n, k))


def quantile_interval(samples: Sequence[float], share: float, level: float = LEVEL) -> Interval:
    """The nearest-rank `share` quantile (see percentile) and an order-statistic interval
    around it: ranks added on the side that adds more binomial probability until the
    coverage reaches `level` or every sample is in. With few samples (3 beats for a p99)
    the interval is all of them and its `confidence` says how little that covers."""
    if not samples:
        raise ValueError("no samples")
    if not 0 < share < 1:
        raise ValueError(f"share {share} not between 0 and 1")
    xs = sorted(samples)
    n = len(xs)
    # P(exactly i samples at or below the quantile), in logs so that large n cannot overflow.
    pmf = [
        math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
                 + i * math.log(share) + (n - i) * math.log1p(-share))
        for i in range(n + 1)
    ]  # fmt: skip
    low = high = min(n, max(1, math.ceil(share * n)))  # 1-based ranks, the point's
    covered = 0.0  # P(X_(low) <= quantile < X_(high)) = sum of pmf[low .. high - 1]
    while covered < level and (low > 1 or high < n):
        below = pmf[low - 1] if low > 1 else -1.0
        above = pmf[high] if high < n else -1.0
        if below >= above:
            low, covered = low - 1, covered + below
        else:
            high, covered = high + 1, covered + above
    return Interval(percentile(xs, share), xs[low - 1], xs[high - 1], min(1.0, covered))


def summarize(samples: Sequence[float]) -> dict[str, float]:
    """{median, low, high, confidence}: the median with its order-statistic interval."""
    return median_interval(list(samples)).as_dict()


def median(samples: Sequence[float]) -> float:
    """The median every part of pylab uses (the mean of the middle two for an even count)."""
    return statistics.median(samples)


def ratio(a: float, b: float) -> float:
    """a / b, infinite for b = 0 (a time that rounds to nothing)."""
    return a / b if b else float("inf")


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least `share` of them at or below."""
    xs = sorted(samples)
    return xs[max(0, math.ceil(share * len(xs)) - 1)]


def coefficient_of_variation(samples: Sequence[float]) -> float:
    if len(samples) < 2:
        return 0.0
    mean = statistics.fmean(samples)
    return statistics.stdev(samples) / mean if mean else math.inf
