"""Starting a new run: its plan, its settings, its results file and where it goes."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pylab
from pylab import results as results_io
from pylab.errors import UserError, unknown_name
from pylab.experiments import MODULES
from pylab.experiments.base import LEVELS
from pylab.machine import build_info, load_average, machine_info, usable_cores
from pylab.pinning import pin_thread_pools
from pylab.plan import Selection, build_plan, parts
from pylab.presets import get_preset
from pylab.runner.lab import LabRun
from pylab.settings import DEFAULT_OUT, Settings


def planned_experiments(selection: Selection) -> list[str]:
    """The claim experiments a selection runs: all of them, unless it runs no claims."""
    return list(MODULES) if "claims" in parts(selection) else []


def check_level(name: str) -> str:
    if name not in LEVELS:
        raise unknown_name("level", name, LEVELS)
    return name


def new_results(
    preset: str, settings: Settings, selection: Selection, pinning: dict[str, Any]
) -> dict[str, Any]:
    """The header of a new run's file, on this machine and build."""
    return results_io.header(
        pylab_version=pylab.__version__,
        command=[Path(sys.executable).name, "-m", "pylab", *sys.argv[1:]],
        preset=preset,
        settings=asdict(settings),
        selection={k: list(v) if v else None for k, v in asdict(selection).items()},
        machine=machine_info(),
        build=build_info(),
        pinning=pinning,
        load_before=load_average(),
        started=results_io.utc_now().isoformat(timespec="seconds"),
    )


def writable(path: Path, results: dict[str, Any]) -> None:
    """Save `results` to `path` now, so that an unwritable place fails before measuring."""
    try:
        results_io.save(results, path)
    except OSError as exc:
        raise UserError(f"cannot write results to {path}: {exc.strerror or exc}") from None


def results_path(out: Path, results: dict[str, Any]) -> Path:
    """OUT/<UTC time>-<host>.json, created and written once."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write results to {out}: {exc.strerror or exc}") from None
    path = results_io.default_path(out, results["machine"]["hostname"], results_io.utc_now())
    writable(path, results)
    return path


def start(
    preset_name: str | None,
    selection: Selection,
    overrides: Mapping[str, Any],
    out: Path | None = None,
) -> LabRun:
    """A new run of a preset narrowed by `selection`, its settings changed by `overrides`
    (None keeps the preset's), with its results file written once."""
    preset = get_preset(preset_name or "default")
    cells = build_plan(preset, selection, usable_cores())
    given = {k: v for k, v in overrides.items() if v is not None}
    settings = replace(preset.settings, **given)
    check_level(settings.level)
    results = new_results(preset.name, settings, selection, pin_thread_pools())
    path = results_path(out or DEFAULT_OUT, results)
    return LabRun(results, cells, planned_experiments(selection), settings, path)
