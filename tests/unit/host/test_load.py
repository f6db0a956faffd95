"""The rest of the machine's load (pylab.host.load), counted in cores."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest


def test_the_background_load_beside_a_region_is_counted_in_cores() -> None:
    """A spinning process outside the measured tree is one core of background; the same
    process inside it is the tree's own work."""

    from pylab.host.load import Background

    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    sleeper = subprocess.Popen(["sleep", "5"])
    try:
        time.sleep(0.3)
        with Background(sleeper.pid) as outside:
            time.sleep(1.0)
        with Background() as inside:
            time.sleep(1.0)
    finally:
        spinner.kill()
        sleeper.kill()
    assert outside.reading.background_cores > 0.6, outside.reading
    assert inside.reading.background_cores < outside.reading.background_cores - 0.5


def test_a_short_regions_reading_is_certain_only_beyond_its_clock_ticks() -> None:
    from pylab.host.load import TICK_S, Reading, certain_cores

    # One tick off in each counter over 5 ms reads as 4 cores: nothing is certain.
    assert certain_cores(Reading(0.005, 4.0, 0.0)) == 0.0
    long = certain_cores(Reading(2.0, 0.9, 0.0))
    assert long == pytest.approx(0.9 - 2 * TICK_S / 2.0)
