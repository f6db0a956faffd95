"""Quick runs, each with a scripted disturbance: a busy process (one core, BUSY_S seconds)
started at a different moment of each run, so that every part of a run (its cells, its
claim experiments, the retakes) meets one in some run.

    python results/reference/stability/disturb.py OUT [RUNS [RUN_S]]

writes each run's results file to OUT (as `pylab run --preset quick --no-report -q`) and
OUT/disturbances.json: per run, when the busy process started and ended, in seconds after
the run started, beside the file it disturbed. `python -m pylab compare OUT/*.json` then
counts confident agreements, confident disagreements and uncertain verdicts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

BUSY_S = 10.0
# The moments the busy process starts at, as shares of a run's length (RUN_S, the wall_s of
# a quiet quick run; 90 s on the 2-core VM): its cells take the first half or so, its
# experiments the rest, the retakes the end. The last ends before the run does.
STARTS = (0.1, 0.3, 0.5, 0.7, 0.85)
RUN_S = 90.0
SPIN = "import time\nend = time.monotonic() + {s}\nwhile time.monotonic() < end: pass\n"


def disturbed_run(out: Path, start_s: float) -> dict[str, object]:
    before = set(out.glob("*.json"))
    t0 = time.monotonic()
    lab = subprocess.Popen([sys.executable, "-m", "pylab", "run", "--preset", "quick",
                            "--out", str(out), "-q", "--no-report"])  # fmt: skip
    busy = None
    while lab.poll() is None:
        if busy is None and time.monotonic() - t0 >= start_s:
            busy = subprocess.Popen([sys.executable, "-c", SPIN.format(s=BUSY_S)])
            began = time.monotonic() - t0
        time.sleep(0.05)
    if busy is not None:
        busy.wait()
    (written,) = set(out.glob("*.json")) - before
    return {"file": written.name, "exit": lab.returncode,
            "busy_from_s": round(began, 1) if busy else None,
            "busy_to_s": round(began + BUSY_S, 1) if busy else None}  # fmt: skip


def main() -> None:
    out = Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else len(STARTS)
    run_s = float(sys.argv[3]) if len(sys.argv) > 3 else RUN_S
    out.mkdir(parents=True, exist_ok=True)
    record = [disturbed_run(out, STARTS[i % len(STARTS)] * run_s) for i in range(runs)]
    (out / "disturbances.json").write_text(json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main()
