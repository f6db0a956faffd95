"""C07, C18: how fast a worker stops when asked, and how late Ctrl-C lands (experiment "killing").

Left, on a log axis (a stop takes about a millisecond, the C07 bound the file records far
more): seconds from terminate() / kill() to a worker process being gone, per start method
and kernel (a loop holding or releasing the GIL), beside a thread ended by a cooperative
stop flag.
Right, on a linear axis: how late Ctrl-C reached the main thread while it was inside one
long compiled call, beside the call time left when the signal was sent: equal bars mean
the interrupt waited for the call to return.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from pylab.base.fmt import fmt_seconds
from pylab.experiments.killing import (
    CTRL_C,
    FLAG_STOP,
    KERNEL_LABELS,
    KILL,
    NAME,
    PROCESS_STOPS,
    TERMINATE,
)
from pylab.report.figures import Plot, executor_color, new_figure
from pylab.report.plots._common import experiment_data, interval_bar, legend_below

KERNELS = KERNEL_LABELS
STOPS = {TERMINATE: ("terminate() (SIGTERM)", ""), KILL: ("kill() (SIGKILL)", "//")}
BAR_WIDTH = 0.36
LEFT_COLOR = "#999999"  # the call time left: a yardstick, not an executor


def _bound(results: dict[str, Any]) -> float | None:
    """The bound C07 was judged against, as its verdict recorded it (None: not judged)."""
    claim = (results.get("claims") or {}).get("C07") or {}
    return (claim.get("data") or {}).get("bound_s")


# --- left: stopping a worker ------------------------------------------------


def _groups(cases: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(start method, kernel) pairs in the order measured."""
    seen: list[tuple[str, str]] = []
    for case in cases:
        if (case["start_method"], case["kernel"]) not in seen:
            seen.append((case["start_method"], case["kernel"]))
    return seen


def _draw_processes(ax: Axes, cases: list[dict[str, Any]]) -> list[str]:
    groups = _groups(cases)
    for case in cases:
        i = groups.index((case["start_method"], case["kernel"]))
        x = i + (-0.5 if case["how"] == TERMINATE else 0.5) * BAR_WIDTH
        color = executor_color("processes", case["start_method"])
        hatch = STOPS.get(case["how"], ("", ".."))[1]
        # Upright labels: side by side they would run into each other.
        interval_bar(ax, x, case["seconds"], width=BAR_WIDTH, color=color, hatch=hatch, rotation=90)
        if case["stopped"] < case["repeats"]:  # its time is the join timeout, not a stop
            alive = f"{case['repeats'] - case['stopped']} left alive"
            where = ax.get_xaxis_transform()
            ax.text(
                x,
                0.02,
                alive,
                rotation=90,
                ha="center",
                fontsize=7,
                transform=where,
                fontweight="bold",
                bbox={"facecolor": "white", "edgecolor": "none"},
            )
    return [f"{method}\n{KERNELS.get(kernel, kernel)}" for method, kernel in groups]


def _draw_stops(ax: Axes, data: dict[str, Any], bound: float | None) -> list[Any]:
    cases = (data.get(PROCESS_STOPS) or {}).get("cases") or []
    labels = _draw_processes(ax, cases)
    handles: list[Any] = [
        Patch(facecolor=LEFT_COLOR, edgecolor="white", hatch=hatch, label=f"process {label}")
        for how, (label, hatch) in STOPS.items()
        if any(c["how"] == how for c in cases)
    ]
    flag = data.get(FLAG_STOP)
    if flag:
        color = executor_color("threads")
        interval_bar(ax, len(labels), flag["seconds"], width=BAR_WIDTH, color=color, rotation=90)
        labels.append("thread\nstop flag")
        handles.append(Patch(facecolor=color, label="thread: set a flag it checks"))
    if bound:
        line = ax.axhline(bound, color="black", linestyle="--", linewidth=1.2)
        handles.append(line)
        line.set_label(f"C07 bound: {fmt_seconds(bound)}")
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    ax.set_ylim(low / 2, high * 3)  # room for the upright value labels
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_seconds(v)))
    ax.set_ylabel("from stop request to worker gone (log scale)")
    ax.set_title("Stopping a worker inside a long kernel call", fontsize=10)
    return handles


# --- right: Ctrl-C in the main thread ---------------------------------------


