"""The heartbeat's idle rate (pylab.measure.heartbeat): never 0 to divide by."""

from __future__ import annotations

import pytest

from pylab.measure import heartbeat
from pylab.measure.heartbeat import Heartbeat


def test_an_idle_window_without_beats_waits_for_them_then_stands_in_one(monkeypatch) -> None:
    """A heartbeat that cannot beat (here: never started; in gilcheck, one beside busy
    Python threads that got no GIL in its window) gives a small rate, not 0, and the
    share it yields stays in [0, 1] rather than dividing by zero."""
    monkeypatch.setattr(heartbeat, "IDLE_MAX_S", 0.05)
    stalled = Heartbeat()
    rate = stalled.idle_rate(0.01)
    assert 0 < rate <= 1 / 0.05
    assert stalled.held_share(lambda: None, 0.01) == pytest.approx(1.0)


def test_a_beating_heartbeat_counts_its_window() -> None:
    with Heartbeat(warmup_s=0.0, tick_s=0.0002) as beat:
        assert beat.idle_rate(0.02) > 1 / 0.02  # more than the stand-in's one beat
