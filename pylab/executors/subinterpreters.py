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

from pylab.base.extras import interpreter_pool

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
