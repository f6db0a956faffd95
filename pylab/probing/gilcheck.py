"""gilcheck: pylab's GIL share beside the GIL contention dask.distributed reports.

For each call, looping for the same fixed time, two figures, each measured alone (the
other sampler is not running, so each sees the call and itself only):
  pylab_share            the share of the call's run time during which it HOLDS the
                         GIL: the probe's ticking heartbeat loses the beats it cannot
                         get the GIL for (pylab.probing.calls.gil_share, pylab.measure.heartbeat)
  gilknocker_contention  the share of time a knocking thread WAITED for the GIL:
                         gilknocker.KnockKnock created as a distributed system monitor
                         creates it (polling every distributed.admin.system-monitor.gil.
                         interval), read and reset every system-monitor interval as the
                         monitor's update does; median of those readings
Both are medians with an order-statistic interval (pylab.base.stats). They agree when the
medians differ by at most AGREE. A cross-check of the measure: no verdict,
recommendation or claim of pylab uses it.

The knocker counts whoever holds the GIL; the heartbeat's share is against its own rate
just before, in the same company, so it is what the call adds. `busy_threads` Python
threads looping pure Python beside the call (while both figures are measured) show it.

`in_worker` repeats the contention in a real LocalCluster worker (one process, one
thread, the GIL monitor on): the readings its own system monitor took while a task
looped the call.
"""

from __future__ import annotations

import hashlib
import json
import sysconfig
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pylab.base import extras
from pylab.base.errors import UserError
from pylab.base.fmt import fmt_bytes
from pylab.results.cells import label

FORMAT = "pylab-gilcheck"
# History of the JSON format: 1 (2026-12) the first.
VERSION = 1
CALL_S = 0.02  # the kernels are sized so that one call lasts about this long
AGREE = 0.15  # two medians closer than this agree
# gilknocker 0.4 (by its defaults, which distributed keeps) knocks for a sample of 10
# polling intervals; its monitor thread, waking every 100, collects a finished sample on one
# wake and starts the next on the following: one sample per 200 polling intervals. Before
# the first is collected the contention reads 0, whatever the call does.
CYCLE_POLLS = 200
GIL = "distributed.admin.system-monitor.gil"


