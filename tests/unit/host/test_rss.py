"""The peak resident memory of one stretch of work (pylab.host.rss)."""

from __future__ import annotations

import sys

import pytest

from pylab.host import rss

MIB = 1 << 20


def test_the_peak_counts_memory_touched_since_the_reset_and_forgets_it_after_the_next():
    if not rss.reset_peak():
        pytest.skip(f"the peak RSS cannot be reset here ({sys.platform}): it is the process's")
    before = rss.peak_bytes()
    block = bytearray(64 * MIB)  # zeroed: every page touched
    assert rss.peak_bytes() >= before + 60 * MIB
    del block
    assert rss.reset_peak()
    assert rss.peak_bytes() < before + 32 * MIB
