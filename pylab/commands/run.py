"""`python -m pylab run`: measure the lab (a preset, narrowed by options) and save it.

Lists are comma-separated. Explicit options narrow or override the preset. The
results go to OUT/<UTC time>-<host>.json with a CSV beside it, rewritten after
every cell; stdout ends with a table of speed-ups and the results path.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import Any

from pylab.errors import UserError

MAX_WORKERS = max(64, 8 * (os.cpu_count() or 1))


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected a comma-separated list of names")
    return names


def _number(convert: type[int] | type[float], low: float, high: float):
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


_worker_count = _number(int, 1, MAX_WORKERS)


def _workers(text: str) -> list[int]:
    return [_worker_count(item) for item in _names(text)]


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=VALUE, e.g. gil_share=0.3")
    return key.strip(), value.strip()


# Options that choose what to measure: a resumed run takes them from its file.
PLAN_OPTIONS = (
    "preset", "kernels", "variants", "executors", "start_methods", "workers", "params",
    "repeats", "min_time", "out", "only", "level",
)  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:
    from pylab.cli import EPILOG

    p = sub.add_parser(
        "run",
        help="measure kernels serially, in threads and in processes",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--preset", help="quick, default or full (default: default)")
    p.add_argument("--kernels", type=_names, help="e.g. compute,io (see `pylab list`)")
    p.add_argument("--variants", type=_names, help="e.g. gil,nogil,py")
    p.add_argument("--executors", type=_names, help="serial, threads, processes")
    p.add_argument("--start-methods", type=_names, help="fork, forkserver, spawn")
    p.add_argument("--workers", type=_workers, help="worker counts, e.g. 1,2,4")
    p.add_argument(
        "--param",
        dest="params",
        type=_key_value,
        action="append",
        metavar="KEY=VALUE",
        help="a kernel parameter, e.g. gil_share=0.3 (repeatable; replaces the preset's values)",
    )
    p.add_argument("--only", type=_names, help="scaling (the cells) or claims (the experiments)")
    p.add_argument(
        "--level", help="how much the claim experiments measure: tiny, quick, default, full"
    )
    p.add_argument("--repeats", type=_number(int, 1, 1000), help="timed pairs per cell")
    p.add_argument(
        "--min-time", type=_number(float, 0.001, 3600), help="least seconds per serial run"
    )
    p.add_argument(
        "--timeout",
        type=_number(float, 0.1, 86400),
        help="seconds a cell may take before it is stopped and failed (default: 300)",
    )
    p.add_argument("--out", type=Path, help="directory for the results (default: results)")
    p.add_argument("--resume", type=Path, metavar="FILE", help="finish an interrupted run")
    p.add_argument("--force", action="store_true", help="resume a run of another machine/build")
    p.add_argument("--no-report", action="store_true", help="do not write the HTML/MD report")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


def _raise_terminated(signum: int, frame: object) -> None:
    from pylab.errors import Terminated

    raise Terminated


def main(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _raise_terminated)
    if args.resume:
        return _resume(args)
    if args.force:
        raise UserError("--force only goes with --resume")
    from pylab.machine import usable_cores
    from pylab.measure import Settings
    from pylab.pinning import pin_thread_pools
    from pylab.plan import Selection, build_plan, planned_experiments
    from pylab.presets import get_preset
    from pylab.runner import new_results

    preset = get_preset(args.preset or "default")
    params = dict(args.params) if args.params else None
    selection = Selection(
        args.kernels,
        args.variants,
        args.executors,
        args.start_methods,
        args.workers,
        params,
        args.only,
    )
    cells = build_plan(preset, selection, usable_cores())
    settings = Settings(
        repeats=args.repeats or preset.repeats,
        warmups=preset.warmups,
        min_time_s=args.min_time or preset.min_time_s,
        timeout_s=args.timeout or Settings.timeout_s,
        level=_level(args.level or preset.level),
    )
    results = new_results(preset.name, settings, selection, pin_thread_pools())
    path = _results_path(args.out or Path("results"), results)
    experiments = planned_experiments(selection)
    return _execute(results, cells, experiments, settings, path, args)


def _level(name: str) -> str:
    from pylab.errors import unknown_name
    from pylab.experiments.base import LEVELS

    if name not in LEVELS:
        raise unknown_name("level", name, LEVELS)
    return name


def _resume(args: argparse.Namespace) -> int:
    from dataclasses import asdict, replace

    from pylab import results as results_io
    from pylab.machine import build_info, machine_info
    from pylab.pinning import pin_thread_pools
    from pylab.resume import plan_resume

    given = [f"--{name.replace('_', '-')}" for name in PLAN_OPTIONS if getattr(args, name)]
    if given:
        raise UserError(f"--resume continues the run as planned; drop {', '.join(given)}")
    results = results_io.load(args.resume)
    if results.get("status") == "complete":
        print(f"pylab: {args.resume} is complete; nothing to resume", file=sys.stderr)
        return _report(results, args.resume)
    try:
        todo = plan_resume(results, machine_info(), build_info(), args.force)
    except UserError as exc:
        raise UserError(f"{args.resume}: {exc}") from None
    settings = replace(todo.settings, timeout_s=args.timeout or todo.settings.timeout_s)
    pin_thread_pools()
    results["settings"] = asdict(settings)
    results.setdefault("resumed", []).append(results_io.utc_now().isoformat(timespec="seconds"))
    _writable(args.resume, results)
    return _execute(results, todo.cells, todo.experiments, settings, args.resume, args, todo.sizes)


def _execute(
    results: dict,
    cells: list,
    experiments: list[str],
    settings: Any,
    path: Path,
    args: argparse.Namespace,
    sizes: dict | None = None,
) -> int:
    """Measure, write the report, print the tables and the path; the exit status says how."""
    from pylab.errors import Terminated
    from pylab.runner import run_lab

    todo = f"{len(cells)} cells and {len(experiments)} claim experiments"
    print(f"pylab: {todo} to run, writing {path}", file=sys.stderr)
    try:
        with ProgressBar(len(cells) + len(experiments), quiet=args.quiet) as progress:
            run_lab(results, cells, experiments, settings, path, progress, sizes)
    except (KeyboardInterrupt, Terminated) as exc:
        done = len(results["cells"])
        print(
            f"pylab: interrupted; {done} finished cell(s) kept in {path}; "
            f"`python -m pylab run --resume {path}` finishes the run",
            file=sys.stderr,
        )
        return 143 if isinstance(exc, Terminated) else 130
    if not args.no_report:
        from pylab.commands.report import write

        print(f"pylab: report in {write(path)}", file=sys.stderr)
    return _report(results, path)


def _report(results: dict, path: Path) -> int:
    """The tables, then the results path as the last line; 1 if anything failed."""
    from pylab import summary

    for table in (summary.format_table(results), summary.format_claims(results)):
        if table:
            print(table)
            print()
    print(path)
    failed = [c for c in results["cells"] if not c["ok"]]
    failed += [e for e in (results.get("experiments") or {}).values() if not e.get("ok")]
    return 1 if failed else 0


def _writable(path: Path, results: dict) -> None:
    from pylab import results as results_io

    try:
        results_io.save(results, path)
    except OSError as exc:
        raise UserError(f"cannot write results to {path}: {exc.strerror or exc}") from None


def _results_path(out: Path, results: dict) -> Path:
    from pylab import results as results_io

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write results to {out}: {exc.strerror or exc}") from None
    path = results_io.default_path(out, results["machine"]["hostname"], results_io.utc_now())
    _writable(path, results)
    return path


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
