"""The verdict in words per kernel and variant, and the table `run` ends with.

Every verdict is computed from the cells by the rules below; none is written
by hand. A speed-up S at W workers is judged against the ideal min(W, cores):
  scales  S >= 0.7 * ideal
  partly  S >= 1 + 0.25 * (ideal - 1)   (a real gain, well short of ideal)
  flat    otherwise
A verdict is "(uncertain)" when the ends of the cells' intervals would give a
different verdict than their medians.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pylab.plan import by_key, label

SCALES = 0.7
PARTLY_GAIN = 0.25
BUSY = 0.7  # CPU time per wall second, per ideal worker, of workers that all compute


@dataclass(frozen=True)
class Row:
    label: str
    unit: str
    threads: dict[str, Any] | None
    processes: dict[str, Any] | None
    verdict: str
    inside: dict[str, Any] | None = None  # the omp variant: W OpenMP threads in one call


_INSIDE = {"scales": "scales inside the kernel", "partly": "scales partly inside the kernel"}


def _inside_verdict(cell: dict[str, Any], cores: int) -> str:
    """For the omp variant, which runs only inside the kernel: its own scaling."""
    if cell["workers"] == 1:
        return "W=1 only: scaling not measured"
    ends = [cell["speedup"][k] for k in ("median", "low", "high")]
    seen = [_INSIDE.get(scaling_level(s, _ideal(cell, cores)), "does not scale") for s in ends]
    return seen[0] + ("" if len(set(seen)) == 1 else " (uncertain)")


def scaling_level(speedup: float, ideal: float) -> str:
    """`scales`, `partly` or `flat`: a speed-up judged against the ideal (rules above)."""
    if speedup >= SCALES * ideal:
        return "scales"
    return "partly" if speedup >= 1 + PARTLY_GAIN * (ideal - 1) else "flat"


def _busy(cell: dict[str, Any] | None, cores: int) -> bool:
    return cell is not None and cell["cpu_per_wall"]["median"] >= BUSY * _ideal(cell, cores)


def _ideal(cell: dict[str, Any], cores: int) -> int:
    return min(cell["workers"], cores)


def _verdict_at(t: float | None, p: float | None, row: Row, cores: int) -> str:
    lt = scaling_level(t, _ideal(row.threads, cores)) if t is not None else None
    lp = scaling_level(p, _ideal(row.processes, cores)) if p is not None else None
    if lt == "scales":
        return "scales in threads"
    if lp == "scales":
        return "needs processes"
    if row.unit == "bytes" and (_busy(row.threads, cores) or _busy(row.processes, cores)):
        return "capped by memory bandwidth"
    if "partly" in (lt, lp):
        return "scales partly in " + ("threads" if (t or 0) >= (p or 0) else "processes")
    return "does not scale"


def verdict(row: Row, cores: int) -> str:
    """The verdict from the medians, marked uncertain if the intervals allow another."""
    cells = (row.threads, row.processes)
    if all(c is None for c in cells):
        return _inside_verdict(row.inside, cores) if row.inside else "no parallel cell measured"
    if all(c is None or c["workers"] == 1 for c in cells):
        return "W=1 only: scaling not measured"
    ends = [[c["speedup"][k] for k in ("median", "low", "high")] if c else [None] for c in cells]
    seen = [_verdict_at(t, p, row, cores) for t, p in itertools.product(*ends)]
    return seen[0] + ("" if len(set(seen)) == 1 else " (uncertain)")


def largest_w(cells: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The cell with the most workers (the best of them, if several start methods)."""
    if not cells:
        return None
    top = max(c["workers"] for c in cells)
    return max((c for c in cells if c["workers"] == top), key=lambda c: c["speedup"]["median"])


def rows(results: dict[str, Any]) -> list[Row]:
    """One row per kernel, variant and params: threads and best processes at the largest W."""
    cores = results["machine"]["usable_cores"]
    out = []
    for cells in by_key(results["cells"]).values():
        good = [c for c in cells if c.get("ok")]
        row = Row(
            label(cells[0]),
            cells[0]["unit"],
            largest_w([c for c in good if c["executor"] == "threads"]),
            largest_w([c for c in good if c["executor"] == "processes"]),
            "",
            largest_w([c for c in good if c["executor"] == "omp"]),
        )
        failed = len(cells) - len(good)
        text = verdict(row, cores) + (f"; {failed} cell(s) failed" if failed else "")
        out.append(replace(row, verdict=text))
    return out


def _speedup_text(cell: dict[str, Any] | None, with_method: bool = False) -> str:
    if cell is None:
        return "-"
    s = cell["speedup"]
    text = f"{s['median']:.2f}x [{s['low']:.2f}-{s['high']:.2f}] W={cell['workers']}"
    if cell.get("model_speedup") is not None:
        text += f" (model {cell['model_speedup']:.2f}x)"
    return text + (f" {cell['start_method']}" if with_method else "")


def format_table(results: dict[str, Any]) -> str:
    """The compact table: speed-up [95% interval] in threads, in processes and (for the
    omp variant) inside the kernel, and the verdict."""
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
