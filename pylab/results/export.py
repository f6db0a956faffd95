"""A results file's measured cells as a pyperf benchmark suite: an outside reference.

pyperf (psf/pyperf) is the benchmark format CPython's own tools read; writing pylab's
samples in it lets `python -m pyperf stats`, `show` and `compare_to` judge them with
pyperf's statistics, not pylab's. Each measured cell becomes two benchmarks, named from
the cell so that the same cell of two runs has the same name: `compute/nogil threads
W=2 serial` (its serial runs, the whole job on one thread) and `... parallel` (the
same job split over W workers); with several interpreters in the file, the
interpreter's id comes first (`3.13.5t compute/nogil ...`).

Values are seconds per unit of work (per iteration, byte, wait): a run calibrates its
work size on its own machine, so whole-run seconds of two runs time different work,
but time per unit compares. That is pyperf's own convention: a value is one loop's
time, and `inner_loops` (here the cell's size) says how many units one timed run did,
so pyperf's raw values (`pyperf dump --raw`) are pylab's samples in seconds. A cell's
samples all come from one measuring process: one pyperf run per benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pylab.base.errors import UserError
from pylab.results.cells import column, label, measured
from pylab.results.views import views

SIDES = (("serial", "serial_s"), ("parallel", "parallel_s"))


def cell_name(cell: dict[str, Any], pid: str | None = None) -> str:
    """`compute/nogil threads W=2`, after the interpreter's id when a file has several."""
    name = f"{label(cell)} {column(cell)} W={cell['workers']}"
    return f"{pid} {name}" if pid else name


def named_cells(results: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, cell, its interpreter's view) for every measured cell, in the file's order."""
    seen = views(results)
    return [
        (cell_name(cell, pid if len(seen) > 1 else None), cell, view)
        for pid, view in seen
        for cell in measured(view)
    ]


def _picks(entry: tuple, wanted: str) -> bool:
    """A whole name, or its first words (`compute/nogil` picks all of that work's cells),
    with or without the interpreter's id."""
    name, cell, _ = entry
    return any(n == wanted or n.startswith(wanted + " ") for n in (name, cell_name(cell)))


def select(named: list[tuple], wanted: Sequence[str] | None, path: Path) -> list[tuple]:
    """The named cells that `wanted` picks (all of them if None); a label that picks
    nothing is the user's error."""
    if not named:
        raise UserError(f"{path}: no measured cell to export")
    for text in wanted or ():
        if not any(_picks(entry, text) for entry in named):
            import difflib

            close = difflib.get_close_matches(text, [name for name, *_ in named], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UserError(f"{path}: no measured cell {text!r}{hint}")
    return [entry for entry in named if not wanted or any(_picks(entry, w) for w in wanted)]


def _metadata(view: dict[str, Any], cell: dict[str, Any], name: str) -> dict[str, Any]:
    machine, python = view["machine"], view["machine"].get("python") or {}
    return {
        "name": name,
        "unit": "second",
        "loops": 1,
        "inner_loops": cell["size"],  # units of work per timed run
        "hostname": machine.get("hostname", ""),
        "cpu_model_name": machine.get("cpu_model", ""),
        "cpu_count": machine.get("logical_cores") or 1,
        "python_implementation": str(python.get("implementation", "")).lower(),
        "python_version": python.get("version", ""),
        "date": view.get("started") or "",
        "pylab_version": view.get("pylab_version") or "",
        "pylab_unit": cell["unit"],
        "pylab_workers": cell["workers"],
    }


def suite(cells: list[tuple]) -> Any:
    """A pyperf.BenchmarkSuite of `cells` (named_cells' tuples), two benchmarks each."""
    import pyperf

    benchmarks = []
    for name, cell, view in cells:
        for side, key in SIDES:
            values = [s / cell["size"] for s in cell["samples"][key]]
            metadata = _metadata(view, cell, f"{name} {side}")
            run = pyperf.Run(values, metadata=metadata, collect_metadata=False)
            benchmarks.append(pyperf.Benchmark([run]))
    return pyperf.BenchmarkSuite(benchmarks)
