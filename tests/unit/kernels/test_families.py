"""Every kernel variant returns its reference result, whole and split into parts."""

from __future__ import annotations

import pytest

from pylab import kernels
from pylab.base.errors import UserError
from pylab.kernels.hashing import hash_sum_numpy, hash_sum_py

# Small sizes, including the empty and one-element edge cases; stream sizes are bytes.
SIZES = {
    "compute": [0, 1, 7, 1_003],
    "amdahl": [0, 1, 7, 1_003],
    "objects": [0, 1, 1_023, 1_025, 3_001],
    "io": [0, 1, 5],
    "stream": [0, 8, 8 * 1_003, 3 << 20],
}
CASES = [
    (name, variant, size)
    for name in kernels.measured_names()
    for variant in kernels.get(name).variants
    for size in SIZES[name]
]


@pytest.mark.parametrize(("name", "variant", "size"), CASES)
def test_variant_returns_reference(name: str, variant: str, size: int) -> None:
    kernel = kernels.get(name)
    data = kernel.make_input(size, **({"wait_us": 100} if name == "io" else {}))
    assert kernel.variants[variant](data) == kernel.reference(data)


@pytest.mark.parametrize(("name", "variant", "size"), [c for c in CASES if c[2] > 0])
@pytest.mark.parametrize("parts", [2, 3, 8])
def test_parts_combine_to_the_whole(name: str, variant: str, size: int, parts: int) -> None:
    kernel = kernels.get(name)
    data = kernel.make_input(size, **({"wait_us": 100} if name == "io" else {}))
    pieces = kernel.split(data, parts)
    assert len(pieces) == parts
    assert kernel.combine([kernel.variants[variant](p) for p in pieces]) == kernel.reference(data)


@pytest.mark.parametrize("share", [0.0, 0.3, 0.5, 1.0])
def test_amdahl_share_does_not_change_the_result(share: float) -> None:
    amdahl = kernels.get("amdahl")
    data = amdahl.make_input(10_007, gil_share=share)
    assert amdahl.variants["mixed"](data) == hash_sum_numpy(0, 10_007)


def test_amdahl_rejects_a_share_outside_0_1() -> None:
    with pytest.raises(UserError, match="gil_share"):
        kernels.get("amdahl").make_input(10, gil_share=1.5)


def test_hash_sum_agrees_across_implementations_at_large_offsets() -> None:
    from pylab.kernels._ext import compute

    lo = 2**63 - 500
    assert hash_sum_py(lo, lo + 1_000) == hash_sum_numpy(lo, lo + 1_000)
    assert compute.hash_sum_nogil(lo, lo + 1_000) == hash_sum_numpy(lo, lo + 1_000)


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


def test_unknown_kernel_suggests_the_close_name() -> None:
    with pytest.raises(UserError, match="did you mean 'compute'"):
        kernels.get("compte")


def test_unknown_parameter_is_a_user_error() -> None:
    with pytest.raises(UserError, match="unknown parameter"):
        kernels.get("io").resolve_params({"wait": 3})


def test_amdahl_model_is_the_formula_over_the_cores() -> None:
    from pylab.kernels.amdahl import thread_model

    assert thread_model({"gil_share": 0.25}, 2, 2) == pytest.approx(1.6)
    assert thread_model({"gil_share": 0.25}, 4, 2) == pytest.approx(1.6)  # 4 threads, 2 cores
    assert thread_model({"gil_share": 0.0}, 8, 8) == pytest.approx(8.0)
    assert thread_model({"gil_share": 1.0}, 8, 8) == pytest.approx(1.0)
