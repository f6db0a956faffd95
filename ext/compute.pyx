"""compute: CPU-bound scalar arithmetic, no memory traffic.

The gil and nogil variants run the same inlined loop (hashmix.hash_sum); only
the GIL differs. The omp variant runs the same arithmetic split over OpenMP
threads inside one call (as many as omp_set_num_threads gave this thread).
"""
from cython.parallel cimport prange
from libc.stdint cimport int64_t, uint64_t

from hashmix cimport hash_sum, mix64


def hash_sum_gil(uint64_t lo, uint64_t hi):
    """Sum of splitmix64(i) for i in [lo, hi), mod 2**64, holding the GIL."""
    return hash_sum(lo, hi)


def hash_sum_nogil(uint64_t lo, uint64_t hi):
    """Sum of splitmix64(i) for i in [lo, hi), mod 2**64, with the GIL released."""
    cdef uint64_t acc
    with nogil:
        acc = hash_sum(lo, hi)
    return acc


def hash_sum_omp(uint64_t lo, uint64_t hi):
    """The same sum over [lo, hi) (below 2**63), split over this call's OpenMP threads."""
    cdef uint64_t acc = 0
    cdef int64_t i
    with nogil:
        for i in prange(<int64_t>lo, <int64_t>hi, schedule="static"):
            acc += mix64(<uint64_t>i)
    return acc
