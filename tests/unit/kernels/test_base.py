"""What every kernel family shares (pylab.kernels.base): its parameters, checked."""

from __future__ import annotations

import pytest

from pylab import kernels
from pylab.base.errors import UserError


def test_unknown_parameter_is_a_user_error() -> None:
    with pytest.raises(UserError, match="unknown parameter"):
        kernels.get("io").resolve_params({"wait": 3})
