"""One catalogue call measured, in the child the atlas runs it in: the size sweep, then the
probe at the largest size.

Nothing here measures or summarizes of its own: each size's GIL share, thread speed-up and
CPU per wall are pylab.probing.calls' (the heartbeat, interleaved pairs, order-statistic
intervals), and the probe at the largest size is `probe_target` itself (processes, the
machine's state, the background load, the recommendation of pylab.probing.recommend).
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable
from functools import partial
from typing import Any

from pylab.base.errors import WrongResult
from pylab.host.machine import gil_enabled
from pylab.host.pools import pools_pinned
from pylab.measure.heartbeat import SHARE_S
from pylab.probing.calls import (
    COPY_S,
    gil_share,
    probe_target,
    speedups_again,
    thread_speedup,
    timed_call,
)

# What each preset measures: how many sizes of the sweep, pairs (and share samples) each,
# how long a share sample runs and how long each copy of the work lasts at least. quick
# takes a quarter of the probe's 0.2 s share sample and half its 0.05 s copy: timed phase by
# phase on the 2-core VM (18 calls of hashlib, zlib and numpy, 2026-12-06), a quick call's
# 5 s went 0.8 s to each point's thread pairs, 0.55 s to each point's share samples, 0.75 s
# to the probe's processes. Copies of 25 ms still outlast a thread's start (~0.1 ms) and a
# process task's dispatch (~0.5 ms); a 50 ms share sample still counts 250 heartbeat ticks.
# default measures every size (269 in the catalogue): at the probe's 0.2 s its five share
# samples took 1.5 s of each size's 3.5-4 s (each sample reads the idle rate for half as
# long first), 15-18 minutes an interpreter; at 0.1 s (500 ticks) they take half that.
PRESETS = {
    "quick": {"sizes": 3, "repeats": 3, "share_s": SHARE_S / 4, "copy_s": COPY_S / 2},
    "default": {"sizes": None, "repeats": 5, "share_s": SHARE_S / 2, "copy_s": COPY_S},
}


class CallFailed(Exception):
    """The catalogue's call (its setup, the call or its check) failed: the row's reason."""


def missing(entry: dict[str, Any]) -> str | None:
    """Why the call cannot run here (a module it requires is not installed), or None."""
    for name in entry.get("requires") or []:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return f"{name} is not installed (pip install 'pylab-cext-lab[atlas]')"
    return None


def sweep_sizes(sizes: list[int], preset: str) -> list[int]:
    """The sizes a preset measures: all of them, or the smallest, middle and largest."""
    count = PRESETS[preset]["sizes"]
    if count is None or len(sizes) <= count:
        return list(sizes)
    picks = {round(i * (len(sizes) - 1) / (count - 1)) for i in range(count)}
    return [sizes[i] for i in sorted(picks)]


def setup_at(entry: dict[str, Any], size: int) -> str:
    """The entry's setup, with its size variable set first: what a fresh process runs."""
    return f"{entry.get('size', 'n')} = {size}\n{entry['setup']}"


def build(entry: dict[str, Any], size: int) -> Callable[[], Any]:
    """The call at `size`, set up and checked once; CallFailed saying why it cannot be."""
    namespace: dict[str, Any] = {}
    try:
        exec(compile(setup_at(entry, size), "<setup>", "exec"), namespace)
    except Exception as exc:
        raise CallFailed(f"the setup raised {type(exc).__name__}: {exc}") from None
    call = partial(eval, compile(entry["call"], "<call>", "eval"), namespace)
    try:
        result = call()
    except Exception as exc:
        raise CallFailed(f"the call raised {type(exc).__name__}: {exc}") from None
    if entry.get("check"):
        try:
            good = eval(entry["check"], {**namespace, "result": result})
        except Exception as exc:
            raise CallFailed(f"the check raised {type(exc).__name__}: {exc}") from None
        if not good:
            raise CallFailed(f"{WrongResult.__name__}: {entry['check']} is false at size {size}")
    return call


def point(
    call: Callable[[], Any], size: int, workers: int, repeats: int, share_s: float = SHARE_S,
    copy_s: float = COPY_S,
) -> dict[str, Any]:  # fmt: skip
    """One size of the sweep: the probe's GIL share and thread speed-up at W."""
    with pools_pinned():
        call_s, cpu = timed_call(call)
        calls = max(1, math.ceil(copy_s / call_s))
        share = gil_share(call, calls, repeats, share_s) if gil_enabled() else None
        speedup, busy = thread_speedup(call, calls, workers, repeats)
    return {"size": size, "call_s": call_s, "calls_per_copy": calls, "cpu_per_wall": round(cpu, 4),
            "gil_share": share, "thread_speedup": speedup, "thread_cpu_per_wall": busy}  # fmt: skip


def from_probe(size: int, data: dict[str, Any], workers: int) -> dict[str, Any]:
    """The sweep's point at the probe's size, from the probe's own figures."""
    w = str(workers)
    return {"size": size, "call_s": data["call_s"], "calls_per_copy": data["calls_per_copy"],
            "cpu_per_wall": data["cpu_per_wall"], "gil_share": data["gil_share"],
            "thread_speedup": data["thread_speedup"][w],
            "thread_cpu_per_wall": data["thread_cpu_per_wall"][w]}  # fmt: skip


def measure(
    entry: dict[str, Any], preset: str, workers: int, emit: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """Sweep the entry's sizes (each point emitted as it is measured), then probe it at the
    largest: the probe's record, with the sweep's points under `sweep`."""
    how = PRESETS[preset]
    repeats, share_s, copy_s = how["repeats"], how["share_s"], how["copy_s"]
    sizes = sweep_sizes(entry["sizes"], preset)
    points = []
    for size in sizes[:-1]:
        points.append(point(build(entry, size), size, workers, repeats, share_s, copy_s))
        emit({"point": points[-1]})
    top = sizes[-1]
    call = build(entry, top)
    target = ("statement", entry["call"], setup_at(entry, top))
    data = probe_target(target, call, [workers], "fork", repeats, share_s, False, copy_s)
    points.append(from_probe(top, data, workers))
    emit({"point": points[-1]})
    return {**data, "probe_size": top, "sweep": points}


def again(entry: dict[str, Any], preset: str, probe: dict[str, Any]) -> dict[str, Any]:
    """A later round of the probe at the largest size: its speed-ups measured once more
    (pylab.probing.calls.speedups_again), the sweep and the GIL share kept."""
    top = probe["probe_size"]
    target = ("statement", entry["call"], setup_at(entry, top))
    return speedups_again(target, build(entry, top), probe, PRESETS[preset]["repeats"])
