"""The atlas's parent: rows from children that fail fast, and the module rows of a
free-threaded interpreter (here the running interpreter, dressed as one), saved to the file.
Nothing is timed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pylab.atlas import run
from pylab.atlas.catalogue import Entry
from pylab.atlas.child import MARK
from pylab.base.errors import Exit
from pylab.pythons.discovery import Python
from pylab.pythons.envs import command as env_command
from pylab.pythons.targets import Target


def test_a_failing_call_and_the_modules_of_a_free_threaded_interpreter(tmp_path: Path) -> None:
    python = Python(sys.executable, "given", "3.99.0", free_threaded=True, usable=True)
    target = Target(python, sys.executable)
    entry = Entry("faults", "raises", "1 / 0", "pass", [1, 2], modules=["zlib", "_json"])
    settings = run.Settings("quick", 2, None, None, deadline_s=60)
    seen: list[str] = []
    path = tmp_path / "atlas.json"
    results, status = run.run(path, [entry], [target], settings, ["atlas"], seen.append)
    assert status == Exit.FAILED
    assert json.loads(path.read_text()) == results and results["status"] == "complete"
    (row,) = results["atlas"]
    assert row["python"] == "3.99.0t" and "ZeroDivisionError" in row["error"]
    assert [m["module"] for m in results["modules"]] == ["zlib", "_json"]
    assert all(m["python"] == "3.99.0t" and m["error"] is None for m in results["modules"])
    assert any("module [2/2] _json" in line for line in seen)
    assert run.modules_only_note([target]) is None


def test_a_child_past_its_deadline_is_killed(tmp_path: Path) -> None:
    lines: list[str] = []
    why = run.run_child([sys.executable, "-c", "print('a', flush=True); import time; "
                         "time.sleep(60)"], "", 1.0, lines.append)  # fmt: skip
    assert why == "timed out after 1 s" and lines == ["a"]
    assert run.run_child([sys.executable, "-c", "raise SystemExit(3)"], "", 30, lines.append) \
        == "exited with status 3 without a result"


def _job(call: str, setup: str = "pass", **more: object) -> str:
    entry = {"library": "t", "name": "t", "call": call, "setup": setup, "sizes": [1], **more}
    return json.dumps({"entry": entry, "preset": "quick", "workers": 2})


def _messages(lines: list[str]) -> list[dict]:
    return [json.loads(line[len(MARK):]) for line in lines if line.startswith(MARK)]


def test_the_server_outlives_a_call_that_crashes_and_is_replaced_after_a_hang() -> None:
    """Each job runs in a fork of the server: a crash ends only the fork (the same server
    takes the next job); a job past its deadline takes the server with it, and the next
    job starts another. A call that reads stdin reads nothing, not the server's jobs."""
    server = run.Server(env_command(sys.executable, "pylab.atlas"))
    try:
        lines: list[str] = []
        assert server.job(_job("os.abort()", "import os"), 60, lines.append) == "killed by SIGABRT"
        first = server.child.process.pid
        why = server.job(_job("None", requires=["no_such_module_for_pylab"]), 60, lines.append)
        assert why is None and server.child.process.pid == first
        assert server.job(_job("exec('raise SystemExit(3)')"), 60, lines.append) \
            == "exited with status 3 without a result"
        assert server.job(_job("None", "import time; time.sleep(60)"), 1.0, lines.append) \
            == "timed out after 1 s"
        assert server.child is None
        why = server.job(_job("exec('raise ValueError(repr(sys.stdin.read()))')", "import sys"),
                         60, lines.append)  # fmt: skip
        assert why is None and server.child.process.pid != first
        found = _messages(lines)
        assert found[0]["skipped"].startswith("no_such_module_for_pylab is not installed")
        assert found[-1] == {"error": "the call raised ValueError: ''"}
    finally:
        server.close()
    assert server.child is None
