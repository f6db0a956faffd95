"""The experiments' tests, and what several of them check after a run in this process."""

import os

import psutil


def leftover_workers() -> list[str]:
    """Child processes other than multiprocessing's own long-lived helpers."""
    helpers = ("forkserver", "resource_tracker")
    left = []
    for child in psutil.Process(os.getpid()).children(recursive=True):
        try:
            line = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if not any(h in line for h in helpers):
            left.append(line)
    return left