# --- the calls ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A call to check: `build(size)` makes its input and returns the call. A kernel
    (kernel, variant, params) has no size of its own: it is calibrated to CALL_S."""

    name: str
    build: Callable[[int], Callable[[], Any]]
    size: int | None = None
    kernel: tuple[str, str, dict[str, Any]] | None = field(default=None, compare=False)


def _kernel_call(kernel: str, variant: str, params: dict[str, Any], size: int) -> Callable:
    from pylab import kernels

    family = kernels.get(kernel)
    return partial(family.variant(variant), family.make_input(size, **params))


def _kernel(kernel: str, variant: str, **given: Any) -> Target:
    from pylab import kernels

    params = kernels.get(kernel).resolve_params(given)  # the defaults named in the label
    name = label({"kernel": kernel, "variant": variant, "params": params})
    return Target(name, partial(_kernel_call, kernel, variant, params), None,
                  (kernel, variant, params))  # fmt: skip


def _sleep(us: int) -> Callable[[], Any]:
    return partial(time.sleep, us / 1e6)


def _sha256(n: int) -> Callable[[], Any]:
    return partial(hashlib.sha256, bytes(n))


def _compress(n: int) -> Callable[[], Any]:
    text = " ".join(map(str, range(n))).encode()[:n]  # digits: compressible, not trivially
    return partial(zlib.compress, text)


def _sum(n: int) -> Callable[[], Any]:
    return partial(sum, range(n))


def _dumps(n: int) -> Callable[[], Any]:
    return partial(json.dumps, [{"i": i, "s": str(i)} for i in range(n)])


def _dot(n: int) -> Callable[[], Any]:
    import numpy as np  # here: only this call needs it

    a = np.random.default_rng(0).random((n, n))
    return partial(np.dot, a, a)


def targets() -> list[Target]:
    """The calls checked, in the table's order: the kernels, then standard calls whose
    input sizes make one call last 10-50 ms on the 2-core VM (the table shows each)."""
    sha, text, total, dicts, dot = 32 << 20, 512 << 10, 10**6, 25_000, 800
    return [
        _kernel("compute", "gil"),
        _kernel("compute", "nogil"),
        _kernel("compute", "py"),
        *(_kernel("amdahl", "mixed", gil_share=s) for s in (0.25, 0.5, 0.75)),
        _kernel("io", "nogil"),
        _kernel("objects", "gil"),
        Target("time.sleep(0.001)", _sleep, 1000),
        Target(f"hashlib.sha256(<{fmt_bytes(sha)} of zeros>)", _sha256, sha),
        Target(f"zlib.compress(<{fmt_bytes(text)} of digits>)", _compress, text),
        Target(f"sum(range({total}))", _sum, total),
        Target(f"json.dumps(<{dicts} small dicts>)", _dumps, dicts),
        Target(f"numpy.dot(<{dot}x{dot} float64>, itself)", _dot, dot),
    ]


def select(names: list[str] | None) -> list[Target]:
    """The targets named (each by a unique part of its name), or all of them."""
    every = targets()
    if not names:
        return every
    chosen = []
    for name in names:
        found = [t for t in every if name in t.name]
        if len(found) != 1:
            what = "no call" if not found else f"{len(found)} calls"
            raise UserError(
                f"{what} named like {name!r} (calls: {', '.join(t.name for t in every)})"
            )
        chosen.append(found[0])
    return chosen


def size_of(target: Target) -> int:
    """The target's input size: its own, or a kernel's calibrated to CALL_S."""
    if target.size is not None:
        return target.size
    from pylab.measure.cell import calibrate

    kernel, variant, params = target.kernel
    return calibrate(kernel, variant, tuple(sorted(params.items())), CALL_S)


# --- the two figures ----------------------------------------------------------------------


def require() -> None:
    """Raise UserError (one line) unless gilknocker and distributed import."""
    try:
        import distributed  # noqa: F401  (its config holds the monitor's settings)
        import gilknocker  # noqa: F401
    except ImportError:
        if sysconfig.get_config_var("Py_GIL_DISABLED"):
            raise UserError(
                "gilcheck needs gilknocker, which has no wheel for a free-threaded build "
                "(run it under the GIL build of this version)"
            ) from None
        raise UserError(
            f"gilcheck needs gilknocker and dask.distributed: pip install '{extras.DASK_EXTRA}'"
        ) from None


def dask_settings() -> dict[str, Any]:
    """How a distributed system monitor samples the GIL: from Dask's configuration (its
    defaults, or what the user set), converted as distributed/system_monitor.py does."""
    import dask.config
    import distributed
    import gilknocker
    from dask.utils import parse_timedelta

    return {
        "enabled": bool(dask.config.get(f"{GIL}.enabled")),
        "polling_interval_us": int(parse_timedelta(dask.config.get(f"{GIL}.interval")) * 1e6),
        "monitor_interval_s": parse_timedelta(
            dask.config.get("distributed.admin.system-monitor.interval")
        ),
        "distributed": distributed.__version__,
        "gilknocker": getattr(gilknocker, "__version__", None),
    }


def pylab_share(call: Callable[[], Any], seconds: float) -> dict[str, float]:
    """The probe's GIL share of `call`, looping for `seconds` in samples of about the
    probe's own length (heartbeat.SHARE_S)."""
    from pylab.measure.heartbeat import SHARE_S
    from pylab.probing.calls import gil_share

    repeats = max(1, round(seconds / SHARE_S))
    return gil_share(call, 1, repeats, seconds / repeats)


@contextmanager
def _knocking(polling_us: int) -> Iterator[Any]:
    from gilknocker import KnockKnock

    knocker = KnockKnock(polling_interval_micros=polling_us)
    knocker.start()
    try:
        yield knocker
    finally:
        knocker.stop()


def contention(
    call: Callable[[], Any], seconds: float, polling_us: int, every_s: float
) -> dict[str, Any]:
    """gilknocker's contention while `call` loops for `seconds`: the knocker polling
    every `polling_us`, read and reset every `every_s` (between calls), as a
    distributed system monitor does; the readings and their median with interval."""
    from pylab.base.stats import summarize

    readings = []
    with _knocking(polling_us) as knocker:
        t0 = time.perf_counter()
        end = t0 + seconds
        while (now := time.perf_counter()) < end:
            until = min(end, now + every_s)
            while time.perf_counter() < until:
                call()
            readings.append(round(float(knocker.contention_metric), 6))
            knocker.reset_contention_metric()
    return {**summarize(readings), "readings": readings}


@contextmanager
def _busy(threads: int) -> Iterator[None]:
    """`threads` Python threads looping pure Python (compute/py, in short calls) until the
    block ends: other threads that want the GIL."""
    from pylab.kernels.hashing import hash_sum_py

    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            hash_sum_py(0, 1000)

    spinning = [threading.Thread(target=spin, daemon=True) for _ in range(threads)]
    for thread in spinning:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in spinning:
            thread.join()


def agree(share: dict[str, float], knocked: dict[str, float]) -> bool:
    return abs(share["median"] - knocked["median"]) <= AGREE


