"""Speed-up against workers, one figure per kernel: a line per variant and executor with
interval error bars, the ideal as a dashed line, the usable core count as a vertical
line, and the efficiency in a panel beneath."""

from __future__ import annotations

from typing import Any

from pylab.report.figures import Plot, new_figure
from pylab.results.cells import by_key, column, label, parallel_cells

# Colour tells the variant, line style the executor: threads solid and thick,
# process start methods thinner, each with a dash pattern and marker of its own.
VARIANT_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
EXECUTOR_STYLE = {
    "threads": {"ls": "-", "lw": 2.4, "marker": "o"},
    "fork": {"ls": "--", "lw": 1.3, "marker": "s"},
    "forkserver": {"ls": "-.", "lw": 1.3, "marker": "^"},
    "spawn": {"ls": ":", "lw": 1.5, "marker": "D"},
    "interpreters": {"ls": (0, (5, 1, 1, 1)), "lw": 1.8, "marker": "P"},
    "omp": {"ls": "-", "lw": 2.4, "marker": "*"},  # inside the kernel: as thick as threads
    "dask-threads": {"ls": (0, (1, 1)), "lw": 2.0, "marker": "v"},  # dotted, as Dask's
    "dask-processes": {"ls": (0, (3, 1, 1, 1, 1, 1)), "lw": 1.5, "marker": "X"},
}


def _series(cells: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    lines: dict[str, list[dict[str, Any]]] = {}
    for cell in sorted(cells, key=lambda c: c["workers"]):
        lines.setdefault(column(cell), []).append(cell)
    return lines


def _draw(axes: Any, name: str, cells: list[dict[str, Any]], color: str) -> None:
    top, bottom = axes
    for where, line in _series(cells).items():
        w = [c["workers"] for c in line]
        s = [c["speedup"] for c in line]
        err = [[x["median"] - x["low"] for x in s], [x["high"] - x["median"] for x in s]]
        style = {"color": color, "markersize": 5, **EXECUTOR_STYLE.get(where, {})}
        top.errorbar(
            w, [x["median"] for x in s], yerr=err, capsize=3, label=f"{name} {where}", **style
        )
        bottom.plot(w, [c["efficiency"]["median"] for c in line], **style)


def _figure(results: dict[str, Any], kernel: str, groups: dict[tuple, list]) -> Plot:
    cores = results["machine"]["usable_cores"]
    figure, axes = new_figure(
        results, f"{kernel}: speed-up against workers", rows=2, height=6.4, sharex=True,
        height_ratios=(3, 1.3),
    )  # fmt: skip
    top, bottom = axes
    everything = [c for cells in groups.values() for c in cells]
    most = max(c["workers"] for c in everything)
    # Name lines by variant, adding parameters only where they tell the lines apart.
    distinct = len({key[2] for key in groups}) > 1
    for cells, color in zip(groups.values(), VARIANT_COLORS, strict=False):
        name = label(cells[0]).split("/", 1)[1] if distinct else cells[0]["variant"]
        _draw(axes, name, cells, color)
    top.plot([1, most], [1, most], "k--", lw=1, label="ideal (W)")
    for ax in axes:
        ax.axvline(cores, color="grey", lw=1, ls=":")
        ax.grid(alpha=0.3)
    top.text(cores, 0.02, f" {cores} usable cores", transform=top.get_xaxis_transform(), fontsize=8)
    top.set_ylabel("speed-up over serial")
    top.legend(fontsize=7, ncol=len(groups), loc="upper left")
    bottom.set_ylabel("efficiency")
    bottom.set_xlabel("workers W")
    bottom.set_xticks(sorted({c["workers"] for c in everything}))
    best = max(everything, key=lambda c: c["speedup"]["median"])
    caption = (
        f"The best {kernel} cell is {label(best)} in {column(best)} at W={best['workers']}: "
        f"{best['speedup']['median']:.2f}x on {cores} usable cores."
    )
    return Plot(f"speedup-{kernel}", f"{kernel}: speed-up against workers", figure, caption)


def make(results: dict[str, Any]) -> list[Plot]:
    kernels: dict[str, dict[tuple, list]] = {}
    for key, cells in by_key(parallel_cells(results)).items():
        if key[0] != "amdahl":  # its sweep over gil_share has a plot of its own
            kernels.setdefault(key[0], {})[key] = cells
    return [_figure(results, kernel, groups) for kernel, groups in kernels.items()]
