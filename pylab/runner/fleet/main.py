"""`run --scheduler ADDRESS`, from connecting to the exit status.

Exit status as the rest of pylab: 0 every machine measured every cell; 1 some machine
failed or some cells failed (every file that came back is written); 2 the user's to fix
(no scheduler there, no worker, none that can run this lab); 130 Ctrl-C and 143 SIGTERM
(the labs still running are stopped, the files received kept). Workers skipped for
another pylab or build are said on stderr and in the summary; they fail nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pylab import results as results_io
from pylab.base.errors import Terminated, UserError, stopped_status
from pylab.runner.fleet import discover, dispatch, summary
from pylab.runner.fleet.dispatch import INTERRUPTED, Outcome


def say(line: str) -> None:
    print(f"pylab: {line}", file=sys.stderr, flush=True)


def run_fleet(address: str, timeout_s: float, lab_args: list[str], out: Path, report: bool) -> int:
    """Run the lab with `lab_args` once on every machine of the cluster at `address`."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write results to {out}: {exc.strerror or exc}") from None
    client = discover.connect(address, timeout_s)
    try:
        return _run(client, address, lab_args, out, report)
    finally:
        client.close()


def _run(client: object, address: str, lab_args: list[str], out: Path, report: bool) -> int:
    machines, skipped = discover.discover(client, address)
    for worker in skipped:
        say(f"skipped {worker.host} worker {worker.address}: {worker.problem}")
    if not machines:
        raise UserError(f"no worker of the Dask cluster at {address} can run this lab "
                        f"({len(skipped)} skipped, above)")  # fmt: skip
    say(f"the lab on {len(machines)} machine(s) at once: "
        + ", ".join(f"{m.host} ({m.worker.address})" for m in machines))  # fmt: skip
    started, outcomes = results_io.utc_now(), []
    try:
        for outcome in dispatch.run_labs(client, machines, lab_args, out):
            outcomes.append(outcome)
            say(_line(outcome))
    except (KeyboardInterrupt, Terminated) as exc:
        done = {o.machine.host for o in outcomes}
        outcomes += [Outcome(m, INTERRUPTED, "the fleet run was interrupted")
                     for m in machines if m.host not in done]  # fmt: skip
        outcomes.sort(key=lambda o: o.machine.host)  # arrival order is chance
        path = summary.write(out, address, started, outcomes, skipped)
        kept = sum(o.path is not None for o in outcomes)
        say(f"interrupted; the labs still running were told to stop; {kept} machine file(s) "
            f"kept in {out}; summary in {path}")  # fmt: skip
        return stopped_status(exc)
    outcomes.sort(key=lambda o: o.machine.host)
    if report:
        _reports(outcomes)
    path = summary.write(out, address, started, outcomes, skipped)
    print(summary.text(outcomes, skipped))
    print(path)
    return 0 if all(o.ok for o in outcomes) else 1


def _line(outcome: Outcome) -> str:
    where = f"; {outcome.path}" if outcome.path else ""
    why = f": {outcome.reason}" if outcome.reason else ""
    return f"{outcome.machine.host}: {outcome.status}{why}{where}"


def _reports(outcomes: list[Outcome]) -> None:
    """Each file's report, written here from the file (the same as the lab's own would be)."""
    from pylab.report import write_report

    for outcome in outcomes:
        if outcome.results is not None:
            say(f"{outcome.machine.host}: report in {write_report(outcome.path)}")
