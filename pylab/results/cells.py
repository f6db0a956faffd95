"""Reading the cells of a results file: labels, groups, columns, the cell to judge by.

One place for what the summary, the report, the plots, compare and resume all need
from a file's cells (plain dicts, as pylab.results.load returns them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pylab.base.names import COLUMNS  # noqa: F401 (the tables' columns, read from here)


def params_label(params: Mapping[str, Any]) -> str:
    return " ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())


def label(cell: Mapping[str, Any]) -> str:
    """`kernel/variant params` of a cell, or of anything with those three keys."""
    return f"{cell['kernel']}/{cell['variant']} {params_label(cell['params'])}".strip()


def work_key(cell: Mapping[str, Any]) -> tuple[str, str, tuple]:
    """Kernel, variant and params: cells with the same work share one calibrated size."""
    return (cell["kernel"], cell["variant"], tuple(sorted(cell["params"].items())))


def cell_key(cell: Mapping[str, Any]) -> tuple:
    """What makes a cell that cell, whether planned (CellSpec.as_dict) or in a file."""
    fields = ("kernel", "variant", "executor", "start_method", "workers")
    return (*(cell.get(f) for f in fields), json.dumps(cell.get("params"), sort_keys=True))


def by_key(cells: Iterable[dict[str, Any]]) -> dict[tuple, list[dict[str, Any]]]:
    """Cells grouped by kernel, variant and params, in the order first seen."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for cell in cells:
        key = (cell["kernel"], cell["variant"], json.dumps(cell["params"], sort_keys=True))
        groups.setdefault(key, []).append(cell)
    return groups


def column(cell: Mapping[str, Any]) -> str:
    """`threads`, `omp`, or the start method of a process cell."""
    return cell["executor"] if cell["executor"] != "processes" else str(cell["start_method"])


def measured(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The cells that were measured (ok), in the order measured."""
    return [c for c in results.get("cells", []) if c.get("ok")]


def parallel_cells(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Measured thread, process and OpenMP cells (serial cells only measure noise)."""
    return [c for c in measured(results) if c["executor"] != "serial"]


def largest_w(cells: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The cell with the most workers (the best of them, if several start methods)."""
    if not cells:
        return None
    top = max(c["workers"] for c in cells)
    return max((c for c in cells if c["workers"] == top), key=lambda c: c["speedup"]["median"])


def intervals(results: Mapping[str, Any]) -> list[dict[str, float]]:
    """Every measured cell's speed-up interval (for the confidence the labels state)."""
    return [c["speedup"] for c in measured(results)]


def gil_back_on(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """On a free-threaded build, the measured cells whose workers ran with the GIL enabled
    (a module imported without declaring itself safe without it, or PYTHON_GIL=1): their
    numbers are a GIL build's, whatever the interpreter is called."""
    if not results.get("machine", {}).get("python", {}).get("free_threaded_build"):
        return []
    return [
        c for c in measured(results) if True in c.get("workers_seen", {}).get("gil_enabled", [])
    ]


def cell_doubts(cell: Mapping[str, Any]) -> list[str]:
    """What makes a measured cell's figures suspect: `noisy (37% wide)` (an interval wider
    than its noisy_above), `disturbed (0.88 background cores)` (it ended its time still
    disturbed: too few clean pairs, so it used disturbed ones), `short of cores (...)` (a
    check beside it found the machine's cores slower together than alone:
    pylab.measure.capacity)."""
    why = []
    if cell.get("noisy"):
        why.append(f"noisy ({(cell.get('noise') or {}).get('speedup_relative_width', 0):.0%} wide)")
    seen = cell.get("interference") or {}
    if seen.get("used_disturbed"):
        why.append(f"disturbed ({seen.get('background_cores_max', 0):.2f} background cores)")
    short = short_of_cores(seen.get("capacity"))
    if short:
        why.append(f"short of cores ({short})")
    return why


def short_of_cores(capacity: Mapping[str, Any] | None) -> str | None:
    """What a `capacity` record (pylab.measure.capacity) found, in words, where its checks
    found the machine short of cores (both ends of a cell or of C15's outside calls; too
    many of the probe's repeats); else None."""
    if not (capacity or {}).get("short"):
        return None
    if "set_aside" in capacity:  # checked before every repeat (pylab.probing.calls)
        why = "; ".join(capacity.get("reasons") or [])
        return (f"{capacity['set_aside']} of {capacity['repeats']} repeats set aside: "
                f"{why or 'checks of the cores short'}")  # fmt: skip
    least = min(capacity["before"], capacity["after"])
    return (f"{capacity['workers']} threads ran a C loop {least:.2f}x or more slower "
            "together than alone, before and after it")  # fmt: skip
