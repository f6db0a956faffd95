"""A Dask worker layout from a probe: how many worker processes, how many threads each.

Dask's own advice is many threads per worker for code that releases the GIL, many
single-threaded worker processes for code that holds it. This puts the probe's numbers
on it: the GIL share s (pylab.probing.recommend.model_share: 0 where there is no GIL) on N usable
cores.

The rule. A layout of P processes x T threads, T a divisor of N and P = N / T (every
worker alike, every core used), is predicted by Amdahl's law per process, the GIL share
as each process's serial fraction:

    P / (s + (1 - s) / T)

All processes (N x 1) predicts N, the best, whenever s > 0; but each process costs
memory, start-up and its own copy of the data. So the layout is the LARGEST T (the
fewest processes) whose prediction keeps at least KEEP of the best. s = 0 gives 1 x N,
s = 1 gives N x 1, a small share something in between (s = 0.05 on 16 cores: 8 x 2,
15.24x against 16x). The share's interval (low, high) gives a layout at each end; where
they differ, the reason names the range (`between 2x8 and 4x4`).

Overrides, from the probe's measurements, never from a guess:
  memory-bound (pylab.probing.recommend.memory_bound)  1 x N: processes share the memory bus and
      gain no more than threads, which are the cheaper
  recommendation `neither`   the layout stands, and the reason says the measurements
      show no gain from parallelism on this machine
  processes could not run    the reason says the layout rests on the GIL share alone
  the speed-ups disagree     threads recommended where the layout has several processes,
      or processes where it has several threads: the reason says so, with the figures
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pylab.base.fmt import fmt_interval, fmt_speedup
from pylab.base.gilmodel import amdahl
from pylab.host.load import is_busy
from pylab.probing.recommend import NO_GIL, largest, memory_bound, model_share

# A choice, not a measurement: the share of the best prediction worth giving up for
# fewer processes (each one memory, start-up and a copy of the data).
KEEP = 0.9


@dataclass(frozen=True)
class DaskLayout:
    """P worker processes (`nworkers`) of T threads (`nthreads`) on `cores` cores."""

    nworkers: int
    nthreads: int
    cores: int
    share: float  # the GIL share the rule took: 0 where there is no GIL
    command: str  # dask worker SCHEDULER --nworkers P --nthreads T
    local_cluster: str  # LocalCluster(n_workers=P, threads_per_worker=T)
    predicted_speedup: float
    all_threads_speedup: float  # 1 x N
    all_processes_speedup: float  # N x 1
    interval_layouts: tuple[str, ...]  # "PxT" from the share's low end to its high end
    reason: str


def name(nworkers: int, nthreads: int) -> str:
    """`8x2`: 8 worker processes of 2 threads."""
    return f"{nworkers}x{nthreads}"


def layouts(cores: int) -> list[tuple[int, int]]:
    """Every (P, T) with P x T = cores, fewest threads first."""
    return [(cores // t, t) for t in range(1, cores + 1) if cores % t == 0]


def predict(share: float, nworkers: int, nthreads: int) -> float:
    """Amdahl's law per process: P / (s + (1 - s) / T)."""
    return nworkers * amdahl(share, nthreads)


def choose(share: float, cores: int) -> tuple[int, int]:
    """The layout with the most threads whose prediction keeps KEEP of the best."""
    options = layouts(cores)
    best = max(predict(share, p, t) for p, t in options)
    return max((o for o in options if predict(share, *o) >= KEEP * best), key=lambda o: o[1])


def advise(data: dict[str, Any], cores: int) -> DaskLayout:
    """The layout for the probe's data on `cores` cores, with the reason (module docstring)."""
    share = model_share(data)
    p, t = choose(share, cores)
    ends = _interval_layouts(data, cores)
    if memory_bound(data):
        reason = _memory_reason(data, cores, (p, t))
        p, t, ends = 1, cores, (name(1, cores),)
    else:
        reason = _rule_reason(data, cores, (p, t), ends)
    return DaskLayout(
        nworkers=p,
        nthreads=t,
        cores=cores,
        share=share,
        command=f"dask worker SCHEDULER --nworkers {p} --nthreads {t}",
        local_cluster=f"LocalCluster(n_workers={p}, threads_per_worker={t})",
        predicted_speedup=round(predict(share, p, t), 4),
        all_threads_speedup=round(predict(share, 1, cores), 4),
        all_processes_speedup=round(predict(share, cores, 1), 4),
        interval_layouts=ends,
        reason=reason + _notes(data, cores, (p, t)),
    )


