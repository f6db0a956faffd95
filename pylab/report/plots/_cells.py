"""Reading the scaling cells of a results file for plots: groups, labels, columns."""

from __future__ import annotations

from typing import Any

from pylab.plan import by_key, label

__all__ = ["COLUMNS", "by_key", "column", "label", "parallel_cells"]

COLUMNS = ("threads", "fork", "forkserver", "spawn", "omp")  # executors as the plots show them


def column(cell: dict[str, Any]) -> str:
    """`threads`, or the start method of a process cell."""
    return cell["executor"] if cell["executor"] != "processes" else str(cell["start_method"])


def parallel_cells(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Measured thread and process cells (serial cells only measure noise)."""
    return [c for c in results.get("cells", []) if c.get("ok") and c["executor"] != "serial"]


