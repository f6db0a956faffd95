"""C11, C12: memory per pool worker, thread vs process per start method (experiment "memory"),
with a subinterpreter between them where the run measured one.

Per executor, on one log axis in bytes (a thread adds KiB, a process MiB):
- the verdict's figure per worker, in its metric (PSS, or USS where the kernel gives no PSS);
- USS per worker, the worker's own pages: PSS hands a fork worker a share of the pages it
  shares copy-on-write with its parent, so fork looks cheaper under PSS than it is alone;
- for processes, what parent and workers together grew by, per worker (what the machine paid).
A dashed line marks what one more idle thread adds (C12).
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from pylab.base.fmt import fmt_bytes
from pylab.base.names import INTERPRETERS, THREADS
from pylab.experiments.memory import (
    FORK,
    INTERPRETER_POOL,
    NAME,
    PER_THREAD,
    PER_WORKER,
    PROCESS_POOLS,
    THREAD_POOL,
)
from pylab.report.figures import Plot, executor_color, new_figure
from pylab.report.plots._common import experiment_data, interval_bar, legend_below

BAR_WIDTH = 0.26

Figures = tuple[float, float, float]  # per worker: value, interval low, interval high


def _pools(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The pools measured, threads first, then subinterpreters (where measured: files from
    before them, and interpreters without them, have none), then each start method."""
    pools = {THREADS: data[THREAD_POOL]} if data.get(THREAD_POOL) else {}
    interpreters = data.get(INTERPRETER_POOL) or {}
    if interpreters.get("available"):
        pools[INTERPRETERS] = interpreters
    process_pools = data.get(PROCESS_POOLS) or {}
    for method in data.get("start_methods", []):
        if method in process_pools:
            pools[method] = process_pools[method]
    return pools


def _bars(metric: str, workers: int, pools: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(data key, legend label, hatch) of each bar a pool gets, the verdict's figure first."""
    # "pss_bytes" holds the metric's values: the experiment falls back to USS under that key.
    # The verdict takes the largest thread pool seen (no reused stacks flatter threads).
    largest = "threads, subinterpreters" if INTERPRETERS in pools else "threads"
    main = f"{metric.upper()} per worker (processes: median pool, {largest}: largest)"
    bars = [("pss_bytes", main, "")]
    if metric != "uss":  # under USS the first bar already is USS
        bars.append(("uss_bytes", "USS per worker: its own pages only", "//"))
    bars.append(("added_bytes", f"growth of parent + workers, / {workers}", ".."))
    return bars


def _per_worker(pool: dict[str, Any], key: str, workers: int) -> Figures | None:
    summary = pool.get(key)
    if not summary:
        return None
    if key == "pss_bytes" and PER_WORKER in pool:
        value = pool[PER_WORKER]  # the verdict's own figure: threads' largest pool
    else:
        value = summary["median"] / workers
    return value, summary["low"] / workers, summary["high"] / workers


def _color(kind: str) -> str:
    if kind in (THREADS, INTERPRETERS):
        return executor_color(kind)
    return executor_color("processes", kind)


def _label(kind: str) -> str:
    return {THREADS: THREADS, INTERPRETERS: "subinterpreters"}.get(kind, f"process: {kind}")


def _bar(ax: Axes, x: float, figures: Figures, color: str, hatch: str) -> None:
    value, low, high = figures
    if value <= 0:  # a pool that added nothing measurable: a log axis cannot draw it
        where = ax.get_xaxis_transform()
        ax.text(x, 0.02, "no growth\nseen", ha="center", fontsize=8, transform=where)
        return
    # A low end at or below zero would run off the log axis: cut it at a hundredth.
    summary = {"median": value, "low": max(low, value / 100), "high": high}
    interval_bar(ax, x, summary, width=BAR_WIDTH, color=color, hatch=hatch, fmt=fmt_bytes)


def _draw_pools(ax: Axes, data: dict[str, Any], pools: dict[str, dict[str, Any]]) -> list[Patch]:
    workers = data.get("workers", 1)
    bars = _bars(data.get("metric", "pss"), workers, pools)
    for i, (kind, pool) in enumerate(pools.items()):
        offsets = [key for key, _label, _hatch in bars if key in pool]
        for key, _label, hatch in bars:
            figures = _per_worker(pool, key, workers)
            if figures:
                x = i + (offsets.index(key) - (len(offsets) - 1) / 2) * BAR_WIDTH
                _bar(ax, x, figures, _color(kind), hatch)
    return [
        Patch(facecolor="#999999", edgecolor="white", hatch=hatch, label=label)
        for _key, label, hatch in bars
    ]


def _idle_thread(data: dict[str, Any]) -> float | None:
    per_thread = (data.get(PER_THREAD) or {}).get("per_thread_bytes")
    return per_thread if per_thread and per_thread > 0 else None


def _draw_idle_thread(ax: Axes, data: dict[str, Any]) -> list[Line2D]:
    per_thread = _idle_thread(data)
    if per_thread is None:
        return []
    count = data[PER_THREAD].get("threads", "N")
    label = f"one more idle thread: {fmt_bytes(per_thread)} (of {count} started)"
    return [ax.axhline(per_thread, color=executor_color(THREADS), linestyle="--", label=label)]


def _byte_ticks(value: float, _pos: int) -> str:
    return fmt_bytes(value).replace(".0 ", " ")


def _axes(ax: Axes, data: dict[str, Any], pools: dict[str, dict[str, Any]]) -> None:
    ax.set_yscale("log", base=2)
    low, high = ax.get_ylim()
    ax.set_ylim(low / 2, high * 2)  # room for the value labels above and short bars below
    # Ticks on powers of 2 (4 KiB, 1 MiB, 16 MiB), every factor of 4 where the range is wide
    # enough to keep them apart, every factor of 2 where it is narrow (no thread bar).
    ax.yaxis.set_major_locator(LogLocator(base=4 if high / low > 256 else 2))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(_byte_ticks))
    workers = data.get("workers", "W")
    ax.set_ylabel(f"memory per worker, pool of {workers} (log scale)")
    ax.set_xticks(range(len(pools)), [_label(k) for k in pools])
    for tick, kind in zip(ax.get_xticklabels(), pools, strict=True):
        tick.set_color(_color(kind))
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)


