"""`python -m pylab pythons`: the interpreters pylab finds, and whether each can be used.

It looks at the interpreter pylab runs on, pyenv's versions, uv's installed Pythons and
python3* on PATH, and asks each what it is: version, GIL or free-threaded build, path,
and, where it cannot be used, why (too old, not CPython, no venv). `--python` on `run`
and `probe` takes any of them by path, command or version (`3.12`, `3.13t`).
"""

from __future__ import annotations

import argparse
import json

from pylab.pythons.discovery import discover


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pythons",
        help="list the Python interpreters found, GIL or free-threaded, and which can be used",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=main)


def format_table(found: list) -> str:
    rows = [("python", "build", "found by", "path", "usable")]
    rows += [(p.name, p.build, p.source, p.path, "yes" if p.usable else f"no: {p.why_not}")
             for p in found]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    )


def main(args: argparse.Namespace) -> int:
    found = discover()
    if args.json:
        print(json.dumps([p.as_dict() for p in found], indent=1))
    else:
        print(format_table(found))
    return 0
