"""The executors (pylab.executors): every one returns the same checked result; processes
work with each start method; a run given a CPU runs there; unknown names, and executors
whose extra is missing, are user errors that say why."""

from __future__ import annotations

import multiprocessing
import os
import threading

import pytest

from pylab.base import extras
from pylab.base.errors import UserError
from pylab.executors import SerialExecutor, make_executor
from pylab.executors.worker import Job
from pylab.host import affinity
from pylab.kernels.base import OMP, openmp_built
from pylab.measure.cell import expected

needs_openmp = pytest.mark.skipif(not openmp_built(), reason="kernels built without OpenMP")


JOB = Job("compute", "nogil", 100_003)


METHODS = [
    m for m in ("fork", "forkserver", "spawn") if m in multiprocessing.get_all_start_methods()
]


SETUPS = [("serial", None, 1), ("threads", None, 1), ("threads", None, 3)] + [
    ("processes", m, 2) for m in METHODS
]


@pytest.mark.parametrize(("kind", "method", "workers"), SETUPS)
def test_executor_returns_the_reference(kind: str, method: str | None, workers: int) -> None:
    with make_executor(kind, workers, method) as executor:
        run = executor.run(JOB)
        seen = executor.identify()
    assert run.value == expected(JOB.kernel, JOB.size, JOB.params)
    assert len(run.parts) == workers
    assert run.wall_s > 0 and run.cpu_s >= 0
    pids = {w.pid for w in seen}
    if kind == "processes":
        assert len(pids) == workers and os.getpid() not in pids
    else:
        assert pids == {os.getpid()}
        assert len({w.thread_id for w in seen}) == workers


def test_process_pool_runs_python_kernels_in_every_part() -> None:
    job = Job("objects", "py", 5_000)
    with make_executor("processes", 3, "fork") as executor:
        run = executor.run(job)
    assert run.value == expected(job.kernel, job.size, job.params)
    assert len({p.pid for p in run.parts}) == 3


def test_unknown_executor_and_start_method_are_user_errors() -> None:
    with pytest.raises(UserError, match="did you mean 'threads'"):
        make_executor("thread", 2)
    with pytest.raises(UserError, match="start method"):
        make_executor("processes", 2, "forx")


def test_a_serial_baseline_in_a_thread_of_its_own() -> None:
    """A thread pool's baseline runs off the main thread, where its workers run."""

    with SerialExecutor(in_thread=True) as serial:
        run = serial.run(JOB)
    assert run.value == expected(JOB.kernel, JOB.size, JOB.params)
    assert run.parts[0].thread_id != threading.get_native_id()
    assert SerialExecutor().run(JOB).parts[0].thread_id == threading.get_native_id()


@pytest.mark.skipif(len(affinity.allowed()) < 2, reason="needs two CPUs to choose from")
@pytest.mark.parametrize("kind", ["serial", "threads", "processes"])
def test_a_run_given_a_cpu_runs_there(kind: str) -> None:
    before = affinity.allowed()
    cpu = affinity.cpu_for(1, before)
    with make_executor(kind, 1, "fork" if kind == "processes" else None) as executor:
        executor.run(JOB, cpu)
        if kind == "serial":  # the calling thread, given back all its CPUs after
            assert affinity.allowed() == before != cpu
        else:  # the worker stays there until its next run
            where = executor._map(_affinity, [()])[0]
            assert where == cpu


def _affinity(barrier: object = None) -> frozenset[int]:
    return frozenset(os.sched_getaffinity(0))


@needs_openmp
def test_the_omp_executor_sets_w_threads_only_for_its_own_run() -> None:
    from pylab.kernels._ext import _openmp

    job = Job("compute", OMP, 200_003)
    _openmp.set_threads(1)
    with make_executor("omp", 3) as executor:
        run = executor.run(job)
    assert run.value == expected(job.kernel, job.size, job.params)
    assert len(run.parts) == 1  # one call; the parallelism is inside it
    assert _openmp.max_threads() == 1  # every other cell keeps OpenMP at one thread


def test_without_dask_its_executors_say_why(monkeypatch) -> None:
    monkeypatch.setattr(extras, "why_no_dask", lambda: "dask.distributed is not installed (x)")
    with pytest.raises(UserError, match="dask-threads executor is unavailable: dask"):
        make_executor("dask-threads", 2)
