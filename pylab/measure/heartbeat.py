"""A Python thread that beats only while it can get the GIL: how much of a call holds it.

Two kinds of beat. A busy heartbeat counts as fast as it can: a call holding the
GIL in C stops it, one releasing the GIL leaves it at its idle pace (the tests
use it; its contrast is stark). A ticking heartbeat sleeps `tick_s` between
beats and needs the GIL only briefly to count: beside a call that holds the GIL
each beat waits for it, so the share of the beats lost measures the share of the
time the GIL was held. That is the probe's measure: a busy heartbeat beside a
pure-Python loop gets half the GIL by alternation and would read 0.5, while the
ticking one reads near 1 (each tick waits out a switch interval).

The heartbeat must be running before the call starts (a cold thread makes a
GIL-releasing call look GIL-held), so entering the context waits until it beats.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

# The probe's ticking heartbeat: a short tick, so a holder that yields still reads near 1...
TICK_S = 0.0002
# ...and how long a call runs beside it for one sample of its GIL share.
SHARE_S = 0.2
# The idle rate counts at least this many beats (its window grows to at most IDLE_MAX_S).
IDLE_BEATS = 5
IDLE_MAX_S = 1.0


class Heartbeat:
    def __init__(self, warmup_s: float = 0.05, tick_s: float = 0.0) -> None:
        self.count = 0
        self._stop = False
        self._warmup_s = warmup_s
        self._tick_s = tick_s
        self._thread = threading.Thread(target=self._beat, name="pylab-heartbeat", daemon=True)

    def _beat(self) -> None:
        tick = self._tick_s
        while not self._stop:
            if tick:
                time.sleep(tick)
            self.count += 1

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        while self.count == 0:
            time.sleep(0.001)
        time.sleep(self._warmup_s)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._thread.join()

    def idle_rate(self, seconds: float = 0.2) -> float:
        """Beats per second while this thread sleeps (the GIL is free of it), over at
        least `seconds` and at least IDLE_BEATS beats, for at most IDLE_MAX_S. Beside busy
        Python threads (gilcheck's --busy-threads 2) the heartbeat waits a switch interval
        for each beat, and a 25 ms window on the 2-core VM now and then counted none: a
        rate of 0 to divide by. Where none come even so, one beat over the window stands
        in: the rate is at most that."""
        start, t0 = self.count, time.perf_counter()
        time.sleep(seconds)
        while self.count - start < IDLE_BEATS and time.perf_counter() - t0 < IDLE_MAX_S:
            time.sleep(seconds)
        return max(self.count - start, 1) / (time.perf_counter() - t0)

    def beats_during(self, fn: Callable[..., Any], *args: Any) -> tuple[int, float]:
        """Beats counted while fn(*args) runs in this thread, and its duration."""
        start, t0 = self.count, time.perf_counter()
        fn(*args)
        elapsed = time.perf_counter() - t0
        return self.count - start, elapsed

    def held_share(self, call: Callable[[], Any], seconds: float) -> float:
        """The share of time the GIL was held while `call` ran again and again for
        `seconds`: 1 - (beat rate beside the call / idle beat rate), clamped to [0, 1]
        (noise alone gives small negative values)."""
        idle = self.idle_rate(max(seconds / 2, 0.02))
        start, t0 = self.count, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            call()
        busy = (self.count - start) / (time.perf_counter() - t0)
        return min(1.0, max(0.0, 1.0 - busy / idle))
