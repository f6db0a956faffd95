"""`python -m pylab.atlas`: the server that measures catalogue calls, each in a fork of
itself (pylab.atlas.child)."""

from pylab.atlas.child import main

raise SystemExit(main())
