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
