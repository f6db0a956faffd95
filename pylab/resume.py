"""Finishing an interrupted run: the same plan, less the cells already in the file.

A run is resumed only on the machine and build that started it, since a speed-up
measured half on one and half on another compares nothing; `--force` overrides.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pylab.errors import UserError
from pylab.measure import Settings
from pylab.plan import CellSpec, Selection, build_plan, planned_experiments
from pylab.presets import get_preset

MACHINE_KEYS = ("hostname", "cpu_model", "logical_cores", "usable_cores")
PYTHON_KEYS = ("version", "implementation", "executable", "gil_enabled")
BUILD_KEYS = (
    "pylab_version", "compiler", "cflags", "directives", "cython_version", "numpy_version",
)  # fmt: skip


@dataclass(frozen=True)
class Resumption:
    cells: list[CellSpec]  # still to measure, in the planned order
    experiments: list[str]  # claim experiments still to run
    settings: Settings
    sizes: dict[tuple, int]  # calibrated sizes of work already measured


def setup_differences(old: Mapping[str, Any], machine: Mapping, build: Mapping) -> list[str]:
    """What differs between the machine and build of a results file and these."""
    old_machine, old_build = old.get("machine") or {}, old.get("build") or {}
    pairs = [(f"machine.{k}", old_machine.get(k), machine.get(k)) for k in MACHINE_KEYS]
    old_python, python = old_machine.get("python") or {}, machine.get("python") or {}
    pairs += [(f"python.{k}", old_python.get(k), python.get(k)) for k in PYTHON_KEYS]
    pairs += [(f"build.{k}", old_build.get(k), build.get(k)) for k in BUILD_KEYS]
    return [f"{name} was {a!r}, is {b!r}" for name, a, b in pairs if a != b]


def cell_key(cell: Mapping[str, Any]) -> tuple:
    """What makes a cell that cell, whether planned (CellSpec.as_dict) or in a file."""
    fields = ("kernel", "variant", "executor", "start_method", "workers")
    return (*(cell.get(f) for f in fields), json.dumps(cell.get("params"), sort_keys=True))


def plan_resume(
    results: Mapping[str, Any], machine: Mapping, build: Mapping, force: bool
) -> Resumption:
    """The cells of `results`' plan that it does not hold yet, with its settings."""
    try:
        preset = get_preset(results["preset"])
        selection = Selection(**results["selection"])
        settings = Settings(**results["settings"])
        planned = build_plan(preset, selection, results["machine"]["usable_cores"])
        experiments = planned_experiments(selection)
    except (KeyError, TypeError, AttributeError) as exc:
        raise UserError(f"cannot resume: the file's plan is incomplete ({exc!r})") from None
    differences = setup_differences(results, machine, build)
    if differences and not force:
        raise UserError(
            "measured on another machine or build (" + "; ".join(differences[:3]) + "); "
            "--force resumes anyway"
        )
    done = {cell_key(cell) for cell in results["cells"]}
    sizes = {
        (c["kernel"], c["variant"], tuple(sorted(c["params"].items()))): c["size"]
        for c in results["cells"]
        if c.get("ok") and isinstance(c.get("size"), int) and isinstance(c.get("params"), dict)
    }
    todo = [spec for spec in planned if cell_key(spec.as_dict()) not in done]
    ran = results.get("experiments") or {}
    return Resumption(todo, [n for n in experiments if n not in ran], settings, sizes)
