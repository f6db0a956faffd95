"""The real CLI, run in a subprocess from a directory outside the repository."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

import pylab
from pylab import results

OURS = str(Path(pylab.__file__).parent)


def test_version_from_elsewhere_is_ours_despite_matplotlib(cli) -> None:
    # matplotlib (a test dependency) installs site-packages/pylab.py; ours must still win.
    assert Path(sysconfig.get_paths()["purelib"], "pylab.py").exists()
    done = cli("--version")
    assert done.returncode == 0, done.stderr
    assert "C-extension performance lab" in done.stdout and OURS in done.stdout


def test_import_from_elsewhere_is_ours(cli, tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "import pylab, pylab.kernels; print(pylab.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == pylab.__file__


@pytest.mark.parametrize("command", ["list", "info", "run --help"])
def test_commands_succeed(cli, command: str) -> None:
    done = cli(*command.split())
    assert done.returncode == 0, done.stderr
    assert done.stdout and not done.stderr


def test_info_json_names_the_machine_and_build(cli) -> None:
    import json

    info = json.loads(cli("info", "--json").stdout)
    assert info["machine"]["usable_cores"] >= 1
    assert info["build"]["cython_version"] != "unknown"
    assert info["pinning"]["env"]["OMP_NUM_THREADS"] == "1"


def test_pylab_host_names_the_machine(tmp_path: Path) -> None:
    # Containers with random hostnames, or Dask workers on one box standing for machines.
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYLAB_HOST": "machine-a"}
    done = subprocess.run([sys.executable, "-m", "pylab", "info", "--json"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, check=True)  # fmt: skip
    assert json.loads(done.stdout)["machine"]["hostname"] == "machine-a"


def test_run_writes_a_valid_results_file(cli, tmp_path: Path, tiny_args) -> None:
    chosen = ("--kernels", "compute,io", "--variants", "nogil", "--executors",
              "serial,threads,processes")  # fmt: skip
    done = cli("run", *tiny_args(*chosen, "--out", "out"))
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip().splitlines()[-1])
    assert path.parent == Path("out")
    data = results.load(tmp_path / path)
    assert data["status"] == "complete"
    got = {(c["kernel"], c["executor"], c["workers"]) for c in data["cells"]}
    assert got == {(k, e, w) for k in ("compute", "io")
                   for e, w in (("serial", 1), ("threads", 2), ("processes", 2))}  # fmt: skip
    for cell in data["cells"]:
        assert cell["ok"], cell["error"]
        assert cell["speedup"]["low"] <= cell["speedup"]["median"] <= cell["speedup"]["high"]
    assert (tmp_path / path).with_suffix(".csv").exists()
    assert (tmp_path / path).with_suffix("").joinpath("report.html").exists()  # written at the end
    assert "compute/nogil" in done.stdout and "io/nogil" in done.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "--kernels", "nope"], "unknown kernel 'nope'"),
        (["run", "--kernels", "compte"], "did you mean 'compute'"),
        (["run", "--executors", "thread"], "did you mean 'threads'"),
        (["run", "--variants", "nogli"], "did you mean 'nogil'"),
        (["run", "--start-methods", "forx"], "did you mean 'fork'"),
        (["run", "--preset", "quik"], "did you mean 'quick'"),
        (["run", "--only", "claim"], "did you mean 'claims'"),
        (["run", "--level", "tinny"], "did you mean 'tiny'"),
        (["run", "--workers", "0"], "choose 1 to"),
        (["run", "--workers", "-2"], "choose 1 to"),
        (["run", "--workers", "1000000"], "choose 1 to"),
        (["run", "--workers", "two"], "not a whole number"),
        (["run", "--repeats", "0"], "0: choose 1 to 1000"),
        (["run", "--min-time", "-1"], "-1: choose 0.001 to 3600"),
        (["run", "--min-time", "nan"], "nan: choose"),
        (["run", "--bogus"], "unrecognized arguments"),
        (["runn"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, args: list[str], expected: str) -> None:
    done = cli(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert expected in done.stderr


def test_unwritable_out_is_one_line_and_exit_2(cli, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    done = cli("run", "--preset", "quick", "--out", "file/sub")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "cannot write results" in done.stderr and "Traceback" not in done.stderr


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "pylab", "list"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "cannot write" not in err
