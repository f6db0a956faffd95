"""What runs inside a worker (pylab.executors.worker): a part of a job, its input rebuilt
and cached in the worker, the barrier that starts workers together, who ran it."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from pylab import kernels
from pylab.base.errors import UserError
from pylab.executors import worker
from pylab.executors.barriers import BARRIER_TIMEOUT_S
from pylab.executors.worker import Job, Part, identify, job_input, part_input, run_part
from pylab.host.machine import gil_enabled

JOB = Job("compute", "nogil", 10_007)


def test_the_parts_of_a_job_are_its_input_split_and_combine_to_the_reference() -> None:
    family = kernels.get(JOB.kernel)
    parts = [Part(JOB, i, 3) for i in range(3)]
    whole = job_input(JOB.kernel, JOB.size, JOB.params)
    assert [part_input(p) for p in parts] == family.split(whole, 3)
    results = [run_part(p) for p in parts]
    assert family.combine([r.value for r in results]) == family.reference(whole)


def test_a_part_says_who_ran_it_and_the_cpu_it_used() -> None:
    result = run_part(Part(JOB))
    assert (result.pid, result.thread_id) == (os.getpid(), threading.get_native_id())
    assert result.cpu_s >= 0
    assert identify() == worker.WorkerInfo(os.getpid(), threading.get_native_id(), gil_enabled())


def test_a_workers_input_is_built_once_and_kept() -> None:
    """A 500 MiB array is rebuilt from (kernel, size, params), never pickled, and never
    rebuilt between the warm-ups and the timed runs."""
    first = job_input("stream", 8 * 1_001, (("array_mib", 1),))
    assert job_input("stream", 8 * 1_001, (("array_mib", 1),)) is first
    assert part_input(Part(JOB, 1, 2)) is part_input(Part(JOB, 1, 2))


class _Barrier:
    def __init__(self) -> None:
        self.waited: list[float] = []

    def wait(self, timeout: float) -> None:
        self.waited.append(timeout)


def test_a_part_waits_at_the_barrier_it_is_given_or_its_process_one(monkeypatch) -> None:
    monkeypatch.setattr(worker, "_process_barrier", None)
    worker.rendezvous()  # no barrier anywhere: nothing to wait for
    given = _Barrier()
    run_part(Part(JOB), barrier=given)
    assert given.waited == [BARRIER_TIMEOUT_S]
    own = _Barrier()
    monkeypatch.setattr(worker, "_process_barrier", own)
    identify()
    assert own.waited == [BARRIER_TIMEOUT_S] and given.waited == [BARRIER_TIMEOUT_S]


def test_a_pool_process_keeps_its_barrier_and_leaves_ctrl_c_to_the_parent(monkeypatch) -> None:
    monkeypatch.setattr(worker, "_process_barrier", None)
    before = signal.getsignal(signal.SIGINT)
    barrier = _Barrier()
    try:
        worker.init_process(barrier)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert worker._process_barrier is barrier
    finally:
        signal.signal(signal.SIGINT, before)


def test_an_unknown_variant_fails_the_part() -> None:
    with pytest.raises(UserError, match="did you mean 'nogil'"):
        run_part(Part(Job("compute", "nogli", 10)))