def _interval_layouts(data: dict[str, Any], cores: int) -> tuple[str, ...]:
    """The layouts the share's low end, median and high end give, each once, in order."""
    g = data["gil_share"]
    shares = (g["low"], g["median"], g["high"]) if g else (0.0,)
    found = [name(*choose(s, cores)) for s in shares]
    return tuple(dict.fromkeys(found))


def _held(data: dict[str, Any]) -> str:
    g = data["gil_share"]
    return f"GIL share {fmt_interval(g, '')}" if g else NO_GIL


def _rule_reason(
    data: dict[str, Any], cores: int, chosen: tuple[int, int], ends: tuple[str, ...]
) -> str:
    """`GIL share ...: by Amdahl per process 8x2 predicts 15.24x, 95% of ...`."""
    share = model_share(data)
    best = predict(share, cores, 1)
    x = predict(share, *chosen)
    text = (
        f"{_held(data)}: by Amdahl per process {name(*chosen)} predicts {fmt_speedup(x)}, "
        f"{x / best:.0%} of all processes' {fmt_speedup(best)} ({name(cores, 1)})"
    )
    fewer = [o for o in layouts(cores) if o[1] > chosen[1]]
    if fewer:  # the next layout with more threads: why the rule stopped here
        nxt = fewer[0]
        text += (
            f"; {name(*nxt)}, with fewer processes, predicts "
            f"{fmt_speedup(predict(share, *nxt))}, under {KEEP:.0%} ({fmt_speedup(KEEP * best)})"
        )
    if len(ends) > 1:
        text += f"; over the share's interval the layout is between {ends[0]} and {ends[-1]}"
    return text


def _memory_reason(data: dict[str, Any], cores: int, by_share: tuple[int, int]) -> str:
    w, _ = largest(data)
    text = (
        f"memory-bound: the {w} threads are busy ({data['thread_cpu_per_wall'][w]:.2f} CPU "
        f"per wall) yet gain {fmt_interval(data['thread_speedup'][w])}, and processes share "
        f"the same memory bus: one process of {cores} threads, the cheapest (Amdahl's "
        f"{fmt_speedup(predict(model_share(data), 1, cores))} ignores the bus)"
    )
    if by_share != (1, cores):
        text += f"; {_held(data)} alone would give {name(*by_share)}"
    return text


def _notes(data: dict[str, Any], cores: int, chosen: tuple[int, int]) -> str:
    """What the measurements add: no gain at all, no processes, or a disagreement."""
    notes = []
    choice = data.get("recommendation")
    if choice == "neither":
        load = data.get("background_cores")
        busy = f", beside {load:.2f} cores of other work" if is_busy(load) else ""
        notes.append(
            f"but the measurements show no gain from parallelism on this machine "
            f"({_measured(data)}{busy})"
        )
    if data.get("process_error"):
        notes.append("processes could not run here, so the layout rests on the GIL share alone")
    p, t = chosen
    if choice == "threads" and p > 1:
        notes.append(
            f"the measured speed-ups favour threads ({_measured(data)}), beyond Amdahl's "
            f"pessimistic prediction: {name(1, cores)} may do as well"
        )
    if choice == "processes" and t > 1:
        notes.append(
            f"the measured speed-ups favour processes ({_measured(data)}): something besides "
            f"the GIL holds threads back, so {name(cores, 1)} may do better"
        )
    return "".join(f"; {note}" for note in notes)


def _measured(data: dict[str, Any]) -> str:
    """`threads 1.05x, processes 1.92x at W=2`: the medians at the largest W."""
    w, _ = largest(data)
    p = data["process_speedup"].get(w)
    return (
        f"threads {fmt_speedup(data['thread_speedup'][w]['median'])}"
        + (f", processes {fmt_speedup(p['median'])}" if p else "")
        + f" at W={w}"
    )
