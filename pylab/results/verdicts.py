"""The scaling table's verdict per kernel, variant and params, by the lab's one rule.

`judge` makes them as the run measures its cells, at the largest W, by the rules of
pylab.base.rules, and the file stores them with the bounds they used (`verdicts`); the
table, the report and compare read them from there (pylab.report.summary), so a file keeps
the verdicts it was judged by. In order: threads scale: `scales in threads`;
processes scale: `needs processes` (`needs processes or subinterpreters` when
subinterpreters with their own GIL scale too; `scales in subinterpreters` when only
they were measured to); a `bytes` kernel whose workers are busy (CPU per
wall >= FULL_CPU_SHARE x ideal) without scaling: `capped by memory bandwidth`; some gain:
`scales partly in threads/processes`; otherwise `does not scale`. The omp variant,
measured only inside the kernel, gets `scales inside the kernel` by the same rule.

Decided from intervals: the verdict is the one every end of the cells' intervals gives;
where the ends give different ones (an interval across a mark), the row is
`undecided: A or B`, never whichever side the median fell on. A row whose cells were
noisy or ended their time still disturbed is flagged uncertain, with which cells and why
(`doubts`); the file stores the flags beside the verdicts.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from pylab.base.rules import FULL_CPU_SHARE, bounds, ideal, scaling_level
from pylab.results.cells import by_key, cell_doubts, label, largest_w
from pylab.results.schema import verdicts_record


@dataclass(frozen=True)
class Row:
    label: str
    unit: str
    threads: dict[str, Any] | None
    processes: dict[str, Any] | None
    verdict: str
    inside: dict[str, Any] | None = None  # the omp variant: W OpenMP threads in one call
    interpreters: dict[str, Any] | None = None  # W subinterpreters, each with its own GIL
    dask_threads: dict[str, Any] | None = None  # Dask: one worker process of W threads
    dask_processes: dict[str, Any] | None = None  # Dask: W worker processes of one thread


_INSIDE = {"scales": "scales inside the kernel", "partly": "scales partly inside the kernel"}
UNDECIDED = "undecided"


def _decided(seen: list[str]) -> str:
    """The verdict every end of the intervals gives, else `undecided: A or B` (the
    median's first)."""
    distinct = list(dict.fromkeys(seen))
    return distinct[0] if len(distinct) == 1 else f"{UNDECIDED}: " + " or ".join(distinct)


def _inside_verdict(cell: dict[str, Any], cores: int) -> str:
    """For the omp variant, which runs only inside the kernel: its own scaling."""
    if cell["workers"] == 1:
        return "W=1 only: scaling not measured"
    ends = [cell["speedup"][k] for k in ("median", "low", "high")]
    return _decided(
        [_INSIDE.get(scaling_level(s, _ideal(cell, cores)), "does not scale") for s in ends]
    )


def _busy(cell: dict[str, Any] | None, cores: int) -> bool:
    full = FULL_CPU_SHARE * _ideal(cell, cores) if cell is not None else None
    return full is not None and cell["cpu_per_wall"]["median"] >= full


def _ideal(cell: dict[str, Any], cores: int) -> int:
    return ideal(cell["workers"], cores)


def _level(speedup: float | None, cell: dict[str, Any] | None, cores: int) -> str | None:
    return scaling_level(speedup, _ideal(cell, cores)) if speedup is not None else None


def _verdict_at(t: float | None, p: float | None, i: float | None, row: Row, cores: int) -> str:
    lt, lp = _level(t, row.threads, cores), _level(p, row.processes, cores)
    li = _level(i, row.interpreters, cores)
    if lt == "scales":
        return "scales in threads"
    if lp == "scales":
        return "needs processes" + (" or subinterpreters" if li == "scales" else "")
    if li == "scales":
        return "scales in subinterpreters"
    if row.unit == "bytes" and (_busy(row.threads, cores) or _busy(row.processes, cores)):
        return "capped by memory bandwidth"
    if "partly" in (lt, lp):
        return "scales partly in " + ("threads" if (t or 0) >= (p or 0) else "processes")
    return "does not scale"


def verdict(row: Row, cores: int) -> str:
    """The verdict every end of the intervals gives, or `undecided: ...` (see above)."""
    cells = (row.threads, row.processes, row.interpreters)
    if all(c is None for c in cells):
        return _inside_verdict(row.inside, cores) if row.inside else "no parallel cell measured"
    if all(c is None or c["workers"] == 1 for c in cells):
        return "W=1 only: scaling not measured"
    ends = [[c["speedup"][k] for k in ("median", "low", "high")] if c else [None] for c in cells]
    return _decided([_verdict_at(t, p, i, row, cores) for t, p, i in itertools.product(*ends)])


def doubts(row: Row) -> str | None:
    """Why the row's verdict is uncertain: its cells that were noisy (an interval wider
    than the cell's noisy_above) or ended their time still disturbed; None if none were."""
    found = []
    for name, cell in (("threads", row.threads), ("processes", row.processes),
                       ("subinterpreters", row.interpreters), ("inside", row.inside)):  # fmt: skip
        why = cell_doubts(cell) if cell is not None else []
        if why:
            found.append(f"{name} W={cell['workers']} " + " and ".join(why))
    return "; ".join(found) or None


def select(results: dict[str, Any]) -> list[tuple[Row, int]]:
    """One row per kernel, variant and params: threads and best processes at the largest W,
    with the count of its cells that failed; no verdict yet."""
    out = []
    for cells in by_key(results["cells"]).values():
        good = [c for c in cells if c.get("ok")]

        def top(executor: str, good: list = good) -> dict[str, Any] | None:
            return largest_w([c for c in good if c["executor"] == executor])

        row = Row(label(cells[0]), cells[0]["unit"], top("threads"), top("processes"), "",
                  top("omp"), top("interpreters"), top("dask-threads"),
                  top("dask-processes"))  # fmt: skip
        out.append((row, len(cells) - len(good)))
    return out


def judge(results: dict[str, Any]) -> dict[str, Any]:
    """The verdict of every row by today's rules, as the file stores it with the bounds."""
    cores = results["machine"]["usable_cores"]
    by_label, uncertain = {}, {}
    for row, failed in select(results):
        by_label[row.label] = verdict(row, cores) + (f"; {failed} cell(s) failed" if failed else "")
        why = doubts(row)
        if why:
            uncertain[row.label] = why
    return verdicts_record(bounds(), by_label, uncertain)
