"""A child spoken to in lines: its lines as they come, its deadline, its end, and a dead
child whose own child still holds the pipe. Nothing is timed: the deadlines are seconds
long against children that answer at once or never."""

from __future__ import annotations

import sys
import time

import pytest

from pylab.executors.children import ChildTimeout, LineChild


def _child(code: str) -> LineChild:
    return LineChild([sys.executable, "-c", code], quiet=True)


def test_lines_come_whole_in_order_and_then_the_end() -> None:
    child = _child("import sys\nfor line in sys.stdin: print(line.strip().upper(), end='\\n')\n"
                   "sys.stdout.write('no newline')\nraise SystemExit(3)")  # fmt: skip
    try:
        assert child.send("a\nbé\n") and child.alive()
        child.close_stdin()
        deadline = time.monotonic() + 30
        assert [child.next_line(deadline), child.next_line(deadline)] == ["A", "BÉ"]
        assert child.next_line(deadline) is None  # a last line without its newline is dropped
        assert child.end_reason() == "exited with status 3"
        assert not child.send("late\n")  # its stdin is closed: said, not raised
    finally:
        child.kill()


def test_a_silent_child_times_out_and_is_killed_whole() -> None:
    child = _child("import time; time.sleep(60)")
    with pytest.raises(ChildTimeout):
        child.next_line(time.monotonic() + 0.5)
    child.kill()
    assert child.status(0) == -9 and child.end_reason() == "killed by SIGKILL"


def test_a_dead_child_is_seen_though_its_own_child_keeps_the_pipe() -> None:
    """A crashed cell child's pool workers inherit its stdout: no end of output comes."""
    child = _child("import os, time\nif os.fork() == 0: time.sleep(60)\nelse: os.abort()")
    try:
        assert child.next_line(time.monotonic() + 30) is None
        assert child.end_reason() == "killed by SIGABRT"
    finally:
        child.kill()  # the sleeping grandchild too: it is in the child's process group
