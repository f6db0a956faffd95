"""Start barriers: W workers start their timed part together, wherever they run.

A `threading.Barrier` serves threads and forked processes (pylab.executors.worker). A
`threading.Barrier` belongs to one interpreter, and spawned processes share no
descriptors: `PipeBarrier` serves subinterpreters, `FifoBarrier` spawned Dask workers.
"""

from __future__ import annotations

import os
import select
import shutil
import tempfile
import time
from collections.abc import Sequence
from typing import Any

# Long enough for any sane worker to reach a barrier; one that does not breaks it.
BARRIER_TIMEOUT_S = 120.0
POLL_S = 0.05  # how often the dispatcher checks that no worker failed before the barrier


class PipeBarrier:
    """A start barrier for workers in different interpreters, opened by the dispatcher.

    A `threading.Barrier` belongs to one interpreter. Here each worker writes a byte to
    `ready` and blocks reading `go`; the dispatching thread (in the main interpreter)
    reads one byte per worker from `ready`, then writes one per worker to `go`, and all
    start within a wake-up of each other. Only the two descriptors a worker uses travel
    (pickled as ints); the dispatcher keeps all four and closes them.
    """

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self._ready_r, self.ready_w = os.pipe()
        self.go_r, self._go_w = os.pipe()

    def __getstate__(self) -> dict[str, int]:
        return {"parties": self.parties, "ready_w": self.ready_w, "go_r": self.go_r}

    def wait(self, timeout: float | None = None) -> None:
        """In a worker: say it is ready, and wait for the dispatcher to open the barrier."""
        os.write(self.ready_w, b".")
        if not select.select([self.go_r], [], [], timeout)[0]:
            raise TimeoutError(f"the other workers did not reach the barrier in {timeout} s")
        os.read(self.go_r, 1)

    def release(self, futures: Sequence[Any], timeout: float) -> None:
        """In the dispatcher: open the barrier once every worker waits at it, or at once for
        those that do if one failed before reaching it (its error comes with its result)."""
        arrived, deadline = 0, time.monotonic() + timeout
        while arrived < self.parties and time.monotonic() < deadline:
            if select.select([self._ready_r], [], [], POLL_S)[0]:
                arrived += len(os.read(self._ready_r, self.parties - arrived))
            elif any(f.done() for f in futures):
                break
        os.write(self._go_w, b"." * arrived)

    def close(self) -> None:
        for fd in (self._ready_r, self.ready_w, self.go_r, self._go_w):
            os.close(fd)


class FifoBarrier(PipeBarrier):
    """The start barrier between processes that share no descriptors (spawned Dask
    workers): the same two pipes as PipeBarrier, as named FIFOs in a private directory
    that each worker opens by path. Only the two paths travel."""

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self._dir = tempfile.mkdtemp(prefix="pylab-barrier-")
        self.ready_path = os.path.join(self._dir, "ready")
        self.go_path = os.path.join(self._dir, "go")
        os.mkfifo(self.ready_path, 0o600)
        os.mkfifo(self.go_path, 0o600)
        # Read-write: opening never blocks, and the FIFOs live while the dispatcher does.
        self._ready_r = os.open(self.ready_path, os.O_RDWR | os.O_NONBLOCK)
        self._go_w = os.open(self.go_path, os.O_RDWR | os.O_NONBLOCK)

    def __getstate__(self) -> dict[str, Any]:
        return {"parties": self.parties, "ready_path": self.ready_path, "go_path": self.go_path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def wait(self, timeout: float | None = None) -> None:
        """In a worker: say it is ready, and wait for the dispatcher to open the barrier."""
        ready = os.open(self.ready_path, os.O_WRONLY)  # never blocks: the dispatcher reads
        try:
            os.write(ready, b".")
        finally:
            os.close(ready)
        go = os.open(self.go_path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            self._take_one(go, timeout)
        finally:
            os.close(go)

    @staticmethod
    def _take_one(go: int, timeout: float | None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([go], [], [], left)[0]:
                raise TimeoutError(f"the other workers did not reach the barrier in {timeout} s")
            try:
                if os.read(go, 1):
                    return
            except BlockingIOError:  # another worker woke for the same byte and took it
                continue

    def drain(self) -> None:
        """Drop bytes a failed round left behind, so the next round starts even."""
        for fd in (self._ready_r, self._go_w):
            try:
                while os.read(fd, 1 << 12):
                    pass
            except BlockingIOError:
                pass

    def close(self) -> None:
        os.close(self._ready_r)
        os.close(self._go_w)
        shutil.rmtree(self._dir, ignore_errors=True)
