"""The experiments' tests, and what several of them check after a run in this process."""

import json
import os
from typing import Any

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


def verdicts(module: Any, data: dict[str, Any]) -> dict[str, str]:
    """An experiment module's verdicts on `data` by claim, checked as every run needs them:
    one per claim in CLAIMS order, one-line reasons, data that is plain JSON."""
    found = module.judge(data)
    assert [v.claim for v in found] == list(module.CLAIMS)
    for v in found:
        assert "\n" not in v.reason
        json.dumps(v.data, allow_nan=False)
    return {v.claim: v.verdict for v in found}
