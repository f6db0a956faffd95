"""C02, C13: the cost of making one array visible to the workers, by method and size.

Left, log-log: time until every worker has read the whole array, per method, with
the median's interval as error bars; the read-back of the largest array (C13) is
drawn as two stars at its size. Where the run had subinterpreters, their two methods
(a memoryview of the array, its bytes pickled) are drawn in the interpreters colour
with triangles. Right, log-log: bytes each method copies. The
helpers at the top (data lookup, interval error bars, size and time axes) serve
the ipc plots too.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes

from pylab.base.fmt import fmt_bytes, fmt_seconds, fmt_times
from pylab.base.stats import ratio
from pylab.experiments.sharing import (
    BY_METHOD,
    FORK_INHERITANCE,
    INTERP_MEMORYVIEW,
    INTERP_PICKLED,
    NAME,
    PICKLED_ARGUMENTS,
    PROCESS_METHODS,
    PROCESSES,
    READ_BACK,
    SHARED_MEMORY,
    THREADS,
)
from pylab.report.figures import Plot, executor_color, new_figure
from pylab.report.plots._common import (
    experiment_data,
    interval_errorbar,
    label_ticks,
    log_labels,
    verdicts,
)

# Every process method runs on fork pools: fork's colour would not tell them apart,
# so only fork inheritance keeps it and the others get colours no executor uses.
METHODS = {
    THREADS: ("threads (reference)", executor_color("threads")),
    FORK_INHERITANCE: ("fork inheritance", executor_color("processes", "fork")),
    PICKLED_ARGUMENTS: ("pickled arguments", "#2ca02c"),
    SHARED_MEMORY: ("shared memory (create + copy + attach)", "#8c564b"),
    INTERP_MEMORYVIEW: ("subinterpreter memoryview (no copy)", executor_color("interpreters")),
    INTERP_PICKLED: ("subinterpreter pickled bytes", executor_color("interpreters")),
}
# Both subinterpreter methods share a colour: the marker and line tell them apart.
STYLES = {
    INTERP_MEMORYVIEW: {"marker": "^"},
    INTERP_PICKLED: {"marker": "v", "linestyle": "--"},
}
# What the bytes panel's lines count: pickling copies per task, shared memory once.
COPIES = {
    PICKLED_ARGUMENTS: "pickled arguments (pickled once per worker)",
    SHARED_MEMORY: "shared memory (copied in once)",
    INTERP_PICKLED: "subinterpreter pickled bytes (once per worker)",
}
ATTACHED = ("shared memory, attached only", "#8c564b")


# -- helpers shared with the ipc plots ------------------------------------------------


# -- the sharing plot ------------------------------------------------------------------


def _draw_times(ax: Axes, methods: dict[str, list[dict[str, Any]]]) -> None:
    for method, (label, color) in METHODS.items():
        rows = methods.get(method) or []
        if rows:
            sizes = [r["bytes"] for r in rows]
            style = {"label": label, "color": color, **STYLES.get(method, {"marker": "o"})}
            interval_errorbar(ax, sizes, [r["time_s"] for r in rows], **style)
    attached = [r for r in methods.get(SHARED_MEMORY) or [] if "attached_s" in r]
    if attached:
        label, color = ATTACHED
        xs = [r["bytes"] for r in attached]
        interval_errorbar(
            ax,
            xs,
            [r["attached_s"] for r in attached],
            label=label,
            color=color,
            marker="s",
            linestyle="--",
            mfc="white",
        )


def _draw_read_back(ax: Axes, back: dict[str, Any] | None) -> None:
    """C13: a worker's array read back at one size, thread vs process, as stars."""
    if not back:
        return
    for side, kind, color in (
        (THREADS, "thread", METHODS[THREADS][1]),
        (PROCESSES, "process", executor_color("processes", "fork")),
    ):
        if side in back:
            label = f"read back {fmt_bytes(back['bytes'])} from a {kind} (C13)"
            interval_errorbar(
                ax,
                [back["bytes"]],
                [back[side]["time_s"]],
                label=label,
                color=color,
                marker="*",
                markersize=13,
                linestyle="none",
                mec="black",
                mew=0.6,
            )


def _short(label: str) -> str:
    """A method's name without its parenthesis: `shared memory`."""
    return label.split(" (")[0]


def _draw_bytes(ax: Axes, methods: dict[str, list[dict[str, Any]]]) -> None:
    """Bytes copied per method; methods that copy nothing cannot sit on a log axis: named."""
    zero = []
    for method, (label, color) in METHODS.items():
        rows = [r for r in methods.get(method) or [] if "copied_bytes" in r]
        if rows and all(r["copied_bytes"] == 0 for r in rows):
            zero.append(_short(label))
        elif rows:
            ax.plot(
                [r["bytes"] for r in rows],
                [r["copied_bytes"] for r in rows],
                color=color,
                label=COPIES.get(method, _short(label)),
                **STYLES.get(method, {"marker": "o"}),
            )
    if zero:
        ax.text(
            0.03,
            0.97,
            "copy nothing:\n" + "\n".join(zero),
            transform=ax.transAxes,
            va="top",
            fontsize=9,
        )


