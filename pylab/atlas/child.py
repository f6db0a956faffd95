"""The atlas's children under one interpreter: a server that has imported the measuring code
once, and a fork of it per catalogue call, which reports its findings as marked lines on
stdout.

The server reads jobs, one JSON line each on stdin, until stdin closes: {"entry": the
catalogue entry, "preset", "workers"}, and for a later round of the probe's speed-ups
(pylab.atlas.rounds) "again": the earlier probe record. Each job runs in a fork of the
server, so a call that crashes, hangs or re-enables the GIL takes only its own process, as
a fresh interpreter per call did; but a fresh interpreter took 0.2 s to start and import
pylab's measuring code, 11 s of a quick atlas on the 2-core VM (2026-12-06), and a fork
takes a few ms. The fork reports, one line each, prefixed with MARK so that whatever the
measured library prints is ignored: {"point": ...} per size measured, then {"row": the
probe's record} or {"skipped": why} or {"error": why}; the server then reports how it ended,
{"ended": its exit code, negative for a signal}. A hang is the parent's to see
(pylab.atlas.run): it gives each job a deadline and kills the server's process group.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from typing import Any, NoReturn

from pylab.base.errors import UserError

MARK = "@@pylab-atlas "


def emit(message: dict[str, Any]) -> None:
    sys.stdout.write(MARK + json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> int:
    """Serve jobs until stdin closes, each in a fork of this process."""
    from pylab.host.pools import pin_environment

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills us
    pin_environment()  # before anything loads a BLAS or OpenMP pool, here or in a fork
    # Imported once, here, for every fork: what each job would import first; and the
    # checks' loop calibrated once (0.09 s in each fork otherwise): it sets their length only.
    import threadpoolctl  # noqa: F401

    import pylab.atlas.measure  # noqa: F401
    from pylab.measure import capacity

    capacity.calibrate()

    for line in sys.stdin:
        if line.strip():
            sys.stdout.flush()  # nothing buffered here may be written again by the fork
            pid = os.fork()
            if pid == 0:
                _forked(json.loads(line))
            _, status = os.waitpid(pid, 0)
            # On a line of its own, whatever the fork left unfinished on its last one.
            sys.stdout.write("\n")
            emit({"ended": os.waitstatus_to_exitcode(status)})
    return 0


def _forked(job: dict[str, Any]) -> NoReturn:
    """Run one job in this fork and leave without returning to the server's loop (nor
    waiting for threads the measured library left running)."""
    code = 1
    try:
        null = os.open(os.devnull, os.O_RDONLY)  # the server's jobs are not the call's input
        os.dup2(null, 0)
        os.close(null)
        run_job(job)
        code = 0
    except SystemExit as exc:  # the call's own exit, its status kept as a process's would be
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # pylab's own failure: the parent reports the exit code
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # a closed pipe: nothing more to say
                pass
        os._exit(code)


def run_job(job: dict[str, Any]) -> None:
    """One job: the call measured (or its later round), or why it cannot be."""
    from pylab.atlas.measure import CallFailed, again, measure, missing

    entry = job["entry"]
    why = missing(entry)
    if why:
        emit({"skipped": why})
        return
    try:
        if job.get("again"):
            emit({"row": again(entry, job["preset"], job["again"])})
        else:
            emit({"row": measure(entry, job["preset"], job["workers"], emit)})
    except (CallFailed, UserError) as exc:  # the call's own failure: the row's reason
        emit({"error": str(exc)})
