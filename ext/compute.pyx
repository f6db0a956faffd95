"""compute: CPU-bound scalar arithmetic, no memory traffic.

Both variants run the same inlined loop (hashmix.hash_sum); only the GIL differs.
"""
from libc.stdint cimport uint64_t

from hashmix cimport hash_sum


def hash_sum_gil(uint64_t lo, uint64_t hi):
    """Sum of splitmix64(i) for i in [lo, hi), mod 2**64, holding the GIL."""
    return hash_sum(lo, hi)


def hash_sum_nogil(uint64_t lo, uint64_t hi):
    """Sum of splitmix64(i) for i in [lo, hi), mod 2**64, with the GIL released."""
    cdef uint64_t acc
    with nogil:
        acc = hash_sum(lo, hi)
    return acc
