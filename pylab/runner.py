"""A whole lab run: calibrate each piece of work, measure every cell, save as it goes."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pylab
from pylab import results as results_io
from pylab.errors import Terminated
from pylab.experiments import judge_all
from pylab.isolation import measure_group, run_experiment
from pylab.machine import build_info, load_average, machine_info
from pylab.measure import Settings
from pylab.plan import CellSpec, Selection, params_label

# Called with (index, label) before each cell or experiment, for progress display.
Progress = Callable[[int, str], None]


def new_results(
    preset: str, settings: Settings, selection: Selection, pinning: dict[str, Any]
) -> dict[str, Any]:
    return {
        "format": results_io.FORMAT,
        "format_version": results_io.FORMAT_VERSION,
        "status": "running",
        "pylab_version": pylab.__version__,
        "command": [Path(sys.executable).name, "-m", "pylab", *sys.argv[1:]],
        "preset": preset,
        "settings": asdict(settings),
        "selection": {k: list(v) if v else None for k, v in asdict(selection).items()},
        "machine": machine_info(),
        "build": build_info(),
        "pinning": pinning,
        "load": {"before": load_average(), "after": None},
        "started": results_io.utc_now().isoformat(timespec="seconds"),
        "finished": None,
        "wall_s": None,
        "cells": [],
    }


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


def run_lab(
    results: dict[str, Any],
    cells: list[CellSpec],
    experiments: list[str],
    settings: Settings,
    path: Path,
    progress: Progress | None = None,
    sizes: dict[tuple, int] | None = None,
) -> dict[str, Any]:
    """Measure `cells`, then run `experiments`, each in a child process, saving as it goes.

    `sizes` gives calibrated sizes already known (a resumed run). On Ctrl-C or
    SIGTERM the file is saved as interrupted and the exception goes on up.
    """
    t0 = time.perf_counter()
    steps = iter(range(len(cells) + len(experiments)))

    def on_start(spec: CellSpec) -> None:
        if progress:
            progress(next(steps), cell_label(spec))

    def on_cell(cell: dict[str, Any]) -> None:
        results["cells"].append(cell)
        results_io.save(results, path)

    results["status"] = "running"
    results_io.save(results, path)
    try:
        for group in _groups(cells):
            size = (sizes or {}).get(group[0].work)
            measure_group(group, size, settings, on_start, on_cell)
        for name in experiments:
            if progress:
                progress(next(steps), f"experiment {name}")
            _run_experiment(results, name, settings)
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
    """One claim experiment, isolated like a cell; the claims are judged anew after it."""
    records = results.setdefault("experiments", {})
    records[name] = run_experiment(name, settings.level, results["cells"], settings.timeout_s)
    results["claims"] = judge_all(records)
