"""A whole lab run: calibrate each piece of work, measure every cell, save as it goes.

A cell that ends its time still disturbed (too few clean pairs: it had to use disturbed
ones), beside which a check found the machine short of cores, or whose interval ended
wider than its noisy_above, is retaken once its interpreter's other cells are done, after
a quiet window, within the settings' retake_share of the time the cells took (disturbed
and short cells first: their figures may be wrong, a noisy one's are only loose); the
retake replaces it in the file and keeps the earlier attempt under `attempts`. Only a
cell still so after its retake stays so. With `max_time_s` 0 (exactly `repeats` pairs a
cell) nothing is retaken.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pylab import results as results_io
from pylab.base.errors import Terminated
from pylab.experiments import judge_all
from pylab.host.load import Background, wait_quiet
from pylab.host.machine import load_average
from pylab.measure.cell import failed_cell
from pylab.measure.plan import CellSpec
from pylab.measure.settings import Settings
from pylab.results.cells import params_label
from pylab.results.verdicts import judge
from pylab.runner import overhead
from pylab.runner.child import cell_spec
from pylab.runner.isolation import measure_group, run_experiment

# Called with (index, label) before each cell or experiment, for progress display.
Progress = Callable[[int, str], None]

QUIET_WINDOW_S = 1.0  # a retake waits for a window this long under the background bound,
# for at most half the retakes' time; then it retakes anyway (its flags then say so)


@dataclass
class Part:
    """One interpreter's share of a run: its cells and experiments, and how to reach it."""

    pid: str  # its id in the results file (pylab.results.views.python_id)
    executable: str | None  # its environment's python; None: the one running (forked)
    cells: list[CellSpec]
    experiments: list[str]
    sizes: dict[tuple, int] = field(default_factory=dict)  # calibrated sizes already known
    error: str | None = None  # it cannot run (its environment failed): all of it fails so

    @property
    def steps(self) -> int:
        return len(self.cells) + len(self.experiments)


@dataclass
class LabRun:
    """What a run measures and where it writes: a new run's plan, or a resumed one's rest,
    one part per interpreter, measured in turn."""

    results: dict[str, Any]
    parts: list[Part]
    settings: Settings
    path: Path
    twins: list[tuple[str, str]] = field(default_factory=list)  # overheads to measure

    @property
    def steps(self) -> int:
        return sum(part.steps for part in self.parts) + len(self.twins)

    @property
    def cells(self) -> list[CellSpec]:
        return [spec for part in self.parts for spec in part.cells]

    @property
    def experiments(self) -> list[str]:
        return [name for part in self.parts for name in part.experiments]


class TimeBank:
    """Each cell's time for pairs: `base` seconds, plus a share of what the cells before
    it left unused (a cell that reaches its precision early stops early), at most
    `base` more. The run's cells so take about the time they would with `base` each,
    and the noisy ones get the time the quiet ones did not need."""

    def __init__(self, base: float, cells: int) -> None:
        self.base, self.left, self.saved = base, cells, 0.0

    def allowance(self) -> float:
        extra = self.saved / max(self.left, 1)
        return self.base + max(0.0, min(self.base, extra))

    def spend(self, allowed: float, used: float) -> None:
        self.saved += self.base - min(used, allowed)
        self.left -= 1


def _groups(cells: list[CellSpec]) -> list[list[CellSpec]]:
    """Consecutive cells with the same work: one calibration, one child process."""
    groups: list[list[CellSpec]] = []
    for spec in cells:
        if groups and groups[-1][0].work == spec.work:
            groups[-1].append(spec)
        else:
            groups.append([spec])
    return groups


def cell_label(spec: CellSpec) -> str:
    where = spec.executor + (f"/{spec.start_method}" if spec.start_method else "")
    label = f"{spec.kernel}/{spec.variant} {params_label(dict(spec.params))} {where}"
    return f"{label} W={spec.workers}".replace("  ", " ")


