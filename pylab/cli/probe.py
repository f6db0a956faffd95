"""`python -m pylab probe STMT [--setup SETUP]`: does it hold the GIL, and will threads
or processes speed it up?

STMT and SETUP are Python source, as for `python -m timeit`. The probe measures the
share of the statement's run time that holds the GIL, the speed-up of W copies in
threads and in processes, Amdahl's prediction from the GIL share, and recommends
threads, processes, either or neither, with the numbers. The processes run the
statement in a fresh process: the setup must make it work there.

With --dask, or wherever dask.distributed is installed, it also advises a Dask worker
layout (worker processes x threads each) from the GIL share on this machine's cores:
arithmetic on the probe's numbers, which needs no Dask (pylab.probing.dasklayout).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pylab.base import extras
from pylab.base.errors import unknown_name
from pylab.base.fmt import fmt_interval, fmt_rate, fmt_seconds, fmt_speedup
from pylab.cli import common
from pylab.cli.common import write_json
from pylab.executors import START_METHODS
from pylab.pythons.envs import command as env_command
from pylab.pythons.targets import targets
from pylab.results.views import python_name


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "probe",
        help="measure a statement's GIL share and speed-ups; recommend threads or processes",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("statement", metavar="STMT")
    p.add_argument("-s", "--setup", default="pass", help="run once first (default: pass)")
    p.add_argument(
        "--workers", type=common.workers, help="worker counts (default: 2 and the cores)"
    )
    p.add_argument(
        "--start-method", default="fork", help="for the processes: fork, forkserver, spawn"
    )
    p.add_argument("--repeats", type=common.number(int, 1, 1000), default=5, help="pairs per W")
    p.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    p.add_argument(
        "--dask",
        action="store_true",
        help="advise a Dask worker layout (default: where dask.distributed is installed)",
    )
    common.add_python_options(p)
    p.set_defaults(func=main)


def format_probe(data: dict[str, Any]) -> str:
    from pylab.probing.recommend import NO_GIL

    g = data["gil_share"]
    held = f"{fmt_interval(g, '')} of its run time" if g else NO_GIL
    # the machine's state at the start first: it can explain every number below
    lines = [f"warning: {text}" for text in data.get("machine_warnings", [])]
    lines += [
        f"GIL held      {held}",
        f"one call      {fmt_seconds(data['call_s'])}; {data['calls_per_copy']} "
        f"call{'s' if data['calls_per_copy'] != 1 else ''} per copy",
        f"CPU per wall  {data['cpu_per_wall']:.2f}{_in_threads(data)}",
        f"{'W':<4}{'threads':<22}{'processes (' + data['start_method'] + ')':<22}"
        "threads by Amdahl, GIL bound",
    ]
    for w in data["thread_speedup"]:
        t = data["thread_speedup"][w]
        p = data["process_speedup"].get(w)
        ptext = fmt_interval(p) if p else "-"
        ttext = fmt_interval(t)
        model = (
            f"{data['predicted_thread_speedup'][w]:.2f}x, {data['thread_speedup_bound'][w]:.2f}x"
        )
        lines.append(f"{w:<4}{ttext:<22}{ptext:<22}{model}")
    lines += _set_aside(data)
    if data["process_error"]:
        lines.append(f"processes: {data['process_error']}")
    if data.get("bandwidth"):
        lines.append(_bandwidth_line(data["bandwidth"]))
    lines.append(f"recommendation: {data['recommendation']}: {data['reason']}")
    if data.get("dask_layout"):
        lines += _dask_lines(data["dask_layout"])
    lines += [f"warning: {text}" for text in data["warnings"]]
    m = data["machine"]
    lines.append(
        f"measured on   {m['hostname']}: {m['cpu_model']}, {m['usable_cores']} usable cores, "
        f"{m['python']['implementation']} {python_name(m['python'])}"
    )
    return "\n".join(lines)


def _set_aside(data: dict[str, Any]) -> list[str]:
    """`repeats  W=2: 4 of 7 set aside (...)`: the repeats a spell spoiled, per W, and why."""
    lines = []
    for w, checked in (data.get("capacity_at") or {}).items():
        if checked.get("set_aside"):
            why = "; ".join(checked.get("reasons") or [])
            lines.append(f"repeats       W={w}: {checked['set_aside']} of {checked['repeats']} "
                         f"set aside ({why})")  # fmt: skip
    return lines


def _in_threads(data: dict[str, Any]) -> str:
    """`; 1.96 in 2 threads`: near W when the threads all run, near 1 when the GIL serializes."""
    busy = data.get("thread_cpu_per_wall") or {}
    return "".join(f"; {cpu:.2f} in {w} threads" for w, cpu in busy.items())


def _dask_lines(layout: dict[str, Any]) -> list[str]:
    """The layout as `dask worker` and `LocalCluster` take it, its prediction, and why."""
    from pylab.probing.dasklayout import name

    p, t, n = layout["nworkers"], layout["nthreads"], layout["cores"]
    return [
        f"dask layout   {p} worker{'s' if p != 1 else ''} x {t} thread{'s' if t != 1 else ''}, "
        f"predicted {fmt_speedup(layout['predicted_speedup'])} on {n} cores (all threads "
        f"{name(1, n)}: {fmt_speedup(layout['all_threads_speedup'])}, all processes "
        f"{name(n, 1)}: {fmt_speedup(layout['all_processes_speedup'])})",
        f"              {layout['command']}",
        f"              {layout['local_cluster']}",
        f"dask reason   {layout['reason']}",
    ]


def _bandwidth_line(bw: dict[str, Any]) -> str:
    from pylab.host.load import is_busy

    if bw["cached"]:
        where = f"read from {bw['file']}"
    elif bw["file"]:
        where = f"measured now, kept in {bw['file']}"
    elif is_busy(bw["background_cores"]):
        where = f"measured now beside {bw['background_cores']:.2f} cores of other work, not kept"
    else:
        where = "measured now, not kept: the cache folder is not writable"
    return (
        f"bandwidth     {fmt_rate(bw['single_bytes_per_s'])} single-core, "
        f"{fmt_rate(bw['threads_bytes_per_s'])} in {bw['workers']} threads ({bw['kernel']}; "
        f"{where})"
    )


def main(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from pylab.probing import dasklayout
    from pylab.probing.calls import probe_target, statement_target

    if args.start_method not in START_METHODS:
        raise unknown_name("start method", args.start_method, START_METHODS)
    if args.python:
        return _elsewhere(args)
    target, call = statement_target(args.statement, args.setup)
    data = probe_target(target, call, args.workers, args.start_method, args.repeats)
    data = {"statement": args.statement, "setup": args.setup, **data}
    if args.dask or extras.why_no_dask() is None:
        data["dask_layout"] = asdict(dasklayout.advise(data, data["cores"]))
    if args.json:
        write_json(args.json, data)
    print(format_probe(data))
    return 0


def _child_args(args: argparse.Namespace, json_path: Path) -> list[str]:
    """This probe's options, for a child run under another interpreter."""
    child = [args.statement, "--setup", args.setup, "--start-method", args.start_method,
             "--repeats", str(args.repeats), "--json", str(json_path)]  # fmt: skip
    if args.workers:
        child += ["--workers", ",".join(map(str, args.workers))]
    if args.dask:  # without it, each child advises a layout where it has Dask
        child.append("--dask")
    return child


def _elsewhere(args: argparse.Namespace) -> int:
    """The probe under each `--python` interpreter in turn, each in a child of its own;
    with --json, a list of their records, each naming its interpreter."""
    import subprocess
    import sys
    import tempfile


    records, status = [], 0
    for target in targets(args.python, args.envs, args.rebuild_envs):
        print(f"== Python {target.python.name} ({target.python.build} build)", flush=True)
        if target.executable is None:
            status = max(status, 1)
            continue
        with tempfile.TemporaryDirectory(prefix="pylab-probe-") as tmp:
            out = Path(tmp) / "probe.json"
            command = env_command(target.executable, "pylab", "probe", *_child_args(args, out))
            done = subprocess.run(command, stdin=subprocess.DEVNULL, check=False)
            status = max(status, done.returncode)
            if out.is_file():
                records.append({"python": target.python.as_dict(), **json.loads(out.read_text())})
        sys.stdout.flush()
    if args.json:
        write_json(args.json, records)
    return status
