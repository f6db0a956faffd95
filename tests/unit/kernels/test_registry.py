"""The registry of kernel families (pylab.kernels): names, with a suggestion for a close
miss."""

from __future__ import annotations

import pytest

from pylab import kernels
from pylab.base.errors import UserError


def test_unknown_kernel_suggests_the_close_name() -> None:
    with pytest.raises(UserError, match="did you mean 'compute'"):
        kernels.get("compte")


def test_pylab_kernels_is_reachable_as_an_attribute() -> None:
    import pylab

    assert pylab.kernels.get("compute").name == "compute"
