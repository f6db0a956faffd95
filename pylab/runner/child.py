"""The jobs a measuring child does, and the child under another interpreter:
`python -m pylab.runner` (its __main__ runs `main`).

Every child is given one job, a JSON object, and does it by `run_job(job, send)`: a
forked child gets it as an argument (pylab.runner.isolation), a child under another
interpreter (`run --python`, started from its environment, pylab.pythons.envs) as one line
on its stdin, and reports the same messages, one JSON object per line, on the stdout
it was given. Anything the work itself prints goes to stderr, so it cannot corrupt a
message.

Jobs: {"job": "cells", "cells": [cell...], "size": n or null, "settings": {...}},
{"job": "experiment", "name": ..., "level": ..., "cells": [...]},
{"job": "describe"}: the interpreter's python and build blocks, read after the
kernels are imported (a module that re-enables the GIL shows there), and
{"job": "serve"}: one serial run, checked, per request line that follows on stdin
({"kernel", "variant", "params", "size"}), answered {"wall_s": t, "peak_rss_bytes": the
process's peak resident memory during that run, "peak_per_run": whether the peak could be
reset before it} or {"error": text}; the parent times two interpreters' serial runs
interleaved this way (pylab.runner.overhead).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from pylab import experiments, kernels
from pylab.executors import SerialExecutor
from pylab.executors.worker import Job
from pylab.experiments.base import LEVELS
from pylab.host import rss
from pylab.host.load import Background
from pylab.host.machine import python_info
from pylab.kernels.build import build_info
from pylab.measure.cell import calibrate, checked_run, error_text, measure_cell
from pylab.measure.plan import CellSpec
from pylab.measure.settings import Settings


def cells_job(cells: list[CellSpec], size: int | None, settings: Settings) -> dict[str, Any]:
    """Calibrate (unless `size` is known), then measure `cells` one by one."""
    return {"job": "cells", "cells": [c.as_dict() for c in cells], "size": size,
            "settings": asdict(settings)}  # fmt: skip


def experiment_job(name: str, level: str, cells: list[dict[str, Any]]) -> dict[str, Any]:
    """Run claim experiment `name` at `level`, given the run's cells so far."""
    return {"job": "experiment", "name": name, "level": level, "cells": cells}


def cell_spec(record: dict[str, Any]) -> CellSpec:
    keys = ("kernel", "variant", "executor", "start_method", "workers")
    return CellSpec(*(record[k] for k in keys), tuple(record["params"].items()))


def interpreter_blocks(send: Callable[[dict[str, Any]], None]) -> None:
    """This interpreter's python and build blocks, after importing every kernel."""
    for name in kernels.names():
        kernels.get(name)
    send({"python": python_info(), "build": build_info()})


def serve(send: Callable[[dict[str, Any]], None]) -> None:
    """Serial runs on request, each checked against the kernel's reference, until EOF."""
    serial = SerialExecutor()
    for line in sys.stdin:
        request = json.loads(line)
        job = Job(request["kernel"], request["variant"], request["size"],
                  tuple(request["params"].items()))  # fmt: skip
        try:
            per_run = rss.reset_peak()
            wall_s = checked_run(serial, job, "serial")().wall_s
            send({"wall_s": wall_s, "peak_rss_bytes": rss.peak_bytes(), "peak_per_run": per_run})
        except Exception as exc:  # a wrong result or an error: that work fails, say why
            send({"error": error_text(exc)})


Send = Callable[[dict[str, Any]], None]


def measure_cells(send: Send, cells: list[CellSpec], size: int | None, settings: Settings) -> None:
    """In a child: calibrate if needed, then measure each cell, reporting as it goes."""
    if size is None:
        try:
            size = calibrate(*cells[0].work, settings.min_time_s)
        except Exception as exc:
            send({"calibration_error": error_text(exc)})
            return
        send({"size": size})
    for index, spec in enumerate(cells):
        send({"start": index})
        send({"cell": measure_cell(spec, size, settings)})


def measure_experiment(send: Send, name: str, level: str, cells: list[dict[str, Any]]) -> None:
    """In a child: run one claim experiment's measurement and report its data, and the
    rest of the machine's load meanwhile (an experiment that retakes a disturbed region does
    so itself: pylab.experiments._kit.Regions)."""
    try:
        with Background() as seen:
            data = experiments.get(name).measure(LEVELS[level], cells)
        send({"data": data, "background_cores": seen.reading.background_cores})
    except Exception as exc:  # includes data that is not JSON: the experiment failed
        send({"error": error_text(exc)})


def run_job(job: dict[str, Any], send: Callable[[dict[str, Any]], None]) -> None:
    """Do `job`, reporting by `send`: the one dispatcher of forked and remote children."""
    kind = job.get("job")
    if kind == "cells":
        cells = [cell_spec(c) for c in job["cells"]]
        measure_cells(send, cells, job["size"], Settings(**job["settings"]))
    elif kind == "experiment":
        measure_experiment(send, job["name"], job["level"], job["cells"])
    elif kind == "describe":
        interpreter_blocks(send)
    elif kind == "serve":
        serve(send)
    else:
        raise ValueError(f"unknown job {kind!r}")


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    job = json.loads(sys.stdin.readline())
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the work's own prints go to stderr, not into the messages
    sys.stdout = sys.stderr

    def send(message: dict[str, Any]) -> None:
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    run_job(job, send)
