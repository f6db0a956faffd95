"""C21: thread speed-up of the GIL-releasing kernel against the work done per GIL release.

Speed-up of W threads over one (median and interval) against the chunk, the
iterations between two releases, on a log axis; the top axis turns chunks into
approximate time per release. The measured release/re-acquire round trip,
uncontended and contended, marks the scale below which the GIL traffic costs
more than the work it wraps.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from pylab.base.fmt import fmt_seconds
from pylab.experiments.granularity import NAME, ROUNDTRIP, SWEEP
from pylab.report.figures import Plot, executor_color, new_figure
from pylab.report.plots._common import experiment_data

# W = 2 in the threads colour shared by every plot; wider runs in darker blues.
WIDTH_COLORS = {"2": executor_color("threads"), "4": "#08306b", "8": "#6baed6"}
WIDTH_MARKERS = {"2": "o", "4": "s", "8": "^"}
OVERHEAD_COLOR = "#d62728"


def _widths(points: list[dict[str, Any]]) -> list[str]:
    """Thread counts with a speed-up at any chunk, in numeric order."""
    return sorted({w for p in points for w in p["speedup"]}, key=int)


def _iter_s(points: list[dict[str, Any]]) -> float:
    """Seconds per iteration, from the largest chunk: the loop with the least GIL traffic."""
    return max(points, key=lambda p: p["chunk"])["serial_ns_per_iter"] * 1e-9


def _draw_series(ax: Axes, points: list[dict[str, Any]], width: str) -> None:
    have = [p for p in points if width in p["speedup"]]
    chunks = [p["chunk"] for p in have]
    mid = [p["speedup"][width]["median"] for p in have]
    low = [m - p["speedup"][width]["low"] for m, p in zip(mid, have, strict=True)]
    high = [p["speedup"][width]["high"] - m for m, p in zip(mid, have, strict=True)]
    color = WIDTH_COLORS.get(width, "#333333")
    ax.errorbar(
        chunks,
        mid,
        yerr=[low, high],
        color=color,
        marker=WIDTH_MARKERS.get(width, "D"),
        capsize=3,
        lw=1.5,
        label=f"{width} threads over 1 (median, interval)",
    )
    ax.axhline(int(width), color=color, ls="--", lw=1, label=f"ideal for {width} threads: {width}x")


def _draw_roundtrips(ax: Axes, roundtrip_ns: dict[str, Any], iter_s: float) -> None:
    """Vertical lines where one chunk's work equals one release/re-acquire round trip."""
    styles = {"1": ":", "2": "-.", "4": "--"}
    for width, summary in sorted(roundtrip_ns.items(), key=lambda kv: int(kv[0])):
        seconds = summary["median"] * 1e-9
        who = "alone" if width == "1" else f"contended, {width} threads"
        ax.axvline(
            seconds / iter_s,
            color=OVERHEAD_COLOR,
            ls=styles.get(width, (0, (5, 1, 1, 1, 1, 1))),
            lw=1.3,
            alpha=1.0 if width == "1" else 0.7,
            label=f"GIL release/re-acquire {who}: {fmt_seconds(seconds)}",
        )
    worst = max(s["median"] for s in roundtrip_ns.values()) * 1e-9
    left = ax.get_xlim()[0]
    # Left of the costliest round trip, a release costs more than the work it wraps.
    ax.axvspan(left, worst / iter_s, color=OVERHEAD_COLOR, alpha=0.07, lw=0)
    ax.set_xlim(left=left)
    middle = (left * worst / iter_s) ** 0.5  # the shaded band's middle on a log axis
    ax.text(
        middle,
        0.8,
        "work per release under\nthe contended round trip:\nGIL overhead dominates",
        transform=ax.get_xaxis_transform(),
        ha="center",
        va="center",
        fontsize=8,
        color=OVERHEAD_COLOR,
    )


def _caption(points: list[dict[str, Any]], roundtrip_ns: dict[str, Any], iter_s: float) -> str:
    width = _widths(points)[0]  # 2: the width every machine measures
    ordered = [p for p in points if width in p["speedup"]]
    small, large = ordered[0], ordered[-1]
    alone = fmt_seconds(roundtrip_ns["1"]["median"] * 1e-9)
    contended = roundtrip_ns.get(width, roundtrip_ns["1"])["median"] * 1e-9
    best, worst = large["speedup"][width]["median"], small["speedup"][width]["median"]
    return (
        f"{width} threads ran the GIL-releasing kernel {best:.2f}x as fast as one with "
        f"{large['chunk']:,} iterations (~{fmt_seconds(large['chunk'] * iter_s)}) per GIL "
        f"release but {worst:.2f}x with {small['chunk']:,}, "
        f"where each release/re-acquire costs {alone} alone and {fmt_seconds(contended)} "
        f"contended by {width} threads."
    )


def _plot(results: dict[str, Any], data: dict[str, Any]) -> Plot:
    points = sorted(data[SWEEP], key=lambda p: p["chunk"])
    iter_s = _iter_s(points)
    roundtrip_ns = data[ROUNDTRIP]["ns"]
    title = "Thread speed-up against work per GIL release (C21)"
    figure, ax = new_figure(results, title, height=5.2)
    ax.set_xscale("log")
    ax.axhline(1.0, color="#555555", lw=1, label="1.0: no gain over one thread")
    for width in _widths(points):
        _draw_series(ax, points, width)
    _draw_roundtrips(ax, roundtrip_ns, iter_s)
    ax.set_ylim(0, max(int(w) for w in _widths(points)) * 1.12)
    ax.set_xlabel("chunk: loop iterations per GIL release (log scale)")
    ax.set_ylabel("speed-up over 1 thread (x)")
    ax.grid(alpha=0.3)
    top = ax.secondary_xaxis("top", functions=(lambda c: c * iter_s, lambda t: t / iter_s))
    top.xaxis.set_major_formatter(FuncFormatter(lambda t, _: fmt_seconds(t)))
    top.set_xlabel(f"approx. work per GIL release (at {iter_s * 1e9:.2g} ns per iteration)")
    handles, labels = ax.get_legend_handles_labels()
    # The measured series first, then the references, whatever order they were drawn in.
    order = sorted(range(len(labels)), key=lambda i: (" over 1 " not in labels[i], i))
    figure.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        loc="outside lower center",
        ncols=2,
        fontsize=8,
        frameon=False,
    )
    return Plot(NAME, title, figure, _caption(points, roundtrip_ns, iter_s))


def make(results: dict[str, Any]) -> list[Plot]:
    data = experiment_data(results, NAME) or {}
    if not data.get(SWEEP) or not data.get(ROUNDTRIP):
        return []
    return [_plot(results, data)]
