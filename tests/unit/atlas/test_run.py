"""The atlas's parent: rows from children that fail fast, and the module rows of a
free-threaded interpreter (here the running interpreter, dressed as one), saved to the file.
Nothing is timed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pylab.atlas import run
from pylab.atlas.catalogue import Entry
from pylab.base.errors import Exit
from pylab.pythons.discovery import Python
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
