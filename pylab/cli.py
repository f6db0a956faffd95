"""The command line: `python -m pylab {run,probe,gilcheck,report,compare,export,list,info,
pythons}`, one module per command.

Exit status: 0 every cell and experiment measured; 1 some failed (the run is
still complete and reported); 2 usage error (one line on stderr); 70 a bug in pylab
(its traceback, then a line saying so); 130 interrupted by Ctrl-C, 143 by SIGTERM (the
results file keeps every finished cell).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from pathlib import Path

import pylab
from pylab.errors import UserError

COMMANDS = ("run", "probe", "gilcheck", "report", "compare", "export", "list", "info", "pythons")

EPILOG = """\
exit status: 0 all measured, 1 some cells or experiments failed (results written),
2 usage error, 70 a bug in pylab (please report its traceback), 130 interrupted by
Ctrl-C, 143 by SIGTERM (finished cells are kept in the results file; `run --resume
FILE` finishes the run)"""
BUG = 70  # sysexits' EX_SOFTWARE: an internal error, not the user's input


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line instead of usage text."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{self.prog}: {message}")


def version_text() -> str:
    return f"pylab {pylab.__version__} ({pylab.DESCRIPTION}) at {Path(pylab.__file__).parent}"


def build_parser() -> Parser:
    parser = Parser(
        prog="python -m pylab",
        description=pylab.DESCRIPTION + ": when do GIL-releasing C extensions scale in "
        "threads, and when do you need processes?",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=version_text())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"pylab.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Pool sizes of BLAS/OpenMP must be pinned before numpy loads (pylab.pinning).
    from pylab.pinning import pin_environment

    pin_environment()
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except UserError as exc:
        print(f"pylab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pylab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python's own flush of
        # stdout at exit from raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception:  # not the user's input: pylab's own failure, to be reported
        traceback.print_exc()
        print(
            f"pylab: error: this is a bug in pylab {pylab.__version__}; please report it "
            "with the traceback above",
            file=sys.stderr,
        )
        return BUG


if __name__ == "__main__":
    raise SystemExit(main())
