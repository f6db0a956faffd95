"""The command line: `python -m pylab COMMAND` (main), one module per command, and what
the commands share (common). Nothing else in pylab imports this room.

`python -m pylab` registers every command before it parses, so each command imports at its
top only rooms that load nothing heavy, and imports inside `main` the ones that load
numpy, matplotlib or psutil: `--help`, `list` and a usage error stay instant (a test holds
`--help` to that).
"""