def _worker_text(data: dict[str, Any], kind: str, pool: dict[str, Any], verb: str = "") -> str:
    metric = data.get("metric", "pss")
    text = f"a {kind} worker{verb} {fmt_bytes(pool[PER_WORKER])} {metric.upper()}"
    # Fork's PSS includes a share of its parent's pages: say what is its own.
    uss = _per_worker(pool, "uss_bytes", data.get("workers", 1)) if kind == FORK else None
    if uss and metric != "uss":
        text += f" ({fmt_bytes(uss[0])} of its own pages, USS)"
    return text


def _caption(data: dict[str, Any], pools: dict[str, dict[str, Any]]) -> str:
    methods = [k for k in pools if k not in (THREADS, INTERPRETERS)]
    costly = max(methods, key=lambda m: pools[m][PER_WORKER])
    shown = [costly] + ([FORK] if FORK in pools and costly != FORK else [])
    parts = [
        _worker_text(data, kind, pools[kind], " took" if kind == costly else "") for kind in shown
    ]
    if INTERPRETERS in pools:
        size = max(0.0, pools[INTERPRETERS][PER_WORKER])
        parts.append(f"a subinterpreter (no numpy) {fmt_bytes(size)}")
    if THREADS in pools:
        parts.append(f"a pool thread {fmt_bytes(max(0.0, pools[THREADS][PER_WORKER]))}")
    idle = _idle_thread(data)
    tail = f" and one more idle thread {fmt_bytes(idle)}" if idle else ""
    text = f"{', '.join(parts)}{tail}"
    return f"{text[0].upper()}{text[1:]}."


def make(results: dict[str, Any]) -> list[Plot]:
    data = experiment_data(results, NAME)
    pools = _pools(data) if data else {}
    if not set(pools) - {THREADS, INTERPRETERS}:  # no process pool to set a thread against
        return []
    title = "Memory per worker: thread vs process start methods (C11, C12)"
    if INTERPRETERS in pools:
        title = "Memory per worker: thread, subinterpreter, process start methods (C11, C12)"
    figure, ax = new_figure(results, title, height=5.4)
    handles = _draw_pools(ax, data, pools) + _draw_idle_thread(ax, data)
    _axes(ax, data, pools)
    legend_below(ax, handles, below=0.1)  # the bars fill the plot from bottom to top
    return [Plot("memory", title, figure, _caption(data, pools))]
