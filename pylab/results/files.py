"""Results files on disk: the JSON written by atomic replace, the CSV beside it, loading.

What the records hold is pylab.results.schema's; this module only writes and reads.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pylab.base.errors import UserError
from pylab.base.stats import median
from pylab.results import schema
from pylab.results.upgrade import upgrade

CSV_COLUMNS = (
    "kernel", "variant", "executor", "start_method", "workers", "params", "size", "unit",
    "ok", "noisy", "speedup", "speedup_low", "speedup_high", "efficiency", "cpu_per_wall",
    "throughput_per_s", "serial_s_median", "parallel_s_median", "dispatch_s", "error",
)  # fmt: skip
# An atlas file's CSV: one line per call, interpreter and measured size.
ATLAS_CSV_COLUMNS = (
    "library", "call", "python", "ok", "size", "gil_share", "gil_share_low", "gil_share_high",
    "thread_speedup", "thread_speedup_low", "thread_speedup_high", "release_size",
    "payoff_size", "documented_release_size", "recommendation", "error",
)  # fmt: skip


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def free_path(out_dir: Path, stem: str, suffix: str = ".json") -> Path:
    """OUT/<stem><suffix>, with -2, -3... if another file (a run in the same second) took it."""
    path, n = out_dir / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = out_dir / f"{stem}-{n}{suffix}"
    return path


def default_path(out_dir: Path, hostname: str, when: datetime) -> Path:
    """OUT/<UTC time>-<host>.json, with -2, -3... if a run in the same second took it."""
    stem = f"{when:%Y%m%dT%H%M%SZ}-{re.sub(r'[^A-Za-z0-9.-]+', '-', hostname) or 'host'}"
    return free_path(out_dir, stem)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would give; mkstemp alone gives 0600


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new one, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        # Ctrl-C can land just after the replace: then the temporary file is gone already,
        # and the interrupt, not a FileNotFoundError, is what must go on up.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def save(results: dict[str, Any], path: Path) -> None:
    """Write the JSON and the CSV beside it, each by atomic replace."""
    atomic_write(path, json.dumps(results, indent=1) + "\n")
    atomic_write(path.with_suffix(".csv"), to_csv(results))


def _median(samples: list[float]) -> float | str:
    return median(samples) if samples else ""


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


def _atlas_csv_rows(row: dict[str, Any]):
    doc = row.get("documented") or {}
    common = {
        "library": row["library"], "call": row["call"], "python": row["python"],
        "ok": row["ok"], "recommendation": row.get("recommendation") or "",
        "release_size": (row.get("release_size") or {}).get("size") or "",
        "payoff_size": (row.get("payoff_size") or {}).get("size") or "",
        "documented_release_size": doc.get("release_size") or "",
        "error": row.get("error") or row.get("skipped") or "",
    }  # fmt: skip
    if not row["sweep"]:
        yield common
    for point in row["sweep"]:
        share, speedup = point.get("gil_share") or {}, point.get("thread_speedup") or {}
        yield {**common, "size": point["size"],
               **{f"gil_share{s}": share.get(k, "") for s, k in _ENDS},
               **{f"thread_speedup{s}": speedup.get(k, "") for s, k in _ENDS}}  # fmt: skip


_ENDS = (("", "median"), ("_low", "low"), ("_high", "high"))


def to_csv(results: dict[str, Any]) -> str:
    out = io.StringIO()
    if results.get("format") == schema.ATLAS_FORMAT:
        writer = csv.DictWriter(out, ATLAS_CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in results["atlas"]:
            writer.writerows(_atlas_csv_rows(row))
        return out.getvalue()
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


def load(path: str | os.PathLike, atlas: bool = False) -> dict[str, Any]:
    """Read and validate a results file; every problem is one UserError line. An atlas
    file (`pylab atlas`) is read only where the caller takes one (`atlas`)."""
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
    if isinstance(data, dict) and data.get("format") == schema.ATLAS_FORMAT:
        if not atlas:
            raise UserError(
                f"{path}: an atlas file (`pylab atlas`): only `report` and `compare` read it"
            )
        schema.validate_atlas(data, path)
        return data
    version = schema.check_version(data, path)
    schema.validate(data, path, version)  # the file as written, before any upgrade reads it
    if version < schema.FORMAT_VERSION:
        try:
            data = upgrade(data, version)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise UserError(f"{path}: malformed format {version} file ({exc!r})") from None
        schema.validate(data, path)
    return data
