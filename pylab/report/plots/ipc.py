"""C10: what it costs to pass a message between threads vs between processes.

"ipc", log-log against message size: round-trip latency and one-way throughput per
channel (queue.Queue between threads; multiprocessing Queue and Pipe to a fork or
spawn process; interpreters queues to a subinterpreter where the run had them), with
the median's interval as error bars.
"dispatch": the per-task overhead of each executor (a subinterpreter pool's too, where
measured), and thread time over process time on GIL-holding tasks of growing size,
with the crossover where processes win.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes

from pylab.base.fmt import fmt_bytes, fmt_rate, fmt_seconds, fmt_times
from pylab.base.stats import ratio
from pylab.executors import START_METHODS
from pylab.experiments.ipc import (
    CROSSOVER,
    DISPATCH,
    INTERP,  # files from before subinterpreters were measured lack it
    INTERPRETERS,
    LATENCY,
    NAME,
    THREAD_POOL,
    THREADS,
    THROUGHPUT,
)
from pylab.report.figures import Plot, executor_color, new_figure
from pylab.report.plots._common import (
    experiment_data,
    interval_errorbar,
    label_ticks,
    log_labels,
    verdicts,
)

# Executors in the order drawn: threads first, as the baseline the others are read against.
POOLS = (THREAD_POOL, INTERPRETERS, *START_METHODS)
DODGE = 0.03  # decades between neighbouring channels' points at one size
LEGEND = {"fontsize": 8, "framealpha": 0.9}


def _channel_style(name: str) -> dict[str, Any]:
    """Colour by what is at the far end (thread, subinterpreter, fork, spawn); line by
    queue or pipe."""
    if name == INTERP:
        label = "interpreters queues, subinterpreter (bytes shared)"
        return {"label": label, "color": executor_color(INTERPRETERS), "marker": "^"}
    start, _, kind = name.partition("_")
    executor = "threads" if start == "thread" else "processes"
    pipe = kind == "pipe"
    mp = "mp.Pipe" if pipe else "mp.Queue"
    label = "queue.Queue, threads (by reference)" if name == THREADS else f"{mp}, {start}"
    return {
        "label": label,
        "color": executor_color(executor, None if start == "thread" else start),
        "marker": "s" if pipe else "o",
        "linestyle": "--" if pipe else "-",
    }


def _draw_channels(ax: Axes, by_channel: dict[str, Any], scale: float) -> None:
    """One line per channel over the sizes it has, the thread channel drawn last (on top).

    Each channel is nudged sideways by a few percent of a decade, so that error bars
    of channels with close medians at one size stay apart.
    """
    names = sorted(by_channel, key=lambda n: (n == THREADS, n == INTERP))
    for i, name in enumerate(names):
        nudge = 10 ** (DODGE * (i - (len(names) - 1) / 2))
        sizes = sorted(int(s) for s in by_channel[name])
        intervals = [by_channel[name][str(s)] for s in sizes]
        interval_errorbar(ax, [s * nudge for s in sizes], intervals, scale, **_channel_style(name))


def _style_size_axis(ax: Axes, sizes: list[int]) -> None:
    ax.set_xscale("log")
    ax.set_yscale("log")
    label_ticks(ax.xaxis, sizes, fmt_bytes)
    ax.set_xlabel("message size (bytes object)")
    ax.grid(True, which="major", alpha=0.3)


def _sizes(data: dict[str, Any]) -> list[int]:
    measured = {int(s) for table in data[LATENCY].values() for s in table}
    return sorted(measured | set(data.get("settings", {}).get("sizes", [])))


def _best_process(by_channel: dict[str, Any], size: int, pick: Any) -> str | None:
    """The process channel with the lowest (min) or highest (max) median at `size`."""
    names = [n for n in by_channel if n not in (THREADS, INTERP) and str(size) in by_channel[n]]
    return pick(names, key=lambda n: by_channel[n][str(size)]["median"]) if names else None


def _ipc_caption(data: dict[str, Any], size: int) -> str:
    """Round trip and throughput at the largest size, threads vs the best process channel."""
    latency, rates = data[LATENCY], data[THROUGHPUT]
    parts = []
    fast = _best_process(latency, size, min)
    if str(size) in latency.get(THREADS, {}) and fast:
        thread_us, process_us = (
            latency[THREADS][str(size)]["median"],
            latency[fast][str(size)]["median"],
        )
        parts.append(
            f"a {fmt_bytes(size)} round trip took {fmt_seconds(thread_us * 1e-6)} through "
            f"queue.Queue between threads against {fmt_seconds(process_us * 1e-6)} through the "
            f"fastest process channel ({fast}: {fmt_times(ratio(process_us, thread_us))} as long)"
        )
    best = _best_process(rates, size, max)
    if str(size) in rates.get(THREADS, {}) and best:
        parts.append(
            f"one way, threads passed {fmt_rate(rates[THREADS][str(size)]['median'])} by "
            f"reference against {fmt_rate(rates[best][str(size)]['median'])} copied ({best})"
        )
    if str(size) in latency.get(INTERP, {}):
        interp_us = latency[INTERP][str(size)]["median"]
        parts.append(f"the round trip to a subinterpreter took {fmt_seconds(interp_us * 1e-6)}")
    text = "; ".join(parts) or f"IPC cost per channel over {len(latency)} channels"
    return text[0].upper() + text[1:] + "."


def _ipc_plot(results: dict[str, Any], data: dict[str, Any]) -> Plot:
    between = "threads, subinterpreters or" if INTERP in data[LATENCY] else "threads vs"
    title = f"Passing messages between {between} processes ({verdicts(results, ('C10',))})"
    figure, (lat_ax, rate_ax) = new_figure(results, title, cols=2, width=12.0, height=5.2)
    sizes = _sizes(data)
    _draw_channels(lat_ax, data[LATENCY], 1e-6)
    _draw_channels(rate_ax, data.get(THROUGHPUT) or {}, 1.0)
    for ax in (lat_ax, rate_ax):
        _style_size_axis(ax, sizes)
    log_labels(lat_ax.yaxis, fmt_seconds)
    log_labels(rate_ax.yaxis, fmt_rate)
    lat_ax.set_ylabel("round trip, message echoed (median)")
    rate_ax.set_ylabel("one-way throughput (bytes/s, median)")
    lat_ax.set_title("latency: ping-pong", fontsize=10)
    rate_ax.set_title("throughput: a stream of messages, one way", fontsize=10)
    # The channels are the same on both panels: one legend under them covers no data.
    handles = lat_ax.get_legend_handles_labels()[0]
    # One row holds five entries across the figure; six (spawn and a subinterpreter) take two.
    ncols = len(handles) if len(handles) <= 5 else (len(handles) + 1) // 2
    figure.legend(handles=handles, loc="outside lower center", ncols=ncols, **LEGEND)
    return Plot(NAME, title, figure, _ipc_caption(data, max(sizes)))


# -- dispatch overhead and the crossover ------------------------------------------------


def _pool_color(kind: str) -> str:
    if kind in (THREAD_POOL, INTERPRETERS):
        return executor_color(kind)
    return executor_color("processes", kind)


def _pool_label(kind: str) -> str:
    return {THREAD_POOL: "threads", INTERPRETERS: "subinterpreters"}.get(kind, f"{kind} processes")


def _draw_dispatch(ax: Axes, dispatch: dict[str, Any], tasks: int | None) -> None:
    """Horizontal bars of microseconds per no-op task, threads on top, values written."""
    kinds = [k for k in POOLS if k in dispatch] + [k for k in dispatch if k not in POOLS]
    rows = list(range(len(kinds)))[::-1]
    medians = [dispatch[k]["median"] for k in kinds]
    errors = [
        [max(dispatch[k]["median"] - dispatch[k]["low"], 0) for k in kinds],
        [max(dispatch[k]["high"] - dispatch[k]["median"], 0) for k in kinds],
    ]
    colors = [_pool_color(k) for k in kinds]
    ax.barh(rows, medians, xerr=errors, color=colors, capsize=3, height=0.6)
    for row, value, high in zip(rows, medians, errors[1], strict=True):
        ax.text(value + high, row, f"  {fmt_seconds(value * 1e-6)}", va="center", fontsize=9)
    ax.set_yticks(rows, [_pool_label(k) for k in kinds])
    ax.set_xlim(0, max(m + h for m, h in zip(medians, errors[1], strict=True)) * 1.3)
    ax.set_xlabel("microseconds per no-op task (median)")
    many = f"{tasks} tasks submitted at once" if tasks else "tasks submitted at once"
    ax.set_title(f"dispatch overhead per task ({many})", fontsize=10)
    ax.grid(True, axis="x", alpha=0.3)


def _shade_processes_faster(ax: Axes) -> None:
    """Tint the band where processes win (ratio above 1), keeping the data's limits."""
    low, high = ax.get_ylim()
    ax.axhspan(1.0, max(high, 1.0) * 10, color=executor_color("processes", "fork"), alpha=0.07)
    ax.axhline(1.0, color="#555555", linewidth=1)
    ax.set_ylim(low, high)
    ax.text(0.02, 0.97, "processes faster", transform=ax.transAxes, va="top", fontsize=9)
    ax.text(0.02, 0.03, "threads faster", transform=ax.transAxes, va="bottom", fontsize=9)


