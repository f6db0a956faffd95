"""`python -m pylab`: see pylab.cli.main."""

# Spawned and forkserver workers import the parent's __main__ as __mp_main__:
# they must not start a second lab.
if __name__ == "__main__":
    from pylab.cli.main import main

    raise SystemExit(main())
