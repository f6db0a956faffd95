"""A child process the lab can afford to lose, spoken to in lines: a command in a process
group of its own, its stdout read line by line against a deadline, killed whole.

The one owner of how such a child is started, read and ended: the cell and experiment
children under other interpreters (pylab.runner.isolation), the overhead servers
(pylab.runner.overhead), and the atlas's servers and module checks (pylab.atlas.run). A
child that segfaults, aborts or hangs ends only itself and its own processes: the parent
reads with a deadline, and killing the group takes its pool workers and forks along.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time

from pylab.executors.base import exit_reason
from pylab.executors.worker import die_with_parent

POLL_S = 0.2  # how often the parent wakes while waiting: bounds its Ctrl-C latency
REAP_S = 5.0  # how long end_reason waits for a child whose output has ended to exit


class ChildTimeout(Exception):
    """A child sent nothing before its deadline."""


def kill_group(pid: int) -> None:
    """SIGKILL the process group `pid` leads (a child's own, its workers and forks in it)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:  # the group is already gone
        pass


class LineChild:
    """`command` in a session (so a process group) of its own, with pipes to its stdin and
    stdout; its stderr is the parent's, or thrown away where `quiet`. The kernel kills it
    when the parent dies (pylab.executors.worker.die_with_parent: the parent runs no
    threads when it starts one, so that is safe here)."""

    def __init__(self, command: list[str], quiet: bool = False) -> None:
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if quiet else None,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        self._buffer = b""

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, text: str) -> bool:
        """Write `text` to the child's stdin; False if it can no longer read it (it died)."""
        try:
            self.process.stdin.write(text.encode())
            self.process.stdin.flush()
        except (OSError, ValueError):  # a broken pipe, or stdin already closed
            return False
        return True

    def close_stdin(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:  # the child is gone: nothing was left to flush
            pass

    def next_line(self, deadline: float) -> str | None:
        """The child's next line (without its newline), or None once its output has ended
        or it has exited; ChildTimeout once time.monotonic() passes `deadline`.

        A dead child need not close its stdout: its pool workers inherit it. So between
        polls the parent asks whether the child exited."""
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChildTimeout
            if not select.select([fd], [], [], min(left, POLL_S))[0]:
                if self.alive():
                    continue
                if not select.select([fd], [], [], 0)[0]:  # its last words are read first
                    return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def status(self, timeout: float = REAP_S) -> int | None:
        """Its exit status once it has exited (negative: the signal), None if it has not
        within `timeout` seconds."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def end_reason(self) -> str:
        """How it ended, in words (pylab.executors.base.exit_reason)."""
        return exit_reason(self.status())

    def kill(self) -> None:
        """Kill its whole process group, reap it and close the pipes."""
        kill_group(self.process.pid)
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.close_stdin()
