"""C03: start-up latency of a thread, a subinterpreter and a process per start method
(experiment "startup").

Per executor, three costs on one log axis (they span three decades): start() to join()
of a no-op, start() to the target's first statement, and a pool of W workers all up.
A subinterpreter, where the run measured one, stands between the thread and the
processes (create, exec and close for start to join), with a marker for the first
import of the kernels in a fresh one. The published figures the file carries for C03 (a
thread's start and a process spawn) are drawn as dashed reference lines beside ours.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from pylab.base.fmt import fmt_seconds
from pylab.base.stats import ratio
from pylab.experiments.startup import (
    FIRST_INSTRUCTION,
    FORKSERVER,
    FORKSERVER_FIRST,
    INTERPRETER,
    KERNEL_IMPORT,
    NAME,
    POOL,
    START_JOIN,
    SUBINTERPRETER_RECORD,
    THREAD,
)
from pylab.report.figures import Plot, new_figure, worker_color
from pylab.report.plots._common import experiment_data, interval_bar, legend_below

# (data key, legend label, hatch): the executor is the colour, the measurement the hatch.
MEASUREMENTS = (
    (START_JOIN, "start() to join() returning", ""),
    (FIRST_INSTRUCTION, "start() to first instruction", "//"),
    (POOL, "pool of {workers}: all workers up", ".."),
)
BAR_WIDTH = 0.26


def _published(results: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    # The run's own copy first: it is what the verdict was judged against.
    claim = (results.get("claims") or {}).get("C03") or {}
    return data.get("published") or claim.get("published") or {}


def _kinds(data: dict[str, Any]) -> list[str]:
    """The executors measured, thread first, then a subinterpreter (files from before
    subinterpreters have none), then the processes in the order of start cost."""
    section = data.get(START_JOIN) or {}
    methods = [m for m in data.get("start_methods", []) if m in section]
    return [k for k in (THREAD, INTERPRETER) if k in section] + methods


def _label(kind: str) -> str:
    return {THREAD: THREAD, INTERPRETER: "subinterpreter"}.get(kind, f"process: {kind}")


def _draw_bars(ax: Axes, data: dict[str, Any], kinds: list[str]) -> None:
    for i, kind in enumerate(kinds):
        for j, (key, _label, hatch) in enumerate(MEASUREMENTS):
            summary = (data.get(key) or {}).get(kind)
            if summary:
                x = i + (j - 1) * BAR_WIDTH
                interval_bar(ax, x, summary, width=BAR_WIDTH, color=worker_color(kind), hatch=hatch)


def _draw_forkserver_first(ax: Axes, data: dict[str, Any], kinds: list[str]) -> Any:
    # The first forkserver start also launches the server: shown apart, not in the median.
    first = data.get(FORKSERVER_FIRST) or {}
    if FORKSERVER not in kinds or not first.get("start_join_s"):
        return None
    x = kinds.index(FORKSERVER) - BAR_WIDTH
    seconds = first["start_join_s"]
    label = "first forkserver start (launches the server)"
    ax.text(x, seconds * 1.15, fmt_seconds(seconds), ha="center", va="bottom", fontsize=7)
    return ax.scatter([x], [seconds], marker="D", s=28, color="black", label=label)


def _draw_kernel_import(ax: Axes, data: dict[str, Any], kinds: list[str]) -> Any:
    # Beside the subinterpreter's bars: what a fresh one takes to import the kernels.
    found = (data.get(SUBINTERPRETER_RECORD) or {}).get(KERNEL_IMPORT)
    if INTERPRETER not in kinds or not found:
        return None
    x = kinds.index(INTERPRETER) + 0.5  # in the gap after its bars
    seconds = found["median"]
    label = "importing the kernels in a fresh subinterpreter"
    ax.text(x, seconds * 1.15, fmt_seconds(seconds), ha="center", va="bottom", fontsize=7)
    return ax.scatter([x], [seconds], marker="^", s=32, color="black", label=label)


def _draw_published(ax: Axes, published: dict[str, Any]) -> list[Any]:
    source = published.get("source", "published")
    lines = []
    for key, what, style in (
        ("thread_start_s", "thread start", "--"),
        ("process_spawn_s", "process spawn", ":"),
    ):
        if published.get(key):
            value = published[key]
            label = f"{source}: {what} ~{fmt_seconds(value)}"
            lines.append(
                ax.axhline(value, color="#444444", linestyle=style, linewidth=1.2, label=label)
            )
    return lines


def _legend(ax: Axes, data: dict[str, Any], extras: list[Any]) -> None:
    workers = data.get("pool_workers", "W")
    patches = [
        Patch(
            facecolor="#999999", edgecolor="white", hatch=hatch, label=label.format(workers=workers)
        )
        for _key, label, hatch in MEASUREMENTS
    ]
    # Below the axes: the bars fill the plot from bottom to top.
    legend_below(ax, patches + extras)


def _axes(ax: Axes, kinds: list[str]) -> None:
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    # Room for the value labels above the tallest bars, and below the shortest: a bar on a
    # log axis that starts just under its top reads as nothing.
    ax.set_ylim(low / 2, high * 2)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_seconds(v)))
    ax.set_ylabel("time (log scale)")
    ax.set_xticks(range(len(kinds)), [_label(k) for k in kinds])
    for tick, kind in zip(ax.get_xticklabels(), kinds, strict=True):
        tick.set_color(worker_color(kind))
    ax.grid(axis="y", which="major", alpha=0.3)
    ax.set_axisbelow(True)


def _caption(data: dict[str, Any], kinds: list[str], published: dict[str, Any]) -> str:
    section = data[START_JOIN]
    thread = section[THREAD]["median"]
    methods = [k for k in kinds if k not in (THREAD, INTERPRETER)]
    fastest = min(methods, key=lambda m: section[m]["median"])
    slowest = max(methods, key=lambda m: section[m]["median"])
    text = (
        f"Starting and joining a thread took {fmt_seconds(thread)} against "
        f"{fmt_seconds(section[fastest]['median'])} for the fastest process start method "
        f"({fastest}, {ratio(section[fastest]['median'], thread):.3g}x slower)"
    )
    if slowest != fastest:
        text += f" and {fmt_seconds(section[slowest]['median'])} for {slowest}"
    if INTERPRETER in kinds:
        text += (
            f", while creating, running and closing a subinterpreter took "
            f"{fmt_seconds(section[INTERPRETER]['median'])}"
        )
    if published.get("thread_start_s") and published.get("process_spawn_s"):
        text += (
            f", where {published.get('source', 'the published figure')} quotes "
            f"~{fmt_seconds(published['thread_start_s'])} and "
            f"~{fmt_seconds(published['process_spawn_s'])}"
        )
    return f"{text}."


def make(results: dict[str, Any]) -> list[Plot]:
    data = experiment_data(results, NAME)
    kinds = _kinds(data) if data else []
    if THREAD not in kinds or not set(kinds) - {THREAD, INTERPRETER}:  # no process to compare
        return []
    published = _published(results, data)
    title = "Start-up latency: thread vs process start methods (C03)"
    if INTERPRETER in kinds:
        title = "Start-up latency: thread, subinterpreter, process start methods (C03)"
    figure, ax = new_figure(results, title, height=5.4)
    _draw_bars(ax, data, kinds)
    extras = [
        _draw_forkserver_first(ax, data, kinds),
        _draw_kernel_import(ax, data, kinds),
        *_draw_published(ax, published),
    ]
    _axes(ax, kinds)
    _legend(ax, data, [e for e in extras if e is not None])
    return [Plot("startup", title, figure, _caption(data, kinds, published))]
