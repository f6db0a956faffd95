"""gilshare: a GIL share for every parameter set the run measured, and the defaults."""

from __future__ import annotations

from pylab import kernels
from pylab.experiments import gilshare
from pylab.experiments.base import LEVELS


def _cell(kernel: str, variant: str, params: dict, ok: bool = True) -> dict:
    return {"kernel": kernel, "variant": variant, "params": params, "ok": ok}


def test_every_measured_parameter_set_and_each_variants_defaults_get_a_share() -> None:
    cells = [
        _cell("amdahl", "mixed", {"gil_share": 0.25}),
        _cell("amdahl", "mixed", {"gil_share": 0.25}),  # another W: the same target
        _cell("amdahl", "mixed", {"gil_share": 0.75}),
        _cell("amdahl", "mixed", {"gil_share": 1.0}, ok=False),  # failed: nothing to compare
        _cell("faults", "raise", {}),  # the harness's own test kernel: never measured
    ]
    targets = gilshare._targets(cells)
    assert targets[:2] == [("amdahl", "mixed", {"gil_share": 0.25}),
                           ("amdahl", "mixed", {"gil_share": 0.75})]  # fmt: skip
    rest = {(k, v) for k, v, _ in targets[2:]}
    expected = {(k, v) for k in kernels.measured_names() for v in kernels.get(k).variants}
    assert rest == expected - {("amdahl", "mixed")}
    assert all(k != "faults" for k, _, _ in targets)


def test_the_amdahl_kernels_share_reads_near_its_parameter() -> None:
    cells = [_cell("amdahl", "mixed", {"gil_share": s}) for s in (0.2, 0.8)]
    found = gilshare.measure(LEVELS["tiny"], cells)["kernels"]
    for s in (0.2, 0.8):
        entry = found[f"amdahl/mixed gil_share={s:g}"]
        assert (entry["kernel"], entry["variant"], entry["params"]) == (
            "amdahl", "mixed", {"gil_share": s})  # fmt: skip
        assert abs(entry["gil_share"]["median"] - s) < 0.15, entry


def test_with_the_gil_off_it_measures_no_share_and_says_why(monkeypatch) -> None:
    monkeypatch.setattr(gilshare, "gil_enabled", lambda: False)
    data = gilshare.measure(LEVELS["tiny"], [])
    assert data[gilshare.BY_KERNEL] == {} and data["skipped"].startswith("no GIL to hold")
