"""`python -m pylab gilcheck [--seconds S] [--json PATH]`: pylab's GIL share beside the
GIL contention that dask.distributed reports (gilknocker), for the same calls.

For each call (the kernels, and standard calls: time.sleep, hashlib, zlib, a
pure-Python sum, json, numpy) looping for S seconds: pylab's GIL share, the share of
the call's run time that HOLDS the GIL (the probe's heartbeat), and gilknocker's
contention, the share of time a knocking thread WAITED for the GIL, polled and read as
a distributed worker's system monitor does (Dask's configuration says how often).
A cross-check only: no verdict uses it. Needs gilknocker and distributed
(pip install 'pylab-cext-lab[dask]').
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pylab.base.fmt import fmt_interval, fmt_seconds
from pylab.cli import common
from pylab.cli.common import write_json
from pylab.probing.gilcheck import run


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gilcheck",
        help="set pylab's GIL share beside Dask's GIL contention (gilknocker) for the same calls",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--seconds",
        type=common.number(float, 0.001, 600),
        default=1.0,
        help="how long each call loops for each figure (default: 1)",
    )
    p.add_argument("--calls", type=common.names, help="only the calls whose names contain these")
    p.add_argument(
        "--polling-us",
        type=common.number(int, 1, 10**6),
        help="gilknocker's polling interval (default: distributed's, from Dask's configuration)",
    )
    p.add_argument(
        "--worker",
        action="store_true",
        help="also read the contention in a LocalCluster worker's own system monitor",
    )
    p.add_argument(
        "--busy-threads",
        type=common.number(int, 0, 64),
        default=0,
        metavar="N",
        help="N Python threads looping pure Python beside the call while both figures are "
        "measured (default: 0)",
    )
    p.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    p.set_defaults(func=main)


def format_check(data: dict[str, Any]) -> str:
    d = data["dask"]
    worker = any("worker_contention" in row for row in data["rows"])
    head = f"{'call':<42}{'one call':>10}  {'pylab GIL share':<20}{'gilknocker':<20}"
    lines = [f"warning: {text}" for text in data.get("machine_warnings", [])]
    lines.append(head + ("in a worker         " if worker else "") + "agree  other work")
    for row in data["rows"]:
        line = (
            f"{row['call']:<42}{fmt_seconds(row['call_s']):>10}  "
            f"{fmt_interval(row['pylab_share'], ''):<20}"
            f"{fmt_interval(row['gilknocker_contention'], ''):<20}"
        )
        if worker:
            w = row.get("worker_contention")
            line += f"{fmt_interval(w, '') if w else '-':<20}"
        # the rest of the machine's CPU meanwhile: the heartbeat needs a free core
        load = f"{row['background_cores']:.2f} cores"
        lines.append(line + f"{'yes' if row['agree'] else 'no':<7}{load}")
    m = data["machine"]
    lines += [f"warning: {text}" for text in data["warnings"]]
    lines += [
        f"each call looped {data['seconds']:g} s per figure{_beside(data)}; they agree within "
        f"{data['agree_within']:g}; gilknocker {d['gilknocker']} polling every "
        f"{d['polling_interval_us']} us, read every {d['monitor_interval_s']:g} s "
        f"(distributed {d['distributed']})",
        f"measured on {m['hostname']}: {m['cpu_model']}, {m['usable_cores']} usable cores, "
        f"{m['python']['implementation']} {m['python']['version']}",
    ]
    return "\n".join(lines)


def _beside(data: dict[str, Any]) -> str:
    n = data.get("busy_threads", 0)
    return f", beside {n} busy Python thread{'s' if n != 1 else ''}" if n else ""


def main(args: argparse.Namespace) -> int:
    def progress(name: str) -> None:  # only for a reader at a terminal
        print(f"checking {name}", file=sys.stderr, flush=True)

    shown = progress if sys.stderr.isatty() else None
    data = run(args.calls, args.seconds, args.polling_us, args.worker, args.busy_threads, shown)
    if args.json:
        write_json(args.json, data)
    print(format_check(data))
    return 0
