"""The optional extras' block of the results (pylab.base.extras)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pylab.base import extras


def test_dask_info_names_the_version_without_importing_distributed() -> None:
    """Importing distributed took 1.1 s in every probe and atlas call's child."""
    if extras.why_no_dask():
        pytest.skip(extras.why_no_dask())
    code = (
        "import sys; from pylab.base.extras import dask_info; info = dask_info(); "
        "print(info['available'], bool(info['version']), 'distributed' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True", "False"]
