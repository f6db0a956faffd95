"""A cell spoiled by other work is retaken later in the run, and its record keeps both
attempts (pylab.runner.lab)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

BUSY_S = 6.0  # the other work: one core busy for this long, from before the run starts


def _busy(seconds: float) -> subprocess.Popen:
    code = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end: pass\n"
    return subprocess.Popen([sys.executable, "-c", code])


def test_a_disturbed_cell_is_retaken_once_the_machine_is_quiet(tmp_path: Path) -> None:
    busy = _busy(BUSY_S)
    time.sleep(0.3)  # the busy process is running before the cell starts
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pylab", "run", "--preset", "quick", "--kernels", "compute",
             "--variants", "nogil", "--executors", "threads", "--workers", "2",
             "--only", "scaling", "--repeats", "3", "--precision", "0.001", "--max-time", "2",
             "--retake-share", "4", "--out", str(tmp_path), "-q", "--no-report"],
            capture_output=True, text=True, timeout=300, cwd=tmp_path,
        )  # fmt: skip
    finally:
        busy.kill()
        busy.wait()
    assert done.returncode == 0, done.stderr
    results = json.loads(next(tmp_path.glob("*.json")).read_text())
    (cell,) = [c for c in results["cells"] if c["executor"] == "threads"]
    retakes = results["load"]["retakes"]
    # the disturbed cell, and any cell whose interval ended noisy (retaken after it)
    assert retakes["spoiled"] == 1 and retakes["retaken"] == 1 + retakes["noisy"], retakes
    (first,) = cell["attempts"]
    assert first["interference"]["used_disturbed"] and first["ok"]
    assert first["interference"]["background_cores"] > 0.3
    assert cell["speedup"] != first["speedup"]  # the retake's own figures stand
