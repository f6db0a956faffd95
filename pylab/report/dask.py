"""What Dask's scheduling costs over a bare pool, kernel by kernel, and whether Dask's
threads-or-processes choice follows the same GIL rule.

Per kernel, variant and params, from the cells at the largest W of each executor:

  threads / dask threads        the speed-ups of a bare thread pool and of one Dask
                                worker process with W threads
  added per run                 what Dask adds to one run of W tasks: the median parallel
                                time on Dask less the bare pool's, for the same work
  processes / dask processes    the same for the best bare process pool and W Dask worker
                                processes of one thread
  verdict / on Dask             the file's rule (pylab.results.verdicts) applied to the bare pools
                                and to Dask's two layouts; `same` when they agree

The dispatch figures beside the table are the cells' own: W empty tasks sent through
the start barrier and back (Executor.dispatch_overhead), median over the cells.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pylab.base.fmt import fmt_seconds
from pylab.base.names import DASK_PROCESSES, DASK_THREADS, START_METHODS, THREADS
from pylab.base.stats import median
from pylab.report.summary import speedup_text
from pylab.results.cells import column, measured
from pylab.results.verdicts import Row, select, verdict

HEADER = ("kernel/variant", "threads", "dask threads", "added per run", "processes",
          "dask processes", "added per run", "verdict", "on Dask")  # fmt: skip
_UNCERTAIN = " (uncertain)"


@dataclass(frozen=True)
class DaskRow:
    label: str
    bare: Row
    dask: Row  # the same row with Dask's layouts in the threads and processes places
    verdict: str
    dask_verdict: str

    @property
    def agrees(self) -> bool:
        return self.verdict.removesuffix(_UNCERTAIN) == self.dask_verdict.removesuffix(_UNCERTAIN)


def rows(results: dict[str, Any]) -> list[DaskRow]:
    """One row per kernel, variant and params that Dask measured."""
    cores = results["machine"]["usable_cores"]
    out = []
    for row, _ in select(results):
        if row.dask_threads is None and row.dask_processes is None:
            continue
        dask = replace(row, threads=row.dask_threads, processes=row.dask_processes,
                       interpreters=None, inside=None)  # fmt: skip
        bare = replace(row, interpreters=None, inside=None)
        out.append(DaskRow(row.label, row, dask, verdict(bare, cores), verdict(dask, cores)))
    return out


def added_s(bare: dict[str, Any] | None, dask: dict[str, Any] | None) -> float | None:
    """Seconds Dask adds to a run of the same work at the same W (None: not comparable)."""
    if bare is None or dask is None or bare["workers"] != dask["workers"]:
        return None
    per_unit = median(bare["samples"]["parallel_s"]) / bare["size"]
    return median(dask["samples"]["parallel_s"]) - per_unit * dask["size"]


def _added_text(bare: dict[str, Any] | None, dask: dict[str, Any] | None) -> str:
    added = added_s(bare, dask)
    if added is None:
        return "-"
    return ("+" if added >= 0 else "-") + fmt_seconds(abs(added))


def table(found: list[DaskRow]) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    lines = [
        (
            r.label,
            speedup_text(r.bare.threads, with_model=False),
            speedup_text(r.bare.dask_threads),
            _added_text(r.bare.threads, r.bare.dask_threads),
            speedup_text(r.bare.processes, True),
            speedup_text(r.bare.dask_processes),
            _added_text(r.bare.processes, r.bare.dask_processes),
            r.verdict,
            "same" if r.agrees else r.dask_verdict,
        )
        for r in found
    ]
    return HEADER, lines


def dispatch(results: dict[str, Any]) -> dict[tuple[str, int], float]:
    """(column, W) -> median seconds to send W empty tasks through the barrier and back."""
    seen: dict[tuple[str, int], list[float]] = {}
    for cell in measured(results):
        if cell["executor"] == "serial" or cell.get("dispatch_s") is None:
            continue
        seen.setdefault((column(cell), cell["workers"]), []).append(cell["dispatch_s"])
    return {key: median(values) for key, values in seen.items()}


def dispatch_line(results: dict[str, Any]) -> str | None:
    """`W=2: threads 21 us, dask-threads 18 ms; spawn 410 us, dask-processes 25 ms`, at the
    largest W that Dask measured, or None."""
    found = dispatch(results)
    dask_ws = [w for (where, w) in found if where.startswith("dask-")]
    if not dask_ws:
        return None
    w = max(dask_ws)
    order = (THREADS, DASK_THREADS, *START_METHODS, DASK_PROCESSES)
    parts = [f"{where} {fmt_seconds(found[where, w])}" for where in order if (where, w) in found]
    return f"W={w}: " + ", ".join(parts)


def agreement(found: list[DaskRow]) -> str:
    """`Dask's layouts reach the bare pools' verdict in 7 of 9 rows`."""
    same = sum(r.agrees for r in found)
    return f"Dask's two layouts reach the bare pools' verdict in {same} of {len(found)} rows"
