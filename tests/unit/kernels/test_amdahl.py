"""The amdahl kernel (pylab.kernels.amdahl): its share never changes the result, and its
model is Amdahl's law over the cores."""

from __future__ import annotations

import pytest

from pylab import kernels
from pylab.base.errors import UserError
from pylab.kernels.hashing import hash_sum_numpy


@pytest.mark.parametrize("share", [0.0, 0.3, 0.5, 1.0])
def test_amdahl_share_does_not_change_the_result(share: float) -> None:
    amdahl = kernels.get("amdahl")
    data = amdahl.make_input(10_007, gil_share=share)
    assert amdahl.variants["mixed"](data) == hash_sum_numpy(0, 10_007)


def test_amdahl_rejects_a_share_outside_0_1() -> None:
    with pytest.raises(UserError, match="gil_share"):
        kernels.get("amdahl").make_input(10, gil_share=1.5)


def test_amdahl_model_is_the_formula_over_the_cores() -> None:
    from pylab.kernels.amdahl import thread_model

    assert thread_model({"gil_share": 0.25}, 2, 2) == pytest.approx(1.6)
    assert thread_model({"gil_share": 0.25}, 4, 2) == pytest.approx(1.6)  # 4 threads, 2 cores
    assert thread_model({"gil_share": 0.0}, 8, 8) == pytest.approx(8.0)
    assert thread_model({"gil_share": 1.0}, 8, 8) == pytest.approx(1.0)
