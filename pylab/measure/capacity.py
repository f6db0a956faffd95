"""Whether the machine has its cores right now: a short control measured beside each cell.

On a VM another tenant can take part of a core from outside the guest without any of it
showing inside: no background load, no steal. Both runs of a pair are then slowed alike
and the sampling's checks (pylab.measure.sampling) see nothing. On the 2-core VM a
compute/py fork W=2 cell read 1.26x [1.25-1.30] with its 2 processes fully busy (1.97
CPU per wall), 0.00 background and 0.00 steal cores, between quiet runs that read
1.90-1.97x (2026-12-06): a narrow interval, so a confident and wrong verdict.

The control: W threads each run the same GIL-free C loop (compute's hash_sum_nogil, about
CHECK_S long) together, against one thread running it alone just before (the better of one
run on each of the first two CPUs they use). With W cores to itself the machine runs them
in the same time; `slowdown` is how much longer the slowest of the W took (1.0: the cores
are there). A cell is short of cores when the checks just before and just after it both
read more than SLACK: the spell that slowed every pair alike lasted the whole cell. Such a
cell is retaken later in the run (pylab.runner.lab), like a cell that ended its time still
disturbed, and flagged if it stays so. One check alone is not enough: beside the io cells,
whose workers leave the CPUs idle, single checks read 1.26-1.54x now and then on a quiet
machine (5 of 10 quick runs had one, 2026-12-06), and a spell that spoils only part of a
cell widens its interval, which the sampling sees.

W is capped at the physical cores: where W threads share SMT siblings their slowdown is
the machine's nature, not a disturbance, and every check would read it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pylab.host import affinity
from pylab.host.machine import physical_cores, usable_cores
from pylab.kernels.base import ext
from pylab.measure.timing import interleaved, run_threads, seconds_per_unit, units_for

CHECK_S = 0.01  # each loop's length: long beside thread start-up, short beside a cell
# Together this much slower than alone: the cores are not all there. The check's own
# spread on a quiet 2-core VM is a few percent.
SLACK = 1.25
MIN_CLEAN = 3  # repeats between two good checks that suffice for a median and its interval

T = TypeVar("T")


@functools.cache
def _iterations() -> int:
    """hash_sum_nogil's iterations that last CHECK_S here (measured once per process)."""
    kernel = ext("compute").hash_sum_nogil
    return units_for(CHECK_S, seconds_per_unit(lambda n: kernel(0, n)))


def calibrate() -> None:
    """Calibrate the checks' loop now (a server whose forks check: pylab.atlas.child)."""
    _iterations()


def workers_for(workers: int) -> int | None:
    """The W the control runs beside a cell of `workers`: at most the usable and physical
    cores; None where that is under 2 (nothing runs in parallel to check)."""
    checked = min(workers, usable_cores(), physical_cores())
    return checked if checked >= 2 else None


def slowdown(workers: int) -> float:
    """How much longer the slowest of `workers` threads took to run the loop together
    than one thread took alone, just before: the better of one run on each of the first
    two CPUs the threads are placed on. Alone on whichever CPU the caller happened to be
    on, a run could land on the CPU another process had taken and be as slow as its
    thread together: the taken core then read as there (which may be why a unit test
    beside a spinning process read 1.21x once, in a clean clone's CI on the busy 2-core
    VM, 2026-12-06)."""
    kernel, n = ext("compute").hash_sum_nogil, _iterations()
    cpus = affinity.allowed()
    alone = []
    for i in range(2):
        with affinity.pinned(affinity.cpu_for(i, cpus)):
            t0 = time.perf_counter()
            kernel(0, n)
            alone.append(time.perf_counter() - t0)

    def one(i: int) -> float:
        # Each on a CPU of its own: new threads woken together start on the waker's CPU,
        # and the scheduler spreads them only after some ms, which a 10 ms loop would
        # read as a missing core (30% of unpinned checks on a quiet 2-core VM).
        affinity.pin(affinity.cpu_for(i, cpus))
        t0 = time.perf_counter()
        kernel(0, n)
        return time.perf_counter() - t0

    together = run_threads(one, workers).results
    return round(max(together) / max(min(alone), 1e-9), 3)


