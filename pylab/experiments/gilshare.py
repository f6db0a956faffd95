"""gilshare: the GIL share of every kernel and variant, by the probe's heartbeat.

Settles no claim by itself; the report sets Amdahl's prediction from each share
beside the thread speed-up the run measured (the model's error per kernel and
overall), and the amdahl kernel checks the method: its share should read near
its gil_share parameter. Every parameter set the run's cells measured gets its
own share (amdahl at gil_share 0 to 1 tests the model across the range); a
variant without cells gets one at its default parameters.
"""

from __future__ import annotations

import json
from typing import Any

from pylab import kernels
from pylab.experiments.base import Level, Verdict, summarize
from pylab.heartbeat import Heartbeat
from pylab.plan import params_label
from pylab.probing import SHARE_S, TICK_S

NAME = "gilshare"
CLAIMS: tuple[str, ...] = ()
CALL_S = 0.05  # each call of a kernel lasts about this long


def _share(
    beat: Heartbeat, kernel: str, variant: str, params: dict[str, Any], level: Level
) -> dict[str, Any]:
    from pylab.measure import calibrate

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
    def key(k: str, v: str, params: dict[str, Any]) -> tuple[str, str, str]:
        return k, v, json.dumps(params, sort_keys=True)

    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for c in cells:
        if c.get("ok") and c["kernel"] in kernels.measured_names():
            found[key(c["kernel"], c["variant"], c["params"])] = c["params"]
    seen = {(k, v) for k, v, _ in found}
    for name in kernels.measured_names():
        for variant in kernels.get(name).variants:
            if (name, variant) not in seen:
                params = kernels.get(name).resolve_params()
                found[key(name, variant, params)] = params
    return [(k, v, params) for (k, v, _), params in found.items()]


def measure(level: Level, cells: list[dict[str, Any]]) -> dict[str, Any]:
    with Heartbeat(tick_s=TICK_S) as beat:
        found = {
            f"{k}/{v} {params_label(params)}".strip(): _share(beat, k, v, params, level)
            for k, v, params in _targets(cells)
        }
    return {"tick_s": TICK_S, "kernels": found}


def judge(data: dict[str, Any]) -> list[Verdict]:
    return []
