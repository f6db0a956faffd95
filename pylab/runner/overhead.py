"""What free-threading costs one thread: the same serial work on a free-threaded build and
on the GIL build of the same Python version (3.13.5t against 3.13.5), interleaved.

Both interpreters run as children of their environments (pylab.runner.child's serve
job), each kept alive for all the work; the parent asks them in turn for one serial
run, alternating which goes first, so that drift on this shared machine favours
neither. Each pair gives free-threaded / GIL seconds; the record holds the median of
those ratios with its interval (above 1: slower without the GIL). Each serial run also
reports its process's peak resident memory (pylab.host.rss: the peak is reset before
each run where Linux allows it), so the record holds the memory ratio the same way: the
whole process's, as PEP 779's memory bound counts it. The work and its size are the GIL
build's, as its cells calibrated them.
"""

from __future__ import annotations

import time
from typing import Any

from pylab.base.stats import median, median_interval
from pylab.executors.children import ChildTimeout
from pylab.measure.settings import Settings
from pylab.results.cells import work_key
from pylab.results.views import view
from pylab.runner.isolation import Remote


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

    def ask(self, index: int, work: dict[str, Any], deadline: float) -> dict[str, Any]:
        child = self.children[index]
        child.send_message(work)
        message = child.next_message(deadline)
        if message is None:
            raise RuntimeError(child.end_reason())
        if "error" in message:
            raise RuntimeError(message["error"])
        return message

    def close(self) -> None:
        for child in self.children:
            child.kill()


def measure(
    work: dict[str, Any], executables: tuple[str, str], settings: Settings
) -> dict[str, Any]:
    """One work's record: free-threaded and GIL seconds and peak RSS per pair, and their
    ratios."""
    pair = _Pair(executables)
    deadline = time.monotonic() + settings.timeout_s
    answers: list[list[dict[str, Any]]] = [[], []]
    try:
        for r in range(settings.warmups + settings.repeats):
            order = (0, 1) if r % 2 == 0 else (1, 0)
            got = {i: pair.ask(i, work, deadline) for i in order}
            if r >= settings.warmups:
                answers[0].append(got[0])
                answers[1].append(got[1])
    except ChildTimeout:
        return work | {"ok": False, "error": f"timed out after {settings.timeout_s:g} s"}
    except RuntimeError as exc:
        return work | {"ok": False, "error": str(exc)}
    finally:
        pair.close()
    times = [[a["wall_s"] for a in side] for side in answers]
    return work | {
        "ok": True,
        "error": None,
        "ratio": _ratio(times),
        "memory": _memory(answers),
        "samples": {
            "free_threaded_s": [round(t, 7) for t in times[0]],
            "gil_s": [round(t, 7) for t in times[1]],
        },  # fmt: skip
    }


def _ratio(pairs: list[list[float]]) -> dict[str, float]:
    """Free-threaded over GIL per pair: the median and its interval."""
    return median_interval([f / g for f, g in zip(*pairs, strict=True)]).as_dict()


def _memory(answers: list[list[dict[str, Any]]]) -> dict[str, Any] | None:
    """Peak RSS free-threaded over GIL per pair, and each side's median peak; None where a
    child did not report its peak (an environment from before it did)."""
    peaks = [[a.get("peak_rss_bytes") for a in side] for side in answers]
    if any(p is None for side in peaks for p in side):
        return None
    return {
        "ratio": _ratio(peaks),
        "free_threaded_peak_bytes": median(peaks[0]),
        "gil_peak_bytes": median(peaks[1]),
        "per_run": all(a.get("peak_per_run") for side in answers for a in side),
    }


def record(ft: str, gil: str) -> dict[str, Any]:
    """A twin pair's record, its works to come; `complete` once all were measured."""
    return {"free_threaded": ft, "gil": gil, "works": [], "complete": False}