def record(workers: int | None, before: float | None, after: float | None) -> dict[str, Any]:
    """The cell's `capacity` record: the checks beside it and whether it was short (both
    read above SLACK)."""
    short = before is not None and after is not None and min(before, after) > SLACK
    return {"workers": workers, "before": before, "after": after, "slack": SLACK,
            "short": short}  # fmt: skip


def around(workers: int, measure: Callable[[], T]) -> tuple[T, dict[str, Any]]:
    """measure() between two checks of the cores `workers` would use (none where
    workers_for says there is nothing to check): its result and the `capacity` record."""
    checked = workers_for(workers)
    before = slowdown(checked) if checked else None
    result = measure()
    after = slowdown(checked) if checked else None
    return result, record(checked, before, after)


def retaken(workers: int, measure: Callable[[], T]) -> tuple[T, dict[str, Any]]:
    """around(), taken once more where both checks found the cores short: the last result
    and its `capacity` record, with `attempts` (1 or 2). A spell that took a core for the
    whole measurement is often over a few seconds later; one still there is kept and said
    (the record stays `short`), as a cell's retake is."""
    result, beside = around(workers, measure)
    if not beside["short"]:
        return result, {**beside, "attempts": 1}
    result, beside = around(workers, measure)
    return result, {**beside, "attempts": 2}


def repeats_checked(
    workers: int,
    runs: Sequence[Callable[[], T]],
    repeats: int,
    doubt: Callable[[list[T]], str | None] = lambda repeat: None,
) -> tuple[list[list[T]], dict[str, Any]]:
    """`repeats` interleaved repeats of `runs`, a check of the cores before each and after
    the last: a repeat with a check above SLACK on either side, or one `doubt` gives a
    reason against, is set aside, and another taken in its place, up to `repeats` more
    (none once too few could be clean). Returns the clean repeats (every repeat, where
    fewer than MIN_CLEAN were clean) and the `capacity` record: the first and last
    checks, the repeats taken and set aside and why (the first few reasons), and `short`
    where too few were clean.

    Checks around a whole measurement miss spells shorter than it: on the busy 2-core VM
    the cores ran at full or half speed in turns of 0.1 s to seconds, now one, now both,
    with nothing to see in the guest; re.search copies took 23 or 46 ms each, and two
    processes read 0.71-1.83x against the same calls run serially, repeat by repeat, with
    checks of 1.0-1.97x between them (2026-12-06)."""
    checked = workers_for(workers)
    checks, times, reasons = [slowdown(checked) if checked else 1.0], [], []
    while True:
        times += interleaved(runs, 1, first=len(times))
        checks.append(slowdown(checked) if checked else 1.0)
        slowed = max(checks[-2:])
        reasons.append(doubt(times[-1]) or (f"a check of the cores read {slowed:.2f}x"
                                            if slowed > SLACK else None))  # fmt: skip
        clean = [t for t, why in zip(times, reasons, strict=True) if why is None]
        # Done: enough are clean, or too few could be even if every repeat left were (more
        # would not make the result clean, only take longer: the host's spells above set
        # aside 4 to 6 of 6 repeats in most of a quick atlas's probes).
        left = 2 * repeats - len(times)
        if len(clean) >= repeats or left <= 0 or len(clean) + left < min(MIN_CLEAN, repeats):
            break
    short = len(clean) < min(MIN_CLEAN, repeats)
    found = {**record(checked, checks[0] if checked else None, checks[-1] if checked else None),
             "short": short, "repeats": len(times), "set_aside": len(times) - len(clean),
             "reasons": list(dict.fromkeys(r for r in reasons if r))[:3]}  # fmt: skip
    return (times if short else clean), found
