"""The machine's memory bandwidth, as the `stream` kernel measures it, cached per machine.

The probe names memory bandwidth as the likely cap of a call whose threads are all busy
yet gain well short of W (pylab.probing.calls); these are the figures it quotes. The kernel's
nogil `sum` pass (8 bytes read per element) runs over one int64 array the size the
stream kernel uses (twice the last-level cache, so each pass comes from memory), in one
thread and in W threads started together, each part a slice of the array. Bytes per
second = the bytes the kernel moved / the wall time, the best of REPEATS runs: bandwidth
is a ceiling, and noise only lowers it.

Measured once per machine and W, then read back: `bandwidth.json` in pylab's cache folder
(pylab.base.cachedir) holds one entry per machine, keyed by hostname, CPU model and usable
cores, with one record per W. A measurement disturbed by other work (background above
pylab.host.load.BACKGROUND_BOUND_CORES) is returned but not cached, so a busy spell never
becomes the machine's figure. A cache that cannot be read is measured over; one that cannot be
written leaves the figures uncached.
"""

from __future__ import annotations

import json
import math
import socket
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from pylab.base.cachedir import cache_dir
from pylab.host.load import Background, is_busy
from pylab.host.machine import cpu_model, usable_cores
from pylab.kernels import stream
from pylab.measure.timing import run_threads, timings
from pylab.results.files import atomic_write

FILE = "bandwidth.json"
FORMAT = "pylab-bandwidth"
VERSION = 1
RUN_S = 0.1  # each timed run lasts at least this long: well above timer and start jitter
REPEATS = 3
KERNEL = "stream/nogil op=sum"


def machine_key() -> str:
    """Which machine a figure belongs to: another host, CPU or core count is another one."""
    return f"{socket.gethostname()} | {cpu_model()} | {usable_cores()} usable cores"


def measure(workers: int, array_bytes: int | None = None) -> dict[str, Any]:
    """Bytes per second read by the stream kernel in one thread and in `workers` threads."""
    nbytes = array_bytes or stream.DEFAULT_ARRAY_MIB << 20
    array = np.ones(max(workers, nbytes // 8), dtype=np.int64)  # written: every page is real
    one_pass = min(timings(lambda: stream.run_nogil(stream.Stream((array,), 1)), 2))
    whole = stream.Stream((array,), max(1, math.ceil(RUN_S / max(one_pass, 1e-9))))
    parts = stream.split(whole, workers)
    moved = array.nbytes * whole.passes
    with Background() as seen:
        single_s = min(timings(lambda: stream.run_nogil(whole), REPEATS))
        threads_s = min(
            run_threads(lambda i: stream.run_nogil(parts[i]), workers).span_s
            for _ in range(REPEATS)
        )
    return {
        "kernel": KERNEL,
        "array_bytes": array.nbytes,
        "bytes_moved": moved,
        "workers": workers,
        "single_bytes_per_s": moved / single_s,
        "threads_bytes_per_s": moved / threads_s,
        "background_cores": seen.reading.background_cores,
        "measured": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _load(path: Path) -> dict[str, Any]:
    """The machines of the cache file; empty if it is missing, unreadable or not ours."""
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("format") != FORMAT:
        return {}
    machines = stored.get("machines")
    return machines if stored.get("version") == VERSION and isinstance(machines, dict) else {}


def machine_bandwidth(
    workers: int, cache: Path | None = None, array_bytes: int | None = None
) -> dict[str, Any]:
    """This machine's bandwidth in one thread and in `workers` threads: from the cache file
    if it has them, else measured now and stored there. `cached` says which; `file` is
    where they are kept (None when measured on a busy machine or not writable)."""
    path = (cache or cache_dir()) / FILE
    key = machine_key()
    machines = _load(path)
    found = machines.get(key, {}).get(str(workers))
    if found:
        return {**found, "machine": key, "file": str(path), "cached": True}
    fresh = measure(workers, array_bytes)
    kept = not is_busy(fresh["background_cores"]) and _store(path, machines, key, fresh)
    return {**fresh, "machine": key, "file": str(path) if kept else None, "cached": False}


def _store(path: Path, machines: dict[str, Any], key: str, fresh: dict[str, Any]) -> bool:
    """Add the figures to the cache file; False if it cannot be written (a read-only home:
    the figures still stand, only not kept)."""
    machines.setdefault(key, {})[str(fresh["workers"])] = fresh
    text = json.dumps({"format": FORMAT, "version": VERSION, "machines": machines}, indent=1)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text + "\n")
    except OSError:
        return False
    return True
