"""What the commands share: argument types (comma lists, worker counts, bounded numbers,
KEY=VALUE), the `--python` options, the exit statuses' epilog, the version line, and
writing a JSON file.

Each argument type raises argparse.ArgumentTypeError with the reason, which the CLI prints
as one line.
"""

from __future__ import annotations

import argparse
import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pylab
from pylab.base.errors import Exit, UserError
from pylab.pythons import envs

MAX_WORKERS = max(64, 8 * (os.cpu_count() or 1))


def names(text: str) -> list[str]:
    """`a,b,c`: a comma-separated list of names."""
    found = [n.strip() for n in text.split(",") if n.strip()]
    if not found:
        raise argparse.ArgumentTypeError("expected a comma-separated list of names")
    return found


def number(convert: type[int] | type[float], low: float, high: float) -> Callable[[str], float]:
    """An argparse type for a number from `low` to `high`, inclusive."""
    what = "a whole number" if convert is int else "a number"

    def parse(text: str) -> int | float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not low <= value <= high:  # also refuses nan
            raise argparse.ArgumentTypeError(f"{text}: choose {low:g} to {high:g}")
        return value

    return parse


_worker_count = number(int, 1, MAX_WORKERS)


def workers(text: str) -> list[int]:
    """`1,2,4`: worker counts."""
    return [_worker_count(item) for item in names(text)]


def key_value(text: str) -> tuple[str, str]:
    """`KEY=VALUE`, both sides non-empty."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=VALUE, e.g. gil_share=0.3")
    return key.strip(), value.strip()


# What each exit status means, for the epilog: pylab.base.errors.Exit is the list.
_EXIT_WORDS = {
    Exit.OK: "all measured",
    Exit.FAILED: "some cells or experiments failed (results written)",
    Exit.USAGE: "usage error",
    Exit.BUG: "a bug in pylab (please report its traceback)",
    Exit.INTERRUPTED: "interrupted by Ctrl-C",
    Exit.TERMINATED: "by SIGTERM",
}
EPILOG = textwrap.fill(
    "exit status: " + ", ".join(f"{int(code)} {_EXIT_WORDS[code]}" for code in Exit)
    + " (finished cells are kept in the results file; `run --resume FILE` finishes the run)",
    width=82,
)


def version_text() -> str:
    return f"pylab {pylab.__version__} ({pylab.DESCRIPTION}) at {Path(pylab.__file__).parent}"


def add_python_options(parser: argparse.ArgumentParser) -> None:
    """--python, --envs and --rebuild-envs, as every command that takes them spells them."""
    parser.add_argument(
        "--python",
        type=names,
        metavar="PY[,PY...]",
        help="interpreters: paths, commands on PATH or versions (3.12, 3.13t); see `pylab "
        "pythons` (default: this one)",
    )
    parser.add_argument(
        "--envs", type=Path, metavar="DIR",
        help=f"where their environments live (default: $PYLAB_ENVS or {envs.default_root()})",
    )  # fmt: skip
    parser.add_argument("--rebuild-envs", action="store_true", help="build their environments anew")


def write_json(path: Path, data: Any) -> None:
    """`data` as indented JSON at `path`; an unwritable path is a user error."""
    try:
        path.write_text(json.dumps(data, indent=1) + "\n")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
