"""What a worker costs (C03, C10, C11): start, pool, memory, round trip and dispatch of a
thread, a subinterpreter and each process start method, one panel per cost, each on a log
axis (they span four decades). The figures are pylab.report.costs' table, drawn."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes

from pylab.base.fmt import fmt_bytes
from pylab.report.costs import COLUMNS, INTERPRETER, Cost, costs
from pylab.report.figures import Plot, new_figure, worker_color
from pylab.report.plots._common import log_labels


def _panel(ax: Axes, rows: list[Cost], key: str, title: str, fmt: Any) -> None:
    shown = [r for r in rows if getattr(r, key) is not None]
    ys = range(len(shown))
    values = [getattr(r, key) for r in shown]
    ax.barh(list(ys), values, color=[worker_color(r.kind) for r in shown])
    for y, value in zip(ys, values, strict=True):
        ax.annotate(fmt(value), (value, y), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=7)  # fmt: skip
    ax.set_yticks(list(ys), [r.label for r in shown], fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    # From a decade below the smallest: on a log axis a bar's length is its value's distance
    # from the left edge, and an edge just under the smallest would make it read as nothing.
    ax.set_xlim(min(values) / 10, max(values) * 8)  # and room for the value labels
    log_labels(ax.xaxis, fmt, base=1024.0 if fmt is fmt_bytes else 10.0)  # 1 KiB, 1 MiB
    ax.set_title(title, fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", alpha=0.3)


def caption(rows: list[Cost]) -> str:
    by_kind = {r.kind: r for r in rows}
    sub = by_kind.get(INTERPRETER)
    if sub is None:
        return "A thread against each process start method; no subinterpreter was measured."
    said = [
        f"{title} {fmt(getattr(sub, key))}"
        for key, title, fmt in COLUMNS
        if getattr(sub, key) is not None
    ]
    return (
        "A subinterpreter worker, median: " + ", ".join(said) + "; beside a thread and processes."
    )


def make(results: dict[str, Any]) -> list[Plot]:
    rows = costs(results)
    if len(rows) < 2:
        return []
    panels = [c for c in COLUMNS if any(getattr(r, c[0]) is not None for r in rows)]
    title = "What a worker costs: thread, subinterpreter, processes"
    figure, axes = new_figure(results, title, rows=len(panels), height=1.5 + 1.3 * len(panels))
    for ax, (key, name, fmt) in zip(list(getattr(axes, "flat", [axes])), panels, strict=True):
        _panel(ax, rows, key, name, fmt)
    return [Plot("costs", title, figure, caption(rows))]
