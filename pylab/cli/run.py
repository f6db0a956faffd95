"""`python -m pylab run`: measure the lab (a preset, narrowed by options) and save it.

Lists are comma-separated. Explicit options narrow or override the preset. The
results go to OUT/<UTC time>-<host>.json with a CSV beside it, rewritten after
every cell; stdout ends with a table of speed-ups and the results path. With
--scheduler ADDRESS the lab runs once on every machine of that Dask cluster, and each
machine's file comes back to OUT, with a fleet summary (fleet-<UTC time>.md).
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from pylab import results as results_io
from pylab.base import extras
from pylab.base.errors import Terminated, UserError, stopped_status
from pylab.cli import common as args
from pylab.measure.plan import Selection
from pylab.measure.settings import DEFAULT_OUT, Settings
from pylab.pythons.targets import targets

# Options that choose what to measure: a resumed run takes them from its file.
PLAN_OPTIONS = (
    "preset", "kernels", "variants", "executors", "start_methods", "workers", "params",
    "repeats", "min_time", "precision", "max_time", "retake_share", "out", "only", "level",
    "python",
)  # fmt: skip


# The options each machine's lab gets again under --scheduler (not --out: each lab writes
# into a folder of its own, and its file comes back to --out here).
LAB_OPTIONS = (
    "preset", "kernels", "variants", "executors", "start_methods", "workers", "params",
    "only", "level", "repeats", "precision", "max_time", "min_time", "retake_share", "timeout",
)  # fmt: skip
# Options that name interpreters on this machine: a fleet's labs run under each worker's.
INTERPRETER_OPTIONS = ("python", "envs", "rebuild_envs")
SCHEDULER_TIMEOUT_S = 10.0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="measure kernels serially, in threads and in processes",
        description=__doc__,
        epilog=args.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--preset", help="quick, default, dask or full (default: default)")
    p.add_argument("--kernels", type=args.names, help="e.g. compute,io (see `pylab list`)")
    p.add_argument("--variants", type=args.names, help="e.g. gil,nogil,py")
    p.add_argument(
        "--executors", type=args.names,
        help="serial, threads, processes, interpreters (subinterpreters: Python 3.13+), omp",
    )  # fmt: skip
    p.add_argument("--start-methods", type=args.names, help="fork, forkserver, spawn")
    p.add_argument("--workers", type=args.workers, help="worker counts, e.g. 1,2,4")
    p.add_argument(
        "--param",
        dest="params",
        type=args.key_value,
        action="append",
        metavar="KEY=VALUE",
        help="a kernel parameter, e.g. gil_share=0.3 (repeatable; replaces the preset's values)",
    )
    p.add_argument(
        "--only", type=args.names, help="scaling (the cells) or claims (the experiments)"
    )
    p.add_argument(
        "--level", help="how much the claim experiments measure: tiny, quick, default, full"
    )
    p.add_argument(
        "--repeats", type=args.number(int, 1, 1000), help="timed pairs per cell, at least"
    )
    p.add_argument(
        "--precision",
        type=args.number(float, 0, 10),
        help="take pairs until the speed-up interval is this share of the median wide "
        f"(default: {Settings.precision:g}; 0: until --max-time)",
    )
    p.add_argument(
        "--max-time",
        type=args.number(float, 0, 86400),
        help="seconds of pairs per cell before it settles for less precision "
        "(default: the preset's; 0: exactly --repeats pairs)",
    )
    p.add_argument(
        "--min-time", type=args.number(float, 0.001, 3600), help="least seconds per serial run"
    )
    p.add_argument(
        "--retake-share",
        type=args.number(float, 0, 10),
        help="retake cells still disturbed at the end of their time, within this share of the "
        f"time the cells took (default: {Settings.retake_share:g}; 0, or --max-time 0: none)",
    )
    p.add_argument(
        "--timeout",
        type=args.number(float, 0.1, 86400),
        help="seconds a cell may take before it is stopped and failed "
        f"(default: {Settings.timeout_s:g})",
    )
    p.add_argument("--out", type=Path, help=f"directory for the results (default: {DEFAULT_OUT})")
    p.add_argument("--resume", type=Path, metavar="FILE", help="finish an interrupted run")
    p.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="run the lab once on every machine of this Dask cluster (e.g. tcp://host:8786)",
    )  # fmt: skip
    p.add_argument(
        "--scheduler-timeout", type=args.number(float, 0.1, 3600), metavar="SECONDS",
        help=f"seconds to reach the Dask scheduler (default: {SCHEDULER_TIMEOUT_S:g})",
    )  # fmt: skip
    p.add_argument("--force", action="store_true", help="resume a run of another machine/build")
    args.add_python_options(p)
    p.add_argument("--no-report", action="store_true", help="do not write the HTML/MD report")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def main(opts: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _raise_terminated)
    from pylab import runner

    if opts.scheduler:
        return _fleet(opts)
    if opts.scheduler_timeout is not None:
        raise UserError("--scheduler-timeout only goes with --scheduler")
    if opts.resume:
        given = [f"--{name.replace('_', '-')}" for name in PLAN_OPTIONS if getattr(opts, name)]
        if given:
            raise UserError(f"--resume continues the run as planned; drop {', '.join(given)}")
        run = runner.resume(opts.resume, opts.force, opts.timeout, opts.envs)
        if run is None:  # complete already
            return _tables(results_io.load(opts.resume), opts.resume)
        return _execute(run, opts)
    if opts.force:
        raise UserError("--force only goes with --resume")
    selection, overrides = _selection(opts), _overrides(opts)  # bad input fails before a build
    targets = _targets(opts)
    return _execute(runner.start(opts.preset, selection, overrides, opts.out, targets), opts)


def _fleet(opts: argparse.Namespace) -> int:
    """The lab on every machine of a Dask cluster (pylab.runner.fleet)."""
    if opts.resume:
        raise UserError("--scheduler starts a new run on every machine; resume a machine's "
                        "file there, with `python -m pylab run --resume FILE`")  # fmt: skip
    if opts.force:
        raise UserError("--force only goes with --resume")
    given = [f"--{n.replace('_', '-')}" for n in INTERPRETER_OPTIONS if getattr(opts, n)]
    if given:
        raise UserError(f"--scheduler runs each machine's lab under the Python of its Dask "
                        f"worker; drop {', '.join(given)}")  # fmt: skip
    from pylab.runner.start import plan_run

    extras.require_dask()
    plan_run(opts.preset, _selection(opts), _overrides(opts))  # bad input fails here, once
    from pylab.runner.fleet.main import run_fleet

    timeout = opts.scheduler_timeout or SCHEDULER_TIMEOUT_S
    return run_fleet(opts.scheduler, timeout, lab_args(opts), opts.out or DEFAULT_OUT,
                     not opts.no_report)  # fmt: skip


def lab_args(opts: argparse.Namespace) -> list[str]:
    """The options of LAB_OPTIONS that were given, spelt again for `pylab run`."""
    found: list[str] = []
    for name in LAB_OPTIONS:
        value = getattr(opts, name)
        if value is None:
            continue
        if name == "params":
            found += [arg for key, val in value for arg in ("--param", f"{key}={val}")]
        elif isinstance(value, list):
            found += [f"--{name.replace('_', '-')}", ",".join(map(str, value))]
        else:
            found += [f"--{name.replace('_', '-')}", str(value)]
    return found


def _targets(opts: argparse.Namespace) -> Any:
    """The interpreters --python names, their environments built; None: this one."""
    if not opts.python:
        return None

    return targets(opts.python, opts.envs, opts.rebuild_envs)


def _selection(opts: argparse.Namespace) -> Any:
    params = dict(opts.params) if opts.params else None
    return Selection(
        opts.kernels, opts.variants, opts.executors, opts.start_methods, opts.workers, params,
        opts.only,
    )  # fmt: skip


def _overrides(opts: argparse.Namespace) -> dict[str, Any]:
    """Settings given on the command line; None keeps the preset's."""
    return {
        "repeats": opts.repeats,
        "min_time_s": opts.min_time,
        "precision": opts.precision,
        "max_time_s": opts.max_time,
        "retake_share": opts.retake_share,
        "timeout_s": opts.timeout,
        "level": opts.level,
    }


