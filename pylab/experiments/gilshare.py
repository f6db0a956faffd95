"""gilshare: the GIL share of every kernel and variant, by the probe's heartbeat.

Settles no claim by itself; the report sets Amdahl's prediction from each share
beside the thread speed-up the run measured (the model's error per kernel and
overall), and the amdahl kernel checks the method: its share should read near
its gil_share parameter. Every parameter set the run's cells measured gets its
own share (amdahl at gil_share 0 to 1 tests the model across the range); a
variant without cells gets one at its default parameters. On a free-threaded build with
the GIL off there is no GIL to hold: it measures nothing and says so (`skipped`), as the
probe does, instead of spending its seconds on shares that read 0 by construction.
"""

from __future__ import annotations

from typing import Any

from pylab import kernels
from pylab.base.stats import summarize
from pylab.experiments._kit import judge_for
from pylab.experiments.base import Level
from pylab.host.machine import NO_GIL, gil_enabled
from pylab.measure.heartbeat import SHARE_S, TICK_S, Heartbeat
from pylab.results.cells import by_key, label

NAME = "gilshare"
CLAIMS: tuple[str, ...] = ()
BY_KERNEL = "kernels"  # the data's section of the shares, which the report's model reads
CALL_S = 0.05  # each call of a kernel lasts about this long


def _share(
    beat: Heartbeat, kernel: str, variant: str, params: dict[str, Any], level: Level
) -> dict[str, Any]:
    from pylab.measure.cell import calibrate

    family = kernels.get(kernel)
    size = calibrate(kernel, variant, tuple(sorted(params.items())), CALL_S * max(level.scale, 0.2))
    data = family.make_input(size, **params)
    run = family.variants[variant]
    seconds = SHARE_S * max(level.scale, 0.25)
    samples = [beat.held_share(lambda: run(data), seconds) for _ in range(level.repeats)]
    return {"kernel": kernel, "variant": variant, "params": params, "size": size,
            "gil_share": summarize(samples)}  # fmt: skip


def _targets(cells: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """(kernel, variant, params) of every measured cell group, in run order, then the
    default parameters of each variant the cells lack."""
    measured = kernels.measured_names()
    groups = by_key(c for c in cells if c.get("ok") and c["kernel"] in measured)
    found = [(k, v, group[0]["params"]) for (k, v, _), group in groups.items()]
    seen = {(k, v) for k, v, _ in found}
    return found + [
        (name, variant, kernels.get(name).resolve_params())
        for name in measured
        for variant in kernels.get(name).variants
        if (name, variant) not in seen
    ]


def measure(level: Level, cells: list[dict[str, Any]]) -> dict[str, Any]:
    if not gil_enabled():  # every share would read 0: say why there are none instead
        return {"tick_s": TICK_S, BY_KERNEL: {}, "skipped": NO_GIL}
    with Heartbeat(tick_s=TICK_S) as beat:
        found = [_share(beat, k, v, params, level) for k, v, params in _targets(cells)]
    return {"tick_s": TICK_S, BY_KERNEL: {label(entry): entry for entry in found}}


judge = judge_for(__name__, CLAIMS)  # no claim: no verdict
