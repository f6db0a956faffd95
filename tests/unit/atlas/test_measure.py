"""What the child does before it measures: the sizes a preset takes, the call built and
checked at a size, and a library that is not installed. No timing."""

from __future__ import annotations

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
