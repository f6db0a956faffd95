"""How the kernels were built: read from the compiled modules, with the runtime versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pylab


def build_info() -> dict[str, Any]:
    """How the kernels were compiled (read from the compiled module) and runtime versions."""
    import numpy

    from pylab.kernels._ext import _openmp
    from pylab.kernels._ext._build import build_info as compiled

    return {
        "pylab_version": pylab.__version__,
        "pylab_path": str(Path(pylab.__file__).parent),
        "numpy_version": numpy.__version__,
        **compiled(),
        # _OPENMP as the kernels saw it (yyyymm), or 0: built without OpenMP
        "openmp_version": _openmp.version(),
    }
