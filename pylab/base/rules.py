"""The lab's one rule for whether a speed-up scales: the run's table, the probe and the
claims all judge by it, and every verdict stores the bounds it used (`bounds()`).

A speed-up S of W workers is judged against the ideal, min(W, usable cores) (for work
that waits, W itself: a wait needs no core):
  scales  S >= SCALES x ideal
  partly  S >= 1 + PARTLY_GAIN x (ideal - 1)   (a real gain, well short of ideal)
  flat    otherwise
"""

from __future__ import annotations

from typing import Any

SCALES = 0.7
PARTLY_GAIN = 0.25
# CPU time per wall second, per ideal worker, of workers that all compute: a `bytes`
# kernel this busy that does not scale is capped by memory bandwidth.
FULL_CPU_SHARE = 0.7  # stored in verdicts as "busy"


def ideal(workers: int, cores: int, cpu_fraction: float | None = None) -> float:
    """The most W workers can gain on these cores. Work that computes (no `cpu_fraction`):
    min(W, cores), a whole number. Copies of a call that each use `cpu_fraction` of a core
    (the probe, the GIL model): W, unless the cores cannot hold the copies' CPU use."""
    if cpu_fraction is None:
        return min(workers, cores)
    return min(float(workers), cores / max(cpu_fraction, 1e-3))


def scales_at(ideal_speedup: float) -> float:
    """The least speed-up that scales against this ideal."""
    return SCALES * ideal_speedup


def partly_at(ideal_speedup: float) -> float:
    """The least speed-up that gains partly against this ideal."""
    return 1 + PARTLY_GAIN * (ideal_speedup - 1)


def scaling_level(speedup: float, ideal_speedup: float) -> str:
    """`scales`, `partly` or `flat`: a speed-up judged against the ideal (rules above)."""
    if speedup >= scales_at(ideal_speedup):
        return "scales"
    return "partly" if speedup >= partly_at(ideal_speedup) else "flat"


def bounds() -> dict[str, Any]:
    """The bounds as a verdict stores them, so that a reader knows what it meant."""
    return {"scales": SCALES, "partly_gain": PARTLY_GAIN, "busy": FULL_CPU_SHARE}
