"""The peak resident memory of this process over one stretch of work.

Linux keeps a process's high-water mark of resident memory (VmHWM in /proc/self/status)
and lets the process reset it to the current RSS by writing 5 to /proc/self/clear_refs
(since Linux 4.0): so one process can measure the peak of each of several runs in turn.
Where that is not possible, the peak is the process's since it started
(getrusage's ru_maxrss), and `per_run` says so: its numbers include everything before.
Standard library only: a child under another interpreter (`run --python`) reads it.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")
_RESET_PEAK = "5"  # clear_refs: "reset the peak resident set size" (proc(5))


def reset_peak() -> bool:
    """Start a new peak from the present RSS: True where the system allows it."""
    try:
        _CLEAR_REFS.write_text(_RESET_PEAK)
    except OSError:
        return False
    return True


def peak_bytes() -> int:
    """The peak RSS since the last reset_peak() (or since the process started)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS counts bytes, Linux kB
