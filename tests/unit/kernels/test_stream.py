"""The stream kernel (pylab.kernels.stream): its arrays, read in passes, and the triad."""

from __future__ import annotations

import pytest

from pylab import kernels
from pylab.base.errors import UserError


def test_stream_input_reads_the_arrays_in_passes() -> None:
    stream = kernels.get("stream")
    data = stream.make_input(3 << 20, array_mib=1)
    assert data.arrays[0].nbytes == 1 << 20 and data.passes == 3
    assert not data.arrays[0].flags.writeable  # threads share it
    triad = stream.make_input(6 << 20, array_mib=3, op="triad")
    assert [a.nbytes for a in triad.arrays] == [1 << 20] * 3 and triad.passes == 2
    assert [a.flags.writeable for a in triad.arrays] == [True, False, False]


@pytest.mark.parametrize("variant", ["gil", "nogil"])
@pytest.mark.parametrize("parts", [1, 3])
def test_stream_triad_returns_reference(variant: str, parts: int) -> None:
    stream = kernels.get("stream")
    data = stream.make_input(3 * 8 * 1_001 * 2, array_mib=1, op="triad")
    pieces = stream.split(data, parts)
    assert stream.combine([stream.variants[variant](p) for p in pieces]) == stream.reference(data)
    a, b, c = data.arrays
    assert (a == b + 3 * c).all()


def test_stream_rejects_an_unknown_op() -> None:
    with pytest.raises(UserError, match="op must be"):
        kernels.get("stream").make_input(1 << 20, op="copy")
