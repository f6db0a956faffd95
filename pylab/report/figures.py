"""Figures with matplotlib's object API: Figure and the Agg canvas, no pyplot state.

Every figure is titled with what it shows and, beneath, the machine it was
measured on (CPU, usable cores, Python build), so a PNG shown alone still says
where its numbers come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

DPI = 100
WIDTH_IN = 8.0
HEIGHT_IN = 4.8
# One colour per executor, the same in every plot.
EXECUTOR_COLORS = {
    "serial": "#555555",
    "threads": "#1f77b4",
    "fork": "#d62728",
    "forkserver": "#ff7f0e",
    "spawn": "#9467bd",
    "processes": "#d62728",
    "interpreters": "#17becf",
    "omp": "#2ca02c",
    "dask-threads": "#8c564b",  # Dask's own pools: brown, darker for its threads
    "dask-processes": "#c49c94",
}


@dataclass(frozen=True)
class Plot:
    name: str  # file stem of the PNG: lowercase, dashes
    title: str
    figure: Figure
    caption: str  # one sentence of what it shows, computed from the data


def machine_line(results: dict[str, Any]) -> str:
    """`Intel(R) Xeon(R) Processor, 2 usable cores, CPython 3.11.7 (GIL)`."""
    machine = results.get("machine") or {}
    python = machine.get("python") or {}
    gil = "GIL" if python.get("gil_enabled", True) else "free-threaded, GIL off"
    return (
        f"{machine.get('cpu_model', 'unknown CPU')}, {machine.get('usable_cores', '?')} usable "
        f"cores, {python.get('implementation', 'Python')} {python.get('version', '?')} ({gil})"
    )


def new_figure(
    results: dict[str, Any],
    title: str,
    *,
    rows: int = 1,
    cols: int = 1,
    width: float = WIDTH_IN,
    height: float = HEIGHT_IN,
    **subplots: Any,
) -> tuple[Figure, Any]:
    """A figure titled `title` over the machine line, and its axes (fig.subplots)."""
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    axes = figure.subplots(rows, cols, **subplots)
    figure.suptitle(f"{title}\n{machine_line(results)}", fontsize=11)
    return figure, axes


def executor_color(executor: str, start_method: str | None = None) -> str:
    return EXECUTOR_COLORS.get(start_method or executor, "#333333")


def worker_color(kind: str) -> str:
    """The colour of a worker kind as the cost plots name them: `thread`, `interpreter`
    (a subinterpreter), or a process start method."""
    found = {"thread": "threads", "interpreter": "interpreters"}.get(kind)
    return executor_color(found) if found else executor_color("processes", kind)


def save_png(figure: Figure, path: Path) -> None:
    # Figure.savefig picks the Agg canvas for PNG: works headless, no display needed.
    figure.savefig(path, dpi=DPI, format="png")