def run_lab(run: LabRun, progress: Progress | None = None) -> dict[str, Any]:
    """Measure each interpreter's cells, then its experiments, each in a child process,
    saving the file after each; the verdicts are judged as the cells come in.

    On Ctrl-C or SIGTERM the file is saved as interrupted and the exception goes on up.
    """
    results, path = run.results, run.path
    t0 = time.perf_counter()
    steps = iter(range(run.steps))
    named = len(results["pythons"]) > 1

    def announce(pid: str, text: str) -> None:
        step = next(steps, None)  # retakes are steps the plan did not count
        if progress and step is not None:
            progress(step, f"{pid} {text}" if named else text)

    results["status"] = "running"
    results_io.save(results, path)
    background = Background().start()
    try:
        for part in run.parts:
            _run_part(results, part, run.settings, path, announce)
        for ft, gil in run.twins:
            announce(ft, f"single-thread overhead against {gil}")
            _run_overhead(results, run, ft, gil)
        results["status"] = "complete"
    except (KeyboardInterrupt, Terminated) as exc:
        results["status"] = "interrupted"
        results["interrupted_by"] = "SIGTERM" if isinstance(exc, Terminated) else "SIGINT"
        raise
    finally:
        results["finished"] = results_io.utc_now().isoformat(timespec="seconds")
        results["wall_s"] = round((results.get("wall_s") or 0) + time.perf_counter() - t0, 3)
        results["load"]["after"] = load_average()
        _add_background(results["load"], background)
        results_io.save(results, path)
    return results


def _add_background(load: dict[str, Any], background: Background) -> None:
    """The rest of the machine's CPU during the run (added up over resumed parts)."""
    seen = background.read()
    cpu_s = load.get("background_cpu_s", 0.0) + seen.background_cores * seen.wall_s
    wall_s = load.get("background_wall_s", 0.0) + seen.wall_s
    load["background_cpu_s"] = round(cpu_s, 3)
    load["background_wall_s"] = round(wall_s, 3)
    load["background_cores"] = round(cpu_s / wall_s, 3) if wall_s else 0.0


def _run_part(
    results: dict[str, Any],
    part: Part,
    settings: Settings,
    path: Path,
    announce: Callable[[str, str], None],
) -> None:
    """One interpreter's cells and experiments; if it cannot run, each fails with why."""
    record = results["pythons"][part.pid]

    def on_start(spec: CellSpec) -> None:
        announce(part.pid, cell_label(spec))

    def on_cell(cell: dict[str, Any]) -> None:
        results["cells"].append({"python": part.pid, **cell})
        record["verdicts"] = judge(results_io.view(results, part.pid))
        results_io.save(results, path)

    if part.error:
        for spec in part.cells:
            on_start(spec)
            on_cell(failed_cell(spec, None, part.error))
    else:
        t0 = time.perf_counter()
        _measure_cells(part, settings, on_start, on_cell)
        budget_s = settings.retake_share * (time.perf_counter() - t0)

        def on_retake(spec: CellSpec) -> None:
            announce(part.pid, f"retake {cell_label(spec)}")

        if part.cells:  # a resumed part with no cells left has nothing to retake or count
            _retake(results, part, settings, budget_s, on_retake, path)
    for name in part.experiments:
        announce(part.pid, f"experiment {name}")
        _run_experiment(results, part, name, settings)
        results_io.save(results, path)


def _measure_cells(
    part: Part,
    settings: Settings,
    on_start: Callable[[CellSpec], None],
    on_cell: Callable[[dict[str, Any]], None],
) -> None:
    """Each group of cells with the same work in a child, its time for pairs from the bank."""
    bank = TimeBank(settings.max_time_s, len(part.cells))
    for group in _groups(part.cells):
        size = part.sizes.get(group[0].work)
        given = replace(settings, max_time_s=bank.allowance())

        def spent(cell: dict[str, Any], allowed: float = given.max_time_s) -> None:
            bank.spend(allowed, (cell.get("interference") or {}).get("pairs_s", allowed))
            on_cell(cell)

        measure_group(group, size, given, on_start, spent, part.executable)


def spoiled(cell: dict[str, Any]) -> bool:
    """A measured cell that ended its time still disturbed (too few clean pairs, so it used
    disturbed ones), or beside which the machine was short of cores (pylab.measure.capacity)."""
    seen = cell.get("interference") or {}
    short = (seen.get("capacity") or {}).get("short")
    return bool(cell.get("ok") and (seen.get("used_disturbed") or short))


