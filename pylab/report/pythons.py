"""The report of a run over several interpreters (`run --python`): each interpreter's
speed-ups and verdicts side by side, and the claims with one verdict per interpreter.

Every number is one interpreter's view of the file (pylab.results.views), as that
interpreter's own report would show it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from pylab import CLAIMS_DOC
from pylab.base.fmt import fmt_confidence
from pylab.report import summary
from pylab.report.figures import DPI, Plot
from pylab.report.plots.summary import matrix
from pylab.report.render import Section
from pylab.results.views import python_name, views


def side_by_side(results: dict[str, Any]) -> Section | None:
    """Per kernel/variant: threads, processes and the verdict on each interpreter."""
    seen = views(results)
    table: dict[str, dict[str, Any]] = {}
    for pid, view in seen:
        for row in summary.rows(view):
            table.setdefault(row.label, {})[pid] = row
    if not table:
        return None
    header = ["kernel/variant"]
    for pid, _ in seen:
        header += [f"{pid} threads", f"{pid} processes", f"{pid} verdict"]
    lines = []
    for name, rows in table.items():
        line = [name]
        for pid, _ in seen:
            row = rows.get(pid)
            if row is None:
                line += ["-"] * 3
                continue
            pair = (row.threads, row.processes)
            line += [*(summary.speedup_text(c, with_model=False) for c in pair), row.verdict]
        lines.append(line)
    names = ", ".join(python_name(view["machine"]["python"]) for _, view in seen)
    note = (
        f"Speed-up [{summary.interval_note(seen[0][1])}] at the largest W, processes at their "
        f"best start method, on each interpreter ({names}). {summary.bounds_note(seen[0][1])}"
    )
    return Section("GIL build vs free-threaded", [note], table=(header, lines))


def claims_section(results: dict[str, Any]) -> Section | None:
    """Each claim with its verdict on each interpreter, then each one's reason."""
    table = summary.claims_by_python(results)
    if not table:
        return None
    pids = [pid for pid, _ in views(results)]
    rows = []
    for cid, found in table.items():
        verdicts = [summary.claim_verdict(found[pid]) if pid in found else "-" for pid in pids]
        reasons = " / ".join(f"{pid}: {summary.claim_reason(c)}" for pid, c in found.items())
        rows.append((cid, next(iter(found.values()))["claim"], *verdicts, reasons))
    header = ("ID", "claim", *pids, "what was measured")
    note = f"One verdict per interpreter. Each claim, its source and its rule: {CLAIMS_DOC}."
    return Section("The claims on each interpreter", [note], table=(header, rows))


def overhead_section(results: dict[str, Any]) -> Section | None:
    """The single-thread cost of free-threading, per kernel and variant."""
    lines = summary.overhead_lines(results)
    if not lines:
        return None
    note = (
        "Serial time on the free-threaded build over the GIL build of the same version, "
        f"the same work timed in turn (median ratio [{_confidence(results)} interval]); above 1 is "
        "slower without the GIL. PEP 703 and PEP 779 quote about 40% for pure Python on "
        "3.13 and 5-10% on 3.14."
    )
    header = ("free-threaded / GIL", "kernel/variant", "serial time ratio")
    return Section("What free-threading costs one thread", [note], table=(header, lines))


def _confidence(results: dict[str, Any]) -> str:
    entries = results.get("overhead") or []
    return fmt_confidence(w["ratio"]["confidence"] for e in entries for w in e["works"] if w["ok"])


def summary_figure(results: dict[str, Any]) -> Plot | None:
    """The summary matrix with one panel per interpreter, side by side."""
    seen = [(pid, matrix(view)) for pid, view in views(results)]
    seen = [(pid, m) for pid, m in seen if m[0]]
    if len(seen) < 2:
        return None
    height = 1.8 + 0.32 * max(len(m[0]) for _, m in seen)
    figure = Figure(figsize=(5.0 * len(seen), height), dpi=DPI, layout="constrained")
    axes = figure.subplots(1, len(seen))
    machine = results["machine"]
    figure.suptitle(
        "Which kernels scale in threads, which need processes, on each interpreter\n"
        f"{machine.get('cpu_model', 'unknown CPU')}, {machine.get('usable_cores', '?')} usable "
        "cores; colour: efficiency = speed-up / min(W, usable cores)",
        fontsize=11,
    )
    for ax, (pid, (rows, columns, efficiency, texts)) in zip(axes, seen, strict=True):
        ax.imshow(np.clip(efficiency, 0, 1), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(columns)), labels=columns)
        ax.set_yticks(range(len(rows)), labels=rows, fontsize=8)
        ax.xaxis.tick_top()
        ax.set_title(f"Python {python_name(results['pythons'][pid]['python'])}", fontsize=9)
        for i, line in enumerate(texts):
            for j, text in enumerate(line):
                ax.text(j, i, text, ha="center", va="center", fontsize=8)
    caption = (
        f"The summary matrix of each of {len(seen)} interpreters, side by side: the same "
        "kernels, threads and processes, one panel per interpreter."
    )
    return Plot("summary-pythons", "Every interpreter on one page", figure, caption)
