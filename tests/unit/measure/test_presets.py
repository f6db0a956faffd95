"""The presets (pylab.measure.presets): worker tokens, and no preset runs the harness's
own faults."""

from __future__ import annotations

from pylab.measure.presets import PRESETS, resolve_workers


def test_worker_tokens() -> None:
    assert resolve_workers((1, 2, 4, "cores"), 2) == [1, 2, 4]
    assert resolve_workers((1, 2, 32, "cores", "2cores"), 8) == [1, 2, 8, 16]


def test_no_preset_runs_the_harness_faults() -> None:
    from pylab import kernels

    for preset in PRESETS.values():
        assert not any(kernels.get(k).harness_test for k in preset.kernels), preset.name
