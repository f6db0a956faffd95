"""How much CPU the rest of the machine used while pylab measured: the background load.

The machine is shared: other processes and other tenants take CPU in spells of
seconds, and a speed-up measured in such a spell reads low for reasons that have
nothing to do with the call. `Background` reads the system-wide busy CPU time
(psutil.cpu_times: everything but idle and iowait) and the measured process tree's
own CPU time at the start and the end of a region; the difference, over the wall
time, is the background load in cores. Steal time (a hypervisor giving the CPU to
another guest) is counted in the system's busy time where the kernel reports it, and
also kept apart. On the lab's VM steal read 0 even in disturbed spells, so in-guest
accounting is the main signal.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil

BACKGROUND_BOUND_CORES = 0.3  # background above this, on average, makes a measurement suspect


def is_busy(background_cores: float | None) -> bool:
    """Whether this much other work (in cores; None: not measured) makes a measurement
    suspect: the one test of BACKGROUND_BOUND_CORES for the cells, the probe, the bandwidth
    cache and the report."""
    return background_cores is not None and background_cores > BACKGROUND_BOUND_CORES


# psutil reads the CPU times in /proc in clock ticks (USER_HZ, 100 a second on Linux): a
# reading can be a tick off in each of the two counters it subtracts (the machine's busy
# time and this process tree's), which over a 5 ms region reads as 4 cores. Short timed
# regions (ipc's batches) read up to 7 background cores on a quiet 2-core VM so.
TICK_S = 1 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.01


def certain_cores(reading: Reading) -> float:
    """The background a reading shows for certain: less the most its tick counts can be
    off, over its length. For a region of a second or more it is the reading itself,
    nearly; for one of a few ms, nothing can be told from it."""
    return max(0.0, reading.background_cores - 2 * TICK_S / max(reading.wall_s, 1e-9))


def _busy_s() -> tuple[float, float]:
    """System-wide busy and steal CPU seconds so far."""
    t = psutil.cpu_times()
    idle = t.idle + getattr(t, "iowait", 0.0)
    return sum(t) - idle - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0), getattr(
        t, "steal", 0.0
    )


def _total_s(process: psutil.Process) -> float:
    t = process.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def _tree_s(root: psutil.Process) -> float:
    """CPU seconds of `root` and its descendants: each living one's own and its reaped
    children's (a child reaped meanwhile moves into its parent's children_* times)."""
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += _total_s(process)
        except psutil.Error:  # ended between listing and reading
            continue
    return total


@dataclass
class Reading:
    wall_s: float
    background_cores: float  # the rest of the machine's CPU, in cores on average
    steal_cores: float


class Background:
    """`with Background() as seen:` ... then `seen.reading`: the load beside the region,
    apart from the process tree of `pid` (default: this process)."""

    def __init__(self, pid: int | None = None) -> None:
        self._root = psutil.Process(pid)
        self.reading: Reading | None = None

    def __enter__(self) -> Background:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.reading = self.read()

    def start(self) -> Background:
        self._t0 = time.perf_counter()
        self._busy0, self._steal0 = _busy_s()
        self._tree0 = _tree_s(self._root)
        return self

    def read(self) -> Reading:
        """The load since start()."""
        busy, steal = _busy_s()
        own = max(0.0, _tree_s(self._root) - self._tree0)
        wall = max(time.perf_counter() - self._t0, 1e-9)
        background = max(0.0, busy - self._busy0 - own) / wall
        return Reading(round(wall, 6), round(background, 3),
                       round((steal - self._steal0) / wall, 3))  # fmt: skip


def wait_quiet(
    window_s: float, most_s: float, sleep: Callable[[float], None] = time.sleep
) -> float:
    """Wait until a `window_s` window passes with the rest of the machine under the bound
    (`is_busy` false), for at most `most_s`; return the background of the last window in
    cores. A retake after a spell of other work starts once the spell is over."""
    deadline = time.perf_counter() + most_s
    while True:
        with Background() as seen:
            sleep(window_s)
        assert seen.reading is not None
        cores = seen.reading.background_cores
        if not is_busy(cores) or time.perf_counter() >= deadline:
            return cores
