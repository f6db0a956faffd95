"""Each piece of work in a child the lab can lose (pylab.runner.isolation)."""

from __future__ import annotations

import subprocess
import sys

FORKSERVER_THEN_CHILD = """
import multiprocessing, os
from pylab.runner.isolation import run_experiment
if __name__ == "__main__":
    server = multiprocessing.get_context("forkserver").Process(target=os.getpid)
    server.start()
    server.join()
    record = run_experiment("identity", "tiny", [], 600.0, None)  # its pools use forkserver
    print(record["ok"], record.get("error"))
"""


def test_a_child_forked_after_the_parent_ran_a_forkserver_starts_its_own() -> None:
    # In a fresh process, so the forkserver this starts does not outlive the test; an
    # experiment measured on its own, not read from the claims run, whose parent never ran
    # a forkserver. Without the fix, identity fails as startup did: ChildProcessError.
    done = subprocess.run(
        [sys.executable, "-c", FORKSERVER_THEN_CHILD], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "True", done.stdout
