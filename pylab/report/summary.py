"""The table `run` ends with and the claims in words, from what the results file stores.

The verdicts are the ones the file was judged by (pylab.results.verdicts), never made anew here.
Functions of one run (rows, format_table, gil_warning...) take one interpreter's view
(pylab.results.views); format_tables and format_claims take the whole file.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pylab.base.fmt import fmt_bytes, fmt_confidence, fmt_interval
from pylab.results.cells import gil_back_on, intervals, label
from pylab.results.verdicts import Row, select
from pylab.results.views import heading, views

NOT_JUDGED = "not judged"  # a row whose cells the file's verdicts do not cover
UNCERTAIN = " (uncertain)"  # after a verdict whose cells were noisy or disturbed


def rows(results: dict[str, Any]) -> list[Row]:
    """Each row with the verdict the file stores for it, `(uncertain)` where the file
    flags it (`doubts` says why)."""
    stored = results.get("verdicts") or {}
    flagged = stored.get("uncertain") or {}
    return [
        replace(row, verdict=(stored.get("rows") or {}).get(row.label, NOT_JUDGED)
                + (UNCERTAIN if row.label in flagged else ""))
        for row, _ in select(results)
    ]  # fmt: skip


def claim_verdict(claim: dict[str, Any]) -> str:
    """A claim's verdict, `(uncertain)` where its inputs were noisy or disturbed."""
    return claim["verdict"] + (UNCERTAIN if claim.get("uncertain") else "")


def claim_reason(claim: dict[str, Any]) -> str:
    """A claim's reason, with why it is uncertain where it is."""
    why = claim.get("uncertain")
    return claim["reason"] + (f" [uncertain: {why}]" if why else "")


def doubts(results: dict[str, Any]) -> list[str]:
    """`compute/nogil: threads W=2 disturbed (0.88 background cores)`: each uncertain row
    and why, as the file stores it."""
    flagged = (results.get("verdicts") or {}).get("uncertain") or {}
    return [f"{label}: {why}" for label, why in flagged.items()]


def interval_note(results: dict[str, Any]) -> str:
    """`96.9% interval`: the coverage the file's speed-up intervals reached (pylab.base.stats)."""
    return f"{fmt_confidence(i['confidence'] for i in intervals(results))} interval"


def gil_warning(results: dict[str, Any]) -> str | None:
    """A free-threaded build that ran with the GIL on, said plainly; None if it did not."""
    cells = gil_back_on(results)
    python = results.get("machine", {}).get("python", {})
    if not cells and not (python.get("free_threaded_build") and python.get("gil_enabled")):
        return None
    where = f" in {len(cells)} cell(s)' workers (e.g. {label(cells[0])})" if cells else ""
    return (
        f"this free-threaded Python ran with the GIL enabled{where}: a module imported "
        "without declaring free-threading support, or PYTHON_GIL=1, turned it on, so these "
        "numbers are a GIL build's"
    )


def bounds_note(results: dict[str, Any]) -> str:
    """The rule the file's verdicts were made by, in its stored bounds."""
    verdicts = results.get("verdicts") or {}
    b = verdicts.get("bounds") or {}
    if not b:
        return "The file stores no verdicts."
    text = (
        f"Verdicts: scales at >= {b['scales']:g} x ideal (ideal = min(W, usable cores)), "
        f"partly at >= 1 + {b['partly_gain']:g} x (ideal - 1)"
    )
    if verdicts.get("judged_on_reading"):
        text += "; judged on reading by this pylab's rules: the file stored none"
    return text + "."


def speedup_text(
    cell: dict[str, Any] | None, with_method: bool = False, with_model: bool = True
) -> str:
    """`1.52x [1.05-1.79] W=2`, with the model's figure and the start method if asked."""
    if cell is None:
        return "-"
    text = f"{fmt_interval(cell['speedup'])} W={cell['workers']}"
    if with_model and cell.get("model_speedup") is not None:
        text += f" (model {cell['model_speedup']:.2f}x)"
    return text + (f" {cell['start_method']}" if with_method else "")


# Columns shown only when some row was measured there: (title, Row field).
_OPTIONAL = (
    ("subinterpreters", "interpreters"),
    ("dask threads", "dask_threads"),
    ("dask processes", "dask_processes"),
    ("inside the kernel", "inside"),
)


