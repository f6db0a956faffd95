"""pylab, the C-extension performance lab.

When does a compiled extension that releases the GIL parallelize in threads, and
when do you still need processes? `python -m pylab run` measures it.
"""

__version__ = "0.1.0"
# The distribution's name on the package index: `pylab` there is an unrelated placeholder
# project (it installs matplotlib, whose own top-level pylab.py this package must beat).
DISTRIBUTION = "pylab-cext-lab"
DESCRIPTION = "pylab, the C-extension performance lab"
# The claims under test, each with its source and the rule that judges it.
CLAIMS_DOC = "docs/claims.md"


def __getattr__(name: str):
    # `import pylab; pylab.kernels.get(...)` and `pylab.probe(fn, ...)` without
    # importing numpy on `import pylab`.
    import importlib

    if name == "kernels":
        return importlib.import_module("pylab.kernels")
    if name == "probe":
        return importlib.import_module("pylab.probing.calls").probe
    raise AttributeError(f"module 'pylab' has no attribute {name!r}")
