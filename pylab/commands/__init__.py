"""One module per `python -m pylab` command; each has register(subparsers)."""
