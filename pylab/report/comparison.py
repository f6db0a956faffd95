"""The HTML comparison of runs: the side-by-side table and overlaid speed-up curves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pylab.report.figures import Plot, new_figure, save_png
from pylab.report.render import Section, page
from pylab.results.cells import by_key, column, label, parallel_cells

RUN_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def _best_by_w(cells: list[dict[str, Any]], threads: bool) -> list[dict[str, Any]]:
    """Thread cells, or the best process start method at each W, in W order."""
    mine = [c for c in cells if (column(c) == "threads") == threads]
    best: dict[int, dict[str, Any]] = {}
    for c in mine:
        if (
            c["workers"] not in best
            or c["speedup"]["median"] > best[c["workers"]]["speedup"]["median"]
        ):
            best[c["workers"]] = c
    return [best[w] for w in sorted(best)]


def overlay(names: list[str], runs: list[dict[str, Any]]) -> list[Plot]:
    """One figure per kernel/variant measured in every run: each run a colour."""
    groups = [by_key(parallel_cells(run)) for run in runs]
    common = [key for key in groups[0] if all(key in g for g in groups[1:])]
    plots = []
    for key in common:
        title = f"{label(groups[0][key][0])}: speed-up against workers, run by run"
        figure, ax = new_figure(runs[0], title, height=4.2)
        for name, group, color in zip(names, groups, RUN_COLORS, strict=False):
            for threads, style in ((True, "-"), (False, "--")):
                line = _best_by_w(group[key], threads)
                if line:
                    where = "threads" if threads else "processes (best start method)"
                    ax.plot([c["workers"] for c in line], [c["speedup"]["median"] for c in line],
                            style, color=color, marker="o", label=f"{name}: {where}")  # fmt: skip
        ax.set_xlabel("workers W")
        ax.set_ylabel("speed-up over serial")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        caption = "Each colour is one run; solid lines threads, dashed lines processes."
        plots.append(Plot("compare-" + "-".join(key[:2]), title, figure, caption))
    return plots


def write_comparison(path: Path, names: list[str], runs: list[dict[str, Any]], table: str) -> Path:
    """A self-contained HTML page: the table, then one overlaid figure per kernel variant."""
    folder = path.with_suffix("")
    folder.mkdir(parents=True, exist_ok=True)
    images = []
    for plot in overlay(names, runs):
        png = folder / f"{plot.name}.png"
        save_png(plot.figure, png)
        images.append((png, plot.title, plot.caption))
    sections = [Section("Side by side", [", ".join(names)], code=table)]
    if images:
        sections.append(Section("Speed-up curves", images=images))
    path.write_text(page("pylab comparison", sections), encoding="utf-8")
    return path
