"""`python -m pylab.atlas`: the child that measures one catalogue call (pylab.atlas.child)."""

from pylab.atlas.child import main

raise SystemExit(main())
