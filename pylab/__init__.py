"""pylab, the C-extension performance lab.

When does a compiled extension that releases the GIL parallelize in threads, and
when do you still need processes? `python -m pylab run` measures it.
"""

__version__ = "0.1.0"
DESCRIPTION = "pylab, the C-extension performance lab"


def __getattr__(name: str):
    # `import pylab; pylab.kernels.get(...)` without importing numpy on `import pylab`.
    if name == "kernels":
        import importlib

        return importlib.import_module("pylab.kernels")
    raise AttributeError(f"module 'pylab' has no attribute {name!r}")
