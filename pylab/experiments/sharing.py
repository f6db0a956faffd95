"""C02, C13: threads share memory; sharing with (or reading back from) a process costs more.

C02: one uint64 array made visible to W = 2 workers, over sizes from 1 KiB up to a
level's maximum in x8 steps. Each method is timed until every worker has computed a
checksum of the whole array (which must match the parent's: it proves the worker read
it all); a rendezvous after the checksum makes W tasks reach W distinct workers.
- threads: a warm thread pool gets a reference (no copy; each worker reports the
  array's buffer address, which must be the parent's);
- fork_inheritance: the array exists before a fork-context pool is created, and the
  workers read the module-global array inherited copy-on-write. The pool can only be
  made after the array, so the time is pool creation plus the first task (shutdown not
  timed), and fork copies the page tables of everything the parent holds;
- pickled_arguments: the array is a task argument to a warm fork-context pool: it is
  pickled and sent W times (bytes moved = pickled size x W);
- shared_memory: a multiprocessing.shared_memory block is created and the array copied
  in (`setup_s`), then workers of a warm fork-context pool attach by name, wrap it with
  numpy and read it (`attached_s`); the block is unlinked after. The time is both; the
  attached part alone is what the method costs once set up.
- interp_memoryview, interp_pickled (where this Python has subinterpreters; else the
  data's `subinterpreters` says why): W subinterpreters, each with its own GIL and one
  thread here to drive it, get a memoryview of the parent's array (it crosses without a
  copy: a byte a worker writes through it lands in the parent's buffer, checked once as
  `same_buffer`), or the array's bytes pickled once per worker, as
  InterpreterPoolExecutor sends arguments (bytes moved = pickled size x W). numpy
  cannot load in a subinterpreter, so the worker reads the buffer with zlib.adler32
  (checked against the parent's); `read_alone_s` is that read in this thread alone.
C13: reading a result of the largest size back from one worker: a thread returns a
reference (the same object, no copy) vs a process returning it through the pool
(pickled, sent, unpickled). The array is made in the worker before timing.

Rules, at the largest size, on medians:
- C02 holds when every process method, shared memory once set up included, costs at
  least CLEARLY_MORE times the threads' time; fails when none costs NOTICEABLY more;
  otherwise partly, naming the methods that come within CLEARLY_MORE. The subinterpreter
  methods are not in the rule (the claim is threads vs processes): the reason gives them.
- C13 holds when a thread's read-back is at least CLEARLY_MORE times cheaper than a
  process's and the threads' zero copy was seen (same object back, same buffer in C02);
  partly when it is NOTICEABLY cheaper but not both; fails otherwise.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from pylab.base.fmt import KIB, MIB, fmt_bytes, fmt_seconds, fmt_times
from pylab.base.stats import ratio, summarize
from pylab.executors.worker import init_process, rendezvous
from pylab.experiments import _subinterp
from pylab.experiments._kit import (
    FORK,
    SUBINTERPRETER_RECORD,
    from_intervals,
    full_size,
    judge_for,
    judges,
    subinterpreter_part,
    subinterpreter_status,
    tiny,
)
from pylab.experiments.base import Level, Verdict
from pylab.measure.timing import timings

NAME = "sharing"
CLAIMS = ("C02", "C13")

STEP = 8  # sizes grow x8 from MIN_BYTES up to the level's maximum
MIN_BYTES = KIB
WORKERS = 2
# "Clearly more": an order of magnitude, far beyond this machine's 20-50% timing noise.
CLEARLY_MORE = 10.0
# Below 1.5x a difference is within the noise of medians on this shared 2-core machine.
NOTICEABLY = 1.5
BOUNDS = {"clearly_more": CLEARLY_MORE, "noticeably": NOTICEABLY}  # as verdicts store them
TRANSFER_TIMEOUT_S = 300.0  # no transfer to or from a worker takes this long; a hang fails the run
# The methods, by the data's names (the sharing plot draws them by these too).
THREADS = "threads"
FORK_INHERITANCE, PICKLED_ARGUMENTS = "fork_inheritance", "pickled_arguments"
SHARED_MEMORY = "shared_memory"
PROCESS_METHODS = (FORK_INHERITANCE, PICKLED_ARGUMENTS, SHARED_MEMORY)
INTERP_MEMORYVIEW, INTERP_PICKLED = "interp_memoryview", "interp_pickled"
INTERP_METHODS = (INTERP_MEMORYVIEW, INTERP_PICKLED)
# The data's sections the plot reads: each method's rows by size, and C13's read-back of
# the largest array from a thread (THREADS) and from a process (PROCESSES).
BY_METHOD, READ_BACK, PROCESSES = "methods", "read_back", "processes"

_arrays: dict[int, Any] = {}  # size -> array: module-global so fork workers inherit it
_result: Any = None  # a worker's result, made before the read-back is timed


def checksum(array: Any) -> int:
    """Reads every element; the uint64 sum wraps modulo 2**64, the same in every process."""
    import numpy as np

    return int(array.sum(dtype=np.uint64))


def _make_array(nbytes: int) -> Any:
    import numpy as np

    return np.arange(nbytes // 8, dtype=np.uint64)


class _ByteCounter:
    def __init__(self) -> None:
        self.count = 0

    def write(self, data: Any) -> None:
        self.count += len(memoryview(data).cast("B"))


def pickled_size(obj: Any) -> int:
    """Bytes a multiprocessing queue sends for obj, counted without keeping them."""
    from multiprocessing.reduction import ForkingPickler

    counter = _ByteCounter()
    ForkingPickler(counter).dump(obj)  # large payloads stream to write(): no second copy
    return counter.count


def _address(array: Any) -> int:
    return array.__array_interface__["data"][0]


# Worker tasks. Each reads the whole array, then waits for the other workers.


def _read(array: Any, barrier: Any = None) -> tuple[int, int]:
    value = checksum(array)
    rendezvous(barrier)
    return value, _address(array)


def _read_inherited(nbytes: int) -> tuple[int, int]:
    return _read(_arrays[nbytes])


def _read_shared(name: str, nbytes: int) -> tuple[int, int]:
    from multiprocessing.shared_memory import SharedMemory

    import numpy as np

    block = SharedMemory(name=name)
    try:
        value = checksum(np.ndarray((nbytes // 8,), dtype=np.uint64, buffer=block.buf))
    finally:
        block.close()
    rendezvous()
    return value, 0


def _make_result(nbytes: int) -> int:
    global _result
    _result = _make_array(nbytes)
    return checksum(_result)


def _take_result() -> Any:
    return _result


def _drop_result() -> None:
    global _result
    _result = None


# Timing: one sample is W tasks sent and every answer back and checked.


class WrongChecksum(Exception):
    """A worker read something other than the parent's array: the method is invalid."""


