"""The `interpreters` executor in runs: subinterpreters with their own GIL where the
interpreter has them (3.13 with the PEP 734 backport, 3.14+), skipped with the reason
elsewhere.

The tests that need subinterpreters run pylab under a 3.13 environment
(conftest.subinterpreter_python) and skip, saying why, where this machine has none.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pylab import results
from pylab.base import extras
from pylab.pythons import envs
from tests import REPO

HAS_THEM = extras.why_no_subinterpreters() is None


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
def test_asking_only_for_subinterpreters_where_there_are_none_is_one_line(cli, tiny_args) -> None:
    done = cli(
        "run", *tiny_args("--no-report"), "--kernels", "compute", "--executors", "interpreters"
    )
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("pylab: error: nothing to run: interpreters cells skipped")
    assert "--python 3.13" in line


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
def test_a_mixed_run_skips_the_subinterpreter_cells_with_the_reason(
    cli, tmp_path, tiny_args
) -> None:
    done = cli("run", *tiny_args("--no-report"), "--kernels", "compute", "--variants", "nogil",
               "--executors", "threads,interpreters", "--out", str(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 interpreters cells skipped: Python 3" in done.stderr
    data = results.load(Path(done.stdout.splitlines()[-1]))
    (record,) = data["pythons"].values()
    assert record["python"]["subinterpreters"]["available"] is False
    assert [s["what"] for s in record["skipped"]] == ["interpreters cells"]
    assert {c["executor"] for c in data["cells"]} == {"threads"}


# --- under an interpreter that has them ------------------------------------------------

PROBE = """
import json
from pylab.executors import subinterpreters
from pylab.executors import make_executor
from pylab.measure.cell import expected
from pylab.executors.worker import Job
out = {}
with make_executor("interpreters", 2) as pool:
    seen = pool.identify()
    out["pids"] = len({w.pid for w in seen})
    out["threads"] = len({w.thread_id for w in seen})
    for kernel, variant, size, params in [
        ("compute", "gil", 200_000, ()), ("compute", "py", 20_000, ()),
        ("objects", "gil", 20_000, ()), ("io", "nogil", 4, (("wait_us", 100),)),
        ("amdahl", "mixed", 200_000, (("gil_share", 0.5),)),
    ]:
        job = Job(kernel, variant, size, params)
        run = pool.run(job)
        out[f"{kernel}/{variant}"] = [run.value == expected(kernel, size, params),
                                      run.value >= 2**63, len(run.parts)]
    try:
        pool.run(Job("stream", "gil", 1 << 20, (("array_mib", 1), ("op", "sum"))))
    except Exception as exc:
        out["stream"] = type(exc).__name__
interpreters = subinterpreters.create()
try:  # the main interpreter's build is refused; the kernels pick the own-GIL twin
    interpreters.exec("import pylab.kernels._ext.objects")
    out["main_build_in_sub"] = "loaded"
except Exception as exc:
    out["main_build_in_sub"] = str(exc)
interpreters.exec("from pylab.kernels.base import ext\\n"
                  "assert ext('objects').__name__ == 'pylab.kernels._ext.own_gil.objects'")
interpreters.close()
import pylab.kernels._ext.objects
out["main_build_here"] = pylab.kernels._ext.objects.__name__
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def run_under(tiny_args):
    """run_under(executable, tmp_path, *args, cwd=None): a tiny `pylab run args` under
    `executable`, from `cwd` (tmp_path): the process and its results."""
    tiny = tiny_args("--no-report")

    def run(executable: Path, tmp_path: Path, *args: str, cwd: Path | None = None) -> tuple:
        command = envs.command(executable, "pylab", "run", *tiny, *args, "--out", str(tmp_path))
        done = subprocess.run(command, cwd=cwd or tmp_path, capture_output=True, text=True,
                              timeout=600)  # fmt: skip
        lines = done.stdout.splitlines()
        return done, results.load(Path(lines[-1])) if lines else {}

    return run


def test_subinterpreters_run_the_kernels_and_return_their_results_checked(
    subinterpreter_python: Path, tmp_path: Path
) -> None:
    done = subprocess.run([str(subinterpreter_python), "-c", PROBE], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["pids"] == 1 and out["threads"] == 2  # two workers, both in this process
    for name in ("compute/gil", "compute/py", "objects/gil", "io/nogil", "amdahl/mixed"):
        assert out[name][0] and out[name][2] == 2, (name, out[name])
    assert out["compute/gil"][1]  # an int above 2**63 came back (the backport pool hangs on it)
    assert out["stream"] == "ImportError"  # numpy refuses to load in a subinterpreter
    assert "does not support loading in subinterpreters" in out["main_build_in_sub"]
    assert out["main_build_here"] == "pylab.kernels._ext.objects"


def test_a_run_on_3_13_measures_subinterpreter_cells_and_skips_stream(
    subinterpreter_python: Path, tmp_path: Path, run_under
) -> None:
    done, data = run_under(subinterpreter_python, tmp_path, "--kernels", "compute,stream",
                            "--variants", "gil", "--executors", "threads,interpreters",
                            "--param", "array_mib=1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "stream on interpreters skipped: its input is a numpy array" in done.stderr
    subs = [c for c in data["cells"] if c["executor"] == "interpreters"]
    assert [(c["kernel"], c["ok"]) for c in subs] == [("compute", True)]
    assert subs[0]["workers_seen"] == {"pids": 1, "threads": 2, "gil_enabled": [True]}
    assert "subinterpreters" in done.stdout  # the table's column


def test_subinterpreters_import_the_environments_kernels_from_inside_a_checkout(
    subinterpreter_python: Path, tmp_path: Path, run_under
) -> None:
    # The checkout's pylab (kernels built for this Python, not 3.13) is on a new
    # interpreter's default path, ahead of the environment's: each worker gets the main's.
    done, data = run_under(subinterpreter_python, tmp_path, "--kernels", "compute",
                            "--variants", "gil", "--executors", "interpreters",
                            cwd=REPO)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [c["ok"] for c in data["cells"]] == [True], data["cells"]


def test_a_crash_in_a_subinterpreter_fails_its_cell_and_the_run_goes_on(
    subinterpreter_python: Path, tmp_path: Path, run_under
) -> None:
    done, data = run_under(subinterpreter_python, tmp_path, "--kernels", "faults",
                            "--variants", "segfault,raise", "--param", "when=parallel",
                            "--executors", "interpreters")  # fmt: skip
    assert done.returncode == 1, done.stderr
    cells = {c["variant"]: c for c in data["cells"] if c["executor"] == "interpreters"}
    assert not cells["segfault"]["ok"] and "SIGSEGV" in cells["segfault"]["error"]
    assert not cells["raise"]["ok"] and "a deliberate exception" in cells["raise"]["error"]


def test_list_and_info_say_whether_subinterpreters_run_here(cli) -> None:
    listed = cli("list").stdout
    why = extras.why_no_subinterpreters()
    assert ("available here" if why is None else f"not here: {why}") in listed
    assert "cannot run in a subinterpreter: stream" in listed
    info = json.loads(cli("info", "--json").stdout)
    assert info["machine"]["python"]["subinterpreters"]["available"] is HAS_THEM
