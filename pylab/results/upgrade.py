"""Reading an older results file as the current format, in memory (as asv upgrades its
results to its current API version); the file on disk is left as it was.

Each step takes a file of version N to N + 1 and says what it did in `upgraded`, so
that nothing of the old meaning is mixed in silently:
  1 -> 2  model_speedup of every cell is recomputed as Amdahl's law over N = min(W,
          usable cores) (format 1 files written before 2026-12-02 stored the law at
          N = W capped at the cores); the verdicts, which format 1 did not store, are
          judged by this pylab's rules and marked so; each cell's noise gets the
          noisy flag's width as format 1 judged it (V1_NOISY_ABOVE); the
          responsiveness data gets the scenarios format 1 ran with the GIL released
          (V1_RELEASING).
  2 -> 3  the file becomes one interpreter's: its id from machine.python, on every
          cell; `pythons` holds that interpreter with the top-level build, the
          python block, and the experiments, claims and verdicts moved under it.
"""

from __future__ import annotations

from typing import Any

from pylab.base.gilmodel import predicted
from pylab.results.schema import FORMAT_VERSION, python_record
from pylab.results.verdicts import judge
from pylab.results.views import PER_PYTHON, python_id

# What format 1's code used, as facts about the files it wrote (not today's settings).
V1_NOISY_ABOVE = 0.30
V1_RELEASING = ("idle", "nogil_c", "io")


def _v1_model_speedups(results: dict[str, Any]) -> int:
    """Amdahl under the current definition for amdahl thread cells; how many changed."""
    cores = results["machine"].get("usable_cores") or 1
    changed = 0
    for cell in results["cells"]:
        if cell.get("model_speedup") is None or "gil_share" not in cell.get("params", {}):
            continue
        new = round(predicted(float(cell["params"]["gil_share"]), cell["workers"], cores, 1.0), 4)
        changed += new != cell["model_speedup"]
        cell["model_speedup"] = new
    return changed


def _v1_experiments(results: dict[str, Any]) -> None:
    for cell in results["cells"]:
        if cell.get("ok") and isinstance(cell.get("noise"), dict):
            cell["noise"].setdefault("noisy_above", V1_NOISY_ABOVE)
    record = (results.get("experiments") or {}).get("responsiveness") or {}
    settings = (record.get("data") or {}).get("settings")
    if isinstance(settings, dict):
        settings.setdefault("releasing", list(V1_RELEASING))


def _from_1(results: dict[str, Any]) -> list[str]:

    changed = _v1_model_speedups(results)
    _v1_experiments(results)
    results["verdicts"] = judge(results) | {"judged_on_reading": True}
    return [
        f"model_speedup recomputed as Amdahl over min(W, usable cores) ({changed} changed)",
        "verdicts judged on reading by this pylab's rules (format 1 stored none)",
        f"cells flagged noisy above {V1_NOISY_ABOVE:.0%} of the median, as format 1 did",
    ]


def _from_2(results: dict[str, Any]) -> list[str]:

    python = results["machine"].get("python") or {}
    pid = python_id(python)
    where = {"path": python.get("executable"), "source": "current", "environment": None}
    record = python_record(python, results.get("build"), where)
    for key in PER_PYTHON:
        if key in results:
            record[key] = results.pop(key) or {}
    results["pythons"] = {pid: record}
    for cell in results["cells"]:
        cell["python"] = pid
    return [f"one interpreter's run: every cell and the file's claims are {pid}'s"]


STEPS = {1: _from_1, 2: _from_2}


def upgrade(results: dict[str, Any], version: int) -> dict[str, Any]:
    """`results`, read as version `version`, brought to the current format in place."""
    notes: list[str] = []
    while version < FORMAT_VERSION:
        notes += STEPS[version](results)
        version += 1
    if notes:
        results["upgraded"] = {"from_version": results["format_version"], "changes": notes}
        results["format_version"] = FORMAT_VERSION
    return results
