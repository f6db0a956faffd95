"""The command line: `python -m pylab COMMAND` (main), one module per command, and what
the commands share (common). Nothing else in pylab imports this room."""
