"""The experiments' timed regions: measured beside a background reading and retaken while
other work disturbs them (pylab.experiments._kit.Regions)."""

from __future__ import annotations

import subprocess
import sys
import time

from pylab.experiments._kit import RETAKES, Regions, region_doubts, until_decided

SPIN = "import time\nend = time.monotonic() + {s}\nwhile time.monotonic() < end: pass\n"


def _busy_outside(seconds: float) -> None:
    """One core busy for `seconds`, in a process that is not this one's child: the reading
    leaves the measuring process tree out, as it must (its workers are the measurement)."""
    shell = f'"{sys.executable}" -c "$0" >/dev/null 2>&1 &'  # sh exits; the spin is orphaned
    subprocess.run(["sh", "-c", shell, SPIN.format(s=seconds)], check=True)


def _region(disturbed_attempts: int):
    """A region that sleeps 0.4 s, beside a busy process (one core) on its first attempts."""
    attempts = []

    def measure() -> int:
        if len(attempts) < disturbed_attempts:
            _busy_outside(0.45)
        time.sleep(0.4)
        attempts.append(len(attempts))
        return len(attempts)

    return measure


def test_a_disturbed_region_is_retaken_and_the_last_attempt_stands() -> None:
    regions = Regions()
    result = regions.take(_region(1))
    record = regions.record()
    # retaken at least once (more where other work here disturbs the retake too)
    assert record["retaken"] >= 1 and result == record["retaken"] + 1
    assert record["background_cores_max"] > 0.3
    if record["still_disturbed"] == 0:
        assert region_doubts(record) is None


def test_a_region_disturbed_through_its_retakes_is_counted_and_named() -> None:
    regions = Regions()
    regions.take(_region(RETAKES + 1))
    record = regions.record()
    assert (record["regions"], record["retaken"], record["still_disturbed"]) == (1, RETAKES, 1)
    assert region_doubts(record).startswith(f"1 of 1 timed regions still disturbed after {RETAKES}")


def test_until_decided_takes_the_least_rounds_then_stops_once_decided() -> None:
    taken: list[int] = []
    rounds = until_decided(taken.append, lambda: len(taken) >= 4, least=2, most=9)
    assert rounds == 4 and taken == [0, 1, 2, 3]


def test_until_decided_takes_the_least_even_when_decided_at_once() -> None:
    taken: list[int] = []
    assert until_decided(taken.append, lambda: True, least=3, most=9) == 3 and len(taken) == 3


def test_until_decided_stops_at_most_when_never_decided() -> None:
    taken: list[int] = []
    assert until_decided(taken.append, lambda: False, least=2, most=5) == 5 and len(taken) == 5
