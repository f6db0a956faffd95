"""`pylab gilcheck`: pylab's GIL share beside gilknocker's contention, the plumbing.

Very short loops: these check that both figures come back for every call, and only
properties no machine's noise can flip (a sleep barely holds the GIL, a builtin loop
over Python ints holds it nearly throughout), never a timing target.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pylab.host.machine import gil_enabled
from pylab.probing import gilcheck

MISSING = [name for name in ("gilknocker", "distributed") if importlib.util.find_spec(name) is None]
# what measures (and what reaches the measuring: --calls is read after the check for them)
measures = pytest.mark.skipif(
    bool(MISSING) or not gil_enabled(),
    reason=f"{' and '.join(MISSING)} not installed (pip install 'pylab-cext-lab[dask]')"
    if MISSING
    else "no GIL to check: the GIL is off",
)

SLEEP = "time.sleep(0.001)"
HOLDS = "sum(range("  # a builtin's loop over Python ints: holds the GIL throughout


def _figure(value: dict) -> None:
    assert 0.0 <= value["low"] <= value["median"] <= value["high"] <= 1.0, value


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, dict]:
    """Every call, 0.05 s per figure, through the real command."""
    out = tmp_path_factory.mktemp("gilcheck") / "check.json"
    done = subprocess.run(
        [sys.executable, "-m", "pylab", "gilcheck", "--seconds", "0.05", "--json", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done, json.loads(out.read_text())


@measures
def test_every_call_has_both_figures(checked: tuple) -> None:
    done, data = checked
    assert data["format"] == gilcheck.FORMAT and data["version"] == gilcheck.VERSION
    assert [row["call"] for row in data["rows"]] == [t.name for t in gilcheck.targets()]
    for row in data["rows"]:
        _figure(row["pylab_share"])
        _figure(row["gilknocker_contention"])
        assert row["agree"] in (True, False) and row["call_s"] > 0
        assert row["call"] in done.stdout
    assert data["dask"]["polling_interval_us"] > 0 and data["dask"]["monitor_interval_s"] > 0
    # 0.05 s is far too short for gilknocker: the command says so rather than hide it
    assert any("short for gilknocker" in text for text in data["warnings"])
    assert "warning: 0.05 s is short for gilknocker" in done.stdout
    assert done.stderr == ""


@measures
def test_a_sleep_barely_holds_the_gil_a_builtin_loop_nearly_always(checked: tuple) -> None:
    rows = {row["call"]: row for row in checked[1]["rows"]}
    (loop,) = [row for name, row in rows.items() if name.startswith(HOLDS)]
    assert rows[SLEEP]["pylab_share"]["median"] < 0.5 < loop["pylab_share"]["median"]


@measures
def test_calls_polling_interval_and_busy_threads_can_be_chosen(cli, tmp_path: Path) -> None:
    done = cli("gilcheck", "--seconds", "0.05", "--calls", "sleep", "--polling-us", "100",
               "--busy-threads", "2", "--json", "one.json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "one.json").read_text())
    assert [row["call"] for row in data["rows"]] == [SLEEP]
    assert data["dask"]["polling_interval_us"] == 100 and data["busy_threads"] == 2
    assert "beside 2 busy Python threads" in done.stdout


@measures
def test_the_worker_column_comes_from_a_real_dask_worker(cli, tmp_path: Path) -> None:
    # long enough to hold a whole interval of the worker's system monitor (0.5 s by default)
    done = cli("gilcheck", "--seconds", "1.1", "--calls", "sleep", "--worker", "--json", "w.json")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    (row,) = json.loads((tmp_path / "w.json").read_text())["rows"]
    _figure(row["worker_contention"])
    assert row["worker_contention"]["readings"] and "in a worker" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seconds", "0"], "0: choose 0.001 to 600"),
        (["--seconds", "-1"], "-1: choose 0.001 to 600"),
        (["--seconds", "soon"], "'soon' is not a number"),
        (["--busy-threads", "-1"], "-1: choose 0 to 64"),
        (["--worker", "--busy-threads", "1"], "without --busy-threads"),
        pytest.param(["--calls", "no-such-call"], "no call named like 'no-such-call'",
                     marks=measures),
        pytest.param(["--calls", "compute/"], "3 calls named like 'compute/'", marks=measures),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(cli, args: list, message: str) -> None:
    done = cli("gilcheck", *args)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_without_gilknocker_it_says_how_to_install_it(tmp_path: Path) -> None:
    # a None in sys.modules makes `import gilknocker` fail as if it were not installed
    code = ("import sys; sys.modules['gilknocker'] = None; from pylab.cli.main import main; "
            "sys.exit(main(['gilcheck', '--seconds', '0.05']))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)  # fmt: skip
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "pip install 'pylab-cext-lab[dask]'" in done.stderr and done.stdout == ""
