"""C03's subinterpreter figures: what starting an interpreter of this process costs.

A subinterpreter with its own GIL (PEP 684, PEP 734) sits between a thread (same
process, same interpreter) and a process (its own everything). Start-up, four costs,
each timed in the calling (main) interpreter's thread, one round after another:
  start_join         create(), exec() of `pass`, close(): the analogue of a thread's
                     start() to join() of a no-op;
  first_instruction  just before create() to the first statement run inside it, which
                     reads time.perf_counter() and writes it to a pipe (one clock for
                     every interpreter of the process);
  pool               creating an InterpreterPoolExecutor of W workers until W tasks,
                     held at a pylab.executors.barriers.PipeBarrier (a threading.Barrier
                     belongs to one interpreter), have all returned. The task is the
                     barrier's own wait(), so each interpreter imports only
                     pylab.executors.subinterpreters, not this lab's experiments;
  kernel_import      in a fresh interpreter, `import pylab.kernels` and every kernel
                     family that loads there (those that refuse, needing numpy or
                     a single-interpreter extension, are found in the warm-up round and
                     recorded). The extension modules are already loaded in the process
                     after the warm-up: this is the per-interpreter import, not dlopen.

Measured after every thread and process of the experiment: CPython keeps ~1.75 MB of
each closed interpreter, which fork children would otherwise inherit. startup.py imports
this module, and spawned children import startup.py: it imports only the standard
library at import time.
"""

from __future__ import annotations

import ast
import os
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from pylab.executors import barriers, subinterpreters
from pylab.experiments._kit import pool_up_s, rounds

# The four costs, by the names the startup experiment's data gives them (its own three
# measurements, for a thread and each process too, and the kernels' import).
START_JOIN, FIRST_INSTRUCTION, POOL = "start_join", "first_instruction", "pool"
KERNEL_IMPORT = "kernel_import"
READ_BYTES = 4096  # more than any message below
# Run inside a new interpreter: `fd` is the write end of a pipe of this process.
STAMP_CODE = (
    "from time import perf_counter\n"
    "now = perf_counter()\n"
    "import os\n"
    "os.write({fd}, repr(now).encode())\n"
)
KERNEL_IMPORT_CODE = """\
from time import perf_counter
t0 = perf_counter()
import pylab.kernels
loaded, refused = [], []
for name in NAMES:
    try:
        pylab.kernels.get(name)
        loaded.append(name)
    except ImportError:
        refused.append(name)
elapsed = perf_counter() - t0
import os
os.write({fd}, repr((elapsed, loaded, refused)).encode())
"""


def api() -> Any:
    """The PEP 734 `interpreters` module of this interpreter (3.14 stdlib, 3.13 backport)."""
    return subinterpreters.modules()[0]


def _run_reading(code: str) -> tuple[float, str]:
    """exec `code` (with `{fd}` to write to) in a new interpreter, closed after; the time
    just before create() and what the code wrote."""
    api()  # imported before the clock starts
    receive, send = os.pipe()
    try:
        t0 = time.perf_counter()
        interp = subinterpreters.create()
        try:
            interp.exec(code.format(fd=send))  # runs in this thread, returns when done
        finally:
            interp.close()
        return t0, os.read(receive, READ_BYTES).decode()
    finally:
        os.close(receive)
        os.close(send)


def start_join() -> float:
    api()  # imported before the clock starts
    t0 = time.perf_counter()
    interp = subinterpreters.create()
    try:
        interp.exec("pass")
    finally:
        interp.close()
    return time.perf_counter() - t0


def first_instruction() -> float:
    t0, written = _run_reading(STAMP_CODE)
    return float(written) - t0


def pool(workers: int, timeout: float) -> float:
    # The barrier is made before the clock starts: it is not part of the pool.
    barrier = barriers.PipeBarrier(workers)
    try:
        task, release = (barrier.wait, timeout), partial(barrier.release, timeout=timeout)
        return pool_up_s(partial(subinterpreters.pool, workers), task, workers, timeout, release)
    finally:
        barrier.close()


def kernel_import(names: tuple[str, ...]) -> tuple[float, list[str], list[str]]:
    """Seconds to import pylab.kernels and `names` in a fresh interpreter; which loaded,
    which refused to."""
    _t0, written = _run_reading(KERNEL_IMPORT_CODE.replace("NAMES", repr(names)))
    elapsed, loaded, refused = ast.literal_eval(written)
    return elapsed, loaded, refused


def startup_costs(repeats: int, workers: int, timeout: float) -> dict[str, Any]:
    """`repeats` rounds of the four costs after one discarded warm-up round, which also
    finds the kernel families that load in a subinterpreter."""
    from pylab.kernels import FAMILIES  # the package only: it imports no kernel

    _elapsed, loaded, refused = kernel_import(FAMILIES)
    measurements: dict[str, Callable[[], float]] = {
        START_JOIN: start_join,
        FIRST_INSTRUCTION: first_instruction,
        POOL: lambda: pool(workers, timeout),
        KERNEL_IMPORT: lambda: kernel_import(tuple(loaded))[0],
    }
    samples = rounds(measurements, repeats, warmed=(KERNEL_IMPORT,))  # warmed above
    return {"samples": samples, "kernels": {"loaded": loaded, "refused": refused}}
