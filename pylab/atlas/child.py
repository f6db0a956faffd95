"""The child process of one atlas call: a job on stdin, its findings as marked lines on stdout.

The job is JSON: {"entry": the catalogue entry, "preset", "workers"}, and for a later
round of the probe's speed-ups (pylab.atlas.rounds) "again": the earlier probe record.
The child reports, one line each, prefixed with MARK so that whatever the measured
library prints is ignored:
{"point": ...} per size measured, then {"row": the probe's record} or {"skipped": why} or
{"error": why}. A crash or a hang is the parent's to see (pylab.atlas.run): it gives each
child a deadline and kills its process group.
"""

from __future__ import annotations

import json
import signal
import sys
from typing import Any

from pylab.base.errors import UserError

MARK = "@@pylab-atlas "


def emit(message: dict[str, Any]) -> None:
    sys.stdout.write(MARK + json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> int:
    from pylab.atlas.measure import CallFailed, again, measure, missing
    from pylab.host.pools import pin_environment

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills us
    pin_environment()
    job = json.loads(sys.stdin.read())
    entry = job["entry"]
    why = missing(entry)
    if why:
        emit({"skipped": why})
        return 0
    try:
        if job.get("again"):
            emit({"row": again(entry, job["preset"], job["again"])})
        else:
            emit({"row": measure(entry, job["preset"], job["workers"], emit)})
    except (CallFailed, UserError) as exc:  # the call's own failure: the row's reason
        emit({"error": str(exc)})
    return 0
