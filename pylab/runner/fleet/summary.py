"""The fleet's one page: each machine and how its lab ended, the workers skipped, and which
machines scale which kernels, as `fleet-<UTC time>.md` in OUT and a short table on stdout.

The verdicts are the ones each machine's file stores (pylab.report.summary.rows, judged there by
pylab.results.verdicts), never made anew here; `pylab compare` sets the files side by side.
"""

from __future__ import annotations

import shlex
from datetime import datetime
from pathlib import Path

from pylab import results as results_io
from pylab.report import summary as lab_summary
from pylab.report.compare import aligned
from pylab.report.render import Section, markdown
from pylab.runner.fleet.discover import Machine, Worker
from pylab.runner.fleet.dispatch import Outcome

MACHINE_HEADER = ("machine", "cores", "cpu model", "python", "status", "results file")


def machine_row(outcome: Outcome) -> tuple[str, ...]:
    """A machine as the worker that ran its lab reported it, and how the lab ended."""
    info = outcome.machine.info
    python = results_io.python_id(info.get("python") or {})
    status = outcome.status + (f": {outcome.reason}" if outcome.reason else "")
    path = str(outcome.path) if outcome.path else "-"
    return (outcome.machine.host, str(info.get("usable_cores", "?")), info.get("cpu_model", "?"),
            python, status, path)  # fmt: skip


def verdict_table(outcomes: list[Outcome]) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Per kernel/variant row, each machine's verdict (`-` where it measured none), for the
    machines whose files came back."""
    columns: list[str] = []
    tables: list[dict[str, str]] = []
    for outcome in outcomes:
        if outcome.results is None:
            continue
        seen = results_io.views(outcome.results)
        for pid, view in seen:
            columns.append(outcome.machine.host + (f" {pid}" if len(seen) > 1 else ""))
            tables.append({row.label: row.verdict for row in lab_summary.rows(view)})
    labels = list(dict.fromkeys(key for table in tables for key in table))
    rows = [(lab, *[table.get(lab, "-") for table in tables]) for lab in labels]
    return ("kernel/variant", *columns), rows


def skipped_lines(skipped: list[Worker]) -> list[str]:
    return [f"{w.host} worker {w.address}: {w.problem}" for w in skipped]


def compare_line(outcomes: list[Outcome]) -> str:
    """The command that sets the machines' files side by side, cell by cell."""
    paths = [str(o.path) for o in outcomes if o.results is not None]
    if len(paths) < 2:
        return "Fewer than two machines' files came back: nothing to compare."
    command = shlex.join(["python", "-m", "pylab", "compare", *paths])
    return f"Compare them cell by cell: `{command}`"


def idle_note(machines: list[Machine]) -> str:
    idle = sum(len(m.idle) for m in machines)
    return f"; {idle} more worker(s) on those machines left idle" if idle else ""


def page(address: str, started: datetime, outcomes: list[Outcome], skipped: list[Worker]) -> str:
    """The Markdown page."""
    machines = [o.machine for o in outcomes]
    intro = (f"Scheduler `{address}`, started {started:%Y-%m-%d %H:%M:%S} UTC; one lab per "
             f"machine, all at once{idle_note(machines)}.")  # fmt: skip
    verdicts = ["Each machine's verdicts, as its results file stores them."]
    sections = [
        Section("Machines", [intro], (MACHINE_HEADER, [machine_row(o) for o in outcomes])),
        Section("Which machines scale which kernels", verdicts, verdict_table(outcomes)),
        Section("Compare", [compare_line(outcomes)]),
    ]
    if skipped:
        lines = ["Never mixed in: their numbers would not be this lab's."]
        lines += [f"- {line}" for line in skipped_lines(skipped)]
        sections.append(Section("Workers skipped", lines))
    return markdown(f"pylab fleet run, {len(outcomes)} machine(s)", sections, Path("."))


def text(outcomes: list[Outcome], skipped: list[Worker]) -> str:
    """The short version for stdout: machines, verdicts, skipped workers, the compare line."""
    lines = aligned(MACHINE_HEADER, [machine_row(o) for o in outcomes])
    header, rows = verdict_table(outcomes)
    if rows:
        lines += [""] + aligned(header, rows)
    lines += [""] + [f"skipped: {x}" for x in skipped_lines(skipped)]
    return "\n".join([*lines, compare_line(outcomes).replace("`", "")])


def write(
    out: Path, address: str, started: datetime, outcomes: list[Outcome], skipped: list[Worker]
) -> Path:
    """OUT/fleet-<UTC time>.md."""
    path = results_io.free_path(out, f"fleet-{started:%Y%m%dT%H%M%SZ}", ".md")
    results_io.atomic_write(path, page(address, started, outcomes, skipped))
    return path