def _draw_share(ax: Axes, x: float, figures: dict[str, Any]) -> None:
    """Lateness as a share of the call time left, above the pair: ~100% means it waited."""
    late, left = figures["lateness_s"], figures["call_left_s"]
    if left["median"] > 0:
        top = max(late["high"], left["high"])
        share = f"{late['median'] / left['median']:.0%} of the time left"
        # Above the bars' own value labels (about 12 points tall).
        ax.annotate(
            share,
            (x, top),
            xytext=(0, 16),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            fontweight="bold",
        )


def _draw_sigint(ax: Axes, sigint: dict[str, Any]) -> list[Any]:
    kernels = [k for k in KERNELS if k in sigint.get("kernels", {})]
    late_color = executor_color("threads")
    for i, kernel in enumerate(kernels):
        figures = sigint["kernels"][kernel]
        for offset, key, color in (
            (-0.5, "lateness_s", late_color),
            (0.5, "call_left_s", LEFT_COLOR),
        ):
            interval_bar(ax, i + offset * BAR_WIDTH, figures[key], width=BAR_WIDTH, color=color)
        _draw_share(ax, i, figures)
    ax.set_xticks(range(len(kernels)), [f"{KERNELS[k]}\ncall" for k in kernels], fontsize=8)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.2)  # room for the share above the bars
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_seconds(v) if v else "0"))
    ax.set_ylabel("time (linear)")
    ax.set_title("Ctrl-C in the main thread", fontsize=10)
    return [
        Patch(facecolor=late_color, label="Ctrl-C lateness"),
        Patch(facecolor=LEFT_COLOR, label="call time left at the signal"),
    ]


# --- caption and figure -----------------------------------------------------


def _stops_text(data: dict[str, Any], bound: float | None) -> list[str]:
    cases = (data.get(PROCESS_STOPS) or {}).get("cases") or []
    parts = []
    if cases:
        alive = sum(c["repeats"] - c["stopped"] for c in cases)
        worst = max(c["max_s"] for c in cases)
        if alive:
            parts.append(f"{alive} terminate()/kill() requests left a worker process alive")
        else:
            parts.append(
                f"every terminate()/kill() ended its worker process within {fmt_seconds(worst)}"
                + (f" (bound {fmt_seconds(bound)})" if bound else "")
            )
    if data.get(FLAG_STOP):
        parts.append(
            f"a stop flag ended a thread in {fmt_seconds(data[FLAG_STOP]['seconds']['median'])}"
        )
    return parts


def _sigint_text(sigint: dict[str, Any]) -> str:
    kernels = sigint.get("kernels", {})
    parts = []
    for kernel, label in KERNELS.items():
        if kernel in kernels:
            late = kernels[kernel]["lateness_s"]["median"]
            left = kernels[kernel]["call_left_s"]["median"]
            share = f" ({late / left:.0%} of it)" if left > 0 else ""
            parts.append(
                f"{fmt_seconds(late)} late in a {label} call with {fmt_seconds(left)} left{share}"
            )
    return "Ctrl-C reached the main thread " + " and ".join(parts) if parts else ""


def _caption(data: dict[str, Any], bound: float | None) -> str:
    stops = _stops_text(data, bound)
    sigint = _sigint_text(data.get(CTRL_C) or {})
    text = " and ".join(stops)
    if sigint:
        text = f"{text}, while {sigint}" if text else sigint
    return f"{text[0].upper()}{text[1:]}."


def _panels(data: dict[str, Any]) -> list[str]:
    panels = []
    if (data.get(PROCESS_STOPS) or {}).get("cases") or data.get(FLAG_STOP):
        panels.append("stops")
    if (data.get(CTRL_C) or {}).get("kernels"):
        panels.append("sigint")
    return panels


def make(results: dict[str, Any]) -> list[Plot]:
    data = experiment_data(results, NAME)
    panels = _panels(data) if data else []
    if not panels:
        return []
    bound = _bound(results)
    title = "Stopping work: killing a process, stopping a thread, Ctrl-C (C07, C18)"
    ratios = [3 if p == "stops" else 2 for p in panels]
    figure, axes = new_figure(
        results, title, cols=len(panels), width=10, height=5.6, squeeze=False, width_ratios=ratios
    )
    for ax, panel in zip(axes[0], panels, strict=True):
        if panel == "stops":
            handles = _draw_stops(ax, data, bound)
        else:
            handles = _draw_sigint(ax, data[CTRL_C])
        # Below each panel: a worker left alive draws a bar up to the join timeout, so no
        # place inside the axes is sure to be free.
        legend_below(ax, handles, below=0.16)
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
    return [Plot("killing", title, figure, _caption(data, bound))]
