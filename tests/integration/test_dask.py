"""The Dask executors on a real LocalCluster: layouts, checked results, crashes contained,
and the report's Dask section. Where Dask is absent: tests/unit/executors/test_registry.py
and tests/unit/measure/test_plan.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylab import results
from pylab.base import extras
from pylab.executors import make_executor
from pylab.executors.worker import Job
from pylab.measure.cell import expected

needs_dask = pytest.mark.skipif(extras.why_no_dask() is not None, reason=str(extras.why_no_dask()))


@needs_dask
@pytest.mark.parametrize(("kind", "pids"), [("dask-threads", 1), ("dask-processes", 2)])
def test_each_layout_runs_its_workers_and_checks_their_results(kind: str, pids: int) -> None:
    with make_executor(kind, 2) as executor:
        seen = executor.identify()
        assert len({w.pid for w in seen}) == pids
        assert len({(w.pid, w.thread_id) for w in seen}) == 2
        for variant in ("gil", "nogil"):
            run = executor.run(Job("compute", variant, 100_000))
            assert run.value == expected("compute", 100_000, ())
            assert len({(p.pid, p.thread_id) for p in run.parts}) == 2
            assert run.cpu_s > 0  # the workers' CPU, reported by each part


@needs_dask
def test_a_segfault_in_a_dask_worker_fails_its_cell_with_the_signal(
    cli, tmp_path: Path, tiny_args
) -> None:
    done = cli("run", *tiny_args(), "--kernels", "faults", "--variants", "segfault,raise",
               "--param", "when=parallel", "--executors", "dask-processes",
               "--no-report", "--out", str(tmp_path))  # fmt: skip
    assert done.returncode == 1, done.stderr
    cells = {c["variant"]: c for c in results.load(Path(done.stdout.splitlines()[-1]))["cells"]}
    assert not cells["segfault"]["ok"] and "SIGSEGV" in cells["segfault"]["error"]
    assert not cells["raise"]["ok"] and "a deliberate exception" in cells["raise"]["error"]


@needs_dask
def test_a_run_reports_what_dask_costs_over_the_bare_pools(cli, tmp_path: Path, tiny_args) -> None:
    done = cli("run", *tiny_args(), "--kernels", "compute", "--variants", "nogil",
               "--executors", "serial,threads,processes,dask-threads,dask-processes",
               "--start-methods", "spawn", "--out", str(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "dask threads" in done.stdout and "dask processes" in done.stdout  # the table
    path = Path(done.stdout.splitlines()[-1])
    data = results.load(path)
    dask = [c for c in data["cells"] if c["executor"].startswith("dask-")]
    assert {(c["executor"], c["workers_seen"]["pids"]) for c in dask} == {
        ("dask-threads", 1), ("dask-processes", 2)}  # fmt: skip
    assert all(c["dispatch_s"] > 0 and c["pool_start_s"] > 0 for c in dask)
    report = (path.with_suffix("") / "report.md").read_text()
    section = report.split("## What Dask costs over a bare pool", 1)[1].split("\n## ", 1)[0]
    assert "| compute/nogil |" in section and "dask-processes" in section
