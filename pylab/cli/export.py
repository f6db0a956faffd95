"""`python -m pylab export --pyperf OUT.json RESULTS.json`: the measured cells as a pyperf
benchmark suite, for `python -m pyperf stats`, `show` and `compare_to`.

Each cell gives two benchmarks, its serial and its parallel runs, named from the cell
(`compute/nogil threads W=2 serial`), so the same cell of two runs compares by name;
values are seconds per unit of work (see pylab.results.export). `--cell LABEL` keeps the cells
whose name is LABEL or starts with it (`compute/nogil`: all of that work's cells).
Needs pyperf (`pip install pyperf`, or the `pyperf` extra).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pylab import DISTRIBUTION
from pylab import results as results_io
from pylab.base.errors import UserError
from pylab.results.export import named_cells, select, suite


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write a results file's cells in another tool's format (pyperf)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("results", type=Path, metavar="RESULTS.json")
    p.add_argument(
        "--pyperf", type=Path, required=True, metavar="OUT.json", help="the pyperf suite to write"
    )
    p.add_argument(
        "--cell",
        action="append",
        metavar="LABEL",
        help="only cells named LABEL or starting with it, e.g. 'compute/nogil threads W=2' "
        "(repeatable; default: every measured cell)",
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    try:
        import pyperf  # noqa: F401  (only to say so before reading anything)
    except ImportError:
        raise UserError(
            "export --pyperf needs pyperf: pip install pyperf (or the pyperf extra: "
            f"pip install '{DISTRIBUTION}[pyperf]')"
        ) from None
    results = results_io.load(args.results)
    cells = select(named_cells(results), args.cell, args.results)
    try:
        suite(cells).dump(str(args.pyperf), replace=True)
    except OSError as exc:
        raise UserError(f"cannot write {args.pyperf}: {exc.strerror or exc}") from None
    cells_text = f"{len(cells)} cell{'s' if len(cells) != 1 else ''}"
    print(f"{2 * len(cells)} benchmarks ({cells_text}, serial and parallel) in {args.pyperf}")
    return 0