def _gather(futures: list[Any], expect: int, method: str) -> list[tuple[int, int]]:
    answers = [f.result(TRANSFER_TIMEOUT_S) for f in futures]
    if any(value != expect for value, _ in answers):
        raise WrongChecksum(f"{method}: checksums {[v for v, _ in answers]}, expected {expect}")
    return answers


def _warm(pool: Executor, barrier: Any = None) -> None:
    """Start every worker and pass one rendezvous: first tasks on a new pool run slow."""
    for future in [pool.submit(rendezvous, barrier) for _ in range(WORKERS)]:
        future.result(TRANSFER_TIMEOUT_S)


def _fork_pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context(FORK)
    return ProcessPoolExecutor(
        workers, mp_context=context, initializer=init_process, initargs=(context.Barrier(workers),)
    )


def _time_threads(pool: Executor, nbytes: int, expect: int, repeats: int) -> dict[str, Any]:
    array = _arrays[nbytes]
    barrier = threading.Barrier(WORKERS)
    samples, same_buffer = [], True
    for _ in range(repeats):
        t0 = time.perf_counter()
        answers = _gather(
            [pool.submit(_read, array, barrier) for _ in range(WORKERS)], expect, THREADS
        )
        samples.append(time.perf_counter() - t0)
        same_buffer &= all(address == _address(array) for _, address in answers)
    return {"time_s": summarize(samples), "copied_bytes": 0, "same_buffer": same_buffer}


