"""The Dask executors: the same cells on dask.distributed, as Dask users run it.

`dask-threads`: one worker process with W threads; `dask-processes`: W worker processes
of one thread each. Both are a real `LocalCluster` (a scheduler in this process, worker
processes started by nannies), so the scheduler's and the workers' own costs are in the
figures, as they are in a user's. Against the bare pools the difference is what Dask's
scheduling costs: every task goes client -> scheduler -> worker -> scheduler -> client.

Settings chosen here, the same for every cell (and recorded in docs/dask.md):
- the worker processes are started with `spawn`, named (the trap of platform defaults);
- no task is retried (`allowed-failures` 0): a worker that dies fails its cell at once,
  with the signal its nanny saw, instead of taking the task to another worker;
- no memory limit: the lab sizes its inputs itself, and a nanny that pauses or restarts
  a worker at a memory threshold would be a different measurement;
- no dashboards (no ports taken), logs silenced below CRITICAL.
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from pylab.base import extras
from pylab.base.errors import UserError
from pylab.base.names import DASK_PROCESSES, DASK_THREADS
from pylab.executors.barriers import BARRIER_TIMEOUT_S, FifoBarrier
from pylab.executors.base import PART_TIMEOUT_S, Executor, exit_reason
from pylab.executors.worker import PartResult

CONFIG = {
    "distributed.worker.multiprocessing-method": "spawn",
    "distributed.scheduler.allowed-failures": 0,
}
CLOSE_TIMEOUT_S = 30.0
_DEATH = re.compile(r"Worker process (\d+) (?:was killed by signal (\d+)|exited with status (\d+))")


def local_cluster(processes: int, threads: int, config: Mapping[str, Any], **more: Any) -> Any:
    """A LocalCluster of `processes` worker processes (started by nannies) of `threads`
    threads each, on 127.0.0.1, with no dashboard; `config` set while it starts (the
    nannies hand it to their workers), `more` to LocalCluster. Every part of pylab that
    starts a Dask cluster starts it here."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(dict(config)), warnings.catch_warnings():
        # No dashboard, but the scheduler's HTTP server still tries port 8787 first and
        # warns when another cluster has it; it then takes a free one.
        warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
        return LocalCluster(
            n_workers=processes, threads_per_worker=threads, processes=True,
            host="127.0.0.1", dashboard_address=None, worker_dashboard_address=None, **more,
        )  # fmt: skip


class _Deaths(logging.Handler):
    """What the nannies said about worker processes that died (they log it at INFO)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = _DEATH.search(record.getMessage())
        if found:
            pid, signal, status = found.groups()
            code = -int(signal) if signal else int(status)
            self.seen.append(f"worker process {pid} {exit_reason(code)}")


class DaskExecutor(Executor):
    """W workers of a LocalCluster: `_layout` says how many processes of how many threads."""

    _cluster: Any = None
    _client: Any = None
    _barrier: FifoBarrier | None = None
    _addresses: list[str]
    _lost: str | None = None  # why the cluster is no longer whole

    def __init__(self, workers: int = 1, start_method: str | None = None) -> None:
        why = extras.why_no_dask()
        if why is not None:
            raise UserError(f"the {self.kind} executor is unavailable: {why}")
        super().__init__(workers, None)
        self._deaths = _Deaths()

    def _layout(self) -> tuple[int, int]:
        raise NotImplementedError

    def _start(self) -> None:
        from distributed import Client

        logging.getLogger("distributed.nanny").addHandler(self._deaths)
        self._cluster = local_cluster(
            *self._layout(), CONFIG, memory_limit=0, silence_logs=logging.CRITICAL
        )
        self._client = Client(self._cluster, set_as_default=False)
        self._addresses = sorted(self._client.scheduler_info()["workers"])
        self._barrier = FifoBarrier(self.workers)

    def close(self) -> None:
        logging.getLogger("distributed.nanny").removeHandler(self._deaths)
        for part in (self._client, self._cluster):
            if part is not None:
                try:
                    part.close(timeout=CLOSE_TIMEOUT_S)
                except Exception:  # a cluster that lost workers can fail to close cleanly
                    pass
        self._client = self._cluster = None
        if self._barrier is not None:
            self._barrier.close()
            self._barrier = None

    def _where(self, index: int) -> list[str]:
        """The worker task `index` must run on: its own process under dask-processes (two
        tasks on one single-threaded worker would wait for each other at the barrier)."""
        return [self._addresses[index % len(self._addresses)]]

    def _map(self, fn: Callable[..., Any], args: list[tuple]) -> list[Any]:
        assert self._client is not None and self._barrier is not None, "start() first"
        if self._lost is not None:  # its nanny restarts it elsewhere; the tasks name the old
            raise RuntimeError(f"the cluster lost a worker earlier: {self._lost}")
        self._barrier.drain()
        futures = [
            self._client.submit(
                fn, *a, self._barrier, pure=False, workers=self._where(i), allow_other_workers=False
            )  # fmt: skip
            for i, a in enumerate(args)
        ]
        try:
            self._barrier.release(futures, BARRIER_TIMEOUT_S)
            return [f.result(timeout=PART_TIMEOUT_S) for f in futures]
        except Exception as exc:
            raise self._explained(exc) from None
        finally:
            for future in futures:
                future.release()

    def _explained(self, exc: Exception) -> Exception:
        """A worker's death, with how its process ended (the nanny's word for it)."""
        from distributed import KilledWorker

        if not isinstance(exc, KilledWorker):
            return exc
        time.sleep(0.2)  # the nanny notes the exit a moment after the scheduler does
        how = "; ".join(self._deaths.seen) or "no exit code seen"
        self._lost = f"a Dask worker died running the task ({how})"
        return RuntimeError(self._lost)

    def _children_cpu(self, results: list[PartResult]) -> float:
        # The workers' CPU is not in this process's clock; each part reports its own.
        return sum(r.cpu_s for r in results)


class DaskThreadsExecutor(DaskExecutor):
    """One Dask worker process running W threads (`--nworkers 1 --nthreads W`)."""

    kind = DASK_THREADS

    def _layout(self) -> tuple[int, int]:
        return 1, self.workers


class DaskProcessesExecutor(DaskExecutor):
    """W Dask worker processes of one thread each (`--nworkers W --nthreads 1`)."""

    kind = DASK_PROCESSES

    def _layout(self) -> tuple[int, int]:
        return self.workers, 1


CLASSES: dict[str, type[DaskExecutor]] = {
    c.kind: c for c in (DaskThreadsExecutor, DaskProcessesExecutor)
}