def to_retake(cell: dict[str, Any]) -> int | None:
    """Whether a measured cell is retaken, and in what turn: 0 spoiled (its figures may be
    wrong), 1 noisy (an interval wider than noisy_above: its figures are loose), None not.
    A default run over four interpreters on the 2-core EPYC VM left 5-12% of each
    interpreter's cells noisy, in spells when the serial runs of one cell spread 40%
    (2026-12-06); measured again in a quiet window, such a cell usually narrows."""
    if spoiled(cell):
        return 0
    return 1 if cell.get("ok") and cell.get("noisy") else None


def _retake(
    results: dict[str, Any],
    part: Part,
    settings: Settings,
    budget_s: float,
    on_start: Callable[[CellSpec], None],
    path: Path,
) -> None:
    """Retake the part's spoiled cells, then its noisy ones, after a quiet window, as long
    as `budget_s` lasts; the file's `load.retakes` says how it went."""
    if settings.max_time_s <= 0:  # exactly --repeats pairs a cell: nothing is retaken
        return
    turns = {i: to_retake(cell) for i, cell in enumerate(results["cells"])
             if cell.get("python") == part.pid}  # fmt: skip
    at = sorted((i for i, turn in turns.items() if turn is not None), key=lambda i: turns[i])
    record = results["load"].setdefault("retakes", {"spoiled": 0, "retaken": 0, "spent_s": 0.0})
    record["spoiled"] += sum(turns[i] == 0 for i in at)
    record["noisy"] = record.get("noisy", 0) + sum(turns[i] == 1 for i in at)
    if not at:
        return
    t0 = time.perf_counter()
    record["quiet_cores"] = round(wait_quiet(QUIET_WINDOW_S, budget_s / 2), 3)
    for i in at:
        left = budget_s - (time.perf_counter() - t0)
        if left <= 0:
            break
        old = results["cells"][i]
        given = replace(settings, max_time_s=min(settings.max_time_s, left))

        def retaken(cell: dict[str, Any], i: int = i, old: dict[str, Any] = old) -> None:
            earlier = old.get("attempts", [])
            if cell.get("ok"):  # the retake stands; the attempt before it is kept
                earlier = [*earlier, {k: v for k, v in old.items() if k != "attempts"}]
                results["cells"][i] = {"python": part.pid, **cell, "attempts": earlier}
                record["retaken"] += 1
            else:  # a retake that failed leaves the measured cell, and says so
                old["attempts"] = [*earlier, {"python": part.pid, **cell}]
            results["pythons"][part.pid]["verdicts"] = judge(results_io.view(results, part.pid))
            results_io.save(results, path)

        measure_group([cell_spec(old)], old["size"], given, on_start, retaken, part.executable)
    record["spent_s"] = round(record["spent_s"] + time.perf_counter() - t0, 3)
    record["budget_s"] = round(record.get("budget_s", 0.0) + budget_s, 3)


def _run_experiment(results: dict[str, Any], part: Part, name: str, settings: Settings) -> None:
    """One claim experiment, isolated like a cell; its claims are judged as it ends, the
    others keep the verdicts the file holds."""
    record = results["pythons"][part.pid]
    if part.error:
        done = results_io.experiment_record(0.0, error=part.error)
    else:
        cells = results_io.view(results, part.pid)["cells"]
        done = run_experiment(name, settings.level, cells, settings.timeout_s, part.executable)
    record["experiments"][name] = done
    record["claims"] = judge_all({name: done}, record.get("claims"))


def _run_overhead(results: dict[str, Any], run: LabRun, ft: str, gil: str) -> None:
    """Free-threaded against GIL serial time for each work the GIL build measured."""
    where = {part.pid: part.executable or sys.executable for part in run.parts}
    entry = overhead.record(ft, gil)
    records = results.setdefault("overhead", [])
    records[:] = [r for r in records if (r["free_threaded"], r["gil"]) != (ft, gil)] + [entry]
    for work in overhead.works(results, gil):
        entry["works"].append(overhead.measure(work, (where[ft], where[gil]), run.settings))
        results_io.save(results, run.path)
    entry["complete"] = True
