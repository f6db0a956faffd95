"""gilshare: the GIL share of every kernel and variant, by the probe's heartbeat.

Settles no claim by itself; the report sets Amdahl's prediction from each share
beside the thread speed-up the run measured (the model's error per kernel and
overall), and the amdahl kernel checks the method: its share should read near
its gil_share parameter.
"""

from __future__ import annotations

from typing import Any

from pylab import kernels
from pylab.experiments.base import Level, Verdict, summarize
from pylab.heartbeat import Heartbeat
from pylab.probing import SHARE_S, TICK_S

NAME = "gilshare"
CLAIMS: tuple[str, ...] = ()
CALL_S = 0.05  # each call of a kernel lasts about this long


def _share(beat: Heartbeat, kernel: str, variant: str, level: Level) -> dict[str, Any]:
    from pylab.measure import calibrate

    family = kernels.get(kernel)
    params = family.resolve_params()
    size = calibrate(kernel, variant, tuple(sorted(params.items())), CALL_S * max(level.scale, 0.2))
    data = family.make_input(size, **params)
    run = family.variants[variant]
    seconds = SHARE_S * max(level.scale, 0.25)
    samples = [beat.held_share(lambda: run(data), seconds) for _ in range(level.repeats)]
    return {"params": params, "size": size, "gil_share": summarize(samples)}


def measure(level: Level, cells: list[dict[str, Any]]) -> dict[str, Any]:
    with Heartbeat(tick_s=TICK_S) as beat:
        found = {
            f"{name}/{variant}": _share(beat, name, variant, level)
            for name in kernels.measured_names()
            for variant in kernels.get(name).variants
        }
    return {"tick_s": TICK_S, "kernels": found}


def judge(data: dict[str, Any]) -> list[Verdict]:
    return []