def check(
    target: Target, seconds: float, settings: dict[str, Any], busy_threads: int = 0
) -> dict[str, Any]:
    """Both figures for one call (beside `busy_threads` pure-Python threads), and the other
    work the machine did meanwhile. The call's time is its own, measured alone."""
    from pylab.host.load import Background
    from pylab.probing.calls import time_call

    size = size_of(target)
    call = target.build(size)
    with Background() as seen:
        call_s = time_call(call)
        with _busy(busy_threads):
            share = pylab_share(call, seconds)
            knocked = contention(
                call, seconds, settings["polling_interval_us"], settings["monitor_interval_s"]
            )
    return {
        "call": target.name,
        "size": size,
        "call_s": call_s,
        "pylab_share": share,
        "gilknocker_contention": knocked,
        "agree": agree(share, knocked),
        "background_cores": seen.reading.background_cores,
    }


# --- the same contention in a Dask worker -------------------------------------------------


def _loop_in_worker(name: str, size: int, seconds: float) -> tuple[float, float]:
    """A task: loop the call for `seconds`; its start and end on the worker's clock."""
    (target,) = [t for t in targets() if t.name == name]
    call = target.build(size)
    call()  # the first call: imports, caches
    t0 = time.time()
    while time.time() - t0 < seconds:
        call()
    return t0, time.time()


def _monitor_readings(dask_worker: Any) -> list[tuple[float, float]]:
    q = dask_worker.monitor.quantities
    return list(zip(q["time"], q["gil_contention"], strict=False))


def in_worker(rows: list[dict[str, Any]], seconds: float, settings: dict[str, Any]) -> None:
    """Add `worker_contention` to each row: the GIL contention a LocalCluster worker's own
    system monitor read (polling as `settings` says) while a task looped the row's call
    for `seconds`; the readings whose whole interval lies inside the loop."""
    from distributed import Client

    from pylab.base.stats import summarize
    from pylab.executors.dask import local_cluster

    every = settings["monitor_interval_s"]
    gil = {f"{GIL}.enabled": True, f"{GIL}.interval": f"{settings['polling_interval_us']}us"}
    with local_cluster(1, 1, gil) as cluster, Client(cluster) as client:
        for row in rows:
            t0, t1 = client.submit(_loop_in_worker, row["call"], row["size"], seconds,
                                   pure=False).result()  # fmt: skip
            (readings,) = client.run(_monitor_readings).values()
            # a reading at time t covers the monitor interval before t
            inside = [round(c, 6) for t, c in readings if t0 + every <= t <= t1]
            row["worker_contention"] = {**summarize(inside), "readings": inside} if inside else None


# --- all of it ----------------------------------------------------------------------------


def _warnings(seconds: float, settings: dict[str, Any], worker: bool) -> list[str]:
    """Too short a loop for a figure to mean anything."""
    found = []
    cycle_s = CYCLE_POLLS * settings["polling_interval_us"] / 1e6
    if seconds < 2 * cycle_s:
        found.append(
            f"{seconds:g} s is short for gilknocker, which finishes a sample every "
            f"{cycle_s:g} s: its contention rests on few samples, or none (it then reads 0)"
        )
    if worker and seconds < 2 * settings["monitor_interval_s"]:
        found.append(
            f"{seconds:g} s may hold no whole interval of the worker's system monitor "
            f"({settings['monitor_interval_s']:g} s): a call without one has no worker figure"
        )
    return found


def run(
    names: list[str] | None = None,
    seconds: float = 1.0,
    polling_us: int | None = None,
    worker: bool = False,
    busy_threads: int = 0,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The check of every call named (all by default): the JSON the command writes."""
    from pylab.host.machine import gil_enabled, machine_info
    from pylab.host.pools import pools_pinned
    from pylab.host.state import check as check_machine
    from pylab.probing.recommend import NO_GIL

    if worker and busy_threads:
        raise UserError("--worker reads a worker as Dask runs it: without --busy-threads")
    if not gil_enabled():  # before require(): gilknocker has no free-threaded wheel
        raise UserError(f"nothing to cross-check: {NO_GIL}")
    require()
    chosen = select(names)
    settings = dask_settings()
    if polling_us is not None:
        settings["polling_interval_us"] = polling_us
    state, warnings = check_machine()
    rows = []
    with pools_pinned() as pinning:
        for target in chosen:
            if progress:
                progress(target.name)
            rows.append(check(target, seconds, settings, busy_threads))
    if worker:
        in_worker(rows, seconds, settings)
    return {
        "format": FORMAT,
        "version": VERSION,
        "seconds": seconds,
        "busy_threads": busy_threads,
        "agree_within": AGREE,
        "dask": settings,
        "rows": rows,
        "warnings": _warnings(seconds, settings, worker),
        "machine": machine_info(),
        "machine_state": state,
        "machine_warnings": warnings,
        "pinning": pinning,
    }
