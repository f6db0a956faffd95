"""Each piece of work is measured in a child process the lab can afford to lose.

A cell that segfaults, aborts or hangs (in the cell's own process, a pool thread
or a pool process) takes down or stalls only that child. The parent waits on a
pipe with a per-cell deadline; when the child dies or the deadline passes, the
parent kills the child's whole process group (pool workers included), records
the cell as failed with the reason, and starts a new child for the cells left.
The parent never runs a kernel, so Ctrl-C and SIGTERM reach it within one poll
interval even while a kernel in the child holds the GIL forever.

A cell child reports in JSON: {"size": n} after calibrating, {"start": i}
before cell i, {"cell": record} after it, {"calibration_error": text} if it
cannot calibrate. A claim experiment runs the same way, alone in its child,
which reports {"data": ...} or {"error": text} once.

Every child is given its work as a JSON job (pylab.runner.child). On the interpreter
pylab runs on, the child is forked (cheap: numpy and the kernels are already
imported) and gets the job as an argument. Under another interpreter (`run
--python`) it is that interpreter's environment running `python -m
pylab.runner`, given the job on stdin; it reports the same messages, and the
parent treats both alike.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import time
from collections.abc import Callable
from typing import Any

from pylab import results as results_io
from pylab.executors import exit_reason
from pylab.executors.children import POLL_S, ChildTimeout, LineChild, kill_group
from pylab.executors.worker import die_with_parent
from pylab.measure.cell import failed_cell
from pylab.measure.plan import CellSpec
from pylab.measure.settings import Settings
from pylab.pythons import envs
from pylab.runner.child import cells_job, experiment_job, run_job


def _context() -> multiprocessing.context.BaseContext:
    # fork is cheap (the child already has numpy and the kernels imported); the
    # parent runs no threads that forking could break. spawn where there is no fork.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _become_child(conn: Any) -> Callable[[dict[str, Any]], None]:
    """Set up a child process; return its way of reporting to the parent."""
    os.setpgrp()  # its own group, so the parent can kill it whole, workers and all
    die_with_parent()  # and a parent killed with SIGKILL takes it along
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _forget_parents_forkserver()

    def send(message: dict[str, Any]) -> None:
        conn.send_bytes(json.dumps(message).encode())

    return send


def _forget_parents_forkserver() -> None:
    """Drop a forkserver the parent had started: it is not this child's child.

    multiprocessing keeps the server's pid in module state, which a fork copies; the
    child's first forkserver start would waitpid() it and fail with ChildProcessError
    (seen when a test process had measured forkserver before forking a cell child).
    There is no public reset, so re-initialise the module's one ForkServer, whose
    bound methods the rest of multiprocessing holds, to let the child launch its own.
    """
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    if server is None or getattr(server, "_forkserver_pid", None) is None:
        return
    alive_fd = getattr(server, "_forkserver_alive_fd", None)
    if alive_fd is not None:
        os.close(alive_fd)  # the parent's copy keeps its server alive
    server.__init__()


def _forked(conn: Any, job: dict[str, Any]) -> None:
    """A forked child's body: do `job`, reporting down the pipe `conn`."""
    run_job(job, _become_child(conn))


class _Child:
    """The parent's handle on one forked child process and its pipe."""

    def __init__(self, job: dict[str, Any]) -> None:
        context = _context()
        self._recv, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_forked, args=(send, job), name="pylab-child")
        self.process.start()
        send.close()
        try:  # also from this side: killing the group must work even before the child ran
            os.setpgid(self.process.pid, self.process.pid)
        except OSError:
            pass

    def next_message(self, deadline: float) -> dict[str, Any] | None:
        """The child's next message, or None once it has ended; ChildTimeout past the deadline.

        A dead child need not close the pipe (nor its sentinel): its pool workers
        inherit both. So between polls the parent asks whether the child exited.
        """
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChildTimeout
            if self._recv.poll(min(left, POLL_S)):
                try:
                    return json.loads(self._recv.recv_bytes())
                except (EOFError, OSError):
                    return None
            if self.process.exitcode is not None and not self._recv.poll(0):
                return None

    def end_reason(self) -> str:
        self.process.join(5)
        return exit_reason(self.process.exitcode)

    def kill(self) -> None:
        kill_group(self.process.pid)
        self.process.kill()
        self.process.join()
        self._recv.close()


