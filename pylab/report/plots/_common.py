"""Helpers the experiment plots share: their data, verdicts, bars, error bars, axes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter, NullLocator

from pylab.base.fmt import fmt_seconds

ERRORBAR = {"capsize": 3, "elinewidth": 1, "markersize": 5}
# A bar's value label, on a white box so that a reference line crossing it does not strike
# it through.
VALUE_LABEL = {
    "textcoords": "offset points",
    "ha": "center",
    "va": "bottom",
    "fontsize": 7,
    "bbox": {"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85},
}


def experiment_data(results: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The data of experiment `name`, or None when it did not run or failed."""
    experiment = (results.get("experiments") or {}).get(name) or {}
    return experiment.get("data") if experiment.get("ok") else None


def verdicts(results: dict[str, Any], claims: Sequence[str]) -> str:
    """`C02 partly, C13 holds`: the verdicts the file has for `claims`."""
    found = (results.get("claims") or {}).items()
    return ", ".join(f"{c} {v['verdict']}" for c, v in found if c in claims and "verdict" in v)


def interval_errorbar(
    ax: Axes,
    xs: Sequence[float],
    intervals: Sequence[dict[str, float]],
    scale: float = 1.0,
    **style: Any,
) -> None:
    """Medians joined by a line, error bars from each {median, low, high} interval."""
    medians = [i["median"] * scale for i in intervals]
    below = [max(i["median"] - i["low"], 0.0) * scale for i in intervals]
    above = [max(i["high"] - i["median"], 0.0) * scale for i in intervals]
    ax.errorbar(xs, medians, yerr=[below, above], **{**ERRORBAR, **style})


def label_ticks(axis: Axis, ticks: Sequence[float], fmt: Callable[[float], str]) -> None:
    """Ticks exactly at `ticks`, labelled with fmt: the sizes measured, not powers of ten."""
    axis.set_major_locator(FixedLocator(list(ticks)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: fmt(value)))
    axis.set_minor_locator(NullLocator())


def log_labels(axis: Axis, fmt: Callable[[float], str], base: float = 10.0) -> None:
    """Ticks at powers of `base` labelled with fmt (`1 ms`, `1 GB/s`), once the data is drawn.

    Over less than two decades, powers of ten alone leave one label or none, so
    1-2-5 ticks are labelled instead. Minor ticks stay unlabelled.
    """
    low, high = axis.axes.get_ylim() if axis is axis.axes.yaxis else axis.axes.get_xlim()
    narrow = base == 10.0 and high < 100 * low
    axis.set_major_locator(LogLocator(base=base, subs=(1.0, 2.0, 5.0) if narrow else (1.0,)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: fmt(value)))
    axis.set_minor_formatter(NullFormatter())


def interval_bar(
    ax: Axes,
    x: float,
    summary: dict[str, float],
    *,
    width: float,
    color: str,
    hatch: str = "",
    fmt: Callable[[float], str] = fmt_seconds,
    rotation: int = 0,
) -> None:
    """A bar at the summary's median, its {low, high} interval as an error bar, the value on top."""
    median = summary["median"]
    # Order-statistic intervals hold the median, but a caller's own figure may sit at an
    # end of them (memory's largest thread pool): never a negative error.
    err = [[max(0.0, median - summary["low"])], [max(0.0, summary["high"] - median)]]
    ax.bar(x, median, width, color=color, hatch=hatch, edgecolor="white", linewidth=0)
    ax.errorbar(x, median, yerr=err, fmt="none", ecolor="black", capsize=3, linewidth=1)
    # The value written a few points above the error bar (on a log axis or a linear one):
    # values are hard to read off a log axis.
    top = max(median, summary["high"])
    ax.annotate(fmt(median), (x, top), xytext=(0, 3), rotation=rotation, **VALUE_LABEL)


def legend_below(ax: Axes, handles: list[Any], *, below: float = 0.12) -> None:
    """The legend in two columns under the axes, where it cannot cover a bar."""
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -below),
        ncols=2,
        fontsize=8,
        frameon=False,
    )
