"""The fleet's page (pylab.runner.fleet.summary): each machine and how its lab ended, the
verdicts its file stores, and the compare command."""

from __future__ import annotations

from pathlib import Path

from pylab import results
from pylab.runner.fleet.discover import Machine, Worker
from pylab.runner.fleet.dispatch import FAILED, MEASURED, Outcome
from pylab.runner.fleet.summary import compare_line, idle_note, machine_row, verdict_table
from tests import DATA

INFO = {"usable_cores": 2, "cpu_model": "Some CPU", "python": {"version": "3.11.7"}}


def _machine(host: str, idle: tuple[str, ...] = ()) -> Machine:
    return Machine(host, Worker(f"tcp://{host}:1", host, (host, 1), {"machine": INFO}), idle)


def _measured(host: str) -> Outcome:
    path = DATA / "scaling_only.json"
    return Outcome(_machine(host), MEASURED, "", path, results.load(path))


def test_a_machine_row_says_how_its_lab_ended_and_where_its_file_is() -> None:
    failed = Outcome(_machine("b"), FAILED, "the lab ended with exit status 2")
    assert machine_row(failed) == ("b", "2", "Some CPU", "3.11.7",
                                   "failed: the lab ended with exit status 2", "-")  # fmt: skip
    assert machine_row(_measured("a"))[4:] == ("measured", str(DATA / "scaling_only.json"))


def test_the_verdicts_are_each_files_own_side_by_side() -> None:
    header, rows = verdict_table([_measured("a"), Outcome(_machine("c"), FAILED, "x"),
                                  _measured("b")])  # fmt: skip
    assert header == ("kernel/variant", "a", "b")  # no file came back from c
    (record,) = results.load(DATA / "scaling_only.json")["pythons"].values()
    verdicts, flagged = record["verdicts"]["rows"], record["verdicts"]["uncertain"]
    assert verdicts and flagged  # judged on reading (format 1): some rows are uncertain
    shown = {label: v + (" (uncertain)" if label in flagged else "")
             for label, v in verdicts.items()}  # fmt: skip
    assert rows == [(label, v, v) for label, v in shown.items()]


def test_the_compare_line_needs_two_files() -> None:
    one = [_measured("a"), Outcome(_machine("b"), FAILED, "x")]
    assert compare_line(one) == "Fewer than two machines' files came back: nothing to compare."
    path = Path(DATA / "scaling_only.json")
    assert compare_line([_measured("a"), _measured("b")]) == (
        f"Compare them cell by cell: `python -m pylab compare {path} {path}`"
    )


def test_idle_workers_are_counted() -> None:
    assert idle_note([_machine("a"), _machine("b")]) == ""
    assert idle_note(
        [_machine("a", ("tcp://a:2", "tcp://a:3")), _machine("b", ("tcp://b:2",))]
    ) == ("; 3 more worker(s) on those machines left idle")
