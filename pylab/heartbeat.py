"""A Python thread that counts as fast as it can: it advances only while it can get the GIL.

Compare how far it gets while a call runs with how far it gets while the main
thread sleeps: a call that releases the GIL leaves it near its idle pace, a call
that holds the GIL stops it. It must be running before the call starts (a cold
thread makes a GIL-releasing call look GIL-held), so entering the context waits
until it has counted for a while.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class Heartbeat:
    def __init__(self, warmup_s: float = 0.05) -> None:
        self.count = 0
        self._stop = False
        self._warmup_s = warmup_s
        self._thread = threading.Thread(target=self._beat, name="pylab-heartbeat", daemon=True)

    def _beat(self) -> None:
        while not self._stop:
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
        """Beats per second while this thread sleeps (the GIL is free)."""
        start, t0 = self.count, time.perf_counter()
        time.sleep(seconds)
        return (self.count - start) / (time.perf_counter() - t0)

    def beats_during(self, fn: Callable[..., Any], *args: Any) -> tuple[int, float]:
        """Beats counted while fn(*args) runs in this thread, and its duration."""
        start, t0 = self.count, time.perf_counter()
        fn(*args)
        elapsed = time.perf_counter() - t0
        return self.count - start, elapsed