def format_table(results: dict[str, Any]) -> str:
    """The compact table: speed-up [interval] in threads, in processes, in subinterpreters
    and on Dask's two layouts (when measured), inside the kernel (the omp variant), and
    the verdict in the file."""
    table = rows(results)
    if not table:
        return ""
    optional = [(title, key) for title, key in _OPTIONAL if any(getattr(r, key) for r in table)]
    header = ("kernel/variant", "threads", "processes", *(title for title, _ in optional))
    lines = [
        (
            r.label,
            speedup_text(r.threads),
            speedup_text(r.processes, True),
            *(speedup_text(getattr(r, key)) for _, key in optional),
            r.verdict,
        )
        for r in table
    ]
    header += ("verdict",)
    widths = [max(len(x[i]) for x in [header, *lines]) for i in range(len(header) - 1)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    notes = [f"uncertain: {text}" for text in doubts(results)]
    return "\n".join([*(fmt.format(*line) for line in [header, *lines]), *notes])


def format_tables(results: dict[str, Any]) -> list[str]:
    """format_table for each interpreter of the file, headed by its name unless the file
    is one run of the interpreter pylab ran on."""
    seen = views(results)
    if len(seen) == 1 and not results["pythons"][seen[0][0]]["interpreter"].get("environment"):
        return [format_table(seen[0][1])]
    return [f"== {heading(results, pid)}\n{table}" if table else "" for pid, view in seen
            for table in [format_table(view)]]  # fmt: skip


def claims_by_python(results: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Each claim ID: its record per interpreter id, for the claims any interpreter judged."""
    table: dict[str, dict[str, dict[str, Any]]] = {}
    for pid, view in views(results):
        for cid, claim in view["claims"].items():
            table.setdefault(cid, {})[pid] = claim
    return dict(sorted(table.items()))


def format_claims(results: dict[str, Any]) -> str:
    """Each claim: ID, verdict and the claim in a few words, then its reason with the numbers;
    with several interpreters, one verdict column per interpreter and each one's reason."""
    table = claims_by_python(results)
    pids = [pid for pid, _ in views(results)]
    if not table:
        return ""
    if len(pids) == 1:
        lines = ["claim verdict        (the claim; then what was measured)"]
        for cid, found in table.items():
            claim = found[pids[0]]
            lines.append(f"{cid}  {claim_verdict(claim):<12}  {claim['claim']}")
            lines.append(f"{'':5}{claim_reason(claim)}")
        return "\n".join(lines)
    width = max(12, *(len(claim_verdict(c)) for f in table.values() for c in f.values()))
    lines = ["claim  " + "  ".join(f"{pid:<{width}}" for pid in pids) + "  the claim"]
    for cid, found in table.items():
        verdicts = [claim_verdict(found[pid]) if pid in found else "-" for pid in pids]
        text = next(iter(found.values()))["claim"]
        lines.append(f"{cid:<5}  " + "  ".join(f"{v:<{width}}" for v in verdicts) + f"  {text}")
        lines += [f"{'':7}{pid}: {claim_reason(c)}" for pid, c in found.items()]
    return "\n".join(lines)


OVERHEAD_HEADER = ("free-threaded / GIL", "kernel/variant", "serial time ratio")
MEMORY_HEADER = "peak RSS ratio (free-threaded, GIL)"


def overhead_table(results: dict[str, Any]) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """What free-threading costs one thread, per twin pair and work: the serial time ratio
    [interval], and where the file has it (runs since it was measured) the peak RSS ratio
    [interval] with both peaks. The header, and no rows where nothing was measured."""
    works = [(e, w) for e in results.get("overhead") or [] for w in e["works"]]
    memory = any(w.get("memory") for _, w in works)
    header = (*OVERHEAD_HEADER, MEMORY_HEADER) if memory else OVERHEAD_HEADER
    rows = []
    for entry, work in works:
        twins = f"{entry['free_threaded']} / {entry['gil']}"
        if not work["ok"]:
            failed = f"failed: {work['error']}"
            rows.append((twins, label(work), failed) + ((failed,) if memory else ()))
            continue
        row = (twins, label(work), fmt_interval(work["ratio"]))
        rows.append(row + ((_memory_text(work.get("memory")),) if memory else ()))
    return header, rows


def _memory_text(memory: dict[str, Any] | None) -> str:
    if not memory:
        return "not measured"
    peaks = ", ".join(fmt_bytes(memory[k]) for k in ("free_threaded_peak_bytes", "gil_peak_bytes"))
    whole = "" if memory.get("per_run") else "; process peaks, not per run"
    return f"{fmt_interval(memory['ratio'])} ({peaks}{whole})"


def format_overhead(results: dict[str, Any]) -> str:
    """What free-threading costs one thread: serial time (and peak memory) on the
    free-threaded build over the GIL build of the same version, per kernel and variant
    (above 1: slower, larger)."""
    header, rows = overhead_table(results)
    if not rows:
        return ""
    table = [header, *rows]
    widths = [max(len(x[i]) for x in table) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(f"{cell:<{widths[i]}}" if i < len(widths) else cell for i, cell in enumerate(row))
        for row in table
    )
