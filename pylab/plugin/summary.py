"""The end of a session with GIL assertions: one table of them all (call, GIL share,
speed-up, verdict, and the reason of each that did not pass), and `--gil-json FILE`, a pylab
results file (pylab.results.schema), so that `pylab compare` sets two commits of an extension
side by side and `pylab report` reads it.

In the file each assertion is a claim about the code (`<test id> released`, `... scales`,
`... keeps_gil_off`: holds, fails or undecided, its reason and numbers), and each scaling
assertion is also a threads cell (kernel: the call, variant: the test) with its pairs, whose
row the lab's scaling table judges as any run's.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pylab
from pylab import results as results_io
from pylab.base.fmt import fmt_interval
from pylab.base.stats import coefficient_of_variation, median_interval
from pylab.host.load import BACKGROUND_BOUND_CORES
from pylab.host.machine import load_average, machine_info
from pylab.measure.cell import NOISY_WIDTH
from pylab.plugin.verdicts import FAIL, INCONCLUSIVE, MEASURED, PASS, SKIPPED, Outcome
from pylab.report.compare import aligned
from pylab.results.verdicts import judge

VERDICTS = (PASS, FAIL, INCONCLUSIVE, SKIPPED, MEASURED)
CLAIM_VERDICT = {PASS: "holds", FAIL: "fails", INCONCLUSIVE: "undecided"}
CLAIM_TEXT = {
    "released": "{call} releases the GIL (held less than {below:g} of its run time)",
    "scales": "{call} scales in {workers} threads",
    "keeps_gil_off": "importing {call} keeps the GIL off",
}



def table(outcomes: Sequence[Outcome]) -> list[str]:
    """One row per GIL assertion, then the reason of each that did not pass."""
    rows = [(o.test, o.check, o.call, _share(o), _speedup(o), o.verdict) for o in outcomes]
    lines = aligned(("test", "check", "call", "GIL share", "speed-up", "verdict"), rows)
    for o in outcomes:
        if o.verdict not in (PASS, MEASURED):
            lines.append(f"{o.test} {o.check}: {o.verdict}: {o.reason}")
    counts = {v: sum(o.verdict == v for o in outcomes) for v in VERDICTS}
    lines.append(", ".join(f"{n} {v}" for v, n in counts.items() if n))
    return lines


def _share(o: Outcome) -> str:
    return fmt_interval(o.numbers["share"], "") if "share" in o.numbers else "-"


def _speedup(o: Outcome) -> str:
    if "speedup" not in o.numbers:
        return "-"
    return f"{fmt_interval(o.numbers['speedup'])} W={o.numbers['workers']}"


def claims(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    """Each decided or inconclusive assertion as a claim, by `<test id> <check>`."""
    found = {}
    for o in outcomes:
        if o.check not in CLAIM_TEXT or o.verdict == SKIPPED:
            continue
        text = CLAIM_TEXT[o.check].format(call=o.call, **{"below": 0.2, "workers": 2} | o.numbers)
        uncertain = o.reason if o.verdict == INCONCLUSIVE else None
        data = {k: v for k, v in o.numbers.items() if k not in ("pairs", "share_samples")}
        found[f"{o.test} {o.check}"] = results_io.claim_record(
            text, CLAIM_VERDICT[o.verdict], o.reason, data, uncertain=uncertain
        )
    return found


def cell(o: Outcome, pid: str) -> dict[str, Any]:
    """A scaling assertion as the threads cell of a pylab run."""
    n = o.numbers
    serial = [s for s, _ in n["pairs"]]
    parallel = [p for _, p in n["pairs"]]
    speedup = median_interval([s / p for s, p in n["pairs"]])
    where = {"kernel": o.call, "variant": o.test, "executor": "threads", "start_method": None,
             "workers": n["workers"], "params": {}, "python": pid}  # fmt: skip
    busy = n["background_cores"] > BACKGROUND_BOUND_CORES
    return results_io.measured_cell(
        where, n["calls_per_copy"], "calls",
        samples={"serial_s": serial, "parallel_s": parallel},
        speedup=speedup,
        efficiency=speedup.scaled(1 / n["workers"]),
        cpu_per_wall=median_interval([n["threads_cpu_per_wall"]]),
        throughput=median_interval([n["workers"] * n["calls_per_copy"] / p for p in parallel]),
        model_speedup=None, noisy_above=NOISY_WIDTH, precision=NOISY_WIDTH,
        serial_cv=coefficient_of_variation(serial), dispatch_s=0.0, pool_start_s=None,
        workers_seen={},
        interference={"pairs_taken": len(parallel), "disturbed": len(parallel) * busy,
                      "used_disturbed": busy, "background_cores": n["background_cores"],
                      "background_cores_max": n["background_cores"],
                      "steal_cores_max": n.get("steal_cores", 0.0)},
    )  # fmt: skip


def document(outcomes: Sequence[Outcome], args: Sequence[str], settings: Any) -> dict[str, Any]:
    """The results file of a session's GIL assertions (pylab.results.schema)."""
    machine = machine_info()
    pid = results_io.python_id(machine["python"])
    interpreter = {"path": sys.executable, "source": "pytest", "environment": None}
    record = results_io.python_record(machine["python"], {}, interpreter)
    now = results_io.utc_now().isoformat(timespec="seconds")
    results = results_io.header(
        pylab_version=pylab.__version__,
        command=[Path(sys.executable).name, "-m", "pytest", *args],
        preset="pytest", settings=asdict(settings), selection={}, machine=machine, build={},
        pinning={}, load_before=load_average(), started=now, pythons={pid: record},
    )  # fmt: skip
    results["cells"] = [cell(o, pid) for o in outcomes if o.check == "scales" and "pairs" in
                        o.numbers]  # fmt: skip
    stored = results["pythons"][pid]  # the header's copy of the record
    stored["claims"] = claims(outcomes)
    stored["verdicts"] = judge(results_io.view(results, pid))
    return results | {"status": "complete", "finished": now}


def write_json(path: Path, outcomes: Sequence[Outcome], args: Sequence[str], settings: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    results_io.save(document(outcomes, args, settings), path)
