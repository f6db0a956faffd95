"""The kernels' twins that load in subinterpreters with their own GIL (built by setup.py
with module state); pylab.kernels.base.ext picks them where the main ones are refused."""
