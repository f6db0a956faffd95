"""The compiled kernels, one module per ext/*.pyx (built by setup.py)."""
