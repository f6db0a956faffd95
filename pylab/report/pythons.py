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
from pylab.base.fmt import fmt_bytes, fmt_confidence, fmt_times
from pylab.base.stats import ratio
from pylab.experiments import memory
from pylab.report import summary
from pylab.report.figures import DPI, Plot
from pylab.report.plots.summary import matrix
from pylab.report.render import Section
from pylab.results.views import python_name, views
from pylab.results.views import view as one_python


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
    """The single-thread cost of free-threading, per kernel and variant: time, and memory
    where the file has it."""
    header, rows = summary.overhead_table(results)
    if not rows:
        return None
    note = (
        "Serial time on the free-threaded build over the GIL build of the same version, "
        f"the same work timed in turn (median ratio [{_confidence(results)} interval]); above 1 is "
        "slower without the GIL. PEP 703 and PEP 779 quote about 40% for pure Python on "
        "3.13 and 5-10% on 3.14."
    )
    notes = [note]
    if len(header) > len(summary.OVERHEAD_HEADER):
        notes.append(
            "Peak RSS: each serial run's peak resident memory, the whole process's (the peak "
            "reset before each run), free-threaded over GIL per pair. PEP 779 bounds the "
            "free-threaded build at 15% slower and 20% more memory (pyperformance geometric "
            "means) for it to become supported; the 3.13 free-threading HOWTO expects higher "
            "memory use from the per-object reference counts and mimalloc."
        )
    notes += footprint_notes(results)
    return Section("What free-threading costs one thread", notes, table=(header, rows))


def footprint_notes(results: dict[str, Any]) -> list[str]:
    """Per twin pair, what an idle thread (C12) and a pool worker (C11) add on each build,
    from each one's memory experiment; nothing where either lacks it."""
    notes = []
    for entry in results.get("overhead") or []:
        ft, gil = entry["free_threaded"], entry["gil"]
        seen = {pid: _footprints(one_python(results, pid)) for pid in (ft, gil)}
        if not all(seen.values()):
            continue
        parts = [
            f"{what} {fmt_bytes(seen[ft][what])} on {ft} vs {fmt_bytes(seen[gil][what])} on "
            f"{gil} ({fmt_times(ratio(seen[ft][what], seen[gil][what]))})"
            for what in seen[gil] if what in seen[ft] and seen[gil][what] > 0
        ]  # fmt: skip
        if parts:
            notes.append(
                "Memory per worker, from each build's memory experiment (one reading each; "
                f"C11, C12): {'; '.join(parts)}."
            )
    return notes


def _footprints(seen: dict[str, Any]) -> dict[str, float]:
    """{what: bytes} an idle thread and each pool's worker add, from the memory data."""
    data = ((seen.get("experiments") or {}).get(memory.NAME) or {}).get("data")
    if not data:
        return {}
    found = {"an idle thread": data[memory.PER_THREAD]["per_thread_bytes"],
             "a thread-pool worker": data[memory.THREAD_POOL][memory.PER_WORKER]}  # fmt: skip
    for method, pool in data[memory.PROCESS_POOLS].items():
        found[f"a {method} process worker"] = pool[memory.PER_WORKER]
    return found


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
