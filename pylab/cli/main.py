"""The command line: `python -m pylab {run,probe,atlas,gilcheck,report,compare,export,list,
info,pythons}`, one module per command.

Exit statuses: pylab.base.errors.Exit (the epilog lists them).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

import pylab
from pylab.base.errors import Exit, UserError
from pylab.cli.common import EPILOG, version_text
from pylab.host.pools import pin_environment

COMMANDS = (
    "run", "probe", "atlas", "gilcheck", "report", "compare", "export", "list", "info", "pythons",
)  # fmt: skip

class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line instead of usage text."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{self.prog}: {message}")


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
        importlib.import_module(f"pylab.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    pin_environment()  # pool sizes of BLAS/OpenMP, before numpy loads (pylab.host.pools)
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except UserError as exc:
        print(f"pylab: error: {exc}", file=sys.stderr)
        return Exit.USAGE
    except KeyboardInterrupt:
        print("pylab: interrupted", file=sys.stderr)
        return Exit.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python's own flush of
        # stdout at exit from raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.FAILED
    except Exception:  # not the user's input: pylab's own failure, to be reported
        traceback.print_exc()
        print(
            f"pylab: error: this is a bug in pylab {pylab.__version__}; please report it "
            "with the traceback above",
            file=sys.stderr,
        )
        return Exit.BUG


if __name__ == "__main__":
    raise SystemExit(main())
