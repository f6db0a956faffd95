"""`python -m pylab report [RESULTS.json ...]`: the report of runs, beside each file.

Writes results/<run>/report.html (self-contained: plots embedded, no network,
no script), report.md and plots/*.png. With no file: the newest run in results/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pylab.errors import UserError
from pylab.settings import DEFAULT_OUT


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the HTML/Markdown report of runs", description=__doc__)
    p.add_argument("files", nargs="*", type=Path, metavar="RESULTS.json")
    p.set_defaults(func=main)


def newest_run(folder: Path = DEFAULT_OUT) -> Path:
    runs = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    if not runs:
        raise UserError(f"no results file in {folder}/: run `python -m pylab run` first")
    return runs[-1]


def write(path: Path) -> Path:
    """The report of one results file; an unwritable folder is a user error."""
    from pylab.report import write_report

    try:
        return write_report(path)
    except OSError as exc:
        raise UserError(f"cannot write the report of {path}: {exc.strerror or exc}") from None


def main(args: argparse.Namespace) -> int:
    for path in args.files or [newest_run()]:
        print(write(path))
    return 0
