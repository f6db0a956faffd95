"""Comparing runs side by side: speed-ups per cell and verdicts per claim.

A difference is marked when two runs' intervals for a speed-up do not
overlap, or their verdicts for a claim differ: the main use is one machine
against another (2 cores vs 16), or one Python against another.

Stability is counted honestly: a verdict is confident unless it is undecided (an interval
across a mark) or flagged uncertain (noisy or disturbed inputs). Per row and claim,
`confident` counts the confident verdicts that agree with the most common confident one,
those that disagree with it, and the uncertain ones; a confident disagreement is a verdict
that was sure and wrong in one of the runs, which the lab means never to give.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pylab.base.errors import UserError
from pylab.base.fmt import fmt_interval
from pylab.report.summary import UNCERTAIN
from pylab.results.cells import column, label, parallel_cells
from pylab.results.verdicts import UNDECIDED
from pylab.results.views import views

DIFFERS = "*"


@dataclass(frozen=True)
class Row:
    key: tuple[str, str, int]  # label, executor column, workers
    values: list[dict[str, Any] | None]  # the speed-up interval in each run, or None
    differs: bool


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["low"] <= b["high"] and b["low"] <= a["high"]


def _differs(values: list[dict[str, Any] | None]) -> bool:
    present = [v for v in values if v is not None]
    return any(not _overlap(a, b) for i, a in enumerate(present) for b in present[i + 1 :])


def cell_rows(runs: list[dict[str, Any]]) -> list[Row]:
    """Every (kernel/variant, executor, W) measured in at least two runs."""
    tables = [
        {(label(c), column(c), c["workers"]): c["speedup"] for c in parallel_cells(run)}
        for run in runs
    ]
    keys: dict[tuple, None] = {}
    for table in tables:
        keys |= dict.fromkeys(table)
    rows = []
    for key in keys:
        values = [table.get(key) for table in tables]
        if sum(v is not None for v in values) >= 2:
            rows.append(Row(key, values, _differs(values)))
    return rows


VerdictRow = tuple[str, list[str | None], bool]


def _verdict_rows(tables: list[dict[str, str]], keys: list[str]) -> list[VerdictRow]:
    rows = []
    for key in keys:
        verdicts = [table.get(key) for table in tables]
        if sum(v is not None for v in verdicts) >= 2:
            rows.append((key, verdicts, len({v for v in verdicts if v is not None}) > 1))
    return rows


def _claims(run: dict[str, Any]) -> dict[str, str]:
    """Each claim's verdict, `(uncertain)` where the run flagged it."""
    return {cid: c.get("verdict") + (UNCERTAIN if c.get("uncertain") else "")
            for cid, c in (run.get("claims") or {}).items()}  # fmt: skip


def claim_rows(runs: list[dict[str, Any]]) -> list[VerdictRow]:
    """Each claim's verdict in each run."""
    tables = [_claims(r) for r in runs]
    return _verdict_rows(tables, sorted({cid for table in tables for cid in table}))


def _verdicts(run: dict[str, Any]) -> dict[str, str]:
    """Each row's stored verdict, `(uncertain)` where the run flagged it."""
    stored = run.get("verdicts") or {}
    flagged = stored.get("uncertain") or {}
    return {row: v + (UNCERTAIN if row in flagged else "")
            for row, v in (stored.get("rows") or {}).items()}  # fmt: skip


def table_rows(runs: list[dict[str, Any]]) -> list[VerdictRow]:
    """Each kernel/variant's verdict in the speed-up table of each run (as stored)."""
    tables = [_verdicts(r) for r in runs]
    keys: dict[str, None] = {}
    for table in tables:
        keys |= dict.fromkeys(table)
    return _verdict_rows(tables, list(keys))


def agreement(verdicts: list[str | None]) -> str:
    """`4/5`: how many runs give the most common verdict, of those that judged it."""
    present = [v for v in verdicts if v is not None]
    return f"{max(present.count(v) for v in present)}/{len(present)}"


def confident(verdict: str) -> bool:
    """Neither undecided (an interval across a mark) nor flagged uncertain."""
    return not verdict.startswith(UNDECIDED) and not verdict.endswith(UNCERTAIN)


