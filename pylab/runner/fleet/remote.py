"""What runs on a Dask worker: its machine's lab, as `python -m pylab run` in a child.

The Dask task only waits. The lab runs in a child process, so pylab's own crash
isolation applies and a lab that crashes, hangs or is killed never takes the worker with
it. The child asks the kernel to kill it when the worker dies (PR_SET_PDEATHSIG, as
pylab.executors.worker.die_with_parent): a killed worker leaves no lab on the machine's cores, where
a restarted worker's lab would share them. Run as `python -m pylab.runner.fleet.remote run ...`,
this module is that child: pylab's CLI after that request.

Imported by spawned workers of the lab as __mp_main__, it must stay light: no distributed
at the top.
"""

from __future__ import annotations

import runpy
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

STOP_POLL_S = 1.0  # how often a running lab looks whether the fleet was interrupted
STDERR_TAIL = 2000  # characters of the lab's stderr sent back


def run_lab(lab_args: list[str], stop: str | None = None) -> dict[str, Any]:
    """Run `pylab run LAB_ARGS` on this machine into a temporary folder. Returns its exit
    status, the tail of its stderr, and its results file (`name`, `text`; None where it
    wrote none). Once the Dask Event named `stop` is set, the lab gets SIGINT: it saves what
    it finished and ends."""
    with tempfile.TemporaryDirectory(prefix="pylab-fleet-") as out:
        command = [sys.executable, "-m", "pylab.runner.fleet.remote", "run", *lab_args,
                   "--out", out, "--no-report", "-q"]  # fmt: skip
        child = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        stderr = wait(child, stopper(stop))
        return {"returncode": child.returncode, "stderr": stderr[-STDERR_TAIL:],
                **results_file(Path(out))}  # fmt: skip


def stopper(name: str | None) -> Callable[[], bool]:
    """Whether the fleet asked its labs to stop, by the Dask Event `name`."""
    if name is None:
        return lambda: False
    from distributed import Event

    return Event(name).is_set  # the worker's own client, inside a task


def wait(child: subprocess.Popen, stopped: Callable[[], bool]) -> str:
    """The child's stderr once it ends; SIGINT to it, once, when `stopped()`."""
    interrupted = False
    while True:
        try:
            return child.communicate(timeout=STOP_POLL_S)[1]
        except subprocess.TimeoutExpired:  # communicate() may be called again
            if not interrupted and _asked(stopped):
                child.send_signal(signal.SIGINT)
                interrupted = True


def _asked(stopped: Callable[[], bool]) -> bool:
    try:
        return stopped()
    except Exception:  # the scheduler out of reach for now: no one asked; the lab goes on
        return False


def results_file(out: Path) -> dict[str, str | None]:
    """The lab's results file in `out`: its name and text (the CSV is made again from it)."""
    found = sorted(out.glob("*.json"))
    if not found:
        return {"name": None, "text": None}
    return {"name": found[-1].name, "text": found[-1].read_text(encoding="utf-8")}


if __name__ == "__main__":
    from pylab.executors.worker import die_with_parent

    die_with_parent()
    # Then it is `python -m pylab`: run as a program, not imported (the runner's rooms sit
    # below the command line's).
    runpy.run_module("pylab", run_name="__main__", alter_sys=True)
