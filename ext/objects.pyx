"""objects: work that must touch Python objects, so it can never release the GIL.

Builds lists of Python ints block by block and reduces them. Compiled by Cython
it skips the bytecode interpreter, but every operation is still a call into the
object API, which needs the GIL.
"""

_BLOCK = 1024


def build_reduce(object lo, object hi):
    """Sum of (i * i) % 1009 for i in [lo, hi), via lists of Python ints."""
    cdef object total = 0
    cdef object start, i, v
    cdef list items
    for start in range(lo, hi, _BLOCK):
        items = [i * i for i in range(start, min(start + _BLOCK, hi))]
        for v in items:
            total += v % 1009
    return total