def stability(verdicts: list[str | None]) -> tuple[int, int, int]:
    """(confident agreements, confident disagreements, uncertain): the confident verdicts
    that give the most common confident one, those that give another, and the rest."""
    present = [v for v in verdicts if v is not None]
    sure = [v for v in present if confident(v)]
    if not sure:
        return 0, 0, len(present)
    common = max(sure, key=sure.count)
    agree = sure.count(common)
    return agree, len(sure) - agree, len(present) - len(sure)


def names(paths: list[Path], runs: list[dict[str, Any]]) -> list[str]:
    """Column names: the host and the core count, else the file name."""
    tags = [f"{r['machine'].get('hostname')}/{r['machine'].get('usable_cores')}c" for r in runs]
    return tags if len(set(tags)) == len(tags) else [p.stem for p in paths]


def runs(paths: list[Path], files: list[dict[str, Any]]) -> tuple[list[str], list[dict]]:
    """Column names and runs: each interpreter of each file is a run (pylab.results.views),
    named by its file's column name and, where a file has several, its interpreter."""
    columns, found = [], []
    for name, results in zip(names(paths, files), files, strict=True):
        seen = views(results)
        for pid, view in seen:
            columns.append(f"{name} {pid}" if len(seen) > 1 or len(files) == 1 else name)
            found.append(view)
    if len(files) > 1 and len(set(columns)) < len(columns):  # same host, one Python each
        columns = [f"{c} {v['python_id']}" for c, v in zip(columns, found, strict=True)]
    return columns, found


def check_comparable(cells: list[Row], claims: list[VerdictRow]) -> None:
    if not cells and not claims:
        raise UserError("the files have no cell and no claim in common: nothing to compare")


def _fmt(value: dict[str, Any] | None) -> str:
    if value is None:
        return "-"
    return fmt_interval(value)


def format_table(
    columns: list[str], cells: list[Row], claims: list[VerdictRow], verdicts: list[VerdictRow]
) -> str:
    """The speed-ups side by side, then the table's verdicts and the claims' with how many
    runs agree; `*` marks a difference."""
    lines = []
    if cells:
        body = [
            (f"{lab} {ex} W={w}", *[_fmt(v) for v in row.values], DIFFERS if row.differs else "")
            for row in cells
            for lab, ex, w in [row.key]
        ]
        lines += aligned(("cell", *columns, ""), body)
    for title, rows in (("verdict", verdicts), ("claim", claims)):
        if rows:
            body = [(key, *[v or "-" for v in vs], agreement(vs),
                     "/".join(map(str, stability(vs))), DIFFERS if d else "")
                    for key, vs, d in rows]  # fmt: skip
            lines += [""] + aligned((title, *columns, "agree", "sure +/-/?", ""), body)
    marked = sum(r.differs for r in cells) + sum(d for *_, d in claims + verdicts)
    lines += ["", f"{DIFFERS} marks {marked} difference(s): intervals that do not overlap, "
              "or verdicts that differ"]  # fmt: skip
    if claims or verdicts:
        lines.append(stability_line(verdicts, claims))
    return "\n".join(lines)


def stability_line(verdicts: list[VerdictRow], claims: list[VerdictRow]) -> str:
    """How many rows and claims every run judged confidently and alike, how many have a
    confident disagreement, and how many an uncertain verdict: `sure +/-/?` per row counts
    the confident agreements, confident disagreements and uncertain verdicts."""
    parts = []
    for title, rows in (("verdict rows", verdicts), ("claims", claims)):
        counts = [stability(vs) for _, vs, _ in rows]
        same = sum(1 for a, d, u in counts if d == 0 and u == 0)
        split = sum(1 for _, d, _ in counts if d)
        unsure = sum(1 for _, d, u in counts if u and not d)
        parts.append(
            f"{title}: {same} of {len(rows)} confident and the same in every run, "
            f"{split} with a confident disagreement, {unsure} with uncertain ones"
        )
    return "; ".join(parts)


def aligned(header: tuple, rows: list[tuple]) -> list[str]:
    """A plain-text table: each column as wide as its widest entry, two spaces apart."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    return ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in [header, *rows]]  # fmt: skip
