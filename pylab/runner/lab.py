"""A whole lab run: calibrate each piece of work, measure every cell, save as it goes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pylab import results as results_io
from pylab.cells import params_label
from pylab.errors import Terminated
from pylab.experiments import judge_all
from pylab.machine import load_average
from pylab.plan import CellSpec
from pylab.runner.isolation import measure_group, run_experiment
from pylab.settings import Settings
from pylab.verdicts import judge

# Called with (index, label) before each cell or experiment, for progress display.
Progress = Callable[[int, str], None]


@dataclass
class LabRun:
    """What a run measures and where it writes: a new run's plan, or a resumed one's rest."""

    results: dict[str, Any]
    cells: list[CellSpec]
    experiments: list[str]
    settings: Settings
    path: Path
    sizes: dict[tuple, int] = field(default_factory=dict)  # calibrated sizes already known

    @property
    def steps(self) -> int:
        return len(self.cells) + len(self.experiments)


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
    """Measure the run's cells, then its experiments, each in a child process, saving
    the file after each; the verdicts are judged as the cells come in.

    On Ctrl-C or SIGTERM the file is saved as interrupted and the exception goes on up.
    """
    results, path = run.results, run.path
    t0 = time.perf_counter()
    steps = iter(range(run.steps))

    def on_start(spec: CellSpec) -> None:
        if progress:
            progress(next(steps), cell_label(spec))

    def on_cell(cell: dict[str, Any]) -> None:
        results["cells"].append(cell)
        results["verdicts"] = judge(results)
        results_io.save(results, path)

    results["status"] = "running"
    results_io.save(results, path)
    try:
        for group in _groups(run.cells):
            measure_group(group, run.sizes.get(group[0].work), run.settings, on_start, on_cell)
        for name in run.experiments:
            if progress:
                progress(next(steps), f"experiment {name}")
            _run_experiment(results, name, run.settings)
            results_io.save(results, path)
        results["status"] = "complete"
    except (KeyboardInterrupt, Terminated) as exc:
        results["status"] = "interrupted"
        results["interrupted_by"] = "SIGTERM" if isinstance(exc, Terminated) else "SIGINT"
        raise
    finally:
        results["finished"] = results_io.utc_now().isoformat(timespec="seconds")
        results["wall_s"] = round((results.get("wall_s") or 0) + time.perf_counter() - t0, 3)
        results["load"]["after"] = load_average()
        results_io.save(results, path)
    return results


def _run_experiment(results: dict[str, Any], name: str, settings: Settings) -> None:
    """One claim experiment, isolated like a cell; its claims are judged as it ends, the
    others keep the verdicts the file holds."""
    records = results.setdefault("experiments", {})
    records[name] = run_experiment(name, settings.level, results["cells"], settings.timeout_s)
    results["claims"] = judge_all({name: records[name]}, results.get("claims"))
