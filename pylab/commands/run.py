"""`python -m pylab run`: measure the lab (a preset, narrowed by options) and save it.

Lists are comma-separated. Explicit options narrow or override the preset. The
results go to OUT/<UTC time>-<host>.json with a CSV beside it, rewritten after
every cell; stdout ends with a table of speed-ups and the results path.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

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


def register(sub: argparse._SubParsersAction) -> None:
    from pylab.cli import EPILOG

    p = sub.add_parser(
        "run",
        help="measure kernels serially, in threads and in processes",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--preset", default="default", help="quick, default or full (default: default)")
    p.add_argument("--kernels", type=_names, help="e.g. compute,io (see `pylab list`)")
    p.add_argument("--variants", type=_names, help="e.g. gil,nogil,py")
    p.add_argument("--executors", type=_names, help="serial, threads, processes")
    p.add_argument("--start-methods", type=_names, help="fork, forkserver, spawn")
    p.add_argument("--workers", type=_workers, help="worker counts, e.g. 1,2,4")
    p.add_argument("--repeats", type=_number(int, 1, 1000), help="timed pairs per cell")
    p.add_argument(
        "--min-time", type=_number(float, 0.001, 3600), help="least seconds per serial run"
    )
    p.add_argument("--out", type=Path, default=Path("results"), help="directory (default: results)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pylab import summary
    from pylab.machine import usable_cores
    from pylab.measure import Settings
    from pylab.pinning import pin_thread_pools
    from pylab.plan import Selection, build_plan
    from pylab.presets import get_preset
    from pylab.runner import new_results, run_cells

    preset = get_preset(args.preset)
    selection = Selection(
        args.kernels, args.variants, args.executors, args.start_methods, args.workers
    )
    cells = build_plan(preset, selection, usable_cores())
    settings = Settings(
        repeats=args.repeats or preset.repeats,
        warmups=preset.warmups,
        min_time_s=args.min_time or preset.min_time_s,
    )
    results = new_results(preset.name, settings, selection, pin_thread_pools())
    path = _results_path(args.out, results)
    print(f"pylab: {len(cells)} cells, preset {preset.name}, writing {path}", file=sys.stderr)
    try:
        with ProgressBar(len(cells), quiet=args.quiet) as progress:
            run_cells(results, cells, settings, path, progress)
    except KeyboardInterrupt:
        done = len(results["cells"])
        print(f"pylab: interrupted; {done} finished cell(s) kept in {path}", file=sys.stderr)
        return 130
    print(summary.format_table(results))
    print()
    print(path)
    return 0 if all(cell["ok"] for cell in results["cells"]) else 1


def _results_path(out: Path, results: dict) -> Path:
    from pylab import results as results_io

    try:
        out.mkdir(parents=True, exist_ok=True)
        path = results_io.default_path(out, results["machine"]["hostname"], results_io.utc_now())
        results_io.save(results, path)
    except OSError as exc:
        raise UserError(f"cannot write results to {out}: {exc.strerror or exc}") from None
    return path


class ProgressBar:
    """A tqdm bar on stderr, only when stderr is a terminal and not --quiet."""

    def __init__(self, total: int, quiet: bool) -> None:
        import tqdm

        tqdm.tqdm.monitor_interval = 0  # no monitor thread: forking with threads warns
        self.bar = tqdm.tqdm(
            total=total,
            unit="cell",
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

    def update(self, index: int, spec) -> None:
        from pylab.plan import params_label

        where = spec.executor + (f"/{spec.start_method}" if spec.start_method else "")
        params = params_label(dict(spec.params))
        label = f"{spec.kernel}/{spec.variant} {params} {where} W={spec.workers}"
        self.bar.update(index - self.bar.n)
        self.bar.set_description_str(label.replace("  ", " "))