def _style_axes(time_ax: Axes, bytes_ax: Axes, sizes: list[int], workers: int) -> None:
    for ax in (time_ax, bytes_ax):
        ax.set_xscale("log")
        ax.set_yscale("log")
        label_ticks(ax.xaxis, sizes, fmt_bytes)
        ax.tick_params(axis="x", labelrotation=35)
        ax.set_xlabel("array size")
        ax.grid(True, which="major", alpha=0.3)
    log_labels(time_ax.yaxis, fmt_seconds)
    # Powers of 32 from 1 B: 1 KiB, 32 KiB, 1 MiB, ... where decades would give 9.54 MiB.
    log_labels(bytes_ax.yaxis, fmt_bytes, base=32.0)
    time_ax.set_ylabel(f"time until {workers} workers read it (median)")
    bytes_ax.set_ylabel("bytes copied")
    time_ax.set_title("time to share", fontsize=10)
    bytes_ax.set_title("bytes moved", fontsize=10)


def _largest_row(methods: dict[str, list[dict[str, Any]]], method: str, size: int) -> Any:
    return next((r for r in methods.get(method) or [] if r["bytes"] == size), None)


def _process_costs(methods: dict[str, list[dict[str, Any]]], size: int, base: float | None) -> str:
    """`28.3 ms (1.35x) by fork inheritance, ...`: each process method against threads."""
    costs = []
    for method in PROCESS_METHODS:
        row = _largest_row(methods, method, size)
        if row:
            t = row["time_s"]["median"]
            than = f" ({fmt_times(ratio(t, base))})" if base else ""
            costs.append(f"{fmt_seconds(t)}{than} by {_short(METHODS[method][0])}")
    shared = _largest_row(methods, SHARED_MEMORY, size)
    if shared and "attached_s" in shared:
        costs[-1] += f" ({fmt_seconds(shared['attached_s']['median'])} once attached)"
    return ", ".join(costs)


def _caption(data: dict[str, Any]) -> str:
    """The largest size's cost per method, and C13's read-back ratio when measured."""
    methods = data[BY_METHOD]
    size = max(r["bytes"] for rows in methods.values() for r in rows)
    threads = _largest_row(methods, THREADS, size)
    base = threads["time_s"]["median"] if threads else None
    text = f"Making a {fmt_bytes(size)} array visible to {data['workers']} workers took "
    if base:
        text += f"{fmt_seconds(base)} with threads against "
    text += _process_costs(methods, size, base) or "no process method measured"
    back = data.get(READ_BACK)
    if back and THREADS in back and PROCESSES in back:
        times = (back[PROCESSES]["time_s"]["median"], back[THREADS]["time_s"]["median"])
        text += (
            f"; reading a {fmt_bytes(back['bytes'])} result back from a process took "
            f"{fmt_times(ratio(*times))} as long as from a thread"
        )
    return text + _interp_caption(methods, size, base) + "."


def _interp_caption(methods: dict[str, list[dict[str, Any]]], size: int, base: Any) -> str:
    """`; to subinterpreters, 1.2 ms (4x) by memoryview, ...`, or "" where not measured."""
    costs = []
    for method, how in ((INTERP_MEMORYVIEW, "by memoryview"), (INTERP_PICKLED, "pickled")):
        row = _largest_row(methods, method, size)
        if row:
            t = row["time_s"]["median"]
            than = f" ({fmt_times(ratio(t, base))})" if base else ""
            costs.append(f"{fmt_seconds(t)}{than} {how}")
    return f"; to subinterpreters, {' and '.join(costs)}" if costs else ""


def make(results: dict[str, Any]) -> list[Plot]:
    data = experiment_data(results, NAME)
    if not data or not any((data.get(BY_METHOD) or {}).values()):
        return []
    methods = data[BY_METHOD]
    workers = "threads, subinterpreters" if INTERP_MEMORYVIEW in methods else "threads"
    title = (
        f"Sharing one array with worker {workers} or processes "
        f"({verdicts(results, ('C02', 'C13'))})"
    )
    figure, (time_ax, bytes_ax) = new_figure(
        results, title, cols=2, width=12.0, height=5.4, width_ratios=[3, 2]
    )
    _draw_times(time_ax, methods)
    _draw_read_back(time_ax, data.get(READ_BACK))
    _draw_bytes(bytes_ax, methods)
    sizes = sorted({r["bytes"] for rows in methods.values() for r in rows})
    _style_axes(time_ax, bytes_ax, sizes, data.get("workers", 2))
    # Below the panels: inside, seven entries would cover the flat small-size lines.
    figure.legend(
        handles=time_ax.get_legend_handles_labels()[0],
        loc="outside lower center",
        ncols=4,
        fontsize=8,
    )
    bytes_ax.legend(fontsize=8, loc="lower right")
    return [Plot(NAME, title, figure, _caption(data))]
