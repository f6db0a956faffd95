"""C21: releasing the GIL around small pieces of work stops threads from scaling.

PEP 703 says a C extension that releases and re-takes the GIL around small
pieces of work cannot scale beyond a few threads. Two measurements:

1. The sweep. granularity.hash_sum_chunked(lo, hi, chunk) runs compute's loop
   (about 1 ns an iteration), releasing the GIL for each `chunk` iterations. For
   chunks from 1e6 (about 1 ms of work per release) down to 1 (about 1 ns), the
   speed-up of W = 2 threads (each half of the range, started together by a
   barrier) over one thread doing the whole range. Each repeat times the serial
   and the parallel runs back to back, alternating which goes first, and the
   speed-up is the median of the per-repeat ratios with its interval, as in
   pylab.measure. Every sum is checked against compute.hash_sum_nogil. Small
   chunks are slow (each release costs tens of ns alone, more contended), so a
   probe run per chunk (the warm-up, discarded) sizes the work to keep each run
   under a time cap; the work used is recorded per chunk. With more than 2
   usable cores, default and full levels also measure W = 4.
2. The round trip. granularity.release_roundtrips(n) in one thread (uncontended)
   and in each of W threads at once (contended), in ns per release/re-acquire.

Rule (on W = 2, the speed-up medians): holds when the smallest chunk gives less
than NO_PARALLELISM (no real parallelism left) while the largest chunk reaches
SCALES; fails when even the smallest chunk reaches SCALES; partly otherwise
(small chunks lose only part of the speed-up, or the largest chunk did not scale
either, so the machine had no parallelism to lose). The reason names the
largest chunk from which every smaller chunk stays below SCALES, and the round
trip costs. On a 2-core machine "beyond a few threads" cannot be tested; the
data says so in `note`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pylab.experiments.base import Level, Verdict, fmt_seconds, median, summarize
from pylab.machine import usable_cores

NAME = "granularity"
CLAIMS = ("C21",)

# The rule's bounds, on the speed-up of 2 threads over 1 (2.0 is perfect).
# Below 1.2x two threads give no real parallelism: on this noisy machine a kernel
# that holds the GIL reads 0.93-0.96x and the per-pair spread is 20-50%, so 1.2
# keeps a margin above "none" without calling a real 1.5x gain lost.
NO_PARALLELISM = 1.2
# 1.5x is clearly parallel: two GIL-free threads read 1.6-2.1x here (METHOD.md).
SCALES = 1.5

CHUNKS = (10**6, 10**5, 10**4, 10**3, 10**2, 10, 1)
TINY_CHUNKS = (10**6, 10**4, 10**2, 1)  # fewer points where the test suite runs it
BASE_WORK = 67_000_000  # iterations at scale 1 (about 67 ms serial); 2e7 at quick
MAX_RUN_S = 0.2  # at scale 1: no single run (serial or parallel) should last longer
# The probe's guess of one release's cost, pessimistic so the probe itself stays short.
GUESS_RELEASE_S = 2e-6
ITER_S = 1e-9  # compute's loop, one iteration
ROUNDTRIPS = 500_000  # round trips per thread at scale 1
MASK64 = (1 << 64) - 1


class WrongResult(Exception):
    """A sum differs from compute.hash_sum_nogil: no speed-up may come from it."""


def thread_widths(level: Level, cores: int) -> list[int]:
    """The parallel thread counts: 2 always; 4 too where 4 threads can run at once."""
    widths = [2]
    if cores > 2 and level.name in ("default", "full"):
        widths.append(4)
    return widths


def run_threads(fn: Callable[..., Any], args: list[tuple]) -> tuple[list[float], list[Any]]:
    """Run fn(*args[i]) in one thread each, released together by a barrier.

    Each thread times itself from the barrier, so thread start-up is not timed and
    the main thread, blocked in join, takes no part in the GIL traffic.
    Returns (each thread's elapsed seconds plus, last, the span from the first
    start to the last end; each thread's result).
    """
    n = len(args)
    barrier = threading.Barrier(n)
    starts, ends, results = [0.0] * n, [0.0] * n, [None] * n
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait()
            starts[i] = time.perf_counter()
            results[i] = fn(*args[i])
            ends[i] = time.perf_counter()
        except BaseException as exc:  # re-raised in the caller's thread below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,), name=f"granularity-{i}") for i in range(n)]
    started = []
    try:
        for t in threads:
            t.start()
            started.append(t)
    finally:
        if len(started) < n:  # the started ones would wait at the barrier for ever
            barrier.abort()
        for t in started:
            t.join()
    if errors:
        raise errors[0]
    own = [e - s for s, e in zip(starts, ends, strict=True)]
    return own + [max(ends) - min(starts)], results


def _slices(work: int, threads: int) -> list[tuple[int, int]]:
    bounds = [work * i // threads for i in range(threads + 1)]
    return list(zip(bounds, bounds[1:], strict=False))


def _chunked_run(work: int, threads: int, chunk: int, want: int) -> float:
    """Wall seconds of `threads` threads summing [0, work) in `chunk`s; the sum checked."""
    args = [(lo, hi, chunk) for lo, hi in _slices(work, threads)]
    seconds, results = run_threads(_chunked_kernel(), args)
    total = sum(results) & MASK64
    if total != want:
        raise WrongResult(f"chunk {chunk}, {threads} threads: {total} != {want}")
    return seconds[-1]


def _chunked_kernel() -> Callable[[int, int, int], int]:
    from pylab._ext.granularity import hash_sum_chunked

    return hash_sum_chunked


@lru_cache(maxsize=32)
def _reference(work: int) -> int:
    from pylab._ext.compute import hash_sum_nogil

    return hash_sum_nogil(0, work)


def _repeat(work: int, chunk: int, widths: list[int], flip: bool) -> dict[int, float]:
    """One serial and one run per width, back to back; `flip` reverses the order."""
    want = _reference(work)
    order = [1, *widths]
    if flip:
        order.reverse()
    return {w: _chunked_run(work, w, chunk, want) for w in order}


def _sized_work(chunk: int, widths: list[int], base: int, cap_s: float) -> tuple[int, float]:
    """Work for this chunk keeping every run under cap_s, from a probe (a warm-up run).

    Returns (work, the probe's slowest run in seconds).
    """
    guess = int(cap_s / (ITER_S + GUESS_RELEASE_S / chunk))
    floor = max(widths) * chunk  # every thread gets at least one chunk
    probe = max(min(base, guess), floor)
    slowest = max(_repeat(probe, chunk, widths, flip=False).values())
    work = int(probe * cap_s / slowest) if slowest > 0 else base
    return max(min(base, work), floor), slowest


def _sweep_point(chunk: int, widths: list[int], base: int, cap_s: float, repeats: int) -> dict:
    work, probe_s = _sized_work(chunk, widths, base, cap_s)
    runs = [_repeat(work, chunk, widths, flip=bool(i % 2)) for i in range(repeats)]
    serial = [r[1] for r in runs]
    return {
        "chunk": chunk,
        "work": work,
        "probe_slowest_s": round(probe_s, 6),
        "serial_s": summarize(serial),
        "serial_ns_per_iter": round(median(serial) / work * 1e9, 3),
        "parallel_s": {str(w): summarize([r[w] for r in runs]) for w in widths},
        "speedup": {str(w): summarize([r[1] / r[w] for r in runs]) for w in widths},
        "samples": {str(w): [round(r[w], 7) for r in runs] for w in (1, *widths)},
    }


def _roundtrips(n: int, widths: list[int], repeats: int) -> dict[str, Any]:
    """ns per release/re-acquire, alone (key "1") and in each of W threads at once."""
    from pylab._ext.granularity import release_roundtrips

    samples: dict[int, list[float]] = {w: [] for w in (1, *widths)}
    for i in range(repeats):
        order = [1, *widths] if i % 2 == 0 else [*widths, 1]
        for w in order:
            seconds, _ = run_threads(release_roundtrips, [(n,)] * w)
            samples[w].extend(s / n * 1e9 for s in seconds[:-1])
    return {
        "per_thread": n,
        "ns": {str(w): summarize(s) for w, s in samples.items()},
        "samples_ns": {str(w): [round(x, 2) for x in s] for w, s in samples.items()},
    }


def _note(cores: int, widths: list[int]) -> str:
    if cores <= 2:
        return (
            f"only {cores} usable cores: measured W = {widths} threads; 'beyond a few "
            "threads' cannot be tested on this machine"
        )
    return f"{cores} usable cores: measured W = {widths} threads"


def measure(level: Level, cells: list[dict]) -> dict[str, Any]:
    cores = usable_cores()
    widths = thread_widths(level, cores)
    chunks = TINY_CHUNKS if level.name == "tiny" else CHUNKS
    base = int(BASE_WORK * level.scale)
    cap_s = MAX_RUN_S * level.scale
    t0 = time.perf_counter()
    rt = _roundtrips(max(1000, int(ROUNDTRIPS * level.scale)), widths, level.repeats)
    sweep = [_sweep_point(c, widths, base, cap_s, level.repeats) for c in chunks]
    return {
        "settings": {
            "threads": widths,
            "chunks": list(chunks),
            "repeats": level.repeats,
            "warmups": 1,
            "base_work": base,
            "max_run_s": round(cap_s, 4),
            "usable_cores": cores,
            "results_checked": "every run's sum equals compute.hash_sum_nogil",
        },
        "note": _note(cores, widths),
        "sweep": sweep,
        "roundtrip": rt,
        "elapsed_s": round(time.perf_counter() - t0, 3),
    }


def _crossover(points: list[dict], width: str) -> int | None:
    """Largest chunk from which every chunk at or below it stays under SCALES."""
    found = None
    for point in sorted(points, key=lambda p: p["chunk"]):
        if point["speedup"][width]["median"] >= SCALES:
            break
        found = point["chunk"]
    return found


def judge(data: dict[str, Any]) -> list[Verdict]:
    points = sorted(data["sweep"], key=lambda p: p["chunk"])
    small, large = points[0], points[-1]
    s_small = small["speedup"]["2"]["median"]
    s_large = large["speedup"]["2"]["median"]
    cross = _crossover(points, "2")
    iter_s = large["serial_ns_per_iter"] * 1e-9
    rt_ns = data["roundtrip"]["ns"]
    alone, contended = rt_ns["1"]["median"], rt_ns["2"]["median"]
    if s_small < NO_PARALLELISM and s_large >= SCALES:
        verdict = "holds"
    elif s_small >= SCALES:
        verdict = "fails"
    else:
        verdict = "partly"
    cross_text = (
        f"below {SCALES}x from chunk {cross:,} (~{fmt_seconds(cross * iter_s)}/release)"
        if cross is not None
        else f"no chunk stays below {SCALES}x"
    )
    reason = (
        f"2 threads: {s_large:.2f}x at chunk {large['chunk']:,} "
        f"(~{fmt_seconds(large['chunk'] * iter_s)}/release), {s_small:.2f}x at chunk "
        f"{small['chunk']:,}; {cross_text}; round trip {alone:.0f} ns alone, "
        f"{contended:.0f} ns contended"
    )
    if not s_large >= SCALES:
        reason += "; even the largest chunk did not scale, so nothing was left to lose"
    extra = {w: p["speedup"][w]["median"] for p in points[:1] for w in p["speedup"] if w != "2"}
    if extra:
        reason += "; smallest chunk at " + ", ".join(
            f"{w} threads {v:.2f}x" for w, v in extra.items()
        )
    evidence = {
        "speedup_smallest_chunk": s_small,
        "speedup_largest_chunk": s_large,
        "smallest_chunk": small["chunk"],
        "largest_chunk": large["chunk"],
        "crossover_chunk": cross,
        "crossover_work_s": cross * iter_s if cross is not None else None,
        "speedup_by_chunk": {str(p["chunk"]): p["speedup"]["2"]["median"] for p in points},
        "roundtrip_ns_alone": alone,
        "roundtrip_ns_contended": contended,
        "bounds": {"no_parallelism": NO_PARALLELISM, "scales": SCALES},
        "note": data.get("note"),
    }
    return [Verdict("C21", verdict, reason, evidence)]
