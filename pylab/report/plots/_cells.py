"""Reading the scaling cells of a results file for plots: groups, labels, columns."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pylab.plan import params_label

COLUMNS = ("threads", "fork", "forkserver", "spawn", "omp")  # executors as the plots show them


def column(cell: dict[str, Any]) -> str:
    """`threads`, or the start method of a process cell."""
    return cell["executor"] if cell["executor"] != "processes" else str(cell["start_method"])


def label(cell: dict[str, Any]) -> str:
    return f"{cell['kernel']}/{cell['variant']} {params_label(cell['params'])}".strip()


def parallel_cells(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Measured thread and process cells (serial cells only measure noise)."""
    return [c for c in results.get("cells", []) if c.get("ok") and c["executor"] != "serial"]


def by_key(cells: Iterable[dict[str, Any]]) -> dict[tuple, list[dict[str, Any]]]:
    """Cells grouped by kernel, variant and params, in the order first seen."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for cell in cells:
        key = (cell["kernel"], cell["variant"], json.dumps(cell["params"], sort_keys=True))
        groups.setdefault(key, []).append(cell)
    return groups