class Remote(LineChild):
    """The parent's handle on a child under another interpreter: `python -m
    pylab.runner` in its environment, the job on its stdin, one JSON message
    per line on its stdout. Same interface and the same guarantees as _Child."""

    def __init__(self, executable: str, job: dict[str, Any], more: bool = False) -> None:
        super().__init__(envs.command(executable, "pylab.runner"))
        self.send_message(job)
        if not more:  # `more`: requests follow (the serve job)
            self.close_stdin()

    def send_message(self, message: dict[str, Any]) -> bool:
        """One JSON line to the child's stdin; False if it died (end_reason says how)."""
        return self.send(json.dumps(message) + "\n")

    def next_message(self, deadline: float) -> dict[str, Any] | None:
        line = self.next_line(deadline)
        return None if line is None else json.loads(line)


def _start(executable: str | None, job: dict[str, Any]) -> _Child | Remote:
    """A child doing `job` (pylab.runner.child): forked here, or under `executable`."""
    return _Child(job) if executable is None else Remote(executable, job)


OnStart = Callable[[CellSpec], None]
OnCell = Callable[[dict[str, Any]], None]


def measure_group(
    cells: list[CellSpec],
    size: int | None,
    settings: Settings,
    on_start: OnStart,
    on_cell: OnCell,
    executable: str | None = None,
) -> None:
    """Measure cells of one piece of work; each ends in on_cell, measured or failed.
    `executable`: the interpreter to measure under (None: this one)."""
    pending = list(cells)
    while pending:
        size, reason = _attempt(pending, size, settings, on_start, on_cell, executable)
        if not pending:
            return
        if size is None:  # died, hung or failed while calibrating: no cell can run
            for spec in pending:
                on_cell(failed_cell(spec, None, f"calibration {reason}"))
            return
        on_cell(failed_cell(pending.pop(0), size, reason))


def _attempt(
    pending: list[CellSpec],
    size: int | None,
    settings: Settings,
    on_start: OnStart,
    on_cell: OnCell,
    executable: str | None,
) -> tuple[int | None, str]:
    """One child working through `pending` (popped as cells finish) until it ends or hangs."""
    child = _start(executable, cells_job(pending, size, settings))
    deadline = time.monotonic() + settings.timeout_s
    try:
        while True:
            try:
                message = child.next_message(deadline)
            except ChildTimeout:
                return size, f"timed out after {settings.timeout_s:g} s"
            if message is None:
                return size, child.end_reason()
            if "calibration_error" in message:
                return None, f"failed: {message['calibration_error']}"
            if "size" in message:
                size = message["size"]
            elif "start" in message:
                on_start(pending[0])
                deadline = time.monotonic() + settings.timeout_s
            elif "cell" in message:
                on_cell(message["cell"])
                pending.pop(0)
    finally:
        child.kill()


def run_experiment(
    name: str,
    level: str,
    cells: list[dict[str, Any]],
    timeout_s: float,
    executable: str | None = None,
) -> dict[str, Any]:
    """The experiment's record: its data, or why it has none (pylab.results.schema)."""
    t0 = time.monotonic()
    child = _start(executable, experiment_job(name, level, cells))
    try:
        message = child.next_message(t0 + timeout_s)
        reason = child.end_reason() if message is None else message.get("error")
    except ChildTimeout:
        message, reason = None, f"timed out after {timeout_s:g} s"
    finally:
        child.kill()
    elapsed = time.monotonic() - t0
    if message and "data" in message:
        background = message.get("background_cores")
        return results_io.experiment_record(elapsed, data=message["data"], background=background)
    return results_io.experiment_record(elapsed, error=str(reason))


def describe_python(executable: str, timeout_s: float) -> dict[str, Any]:
    """The python and build blocks of the interpreter at `executable` (an environment's),
    read in a child of it; a RuntimeError with the reason if it cannot say."""
    child = Remote(executable, {"job": "describe"})
    try:
        message = child.next_message(time.monotonic() + timeout_s)
        if message is None:
            raise RuntimeError(child.end_reason())
        return message
    except ChildTimeout:
        raise RuntimeError(f"timed out after {timeout_s:g} s") from None
    finally:
        child.kill()
