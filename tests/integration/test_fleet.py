"""`pylab run --scheduler`: the lab on every machine of a real Dask cluster.

The scheduler and the workers are `dask scheduler` / `dask worker` processes on 127.0.0.1;
PYLAB_HOST makes workers on this box stand for machines. Workers run without a nanny, so
that what a test changes in the worker's process (no pylab, another pylab version) is the
process that runs the tasks, and killing it kills the worker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pylab import results as results_io
from pylab.base import extras

if extras.why_no_dask():
    pytest.skip(extras.why_no_dask(), allow_module_level=True)

import psutil  # noqa: E402

NO_PYLAB = "import sys; sys.modules['pylab'] = None"
OTHER_VERSION = "import pylab; pylab.__version__ = '0.0.0'"
START_S = 60  # a scheduler or a worker starting on a busy 2-core machine
FLEET_S = 120  # a tiny fleet run


class Cluster:
    """A scheduler and workers as subprocesses, logs in `folder`; close() kills them all."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.procs = folder, []
        self.file = folder / "scheduler.json"
        self.address = ""

    def _start(self, command: list[str], log: str, env: dict[str, str]) -> subprocess.Popen:
        with open(self.folder / log, "w") as out:
            proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                    cwd=self.folder)  # fmt: skip
        self.procs.append(proc)
        return proc

    def scheduler(self) -> str:
        command = [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                   "--port", "0", "--no-dashboard", "--scheduler-file", str(self.file)]  # fmt: skip
        self._start(command, "scheduler.log", dict(os.environ))
        deadline = time.monotonic() + START_S
        while not self.file.exists() or not self.file.read_text().strip().endswith("}"):
            assert time.monotonic() < deadline, (self.folder / "scheduler.log").read_text()
            time.sleep(0.2)
        import json

        self.address = json.loads(self.file.read_text())["address"]
        return self.address

    def worker(self, host: str, prelude: str | None = None) -> subprocess.Popen:
        """A worker naming machine `host`; `prelude` runs first in its process."""
        options = ["--scheduler-file", str(self.file), "--nthreads", "1", "--nworkers", "1",
                   "--no-dashboard", "--no-nanny", "--host", "127.0.0.1",
                   "--local-directory", str(self.folder)]  # fmt: skip
        main = "from distributed.cli.dask_worker import main; main()"
        start = ["-c", f"{prelude}; {main}"] if prelude else ["-m", "distributed.cli.dask_worker"]
        # TMPDIR: a killed worker's lab folder is left behind, in the test's folder
        env = {**os.environ, "PYLAB_HOST": host, "TMPDIR": str(self.folder)}
        return self._start([sys.executable, *start, *options], f"worker-{host}.log", env)

    def wait_for_workers(self, n: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=START_S, set_as_default=False) as client:
            client.wait_for_workers(n, timeout=START_S)

    def close(self) -> None:
        for proc in self.procs:
            proc.kill()
        for proc in self.procs:
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Four workers: machine-a and machine-b can run the lab; machine-c has no pylab,
    machine-d another pylab version."""
    found = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        found.scheduler()
        for host, prelude in [("machine-a", None), ("machine-b", None),
                              ("machine-c", NO_PYLAB), ("machine-d", OTHER_VERSION)]:  # fmt: skip
            found.worker(host, prelude)
        found.wait_for_workers(4)
        yield found
    finally:
        found.close()


@pytest.fixture(scope="module")
def fleet(tiny_args):
    """fleet(address, out, *more): the command of the tiny lab over the cluster at `address`."""
    lab = tiny_args("--kernels", "compute", "--variants", "nogil", "--executors", "serial,threads",
                    "--no-report", quiet=False)  # fmt: skip

    def command(address: str, out: Path, *more: str) -> list[str]:
        return [sys.executable, "-m", "pylab", "run", "--scheduler", address, *lab,
                "--out", str(out), *more]  # fmt: skip

    return command


@pytest.fixture(scope="module")
def fleet_run(cluster, tmp_path_factory, fleet):
    """The tiny lab run once over the cluster: (the finished process, its --out)."""
    out = tmp_path_factory.mktemp("fleet-out")
    done = subprocess.run(fleet(cluster.address, out), capture_output=True, text=True,
                          timeout=FLEET_S, cwd=out.parent)  # fmt: skip
    return done, out


def test_every_machine_gets_its_results_file(fleet_run) -> None:
    done, out = fleet_run
    assert done.returncode == 0, done.stderr
    files = sorted(out.glob("*.json"))
    hosts = [results_io.load(path)["machine"]["hostname"] for path in files]
    assert sorted(hosts) == ["machine-a", "machine-b"], done.stderr  # files named by start time
    assert all(path.name.endswith(f"-{host}.json") for path, host in zip(files, hosts, strict=True))
    assert all(path.with_suffix(".csv").exists() for path in files)
    assert all(results_io.load(path)["cells"] for path in files)


def test_the_fleet_summary_names_both_machines(fleet_run) -> None:
    done, out = fleet_run
    (page,) = out.glob("fleet-*.md")
    assert done.stdout.strip().splitlines()[-1] == str(page)
    text = page.read_text()
    for host in ("machine-a", "machine-b"):
        assert host in text and host in done.stdout
    assert "compute/nogil" in text and "python -m pylab compare" in text


def test_a_worker_without_pylab_is_skipped(fleet_run) -> None:
    done, _ = fleet_run
    (line,) = [ln for ln in done.stderr.splitlines() if "machine-c" in ln]
    assert line.startswith("pylab: skipped machine-c worker tcp://127.0.0.1:")
    assert "ModuleNotFoundError" in line


def test_a_worker_of_another_pylab_version_is_skipped(fleet_run) -> None:
    done, _ = fleet_run
    (line,) = [ln for ln in done.stderr.splitlines() if "machine-d" in ln]
    assert "pylab_version '0.0.0'" in line and line.startswith("pylab: skipped machine-d")


def lab_processes(proc: subprocess.Popen) -> list[psutil.Process]:
    """The labs a worker process runs (pylab.runner.fleet.remote children)."""
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [c for c in children if "pylab.runner.fleet.remote" in " ".join(_cmdline(c))]


def _cmdline(proc: psutil.Process) -> list[str]:
    try:
        return proc.cmdline()
    except psutil.Error:
        return []


def wait_for_lab(worker: subprocess.Popen) -> list[psutil.Process]:
    deadline = time.monotonic() + START_S
    while not (found := lab_processes(worker)):
        assert time.monotonic() < deadline, "the lab never started on the worker"
        time.sleep(0.1)
    return found


def gone(procs: list[psutil.Process], within_s: float = 10) -> bool:
    _, alive = psutil.wait_procs(procs, timeout=within_s)
    return not alive


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_the_labs_and_exits_130(cluster, fleet_run, tmp_path, fleet) -> None:
    # after fleet_run: the module's cluster is idle again
    run = subprocess.Popen(fleet(cluster.address, tmp_path, "--repeats", "20"), cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           # SIGINT as a terminal's run has it, not ignored as a background
                           # job of a non-interactive shell inherits it (see test_faults)
                           preexec_fn=_default_sigint)  # fmt: skip
    try:
        labs = wait_for_lab(cluster.procs[1]) + wait_for_lab(cluster.procs[2])
        run.send_signal(signal.SIGINT)
        _, stderr = run.communicate(timeout=30)
    finally:
        run.kill()
    assert run.returncode == 130, stderr
    assert "interrupted; the labs still running were told to stop" in stderr
    assert gone(labs), "the labs went on after Ctrl-C"


@pytest.fixture
def pair(tmp_path):
    """machine-a and machine-b only: one of them is killed."""
    found = Cluster(tmp_path)
    try:
        found.scheduler()
        found.worker("machine-a"), found.worker("machine-b")
        found.wait_for_workers(2)
        yield found
    finally:
        found.close()


def test_a_worker_killed_mid_run_fails_its_machine_only(pair, tmp_path, fleet) -> None:
    out = tmp_path / "out"
    run = subprocess.Popen(fleet(pair.address, out, "--repeats", "6"), cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        victim = pair.procs[2]  # machine-b's worker
        labs = wait_for_lab(victim)
        victim.kill()
        stdout, stderr = run.communicate(timeout=FLEET_S)
    finally:
        run.kill()
    assert run.returncode == 1, stderr
    (line,) = [ln for ln in stderr.splitlines() if ln.startswith("pylab: machine-b:")]
    assert "failed: its worker tcp://127.0.0.1:" in line and "left the cluster" in line
    (kept,) = out.glob("*.json")
    assert results_io.load(kept)["machine"]["hostname"] == "machine-a"
    assert "left the cluster" in next(out.glob("fleet-*.md")).read_text()
    assert gone(labs), "machine-b's lab outlived its worker"


def test_a_scheduler_without_workers_is_exit_2(tmp_path, fleet) -> None:
    empty = Cluster(tmp_path)
    try:
        done = subprocess.run(fleet(empty.scheduler(), tmp_path), capture_output=True,
                              text=True, timeout=FLEET_S)  # fmt: skip
    finally:
        empty.close()
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"pylab: error: the Dask cluster at {empty.address} has no workers (none has joined yet)"
    ]


def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path, fleet) -> None:
    began = time.monotonic()
    done = subprocess.run(fleet("127.0.0.1:9", tmp_path, "--scheduler-timeout", "2"),
                          capture_output=True, text=True, timeout=FLEET_S)  # fmt: skip
    assert done.returncode == 2 and time.monotonic() - began < 20
    (line,) = done.stderr.splitlines()
    assert line.startswith("pylab: error: cannot reach the Dask scheduler at 127.0.0.1:9: ")


@pytest.mark.parametrize(
    "more, expected",
    [
        (["--resume", "x.json"], "--scheduler starts a new run on every machine"),
        (["--python", "3.11"], "--scheduler runs each machine's lab under the Python of its"),
        (["--kernels", "comptue"], "unknown kernel 'comptue'"),  # checked before connecting
    ],
)
def test_options_that_cannot_go_with_scheduler(cli, more: list[str], expected: str) -> None:
    done = cli("run", "--scheduler", "127.0.0.1:9", *more)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("pylab: error: ") and expected in line


def test_without_distributed_run_scheduler_says_so(tmp_path) -> None:
    hide = ("import sys; sys.modules['distributed'] = None; from pylab.cli.main import main; "
            "raise SystemExit(main())")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", hide, "run", "--scheduler", "127.0.0.1:9"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "pylab: error: dask.distributed is not installed (pip install 'pylab-cext-lab[dask]')"
    ]
