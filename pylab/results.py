"""The results file: one JSON document per run, a CSV of its cells beside it.

Format history (bump FORMAT_VERSION on any change a reader must know about):
  1 (2026-11-25): first version. Top level: format, format_version, status
    ("running", "complete", "interrupted"), pylab_version, command, preset,
    settings, selection, machine, build, pinning, load, started, finished,
    wall_s, cells. Each cell: kernel, variant, executor, start_method, workers,
    params, size, unit, ok, error, samples, speedup, efficiency, cpu_per_wall,
    throughput_per_s, model_speedup, noisy, noise, dispatch_s, dispatch_share,
    pool_start_s, workers_seen, elapsed_s. Added the same day, optional, so
    readers of the first files need nothing: interrupted_by, resumed,
    settings.timeout_s, selection.params; and, with the claim experiments,
    settings.level, selection.only, experiments and claims. README.md ("The
    results file") documents every field.
    2026-12-02, no reader change: model_speedup for amdahl is Amdahl's law over
    N = min(W, usable cores); before, it was the law at N = W capped at the
    cores, which reads higher once W exceeds the cores. Experiment data of
    gilshare: kernels maps a label to {kernel, variant, params, size,
    gil_share}, one entry per parameter set the run measured.

The file is rewritten after every cell by atomic replace, so a run killed at
any moment leaves a valid file holding every finished cell. Reading it parses
JSON and nothing else: no code from a file is ever executed or unpickled.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pylab.errors import UserError

FORMAT = "pylab-results"
FORMAT_VERSION = 1

CSV_COLUMNS = (
    "kernel", "variant", "executor", "start_method", "workers", "params", "size", "unit",
    "ok", "noisy", "speedup", "speedup_low", "speedup_high", "efficiency", "cpu_per_wall",
    "throughput_per_s", "serial_s_median", "parallel_s_median", "dispatch_s", "error",
)  # fmt: skip


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def default_path(out_dir: Path, hostname: str, when: datetime) -> Path:
    """OUT/<UTC time>-<host>.json, with -2, -3... if a run in the same second took it."""
    stem = f"{when:%Y%m%dT%H%M%SZ}-{re.sub(r'[^A-Za-z0-9.-]+', '-', hostname) or 'host'}"
    path, n = out_dir / f"{stem}.json", 1
    while path.exists():
        n += 1
        path = out_dir / f"{stem}-{n}.json"
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would give; mkstemp alone gives 0600


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def save(results: dict[str, Any], path: Path) -> None:
    """Write the JSON and the CSV beside it, each by atomic replace."""
    _atomic_write(path, json.dumps(results, indent=1) + "\n")
    _atomic_write(path.with_suffix(".csv"), to_csv(results))


def _median(samples: list[float]) -> float | str:
    return sorted(samples)[len(samples) // 2] if samples else ""


def _csv_row(cell: dict[str, Any]) -> dict[str, Any]:
    speedup = cell.get("speedup") or {}
    samples = cell.get("samples") or {}
    return {
        **{k: cell.get(k) for k in ("kernel", "variant", "executor", "start_method", "workers")},
        "params": json.dumps(cell.get("params", {}), sort_keys=True),
        "size": cell.get("size"),
        "unit": cell.get("unit"),
        "ok": cell.get("ok"),
        "noisy": cell.get("noisy"),
        "speedup": speedup.get("median", ""),
        "speedup_low": speedup.get("low", ""),
        "speedup_high": speedup.get("high", ""),
        "efficiency": (cell.get("efficiency") or {}).get("median", ""),
        "cpu_per_wall": (cell.get("cpu_per_wall") or {}).get("median", ""),
        "throughput_per_s": (cell.get("throughput_per_s") or {}).get("median", ""),
        "serial_s_median": _median(samples.get("serial_s", [])),
        "parallel_s_median": _median(samples.get("parallel_s", [])),
        "dispatch_s": cell.get("dispatch_s", ""),
        "error": cell.get("error") or "",
    }


def to_csv(results: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_csv_row(cell) for cell in results["cells"])
    return out.getvalue()


def flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested objects as (dotted.key, value) pairs, for tables of machine and build."""
    items: list[tuple[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            items += flatten(value, f"{prefix}{key}.")
        else:
            items.append((prefix + key, value))
    return items


def load(path: str | os.PathLike) -> dict[str, Any]:
    """Read and validate a results file; every problem is one UserError line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such results file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a results file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read: {exc}") from None
    if not text.strip():
        raise UserError(f"{path}: empty file, not a pylab results file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: not valid JSON (truncated?): {exc}") from None
    _validate(data, path)
    return data


def _validate(data: Any, path: Path) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UserError(f'{path}: not a pylab results file (no "format": "{FORMAT}")')
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise UserError(f"{path}: bad format_version {version!r}")
    if version > FORMAT_VERSION:
        raise UserError(
            f"{path}: written by a newer pylab (format {version}; this pylab reads up to "
            f"{FORMAT_VERSION}): upgrade pylab to read it"
        )
    if not isinstance(data.get("machine"), dict):
        raise UserError(f'{path}: malformed results file (no "machine")')
    if not isinstance(data.get("cells"), list):
        raise UserError(f'{path}: malformed results file ("cells" is not a list)')
    for index, cell in enumerate(data["cells"]):
        problem = _cell_problem(cell)
        if problem:
            raise UserError(f"{path}: malformed results file (cell {index}: {problem})")
    if not isinstance(data.get("claims", {}), dict):
        raise UserError(f'{path}: malformed results file ("claims" is not an object)')
    for cid, claim in data.get("claims", {}).items():
        if not isinstance(claim, dict) or not all(
            isinstance(claim.get(k), str) for k in ("claim", "verdict", "reason")
        ):
            raise UserError(f"{path}: malformed results file (claim {cid})")


# What every cell has, and what a measured (ok) cell has besides; readers rely on these.
_CELL_FIELDS = {"kernel": str, "variant": str, "executor": str, "workers": int, "params": dict}
_OK_FIELDS = {"unit": str, "samples": dict, "speedup": dict, "cpu_per_wall": dict}
_INTERVAL_KEYS = ("median", "low", "high")


def _cell_problem(cell: Any) -> str | None:
    """What is wrong with one cell of a file, or None."""
    if not isinstance(cell, dict):
        return "not an object"
    if not isinstance(cell.get("ok"), bool):
        return '"ok" is not true or false'
    fields = _CELL_FIELDS | (_OK_FIELDS if cell["ok"] else {})
    for name, kind in fields.items():
        if not isinstance(cell.get(name), kind) or isinstance(cell.get(name), bool):
            return f"{name!r} missing or not {kind.__name__}"
    for name in ("speedup", "cpu_per_wall") if cell["ok"] else ():
        values = [cell[name].get(k) for k in _INTERVAL_KEYS]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return f"{name!r} lacks numeric median, low and high"
    return None
