"""Subinterpreters with their own GIL (PEP 684, PEP 734): where they exist, and the two
pieces the `interpreters` executor runs on them.

The pool is `InterpreterPoolExecutor`: the standard library's from Python 3.14, the
PEP 734 backport's (`pip install pylab-cext-lab[interpreters]`, import name
`interpreters_backport`) on 3.13. Elsewhere the executor is unavailable and `reason()`
says why. Python 3.12 has per-interpreter GILs too, but nothing pylab can trust there:
the PEP 734 backport crashes on import, and with `backports.interpreters` (no pool; tried
2026-12-03 with a thread per interpreter) two GIL-holding calls in two subinterpreters
took twice as long as one, and the process hung at exit.

Nothing but bytes and small ints crosses between interpreters here: a task's function
and arguments go in pickled (the pool does that), its result comes back pickled by
`call` (the 3.13 backport's pool hangs on an int of 2**63 or more, and half of the
`compute` kernel's results are), and the barrier is a pair of pipes, whose file
descriptors every interpreter of the process can use.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pickle
import select
import sys
import sysconfig
import time
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

# (first Python version, module holding InterpreterPoolExecutor, distribution to install)
POOLS = (
    ((3, 14), "concurrent.futures", None),
    ((3, 13), "interpreters_backport.concurrent.futures", "interpreters-pep-734"),
)
# Beside each pool's module: the PEP 734 `interpreters` module and its queues.
API = {
    "concurrent.futures": ("concurrent.interpreters", "concurrent.interpreters._queues"),
    "interpreters_backport.concurrent.futures": (
        "interpreters_backport.interpreters",
        "interpreters_backport.interpreters.queues",
    ),
}
EXTRA = "pylab-cext-lab[interpreters]"
POLL_S = 0.05  # how often the dispatcher checks that no worker failed before the barrier


def _pool_module() -> tuple[str | None, str | None]:
    """(module to import, None) where a pool can exist, or (None, why not)."""
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        return None, (
            "a free-threaded build has no GIL to give each subinterpreter; its threads "
            "already run in parallel"
        )
    for since, module, distribution in POOLS:
        if sys.version_info[:2] < since:
            continue
        if distribution and importlib.util.find_spec(module.split(".")[0]) is None:
            return None, f"the PEP 734 backport is not installed (pip install '{EXTRA}')"
        return module, None
    version = ".".join(map(str, sys.version_info[:2]))
    known = " (the 3.12 backports tried gave no parallel speed-up)" if version == "3.12" else ""
    return None, (
        f"Python {version} has no subinterpreter pool{known}: it needs Python 3.13 with the "
        "PEP 734 backport, or 3.14+; select one with --python 3.13"
    )


def reason() -> str | None:
    """Why the `interpreters` executor cannot run on this interpreter, or None if it can."""
    return _pool_module()[1]


def describe() -> dict[str, Any]:
    """For the results' python block: whether subinterpreters run here, with what."""
    module, why = _pool_module()
    return {"available": module is not None, "pool": module, "reason": why}


def _path_script() -> str:
    """Code giving an interpreter this one's sys.path. A new interpreter builds its own
    from the start-up configuration, the working directory first: a checkout there (its
    kernels built for another Python) would hide the environment's pylab, which
    pylab.envs' launcher moved out of the way in the main interpreter only."""
    return f"import sys\nsys.path[:] = {sys.path!r}\n"


def pool(workers: int, thread_name_prefix: str = "") -> Any:
    """An `InterpreterPoolExecutor` of `workers` interpreters that import what this one
    does; RuntimeError saying why if there are none."""
    module, why = _pool_module()
    if module is None:
        raise RuntimeError(f"no subinterpreters: {why}")
    pool_class = importlib.import_module(module).InterpreterPoolExecutor
    # exec is a builtin: it unpickles there before anything is importable from the path
    return pool_class(workers, thread_name_prefix, initializer=exec, initargs=(_path_script(),))


def modules() -> tuple[ModuleType, ModuleType]:
    """The `interpreters` module (create, Interpreter) and its queues module, for code that
    drives subinterpreters itself; RuntimeError saying why if there are none."""
    module, why = _pool_module()
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
