"""What a GIL share predicts for W threads: Amdahl's law and the GIL bound.

s is the share of a call's run time that holds the GIL; W copies of the call run in
W threads. Their parallelism N is W, unless the cores cannot hold W copies' CPU use
(a call that mostly waits needs no core): N = min(W, cores / CPU per wall).

Amdahl's law takes the held parts as serial and the rest as spread over N:
1 / (s + (1 - s) / N). It is the pessimistic end: it assumes a held part runs while
nothing else does. The GIL bound, min(N, 1 / s), is the optimistic end: the GIL
serves one thread at a time, so W copies need W x s of the serial time on it, but
one thread's held part can overlap the others' released parts. Threads beyond the
cores add no processors to either (Amdahl with N = W on 2 cores read 2.0x for
s = 0.25 at W=4; the lab measured 1.51x, against 1.6x with N = 2).
"""

from __future__ import annotations

from pylab.base.rules import ideal


def amdahl(share: float, workers: float) -> float:
    """Amdahl's law with the GIL-held share as the serial fraction."""
    return 1.0 / (share + (1.0 - share) / workers)


def gil_bound(share: float, workers: float) -> float:
    """The most W threads can gain when each holds the GIL `share` of its run time."""
    return min(float(workers), 1.0 / max(share, 1e-9))


def predicted(share: float, workers: int, cores: int, cpu_fraction: float) -> float:
    """Amdahl's prediction for W threads on these cores."""
    return amdahl(share, ideal(workers, cores, cpu_fraction))


def bounded(share: float, workers: int, cores: int, cpu_fraction: float) -> float:
    """The GIL bound for W threads on these cores."""
    return gil_bound(share, ideal(workers, cores, cpu_fraction))