def _draw_crossover(ax: Axes, crossover: dict[str, Any], workers: int) -> None:
    """Thread time / fork-process time by task size: above 1 processes finish first."""
    ratios = crossover["thread_over_process"]
    sizes = sorted(int(s) for s in ratios)
    style = {"color": executor_color("threads"), "marker": "o", "label": "median, interval"}
    interval_errorbar(ax, sizes, [ratios[str(s)] for s in sizes], **style)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _shade_processes_faster(ax)
    first = crossover.get("crossover_iterations")
    if first:
        color = executor_color("processes", "fork")
        ax.axvline(first, color=color, linestyle=":", label=f"crossover: {first:,} iterations")
    # The ratio rises from lower left to upper right: the lower right stays empty.
    ax.legend(loc="lower right", **LEGEND)
    log_labels(ax.yaxis, lambda v: f"{v:g}x")
    each = crossover.get("iteration_s")  # measured by the run; files before format 2 lack it
    per = f", {fmt_seconds(each)} each" if each else ""
    ax.set_xlabel(f"task size (iterations of a GIL-holding hash loop{per})")
    ax.set_ylabel("thread time / fork-process time")
    tasks = crossover.get("tasks")
    ax.set_title(f"threads vs fork processes: {tasks} tasks on {workers} workers", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)


