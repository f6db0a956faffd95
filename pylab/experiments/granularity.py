"""C21: releasing the GIL around small pieces of work stops threads from scaling.

PEP 703 says a C extension that releases and re-takes the GIL around small
pieces of work cannot scale beyond a few threads. Two measurements:

1. The sweep. granularity.hash_sum_chunked(lo, hi, chunk) runs compute's loop
   (a few ns an iteration), releasing the GIL for each `chunk` iterations. For
   chunks from 1e6 (a few ms of work per release) down to 1 (a few ns), the
   speed-up of W = 2 threads (each half of the range, started together by a
   barrier) over one thread doing the whole range. Each repeat times the serial
   and the parallel runs back to back, alternating which goes first, and the
   speed-up is the median of the per-repeat ratios with its interval, as in
   pylab.measure.cell. Every sum is checked against compute.hash_sum_nogil. Small
   chunks are slow (each release costs tens of ns alone, more contended), so a
   sizing run per chunk (the warm-up, discarded) sizes the work to keep each run
   under a time cap; the work used is recorded per chunk. The most work, and the
   first guess of the sizing run, come from the loop's time per iteration measured
   first (`iteration_s`), so the same times are spent on any CPU. With more than 2
   usable cores, default and full levels also measure W = 4.
2. The round trip. granularity.release_roundtrips(n) in one thread (uncontended)
   and in each of W threads at once (contended), in ns per release/re-acquire.

Rule (on W = 2, the speed-up medians, judged by the lab's rule, pylab.base.rules,
against the ideal min(2, cores)): holds when the smallest chunk is flat (no real
parallelism left) while the best chunk scales (normally the largest; the best, so
that one disturbed reading at the largest, 1.30x in one of five quick runs on the
lab's VM with 1.4x and more at the chunks below it, does not decide); fails when
even the smallest chunk scales; partly otherwise (small chunks lose only part of
the speed-up, or no chunk scaled, so the machine had no parallelism to lose).
The reason names the largest chunk from which every smaller chunk stays below the
scaling mark, and the round trip costs. On a 2-core machine "beyond a
few threads" cannot be tested; the data says so in `note`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache, partial
from typing import Any

from pylab.base.errors import WrongResult
from pylab.base.fmt import fmt_seconds, fmt_speedup
from pylab.base.rules import bounds as rule_bounds
from pylab.base.rules import ideal, partly_at, scales_at
from pylab.base.stats import median, summarize
from pylab.experiments._kit import (
    INTERFERENCE,
    Regions,
    from_intervals,
    full_size,
    judge_for,
    judges,
    region_doubts,
    scaled_count,
    tiny,
)
from pylab.experiments.base import Level, Verdict
from pylab.host.machine import usable_cores
from pylab.measure.timing import interleaved, run_threads, seconds_per_unit, units_for

NAME = "granularity"
CLAIMS = ("C21",)

# The data's sections the granularity plot reads too: the chunk sweep, the round trips.
SWEEP, ROUNDTRIP = "sweep", "roundtrip"
JUDGED_WIDTH = 2  # the rule reads the speed-up of 2 threads over 1

CHUNKS = (10**6, 10**5, 10**4, 10**3, 10**2, 10, 1)
TINY_CHUNKS = (10**6, 10**4, 10**2, 1)  # fewer points where the test suite runs it
BASE_S = 0.067  # the most work a serial run does, at scale 1 (about 20 ms at quick)
MAX_RUN_S = 0.2  # at scale 1: no single run (serial or parallel) should last longer
# A guess of one release's cost, pessimistic so that the sizing run itself stays short.
GUESS_RELEASE_S = 2e-6
ROUNDTRIPS = 500_000  # round trips per thread at scale 1
MASK64 = (1 << 64) - 1


def thread_widths(level: Level, cores: int) -> list[int]:
    """The parallel thread counts: 2 always; 4 too where 4 threads can run at once."""
    widths = [2]
    if cores > 2 and full_size(level):
        widths.append(4)
    return widths


def _slices(work: int, threads: int) -> list[tuple[int, int]]:
    bounds = [work * i // threads for i in range(threads + 1)]
    return list(zip(bounds, bounds[1:], strict=False))


def _chunked_run(work: int, threads: int, chunk: int, want: int) -> float:
    """Wall seconds of `threads` threads summing [0, work) in `chunk`s; the sum checked."""
    kernel, slices = _chunked_kernel(), _slices(work, threads)
    run = run_threads(lambda i: kernel(*slices[i], chunk), threads)
    total = sum(run.results) & MASK64
    if total != want:
        raise WrongResult(f"chunk {chunk}, {threads} threads: {total} != {want}")
    return run.span_s


def _chunked_kernel() -> Callable[[int, int, int], int]:
    from pylab.kernels._ext.granularity import hash_sum_chunked

    return hash_sum_chunked


@lru_cache(maxsize=32)
def _reference(work: int) -> int:
    from pylab.kernels._ext.compute import hash_sum_nogil

    return hash_sum_nogil(0, work)


def _runs(work: int, chunk: int, widths: list[int]) -> list[Callable[[], float]]:
    """A serial run and one run per width of the same work, each returning its seconds."""
    want = _reference(work)
    return [partial(_chunked_run, work, w, chunk, want) for w in (1, *widths)]


def _sized_work(
    chunk: int, widths: list[int], base: int, cap_s: float, iteration_s: float
) -> tuple[int, float]:
    """Work for this chunk keeping every run under cap_s, from a sizing run (the warm-up).

    Returns (work, the sizing run's slowest run in seconds).
    """
    guess = int(cap_s / (iteration_s + GUESS_RELEASE_S / chunk))
    floor = max(widths) * chunk  # every thread gets at least one chunk
    trial = max(min(base, guess), floor)
    slowest = max(run() for run in _runs(trial, chunk, widths))
    work = int(trial * cap_s / slowest) if slowest > 0 else base
    return max(min(base, work), floor), slowest


def _sweep_point(
    chunk: int, widths: list[int], base: int, cap_s: float, repeats: int, iteration_s: float
) -> dict:
    work, sizing_s = _sized_work(chunk, widths, base, cap_s, iteration_s)
    runs = [
        dict(zip((1, *widths), times, strict=True))
        for times in interleaved(_runs(work, chunk, widths), repeats)
    ]
    serial = [r[1] for r in runs]
    return {
        "chunk": chunk,
        "work": work,
        "sizing_slowest_s": round(sizing_s, 6),
        "serial_s": summarize(serial),
        "serial_ns_per_iter": round(median(serial) / work * 1e9, 3),
        "parallel_s": {str(w): summarize([r[w] for r in runs]) for w in widths},
        "speedup": {str(w): summarize([r[1] / r[w] for r in runs]) for w in widths},
        "samples": {str(w): [round(r[w], 7) for r in runs] for w in (1, *widths)},
    }


def _roundtrips(n: int, widths: list[int], repeats: int) -> dict[str, Any]:
    """ns per release/re-acquire, alone (key "1") and in each of W threads at once."""
    from pylab.kernels._ext.granularity import release_roundtrips

    samples: dict[int, list[float]] = {w: [] for w in (1, *widths)}
    for i in range(repeats):
        order = [1, *widths] if i % 2 == 0 else [*widths, 1]
        for w in order:
            run = run_threads(lambda _: release_roundtrips(n), w)
            samples[w].extend(s / n * 1e9 for s in run.own_s)
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
    chunks = TINY_CHUNKS if tiny(level) else CHUNKS
    t0 = time.perf_counter()
    iteration_s = seconds_per_unit(lambda n: _chunked_kernel()(0, n, n))
    base = units_for(BASE_S * level.scale, iteration_s)
    cap_s = MAX_RUN_S * level.scale
    rt = _roundtrips(scaled_count(level, ROUNDTRIPS, 1000), widths, level.repeats)
    regions = Regions()
    sweep = [regions.take(partial(_sweep_point, c, widths, base, cap_s, level.repeats, iteration_s))
             for c in chunks]  # fmt: skip
    return {
        "settings": {
            "threads": widths,
            "chunks": list(chunks),
            "repeats": level.repeats,
            "warmups": 1,
            "base_work": base,
            "iteration_s": iteration_s,
            "max_run_s": round(cap_s, 4),
            "usable_cores": cores,
            "results_checked": "every run's sum equals compute.hash_sum_nogil",
        },
        "note": _note(cores, widths),
        SWEEP: sweep,
        ROUNDTRIP: rt,
        INTERFERENCE: regions.record(),
        "elapsed_s": round(time.perf_counter() - t0, 3),
    }


def bounds(cores: int) -> dict[str, float]:
    """The speed-ups the rule compares 2 threads with, on these cores, and the rule's own."""
    best = ideal(JUDGED_WIDTH, cores)
    return {"ideal": best, "scales_at": scales_at(best), "flat_below": partly_at(best)} | (
        rule_bounds()
    )


def _crossover(points: list[dict], width: str, mark: float) -> int | None:
    """Largest chunk from which every chunk at or below it stays under the mark."""
    found = None
    for point in sorted(points, key=lambda p: p["chunk"]):
        if point["speedup"][width]["median"] >= mark:
            break
        found = point["chunk"]
    return found


@judges("C21")
def _judge_c21(data: dict[str, Any]) -> Verdict:
    """Decided from the intervals of the 2-thread speed-ups at each chunk."""
    figures = [point["speedup"]["2"] for point in data[SWEEP]]
    verdict = from_intervals(_c21_on_medians, data, figures)
    return replace(verdict, uncertain=region_doubts(data.get(INTERFERENCE)))


def _c21_on_medians(data: dict[str, Any]) -> Verdict:
    points = sorted(data[SWEEP], key=lambda p: p["chunk"])
    small, large = points[0], points[-1]
    best = max(points, key=lambda p: p["speedup"]["2"]["median"])
    s_small = small["speedup"]["2"]["median"]
    s_large = large["speedup"]["2"]["median"]
    s_best = best["speedup"]["2"]["median"]
    limits = bounds(data["settings"]["usable_cores"])
    mark = limits["scales_at"]
    cross = _crossover(points, "2", mark)
    iter_s = large["serial_ns_per_iter"] * 1e-9
    rt_ns = data[ROUNDTRIP]["ns"]
    alone, contended = rt_ns["1"]["median"], rt_ns["2"]["median"]
    if s_small < limits["flat_below"] and s_best >= mark:
        verdict = "holds"
    elif s_small >= mark:
        verdict = "fails"
    else:
        verdict = "partly"
    cross_text = (
        f"below {fmt_speedup(mark)} from chunk {cross:,} (~{fmt_seconds(cross * iter_s)}/release)"
        if cross is not None
        else f"no chunk stays below {fmt_speedup(mark)}"
    )
    reason = (
        f"2 threads: {fmt_speedup(s_large)} at chunk {large['chunk']:,} "
        f"(~{fmt_seconds(large['chunk'] * iter_s)}/release)"
        + (f", best {fmt_speedup(s_best)} at chunk {best['chunk']:,}" if best is not large else "")
        + f", {fmt_speedup(s_small)} at chunk "
        f"{small['chunk']:,}; scaling needs {fmt_speedup(mark)}, no parallelism left below "
        f"{fmt_speedup(limits['flat_below'])}; {cross_text}; round trip {alone:.0f} ns alone, "
        f"{contended:.0f} ns contended"
    )
    if not s_best >= mark:
        reason += "; even the best chunk did not scale, so nothing was left to lose"
    extra = {w: p["speedup"][w]["median"] for p in points[:1] for w in p["speedup"] if w != "2"}
    if extra:
        reason += "; smallest chunk at " + ", ".join(
            f"{w} threads {fmt_speedup(v)}" for w, v in extra.items()
        )
    evidence = {
        "speedup_smallest_chunk": s_small,
        "speedup_largest_chunk": s_large,
        "speedup_best_chunk": s_best,
        "best_chunk": best["chunk"],
        "smallest_chunk": small["chunk"],
        "largest_chunk": large["chunk"],
        "crossover_chunk": cross,
        "crossover_work_s": cross * iter_s if cross is not None else None,
        "speedup_by_chunk": {str(p["chunk"]): p["speedup"]["2"]["median"] for p in points},
        "roundtrip_ns_alone": alone,
        "roundtrip_ns_contended": contended,
        "bounds": limits,
        "note": data.get("note"),
    }
    return Verdict("C21", verdict, reason, evidence)


judge = judge_for(__name__, CLAIMS)
