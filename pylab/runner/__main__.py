"""`python -m pylab.runner`: a measuring child under another interpreter (pylab.runner.child).

The entry point is the package, not `pylab.runner.child` itself: the package imports that
module, and runpy warns (RuntimeWarning, on every child's stderr) when it then runs an
already-imported module as __main__."""

from pylab.runner.child import main

main()
