"""pylab, the C-extension performance lab.

When does a compiled extension that releases the GIL parallelize in threads, and
when do you still need processes? `python -m pylab run` measures it.
"""

__version__ = "0.1.0"
DESCRIPTION = "pylab, the C-extension performance lab"
