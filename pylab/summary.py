"""The table `run` ends with and the claims in words, from what the results file stores.

The verdicts are the ones the file was judged by (pylab.verdicts), never made anew here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pylab.cells import gil_back_on, intervals, label
from pylab.fmt import fmt_confidence
from pylab.verdicts import Row, select

NOT_JUDGED = "not judged"  # a row whose cells the file's verdicts do not cover


def rows(results: dict[str, Any]) -> list[Row]:
    """Each row with the verdict the file stores for it."""
    stored = (results.get("verdicts") or {}).get("rows") or {}
    return [replace(row, verdict=stored.get(row.label, NOT_JUDGED)) for row, _ in select(results)]


def interval_note(results: dict[str, Any]) -> str:
    """`96.9% interval`: the coverage the file's speed-up intervals reached (see pylab.stats)."""
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


def _speedup_text(cell: dict[str, Any] | None, with_method: bool = False) -> str:
    if cell is None:
        return "-"
    s = cell["speedup"]
    text = f"{s['median']:.2f}x [{s['low']:.2f}-{s['high']:.2f}] W={cell['workers']}"
    if cell.get("model_speedup") is not None:
        text += f" (model {cell['model_speedup']:.2f}x)"
    return text + (f" {cell['start_method']}" if with_method else "")


def format_table(results: dict[str, Any]) -> str:
    """The compact table: speed-up [interval] in threads, in processes and (for the omp
    variant) inside the kernel, and the verdict stored in the file."""
    table = rows(results)
    if not table:
        return ""
    inside = any(r.inside for r in table)
    header = ("kernel/variant", "threads", "processes", *(("inside the kernel",) if inside else ()))
    lines = [
        (
            r.label,
            _speedup_text(r.threads),
            _speedup_text(r.processes, True),
            *((_speedup_text(r.inside),) if inside else ()),
            r.verdict,
        )
        for r in table
    ]
    header += ("verdict",)
    widths = [max(len(x[i]) for x in [header, *lines]) for i in range(len(header) - 1)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    return "\n".join(fmt.format(*line) for line in [header, *lines])


def format_claims(results: dict[str, Any]) -> str:
    """Each claim: ID, verdict and the claim in a few words, then its reason with the numbers."""
    claims = results.get("claims") or {}
    lines = []
    for cid, claim in claims.items():
        lines.append(f"{cid}  {claim['verdict']:<12}  {claim['claim']}")
        lines.append(f"{'':5}{claim['reason']}")
    return (
        "\n".join(["claim verdict        (the claim; then what was measured)", *lines])
        if lines
        else ""
    )
