"""One lab per machine sent out, and what comes back collected as it comes.

Each machine's lab is one Dask task pinned to the worker chosen for it (`workers=[address],
allow_other_workers=False`: a lab measures the machine it runs on, so it may never move)
and `pure=False` (two runs of the lab are never the same result). All machines run at once.
Each machine's results file is written into OUT the moment it arrives, so a machine that
fails later, or Ctrl-C, loses nothing already received.

A machine is lost when its worker leaves the scheduler, or another worker process takes
its address: Dask would keep the pinned task waiting for that worker, or run the lab again
from the start on its successor, so the task is cancelled and the machine failed with the
reason. A task that errs (KilledWorker, CommClosedError, ...) fails its machine the same way.
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pylab import results as results_io
from pylab.base.errors import Exit, UserError
from pylab.runner.fleet import remote
from pylab.runner.fleet.discover import Machine, token, workers

POLL_S = 1.0  # how often the parent looks at its futures and at the workers
MEASURED, PARTLY, FAILED, INTERRUPTED = "measured", "partly measured", "failed", "interrupted"
INTERRUPTED_CODES = (Exit.INTERRUPTED, Exit.TERMINATED)  # the lab's own, for SIGINT and SIGTERM


@dataclass(frozen=True)
class Outcome:
    """How one machine's lab ended: `status` (MEASURED, PARTLY, FAILED or INTERRUPTED), why
    in one line, and its results file in OUT (None where none came back)."""

    machine: Machine
    status: str
    reason: str = ""
    path: Path | None = None
    results: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status == MEASURED


def run_labs(
    client: Any, machines: list[Machine], lab_args: list[str], out: Path
) -> Iterator[Outcome]:
    """Each machine's outcome as it arrives, its file already in `out`. If the caller stops
    (Ctrl-C, SIGTERM), the labs still running are told to stop and their tasks cancelled."""
    stop = f"pylab-fleet-stop-{uuid.uuid4().hex}"
    futures = {
        client.submit(remote.run_lab, lab_args, stop, workers=[m.worker.address],
                      allow_other_workers=False, pure=False): m
        for m in machines
    }  # fmt: skip
    try:
        yield from _watch(client, futures, out)
    finally:
        _stop(client, stop, [f for f in futures if not f.done()])


def _watch(client: Any, futures: dict[Any, Machine], out: Path) -> Iterator[Outcome]:
    pending = dict(futures)
    while pending:
        time.sleep(POLL_S)
        alive = _alive(client)
        for future, machine in list(pending.items()):
            outcome = _ended(future, machine, alive, out)
            if outcome is not None:
                del pending[future]
                yield outcome


def _alive(client: Any) -> dict[str, dict[str, Any]] | str:
    """The workers now, or why the scheduler could not say."""
    try:
        return workers(client)
    except Exception as exc:  # the scheduler went away: every lab still out is lost
        return f"lost the Dask scheduler ({type(exc).__name__}: {exc})"


def _ended(future: Any, machine: Machine, alive: dict | str, out: Path) -> Outcome | None:
    """The machine's outcome if its lab ended or was lost, else None (still running)."""
    if future.status == "finished":
        return received(machine, future.result(), out)
    if future.status == "error":
        exc = future.exception()
        return Outcome(machine, FAILED, f"its task failed: {type(exc).__name__}: {exc}")
    why = _lost(machine, alive) if future.status == "pending" else f"its task was {future.status}"
    if why is not None:
        future.cancel()
    return None if why is None else Outcome(machine, FAILED, why)


def _lost(machine: Machine, alive: dict | str) -> str | None:
    if isinstance(alive, str):
        return alive
    entry = alive.get(machine.worker.address)
    if entry is None:
        return f"its worker {machine.worker.address} left the cluster while the lab ran"
    if token(entry) != machine.worker.token:
        return f"its worker {machine.worker.address} was replaced while the lab ran"
    return None


def received(machine: Machine, answer: dict[str, Any], out: Path) -> Outcome:
    """A lab's answer: its file written into `out` at once, and what its exit status says."""
    code, path, results = answer["returncode"], None, None
    if answer.get("text") is not None:
        path = results_io.free_path(out, Path(answer["name"]).stem)
        results_io.atomic_write(path, answer["text"])
        try:
            results = results_io.load(path)
        except UserError as exc:  # kept as it came, for a look; its machine failed
            return Outcome(machine, FAILED, f"its results file is not valid: {exc}", path)
        results_io.atomic_write(path.with_suffix(".csv"), results_io.to_csv(results))
    if code == 0 and results is not None:
        return Outcome(machine, MEASURED, "", path, results)
    if code == 1 and results is not None:
        return Outcome(machine, PARTLY, failed_share(results), path, results)
    if code in INTERRUPTED_CODES:
        return Outcome(machine, INTERRUPTED, "the lab was interrupted there", path, results)
    return Outcome(machine, FAILED, lab_error(code, answer.get("stderr") or ""), path, results)


def failed_share(results: dict[str, Any]) -> str:
    """`1 of 6 cells failed` (and experiments, where any failed)."""
    cells = results["cells"]
    text = f"{sum(not c['ok'] for c in cells)} of {len(cells)} cells failed"
    experiments = [e for _, v in results_io.views(results) for e in v["experiments"].values()]
    bad = sum(not e.get("ok") for e in experiments)
    return text + (f", {bad} of {len(experiments)} experiments" if bad else "")


def lab_error(code: int, stderr: str) -> str:
    """Why a lab ended without results: its last stderr line, or how it ended."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if code < 0:
        how = f"killed by {signal.Signals(-code).name}"
    else:
        how = f"exit status {code}"
    return f"the lab ended with {how}" + (f": {lines[-1].strip()}" if lines else "")


def _stop(client: Any, stop: str, running: list[Any]) -> None:
    """Tell the labs still running to stop (each gets SIGINT there), and cancel their tasks."""
    if not running:
        return
    try:
        from distributed import Event

        Event(stop, client=client).set()
        client.cancel(running)
    except Exception:  # the scheduler is gone: the labs end with their workers
        pass
