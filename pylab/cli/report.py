"""`python -m pylab report [RESULTS.json ...]`: the report of runs, beside each file.

Writes results/<run>/report.html (self-contained: plots embedded, no network,
no script), report.md and plots/*.png. With no file: the newest run in results/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pylab.base.errors import UserError
from pylab.measure.settings import DEFAULT_OUT


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the HTML/Markdown report of runs", description=__doc__)
    p.add_argument("files", nargs="*", type=Path, metavar="RESULTS.json")
    p.set_defaults(func=main)


def newest_run(folder: Path = DEFAULT_OUT) -> Path:
    runs = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    if not runs:
        raise UserError(f"no results file in {folder}/: run `python -m pylab run` first")
    return runs[-1]


def main(args: argparse.Namespace) -> int:
    from pylab.report import write_report  # matplotlib: only when a report is written

    for path in args.files or [newest_run()]:
        print(write_report(path))
    return 0
