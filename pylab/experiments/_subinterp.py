"""Raw subinterpreters for the experiments that put work in one beside threads and processes.

The ipc, sharing and responsiveness experiments drive interpreters themselves instead of
through InterpreterPoolExecutor: the pool pickles every argument, and what they measure
is what crosses without pickling (a queue, a memoryview of the parent's buffer). Each
`Worker` is one subinterpreter (own GIL, PEP 684) with one thread of this interpreter
that runs code in it; while it does, that thread holds the subinterpreter's GIL, not
this one's. Nothing here imports numpy: the far ends import this module too.

`post` and `fetch` pass messages through an interpreters queue with a pipe byte as the
doorbell: the queue's own get() polls every 10 ms (3.13 backport and 3.14 alike), which
would measure the poll, and spinning on get_nowait() would keep a core busy for the
whole experiment on a machine with two.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from types import ModuleType
from typing import Any

from pylab.executors import subinterpreters

# The 3.13 backport's queue pickles what it is given unless told the object is shareable;
# 3.14's shares whatever is shareable by itself and has no such flag.
_SHARED = {"syncobj": True} if sys.version_info < (3, 14) else {}


def _modules() -> tuple[ModuleType, ModuleType]:
    return subinterpreters.modules()


def create_queue() -> Any:
    """An interpreters queue; handed to a worker with `Worker.submit(..., name=queue)`."""
    return _modules()[1].create()


class Worker:
    """One subinterpreter and the one thread of this interpreter that runs code in it."""

    def __init__(self) -> None:
        queues = _modules()[1]
        self._interp = subinterpreters.create()
        # A queue or a memoryview handed over is rebuilt by its module in the target:
        # without these imported there, prepare_main fails ("module not imported yet").
        self._interp.exec(f"import _interpreters, {queues.__name__}")
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="pylab-subinterpreter")

    def submit(self, code: str, **shared: Any) -> Future:
        """Run `code` in the subinterpreter from its thread, with `shared` set in its
        __main__ first (shareable objects only: bytes, str, int, None, tuples of them,
        memoryview, queues). The future raises the interpreter's ExecutionFailed."""
        return self._thread.submit(self._run, code, shared)

    def _run(self, code: str, shared: dict[str, Any]) -> None:
        if shared:
            self._interp.prepare_main(**shared)
        self._interp.exec(code)

    def close(self) -> None:
        self._thread.shutdown(wait=True)
        self._interp.close()


@contextmanager
def workers(count: int) -> Iterator[list[Worker]]:
    """`count` workers, each warmed by one empty run, closed after."""
    with ExitStack() as stack:
        made = []
        for _ in range(count):
            worker = Worker()
            stack.callback(worker.close)
            made.append(worker)
        for worker in made:
            worker.submit("pass").result()  # starts its thread
        yield made


def put(queue: Any, message: Any) -> None:
    """Put a shareable message (bytes, str, int, None, tuples of them) without pickling
    it: bytes are copied once, into the interpreter that takes them."""
    queue.put_nowait(message, **_SHARED)


def post(queue: Any, bell: int, message: Any) -> None:
    """Put a shareable message and ring the bell."""
    put(queue, message)
    os.write(bell, b".")


def fetch(queue: Any, bell: int) -> Any:
    """Block on the bell (a pipe read, no polling), then take the message it announced."""
    os.read(bell, 1)
    return queue.get_nowait()