def _time_fork(nbytes: int, expect: int, repeats: int) -> dict[str, Any]:
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        pool = _fork_pool(WORKERS)  # after the array: workers inherit it
        try:
            futures = [pool.submit(_read_inherited, nbytes) for _ in range(WORKERS)]
            _gather(futures, expect, "fork inheritance")
            samples.append(time.perf_counter() - t0)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return {"time_s": summarize(samples), "copied_bytes": 0}


def _time_pickled(pool: Executor, nbytes: int, expect: int, repeats: int) -> dict[str, Any]:
    array = _arrays[nbytes]
    pickled = pickled_size(array)  # what the pool's queue sends per task

    def once() -> None:
        _gather([pool.submit(_read, array) for _ in range(WORKERS)], expect, "pickled")

    samples = timings(once, repeats)
    return {"time_s": summarize(samples), "copied_bytes": pickled * WORKERS}


def _time_shared(pool: Executor, nbytes: int, expect: int, repeats: int) -> dict[str, Any]:
    from multiprocessing.shared_memory import SharedMemory

    import numpy as np

    setup, attached = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        block = SharedMemory(create=True, size=nbytes)
        try:
            view = np.ndarray((nbytes // 8,), dtype=np.uint64, buffer=block.buf)
            view[:] = _arrays[nbytes]
            del view  # no export of the buffer may outlive close()
            t1 = time.perf_counter()
            futures = [pool.submit(_read_shared, block.name, nbytes) for _ in range(WORKERS)]
            _gather(futures, expect, "shared memory")
            attached.append(time.perf_counter() - t1)
            setup.append(t1 - t0)
        finally:
            block.close()
            block.unlink()
    total = [a + b for a, b in zip(setup, attached, strict=True)]
    return {
        "time_s": summarize(total),
        "setup_s": summarize(setup),
        "attached_s": summarize(attached),
        "copied_bytes": nbytes,  # once, into the block; workers read it in place
    }


def _sizes(level: Level) -> list[int]:
    largest = MIB if tiny(level) else 256 * MIB if full_size(level) else 32 * MIB
    sizes = [MIN_BYTES]
    while sizes[-1] * STEP < largest:
        sizes.append(sizes[-1] * STEP)
    return [*sizes, largest]


def _repeats(level: Level, nbytes: int) -> int:
    # Pickling the largest arrays takes 1-3 s per sample; a ratio of 10x needs few of them.
    return level.repeats if nbytes < 64 * MIB else max(3, level.repeats // 3)


def _rows(
    sizes: list[int], method: Callable[..., dict[str, Any]], level: Level, *pool: Any
) -> list[dict[str, Any]]:
    rows = []
    for nbytes in sizes:
        expect = checksum(_arrays[nbytes])
        row = method(*pool, nbytes, expect, _repeats(level, nbytes))
        rows.append({"bytes": nbytes, **row})
    return rows


def _share(sizes: list[int], level: Level) -> tuple[dict[str, list], dict[str, Any]]:
    """Every method over every size, only one pool alive at a time; and whether the
    subinterpreter methods ran."""
    from multiprocessing import resource_tracker

    rows = {}
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="pylab-sharing") as pool:
        _warm(pool, threading.Barrier(WORKERS))
        rows[THREADS] = _rows(sizes, _time_threads, level, pool)
    # No thread of ours runs while the fork pools are made.
    rows[FORK_INHERITANCE] = _rows(sizes, _time_fork, level)
    # Workers forked after the tracker starts share it, so attaching registers no leak.
    resource_tracker.ensure_running()
    with _fork_pool(WORKERS) as pool:
        _warm(pool)
        rows[PICKLED_ARGUMENTS] = _rows(sizes, _time_pickled, level, pool)
        rows[SHARED_MEMORY] = _rows(sizes, _time_shared, level, pool)
    # Last: their threads end, and the interpreters close, before read_back forks.
    interp_rows, interp = _share_interp(sizes, level)
    return rows | interp_rows, interp


# Subinterpreters: what runs in each worker. Each drops what it was given, so that no
# view of the parent's array outlives it.
_WARM = "import pickle, zlib"
_READ_VIEW = "found = zlib.adler32(buf)\ndel buf\n"
_READ_PICKLED = "found = zlib.adler32(pickle.loads(blob))\ndel blob\n"
_CHECK = "if found != expect:\n    raise ValueError(f'adler32 {found}, expected {expect}')\n"
_WRITE = "buf[0] = 1\ndel buf"


def _interp_sample(workers: list[Any], code: str, shared: Callable[[], dict]) -> float:
    """Seconds until every worker has run `code` on what `shared()` gives it."""
    t0 = time.perf_counter()
    futures = [worker.submit(code + _CHECK, **shared()) for worker in workers]
    for future in futures:
        future.result(TRANSFER_TIMEOUT_S)
    return time.perf_counter() - t0


def _interp_size(workers: list[Any], nbytes: int, repeats: int) -> dict[str, dict[str, Any]]:
    """Both subinterpreter methods at one size, sample by sample in turn."""
    array = _arrays[nbytes]
    expect, payload = zlib.adler32(array), array.tobytes()  # made before timing, as the array
    blob_bytes = pickled_size(payload)  # counted, not kept: 256 MiB at the default level

    def view() -> dict[str, Any]:
        return {"buf": memoryview(array), "expect": expect}

    def pickled() -> dict[str, Any]:
        return {"blob": pickle.dumps(payload), "expect": expect}

    samples: dict[str, list[float]] = {m: [] for m in INTERP_METHODS}
    for _ in range(repeats):
        samples[INTERP_MEMORYVIEW].append(_interp_sample(workers, _READ_VIEW, view))
        samples[INTERP_PICKLED].append(_interp_sample(workers, _READ_PICKLED, pickled))
    read = summarize(timings(lambda: zlib.adler32(array), repeats))
    return {
        INTERP_MEMORYVIEW: {"time_s": summarize(samples[INTERP_MEMORYVIEW]),
                              "copied_bytes": 0, "read_alone_s": read},
        INTERP_PICKLED: {"time_s": summarize(samples[INTERP_PICKLED]),
                           "copied_bytes": blob_bytes * WORKERS},
    }  # fmt: skip


def _writes_through(worker: Any) -> bool:
    """Whether a byte the worker writes through a shared memoryview lands in our buffer."""
    target = bytearray(1)
    worker.submit(_WRITE, buf=memoryview(target)).result(TRANSFER_TIMEOUT_S)
    return target[0] == 1


def _share_interp(sizes: list[int], level: Level) -> tuple[dict[str, list], dict[str, Any]]:
    """Rows of the subinterpreter methods, and what the data says about them."""
    found = subinterpreter_status()
    if not found["available"]:
        return {}, found
    rows: dict[str, list] = {m: [] for m in INTERP_METHODS}
    with _subinterp.workers(WORKERS) as workers:
        for worker in workers:
            worker.submit(_WARM).result(TRANSFER_TIMEOUT_S)
        same_buffer = _writes_through(workers[0])
        for nbytes in sizes:
            for method, row in _interp_size(workers, nbytes, _repeats(level, nbytes)).items():
                rows[method].append({"bytes": nbytes, **row})
    read = "zlib.adler32 of the whole buffer (numpy cannot load in a subinterpreter)"
    return rows, found | {"read": read, "same_buffer": same_buffer}


def _read_back(pool: Executor, nbytes: int, repeats: int) -> dict[str, Any]:
    """Time to get a worker's array of `nbytes` into this thread, made before timing."""
    expect = pool.submit(_make_result, nbytes).result(TRANSFER_TIMEOUT_S)
    samples, same_object, copied = [], True, 0
    try:
        for _ in range(repeats):
            t0 = time.perf_counter()
            got = pool.submit(_take_result).result(TRANSFER_TIMEOUT_S)
            samples.append(time.perf_counter() - t0)
            if checksum(got) != expect:
                raise WrongChecksum(f"read back: checksum {checksum(got)}, expected {expect}")
            same_object &= got is _result
            if not copied and got is not _result:  # once: pickling 256 MiB is not free
                copied = pickled_size(got)
            del got
    finally:
        pool.submit(_drop_result).result(TRANSFER_TIMEOUT_S)
    return {"time_s": summarize(samples), "copied_bytes": copied, "same_object": same_object}


def _read_backs(nbytes: int, repeats: int) -> dict[str, Any]:
    with _fork_pool(1) as pool:
        processes = _read_back(pool, nbytes, repeats)
    with ThreadPoolExecutor(1, thread_name_prefix="pylab-sharing") as pool:
        threads = _read_back(pool, nbytes, repeats)
    return {"bytes": nbytes, "workers": 1, THREADS: threads, PROCESSES: processes}


def measure(level: Level, cells: list[dict[str, Any]]) -> dict[str, Any]:
    sizes = _sizes(level)
    try:
        _arrays.update((nbytes, _make_array(nbytes)) for nbytes in sizes)
        rows, interp = _share(sizes, level)
    finally:
        _arrays.clear()  # before the read-back: at most a few large arrays alive at once
    return {
        "workers": WORKERS,
        "sizes": sizes,
        "repeats": {str(n): _repeats(level, n) for n in sizes},
        "dtype": "uint64",
        "timed": {
            THREADS: "W tasks on a warm thread pool, each given a reference",
            FORK_INHERITANCE: "fork pool creation + first W tasks (pool made after the array)",
            PICKLED_ARGUMENTS: "W tasks on a warm fork pool, the array pickled into each",
            SHARED_MEMORY: "block creation + copy in (setup_s) + W workers attach (attached_s)",
            INTERP_MEMORYVIEW: "W warm subinterpreters each given a memoryview of the array",
            INTERP_PICKLED: "W warm subinterpreters each given the array's bytes pickled",
        },
        BY_METHOD: rows,
        SUBINTERPRETER_RECORD: interp,
        "zero_copy_seen": all(row["same_buffer"] for row in rows[THREADS]),
        READ_BACK: _read_backs(sizes[-1], _repeats(level, sizes[-1])),
    }


def _largest(data: dict[str, Any], method: str) -> dict[str, Any]:
    return data[BY_METHOD][method][-1]


@judges("C02")
def _judge_c02(data: dict[str, Any]) -> Verdict:
    """Decided from the intervals of the times it compares at the largest size."""
    figures = [_largest(data, m)["time_s"] for m in (THREADS, *PROCESS_METHODS)]
    figures.append(_largest(data, SHARED_MEMORY)["attached_s"])
    return from_intervals(_c02_on_medians, data, figures)


def _c02_on_medians(data: dict[str, Any]) -> Verdict:
    threads = _largest(data, THREADS)["time_s"]["median"]
    costs = {m: _largest(data, m)["time_s"]["median"] for m in PROCESS_METHODS}
    costs["shared_memory_attached"] = _largest(data, SHARED_MEMORY)["attached_s"]["median"]
    ratios = {m: ratio(t, threads) for m, t in costs.items()}
    close = [m for m, r in ratios.items() if r < CLEARLY_MORE]
    numbers = {
        "bytes": data["sizes"][-1],
        "threads_s": threads,
        "process_s": costs,
        "ratios": ratios,
        "within_10x": close,
        "copied_bytes": {m: _largest(data, m)["copied_bytes"] for m in data[BY_METHOD]},
        "bounds": BOUNDS,
    }
    seen = ", ".join(f"{m} {fmt_seconds(t)} ({fmt_times(ratios[m])})" for m, t in costs.items())
    size = fmt_bytes(numbers["bytes"])
    reason = f"{size} to {data['workers']} workers: threads {fmt_seconds(threads)}; {seen}"
    verdict, reason = _sharing_verdict(reason, close, ratios)
    note, numbers["subinterpreters"] = _interp_note(data, threads)
    return Verdict("C02", verdict, reason + note, numbers)


def _interp_note(data: dict[str, Any], threads: float) -> tuple[str, Any]:
    """The reason's part on subinterpreters at the largest size, and its numbers."""

    def measured(found: dict[str, Any]) -> tuple[str, Any]:
        costs = {m: _largest(data, m)["time_s"]["median"] for m in INTERP_METHODS}
        seen = ", ".join(
            f"{m.removeprefix('interp_')} {fmt_seconds(t)} ({fmt_times(ratio(t, threads))})"
            for m, t in costs.items()
        )
        same = "no copy" if found.get("same_buffer") else "its writes not seen: a copy"
        note = f"; to {data['workers']} subinterpreters (read by adler32): {seen}, the view {same}"
        return note, {"time_s": costs, "same_buffer": found.get("same_buffer")}

    return subinterpreter_part(data.get(SUBINTERPRETER_RECORD), measured)


def _sharing_verdict(reason: str, close: list[str], ratios: dict[str, float]) -> tuple[str, str]:
    """C02's verdict by the rule, and its reason."""
    if not close:
        return "holds", f"{reason}; each at least {CLEARLY_MORE:g}x"
    if all(r < NOTICEABLY for r in ratios.values()):
        return "fails", f"{reason}; no process method costs more (each under {NOTICEABLY:g}x)"
    return "partly", f"{reason}; within {CLEARLY_MORE:g}x: {', '.join(close)}"


@judges("C13")
def _judge_c13(data: dict[str, Any]) -> Verdict:
    """Decided from the intervals of the two read-back times."""
    back = data[READ_BACK]
    figures = [back[THREADS]["time_s"], back[PROCESSES]["time_s"]]
    return from_intervals(_c13_on_medians, data, figures)


def _c13_on_medians(data: dict[str, Any]) -> Verdict:
    back = data[READ_BACK]
    threads = back[THREADS]["time_s"]["median"]
    processes = back[PROCESSES]["time_s"]["median"]
    cheaper = ratio(processes, threads)
    zero_copy = bool(back[THREADS]["same_object"] and data["zero_copy_seen"])
    numbers = {
        "bytes": back["bytes"],
        "threads_s": threads,
        "processes_s": processes,
        "ratio": cheaper,
        "threads_copied_bytes": back[THREADS]["copied_bytes"],
        "processes_copied_bytes": back[PROCESSES]["copied_bytes"],
        "zero_copy_seen": zero_copy,
        "bounds": BOUNDS,
    }
    copy = "the same object, no copy" if zero_copy else "not the same object"
    reason = (
        f"reading back {fmt_bytes(back['bytes'])}: thread {fmt_seconds(threads)} ({copy}), "
        f"process {fmt_seconds(processes)} ({fmt_bytes(numbers['processes_copied_bytes'])} "
        f"pickled), {fmt_times(cheaper)}"
    )
    if cheaper >= CLEARLY_MORE and zero_copy:
        return Verdict("C13", "holds", f"{reason}, at least {CLEARLY_MORE:g}x", numbers)
    if cheaper >= NOTICEABLY:
        short = f"under {CLEARLY_MORE:g}x" if cheaper < CLEARLY_MORE else "but copied"
        reason += f", {short} (clearly cheaper needs {CLEARLY_MORE:g}x and no copy)"
        return Verdict("C13", "partly", reason, numbers)
    return Verdict("C13", "fails", f"{reason}, under {NOTICEABLY:g}x", numbers)


judge = judge_for(__name__, CLAIMS)