def _dispatch_caption(dispatch: dict[str, Any], crossover: dict[str, Any] | None) -> str:
    others = (THREAD_POOL, INTERPRETERS)
    processes = {k: v["median"] for k, v in dispatch.items() if k not in others}
    parts = []
    if THREAD_POOL in dispatch and processes:
        cheapest = min(processes, key=processes.get)
        thread_us = dispatch[THREAD_POOL]["median"]
        parts.append(
            f"Dispatching a no-op task cost {fmt_seconds(thread_us * 1e-6)} on a thread pool "
            f"against {fmt_seconds(processes[cheapest] * 1e-6)} on the cheapest process pool "
            f"({cheapest}: {fmt_times(ratio(processes[cheapest], thread_us))} as much)"
        )
    else:
        each = ", ".join(f"{k} {fmt_seconds(v['median'] * 1e-6)}" for k, v in dispatch.items())
        parts.append(f"Dispatching a no-op task cost {each}")
    if INTERPRETERS in dispatch and THREAD_POOL in dispatch and processes:
        interp_us = dispatch[INTERPRETERS]["median"]
        parts[-1] += f", {fmt_seconds(interp_us * 1e-6)} on a subinterpreter pool"
    if crossover:
        first = crossover.get("crossover_iterations")
        where = f"from {first:,} iterations a task" if first else "at no task size measured"
        parts.append(f"fork processes beat threads on GIL-holding tasks {where}")
    return ", and ".join(parts) + "."


def _dispatch_plot(results: dict[str, Any], data: dict[str, Any]) -> Plot:
    crossover = data.get(CROSSOVER)
    pools = "thread, subinterpreter" if INTERPRETERS in data[DISPATCH] else "thread"
    title = f"Per-task overhead of {pools} and process pools"
    cols = 2 if crossover else 1
    figure, axes = new_figure(results, title, cols=cols, width=12.0 if crossover else 8.0)
    dispatch_ax = axes[0] if crossover else axes
    tasks = (data.get("settings") or {}).get("dispatch_tasks")
    _draw_dispatch(dispatch_ax, data[DISPATCH], tasks)
    if crossover:
        _draw_crossover(axes[1], crossover, (data.get("settings") or {}).get("workers", 2))
    return Plot("dispatch", title, figure, _dispatch_caption(data[DISPATCH], crossover))


def make(results: dict[str, Any]) -> list[Plot]:
    data = experiment_data(results, NAME)
    if not data:
        return []
    plots = []
    if any(data.get(LATENCY) or {}):
        plots.append(_ipc_plot(results, data))
    if data.get(DISPATCH):
        plots.append(_dispatch_plot(results, data))
    return plots
