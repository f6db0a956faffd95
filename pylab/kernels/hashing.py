"""The splitmix64 hash sum of ext/hashmix.pxd, in pure Python and in numpy.

The pure-Python loop is the `py` variant of `compute`; the numpy version is the
independent reference every variant is checked against, bit for bit. numpy is
imported by the reference only: the variants also run in subinterpreters, and numpy
refuses to load in one.
"""

from __future__ import annotations

MASK = 2**64 - 1
GAMMA = 0x9E3779B97F4A7C15
MUL1 = 0xBF58476D1CE4E5B9
MUL2 = 0x94D049BB133111EB
_CHUNK = 1 << 20


def hash_sum_py(lo: int, hi: int) -> int:
    """Sum of splitmix64(i) for i in [lo, hi), mod 2**64, one bytecode at a time."""
    acc = 0
    for i in range(lo, hi):
        z = (i * GAMMA) & MASK
        z = ((z ^ (z >> 30)) * MUL1) & MASK
        z = ((z ^ (z >> 27)) * MUL2) & MASK
        acc += z ^ (z >> 31)
    return acc & MASK


def hash_sum_numpy(lo: int, hi: int) -> int:
    """The same sum computed with numpy's wrapping uint64 arrays, a chunk at a time."""
    import numpy as np  # here: the kernels also run in subinterpreters, where numpy cannot

    acc = 0
    for start in range(lo, hi, _CHUNK):
        z = np.arange(start, min(start + _CHUNK, hi), dtype=np.uint64)
        z *= np.uint64(GAMMA)
        z ^= z >> np.uint64(30)
        z *= np.uint64(MUL1)
        z ^= z >> np.uint64(27)
        z *= np.uint64(MUL2)
        z ^= z >> np.uint64(31)
        acc += int(z.sum(dtype=np.uint64))
    return acc & MASK


def combine_mod64(values) -> int:
    return sum(values) & MASK
