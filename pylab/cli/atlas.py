"""`python -m pylab atlas`: for the calls of the libraries people import, does the GIL come
off, from what input size, do threads pay, and does a free-threaded build keep it off?

Each call of the catalogue (built in, or --catalogue FILE) is measured the probe's way, in a
child with a deadline, under each --python interpreter: its GIL share and thread speed-up
over its sizes, the release size (from which it holds the GIL under half its time) and the
payoff size (from which W threads scale), then the probe at the largest size (threads,
processes, a recommendation). A call whose reading may not hold is read again in later
rounds over all the calls, until a recommendation is read twice (--rounds). Under a
free-threaded interpreter each extension module the calls use is imported in a fresh
child: is the GIL still off, does it load in a subinterpreter? Progress goes to stderr;
the results file's path is the last line of stdout.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from pylab.atlas.rounds import MAX_ROUNDS
from pylab.base.errors import Terminated, UserError
from pylab.cli import common
from pylab.measure.settings import DEFAULT_OUT


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "atlas",
        help="measure the GIL share and thread payoff of common library calls by input size",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=common.EPILOG,
    )
    p.add_argument("--catalogue", type=Path, metavar="FILE",
                   help="a catalogue of calls (TOML) replacing the built-in one, or adding to "
                   'it with extends = "builtin"')  # fmt: skip
    p.add_argument("--only", type=common.names, metavar="LIB[,LIB...]",
                   help="only these libraries (or library/call names)")  # fmt: skip
    p.add_argument("--preset", choices=("quick", "default"), default="default",
                   help="quick: 3 sizes a call, 3 pairs each; default: all sizes, 5 pairs")
    p.add_argument("--workers", type=common.number(int, 2, common.MAX_WORKERS),
                   help="W threads and processes (default: the usable cores, at least 2)")
    p.add_argument("--rounds", type=common.number(int, 1, 9), default=MAX_ROUNDS, metavar="N",
                   help="read a call's speed-ups up to N times, minutes apart, until a "
                   f"recommendation is read twice (default: {MAX_ROUNDS}; 1: once)")  # fmt: skip
    p.add_argument("--timeout", type=common.number(float, 1, 86400), metavar="S",
                   help="each call's deadline in seconds (default: 60 s and 20 s per size)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                   help=f"where the results go (default: {DEFAULT_OUT}/)")  # fmt: skip
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    common.add_python_options(p)
    p.set_defaults(func=main)


def _terminated(signum: int, frame: object) -> None:
    raise Terminated()


def main(args: argparse.Namespace) -> int:
    from pylab import results as results_io
    from pylab.atlas import catalogue, run
    from pylab.host.machine import hostname
    from pylab.pythons.targets import current, targets

    entries = catalogue.select(catalogue.load(args.catalogue), args.only)
    # Other interpreters' environments get the atlas's libraries, from wheels where they
    # exist (on 3.13t lxml, orjson, brotli and cryptography have none: their calls skip).
    chosen = (
        targets(args.python, args.envs, args.rebuild_envs, ("atlas",)) if args.python
        else [current()]
    )  # fmt: skip
    settings = run.Settings(args.preset, args.workers or run.default_workers(),
                            str(args.catalogue) if args.catalogue else None, args.only,
                            args.timeout, args.rounds)  # fmt: skip
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {args.out}: {exc.strerror or exc}") from None
    when = results_io.utc_now()
    path = results_io.free_path(args.out, f"atlas-{when:%Y%m%dT%H%M%SZ}-{hostname()}")

    def progress(text: str) -> None:
        if not args.quiet:
            print(text, file=sys.stderr, flush=True)

    note = run.modules_only_note(chosen)
    if note:
        progress(f"note: {note}")
    signal.signal(signal.SIGTERM, _terminated)
    results, status = run.run(path, entries, chosen, settings, sys.argv, progress)
    print(format_table(results))
    print(path)
    return status


def format_table(results: dict) -> str:
    """The atlas in one table: a line per call and interpreter."""
    from pylab.report.atlas import table_lines

    return "\n".join(table_lines(results))
