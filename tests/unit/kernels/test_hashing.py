"""The hash sum every compute kernel computes (pylab.kernels.hashing): the same in Python,
numpy and C, even where the 64-bit sums wrap."""

from __future__ import annotations

from pylab.kernels.hashing import hash_sum_numpy, hash_sum_py


def test_hash_sum_agrees_across_implementations_at_large_offsets() -> None:
    from pylab.kernels._ext import compute

    lo = 2**63 - 500
    assert hash_sum_py(lo, lo + 1_000) == hash_sum_numpy(lo, lo + 1_000)
    assert compute.hash_sum_nogil(lo, lo + 1_000) == hash_sum_numpy(lo, lo + 1_000)
