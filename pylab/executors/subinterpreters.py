"""Subinterpreters with their own GIL (PEP 684, PEP 734): a pool of them and raw ones that
import what this interpreter does, and a way back for results. Where they exist is
pylab.base.extras' to say (`why_no_subinterpreters()`).

Nothing but bytes and small ints crosses between interpreters here: a task's function
and arguments go in pickled (the pool does that), its result comes back pickled by
`call` (the 3.13 backport's pool hangs on an int of 2**63 or more, and half of the
`compute` kernel's results are), and the barrier is a pair of pipes, whose file
descriptors every interpreter of the process can use.
"""

from __future__ import annotations

import importlib
import importlib.util
import pickle
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from pylab.base import extras
from pylab.base.errors import UserError
from pylab.base.extras import interpreter_pool
from pylab.base.names import INTERPRETERS
from pylab.executors.barriers import BARRIER_TIMEOUT_S, PipeBarrier
from pylab.executors.base import PART_TIMEOUT_S
from pylab.executors.pools import PoolExecutor

# Beside each pool's module: the PEP 734 `interpreters` module and its queues.
API = {
    "concurrent.futures": ("concurrent.interpreters", "concurrent.interpreters._queues"),
    "interpreters_backport.concurrent.futures": (
        "interpreters_backport.interpreters",
        "interpreters_backport.interpreters.queues",
    ),
}


def _path_script() -> str:
    """Code giving an interpreter this one's sys.path. A new interpreter builds its own
    from the start-up configuration, the working directory first: a checkout there (its
    kernels built for another Python) would hide the environment's pylab, which
    pylab.pythons.envs' launcher moved out of the way in the main interpreter only."""
    return f"import sys\nsys.path[:] = {sys.path!r}\n"


def pool(workers: int, thread_name_prefix: str = "") -> Any:
    """An `InterpreterPoolExecutor` of `workers` interpreters that import what this one
    does; RuntimeError saying why if there are none."""
    module, why = interpreter_pool()
    if module is None:
        raise RuntimeError(f"no subinterpreters: {why}")
    pool_class = importlib.import_module(module).InterpreterPoolExecutor
    # exec is a builtin: it unpickles there before anything is importable from the path
    return pool_class(workers, thread_name_prefix, initializer=exec, initargs=(_path_script(),))


def modules() -> tuple[ModuleType, ModuleType]:
    """The `interpreters` module (create, Interpreter) and its queues module, for code that
    drives subinterpreters itself; RuntimeError saying why if there are none."""
    module, why = interpreter_pool()
    if module is None:
        raise RuntimeError(f"no subinterpreters: {why}")
    interpreters, queues = API[module]
    return importlib.import_module(interpreters), importlib.import_module(queues)


def create() -> Any:
    """A new interpreter (its own GIL) that imports what this one does."""
    interp = modules()[0].create()
    interp.exec(_path_script())
    return interp


def call(fn: Callable[..., Any], args: tuple) -> bytes:
    """Run in a subinterpreter: `fn(*args)`, its result pickled (see the module's note)."""
    return pickle.dumps(fn(*args))


class InterpreterExecutor(PoolExecutor):
    """W subinterpreters in this process, each with its own GIL, each driven by a thread.

    The pool is InterpreterPoolExecutor (pylab.executors.subinterpreters says which, and where
    there is none). Each worker imports pylab and the kernels in its own interpreter;
    numpy cannot load there, so only kernels whose inputs need none run (the others'
    cells fail with the import error). The thread that dispatches only waits, so the
    main interpreter's GIL is never in the way. Its workers' CPU time is this process's.
    """

    kind = INTERPRETERS

    def __init__(self, workers: int = 1, start_method: str | None = None) -> None:
        why = extras.why_no_subinterpreters()
        if why is not None:
            raise UserError(f"the interpreters executor is unavailable: {why}")
        super().__init__(workers, None)

    def _start(self) -> None:
        self._pool = pool(self.workers, "pylab-interpreter")

    def _map(self, fn: Callable[..., Any], args: list[tuple]) -> list[Any]:
        assert self._pool is not None, "start() the executor first"
        barrier = PipeBarrier(len(args))
        try:
            futures = [self._pool.submit(call, fn, (*a, barrier)) for a in args]
            barrier.release(futures, BARRIER_TIMEOUT_S)
            return [pickle.loads(f.result(timeout=PART_TIMEOUT_S)) for f in futures]
        finally:
            barrier.close()
