"""What a worker costs (pylab.report.costs): the table built from the startup, memory and
ipc data, with a subinterpreter where the run measured one and without it in older files."""

from __future__ import annotations

from pylab.report import costs
from tests.unit.report.made_up import _results


def test_each_kind_gets_its_figures_and_a_subinterpreter_is_placed() -> None:
    rows = costs.costs(_results())
    assert [r.kind for r in rows] == ["thread", "interpreter", "fork", "forkserver", "spawn"]
    sub = rows[1]
    assert (sub.start_s, sub.pool_s, sub.memory_bytes) == (3e-2, 6e-2, 1e7)
    assert sub.round_trip_s == 30e-6 and sub.dispatch_s == 120e-6
    assert rows[2].round_trip_s == 80e-6  # fork's best channel, at the smallest message
    assert rows[3].round_trip_s is None  # ipc measures no forkserver channel
    where = costs.placement(rows)
    assert "start (start to join): among the processes" in where
    assert "memory per worker (PSS): between a thread and every process" in where
    assert "round trip, small message: at or below a thread" in where
    header, lines = costs.table(rows)
    assert header[0] == "worker" and lines[1][0] == "subinterpreter"
    assert lines[3][4] == "-"  # forkserver's round trip: not measured


def test_without_a_subinterpreter_the_table_has_threads_and_processes_only() -> None:
    rows = costs.costs(_results(with_interpreter=False))
    assert [r.kind for r in rows] == ["thread", "fork", "forkserver", "spawn"]
    assert costs.placement(rows) == ""