def _execute(run: Any, opts: argparse.Namespace) -> int:
    """Measure, write the report, print the tables and the path; the exit status says how."""
    from pylab.runner import run_lab

    todo = f"{len(run.cells)} cells and {len(run.experiments)} claim experiments"
    print(f"pylab: {todo} to run, writing {run.path}", file=sys.stderr)
    try:
        with ProgressBar(run.steps, quiet=opts.quiet) as progress:
            run_lab(run, progress)
    except (KeyboardInterrupt, Terminated) as exc:
        done = len(run.results["cells"])
        print(
            f"pylab: interrupted; {done} finished cell(s) kept in {run.path}; "
            f"`python -m pylab run --resume {run.path}` finishes the run",
            file=sys.stderr,
        )
        return stopped_status(exc)
    if not opts.no_report:
        from pylab.report import write_report

        print(f"pylab: report in {write_report(run.path)}", file=sys.stderr)
    return _tables(run.results, run.path)


def _tables(results: dict, path: Path) -> int:
    """The tables, then the results path as the last line; 1 if anything failed."""
    from pylab.report import summary

    tables = (*summary.format_tables(results), summary.format_overhead(results),
              summary.format_claims(results))  # fmt: skip
    for table in tables:
        if table:
            print(table)
            print()
    from pylab.report.quality import quality_line

    for pid, view in results_io.views(results):
        noise = quality_line(view)
        if noise:
            print(f"pylab: Python {pid}: {noise}", file=sys.stderr)
        warning = summary.gil_warning(view)
        if warning:
            print(f"pylab: warning: Python {pid}: {warning}", file=sys.stderr)
    print(path)
    failed = [c for c in results["cells"] if not c["ok"]]
    for _, view in results_io.views(results):
        failed += [e for e in view["experiments"].values() if not e.get("ok")]
    return 1 if failed else 0


class ProgressBar:
    """A tqdm bar on stderr, only when stderr is a terminal and not --quiet."""

    def __init__(self, total: int, quiet: bool) -> None:
        import tqdm

        tqdm.tqdm.monitor_interval = 0  # no monitor thread: forking with threads warns
        self.bar = tqdm.tqdm(
            total=total,
            unit="step",
            file=sys.stderr,
            disable=quiet or not sys.stderr.isatty(),
            dynamic_ncols=True,
        )

    def __enter__(self):
        return self.update

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.bar.update(self.bar.total - self.bar.n)
        self.bar.close()

    def update(self, index: int, label: str) -> None:
        self.bar.update(index - self.bar.n)
        self.bar.set_description_str(label)
