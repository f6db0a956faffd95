"""The report's plots: one module per figure (or family of figures).

Each module defines `make(results: dict) -> list[Plot]`: the figures it can draw
from a results file (plain dicts, as pylab.results.load returns), each with a
one-sentence caption computed from the data. A module whose data the file
lacks returns [] (the report leaves that section out, never fakes it).
"""

from __future__ import annotations

import importlib
from typing import Any

from pylab.report.figures import Plot

MODULES = (
    "summary",
    "speedup",
    "amdahl",
    "startup",
    "memory",
    "costs",
    "sharing",
    "ipc",
    "responsiveness",
    "granularity",
    "killing",
)


def make_plots(results: dict[str, Any]) -> tuple[list[Plot], list[str]]:
    """Every plot the file's data allows, and a line for each plot module that failed."""
    plots, problems = [], []
    for name in MODULES:
        try:
            plots += importlib.import_module(f"pylab.report.plots.{name}").make(results)
        except Exception as exc:  # one broken plot must not lose the report: say so in it
            problems.append(f"plot {name} failed: {type(exc).__name__}: {exc}")
    return plots, problems
