"""amdahl, built again to load in subinterpreters with their own GIL (setup.py says why)."""

include "../amdahl.pyx"
