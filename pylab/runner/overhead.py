"""What free-threading costs one thread: the same serial work on a free-threaded build and
on the GIL build of the same Python version (3.13.5t against 3.13.5), interleaved.

Both interpreters run as children of their environments (pylab.runner.child's serve
job), each kept alive for all the work; the parent asks them in turn for one serial
run, alternating which goes first, so that drift on this shared machine favours
neither. Each pair gives free-threaded / GIL seconds; the record holds the median of
those ratios with its interval (above 1: slower without the GIL). The work and its
size are the GIL build's, as its cells calibrated them.
"""

from __future__ import annotations

import time
from typing import Any

from pylab.base.stats import median_interval
from pylab.measure.settings import Settings
from pylab.results.cells import work_key
from pylab.results.views import view
from pylab.runner.isolation import ChildTimeout, Remote


def twins(results: dict[str, Any]) -> list[tuple[str, str]]:
    """(free-threaded id, GIL id) for each free-threaded interpreter of the file whose
    GIL build of the same version is in it too, neither of them failed."""
    pythons = {pid: r for pid, r in results["pythons"].items() if not r.get("error")}
    found = []
    for ft, record in pythons.items():
        if not record["python"].get("free_threaded_build"):
            continue
        version = record["python"].get("version")
        for gil, other in pythons.items():
            python = other["python"]
            if python.get("version") == version and not python.get("free_threaded_build"):
                found.append((ft, gil))
                break
    return found


def works(results: dict[str, Any], gil: str) -> list[dict[str, Any]]:
    """Each kernel, variant and params the GIL build measured, with its calibrated size."""
    seen: dict[tuple, dict[str, Any]] = {}
    for cell in view(results, gil)["cells"]:
        if cell.get("ok") and isinstance(cell.get("size"), int):
            seen.setdefault(work_key(cell), {k: cell[k] for k in
                                             ("kernel", "variant", "params", "size")})  # fmt: skip
    return list(seen.values())


class _Pair:
    """Two serving children, asked for serial runs in turn."""

    def __init__(self, executables: tuple[str, str]) -> None:
        self.children = [Remote(e, {"job": "serve"}, more=True) for e in executables]

    def ask(self, index: int, work: dict[str, Any], deadline: float) -> float:
        child = self.children[index]
        child.send(work)
        message = child.next_message(deadline)
        if message is None:
            raise RuntimeError(child.end_reason())
        if "error" in message:
            raise RuntimeError(message["error"])
        return message["wall_s"]

    def close(self) -> None:
        for child in self.children:
            child.kill()


def measure(
    work: dict[str, Any], executables: tuple[str, str], settings: Settings
) -> dict[str, Any]:
    """One work's record: free-threaded and GIL seconds per pair, and their ratio."""
    pair = _Pair(executables)
    deadline = time.monotonic() + settings.timeout_s
    times: list[list[float]] = [[], []]
    try:
        for r in range(settings.warmups + settings.repeats):
            order = (0, 1) if r % 2 == 0 else (1, 0)
            got = {i: pair.ask(i, work, deadline) for i in order}
            if r >= settings.warmups:
                times[0].append(got[0])
                times[1].append(got[1])
    except ChildTimeout:
        return work | {"ok": False, "error": f"timed out after {settings.timeout_s:g} s"}
    except RuntimeError as exc:
        return work | {"ok": False, "error": str(exc)}
    finally:
        pair.close()
    ratios = [f / g for f, g in zip(*times, strict=True)]
    return work | {
        "ok": True,
        "error": None,
        "ratio": median_interval(ratios).as_dict(),
        "samples": {
            "free_threaded_s": [round(t, 7) for t in times[0]],
            "gil_s": [round(t, 7) for t in times[1]],
        },  # fmt: skip
    }


def record(ft: str, gil: str) -> dict[str, Any]:
    """A twin pair's record, its works to come; `complete` once all were measured."""
    return {"free_threaded": ft, "gil": gil, "works": [], "complete": False}
