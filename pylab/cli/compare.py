"""`python -m pylab compare A.json B.json [...]`: runs side by side.

Speed-ups per cell, the speed-up table's verdicts and the claims' verdicts, with
how many runs agree on each; `*` marks intervals that do not overlap or verdicts
that differ. Each interpreter of a file (`run --python`) is a
run of its own here, so one file of several interpreters compares them. `--html
PATH` also writes a comparison page with the speed-up curves of every run overlaid.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pylab import results as results_io
from pylab.base.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare runs side by side", description=__doc__)
    p.add_argument("files", nargs="+", type=Path, metavar="RESULTS.json")
    p.add_argument("--html", type=Path, metavar="PATH", help="also write an HTML comparison")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pylab.report import compare

    loaded = [results_io.load(path, atlas=True) for path in args.files]
    atlases = [r["format"] == results_io.ATLAS_FORMAT for r in loaded]
    if any(atlases):
        if not all(atlases):
            raise UserError("compare reads atlases with atlases and runs with runs, not both")
        return _atlases(args)
    names, runs = compare.runs(args.files, loaded)
    if len(runs) < 2:
        raise UserError("compare needs two results files, or one with several interpreters")
    cells, claims = compare.cell_rows(runs), compare.claim_rows(runs)
    compare.check_comparable(cells, claims)
    table = compare.format_table(names, cells, claims, compare.table_rows(runs))
    print(table)
    if args.html:
        from pylab.report.comparison import write_comparison

        try:
            page = write_comparison(args.html, names, runs, table)
        except OSError as exc:
            raise UserError(f"cannot write {args.html}: {exc.strerror or exc}") from None
        print(page)
    return 0


def _atlases(args: argparse.Namespace) -> int:
    """Atlases side by side: each file's interpreters are runs of their own."""
    from pylab.report import atlas

    names, found = atlas.runs(args.files, [results_io.load(p, atlas=True) for p in args.files])
    if len(found) < 2:
        raise UserError("compare needs two atlases, or one with several interpreters")
    if args.html:
        raise UserError("--html compares runs; for atlases compare prints the table")
    lines, _, _ = atlas.compare_lines(names, found)
    print("\n".join(lines))
    return 0
