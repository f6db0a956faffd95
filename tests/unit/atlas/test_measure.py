"""What the child does before it measures: the sizes a preset takes, the call built and
checked at a size, and a library that is not installed. No timing."""

from __future__ import annotations

import math
import zlib

import pytest

from pylab.atlas.measure import CallFailed, build, missing, setup_at, sweep_sizes

ENTRY = {"library": "zlib", "name": "crc32", "call": "zlib.crc32(data)",
         "setup": "import zlib; data = bytes(n)", "sizes": [1, 2]}  # fmt: skip


def test_quick_takes_the_smallest_middle_and_largest_size() -> None:
    assert sweep_sizes([1, 2, 3, 4, 5, 6, 7], "quick") == [1, 4, 7]
    assert sweep_sizes([1, 2], "quick") == [1, 2]
    assert sweep_sizes([1, 2, 3, 4, 5, 6, 7], "default") == [1, 2, 3, 4, 5, 6, 7]


def test_the_setup_gets_its_size_first() -> None:
    assert setup_at({**ENTRY, "size": "m"}, 7).startswith("m = 7\n")
    assert build(ENTRY, 16)() == zlib.crc32(bytes(16))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"setup": "raise OSError('no disk')"}, "the setup raised OSError: no disk"),
        ({"call": "1 / 0"}, "the call raised ZeroDivisionError"),
        ({"check": "result == 0"}, "WrongResult: result == 0 is false at size 16"),
        ({"check": "undefined_name"}, "the check raised NameError"),
    ],
)
def test_a_failing_setup_call_or_check_is_the_rows_reason(change: dict, words: str) -> None:
    with pytest.raises(CallFailed, match=words):
        build({**ENTRY, **change}, 16)


def test_a_library_not_installed_is_skipped_with_the_reason() -> None:
    assert missing(ENTRY) is None
    why = missing({**ENTRY, "requires": ["zlib", "no_such_module_here"]})
    assert "no_such_module_here is not installed" in why and "[atlas]" in why


@pytest.mark.parametrize("preset", ["quick", "default"])
def test_each_preset_sizes_the_copies_and_share_samples_it_names(monkeypatch, preset) -> None:
    # The phases made up: the test reads what measure() hands them, not how long they take.
    from pylab.atlas import measure

    seen: dict[str, list] = {"calls": [], "share_s": [], "probe": []}
    monkeypatch.setattr(measure, "timed_call", lambda call: (0.001, 1.0))
    monkeypatch.setattr(measure, "gil_enabled", lambda: True)

    def share(call, calls, repeats, share_s):
        seen["calls"].append(calls)
        seen["share_s"].append(share_s)
        return {"median": 0.0, "low": 0.0, "high": 0.0, "confidence": 0.75}

    monkeypatch.setattr(measure, "gil_share", share)
    monkeypatch.setattr(measure, "thread_speedup", lambda call, calls, w, repeats: (
        {"median": 2.0, "low": 2.0, "high": 2.0, "confidence": 0.75}, 2.0))  # fmt: skip

    def probe(target, call, workers, method, repeats, share_s, check, copy_s):
        seen["probe"].append((share_s, check, copy_s))
        one = {"median": 2.0, "low": 2.0, "high": 2.0, "confidence": 0.75}
        return {"call_s": 0.001, "calls_per_copy": 1, "cpu_per_wall": 1.0,
                "gil_share": one, "thread_speedup": {"2": one},
                "thread_cpu_per_wall": {"2": 2.0}}  # fmt: skip

    monkeypatch.setattr(measure, "probe_target", probe)
    how = measure.PRESETS[preset]
    measure.measure({**ENTRY, "sizes": [1, 2, 3]}, preset, 2, lambda message: None)
    assert seen["calls"] == [math.ceil(how["copy_s"] / 0.001)] * 2  # the sweep's two points
    assert seen["share_s"] == [how["share_s"]] * 2
    assert seen["probe"] == [(how["share_s"], False, how["copy_s"])]  # no machine check
