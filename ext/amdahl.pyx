"""amdahl: the compute loop with a chosen share of it done holding the GIL.

The GIL-holding part runs first, then the rest without the GIL. With W threads
started together, the held parts queue behind each other while the free parts
overlap, which is exactly the serial fraction of Amdahl's law. (Interleaving
many small held and free pieces would let one thread's held piece overlap
another's free piece and beat the law; that is a different experiment.)
"""
from cython.parallel cimport prange
from libc.stdint cimport int64_t, uint64_t

from hashmix cimport hash_sum, mix64


cdef uint64_t _held_end(uint64_t lo, uint64_t hi, double gil_share) except? 0:
    if not 0.0 <= gil_share <= 1.0:
        raise ValueError(f"gil_share must be in [0, 1], got {gil_share}")
    return lo + <uint64_t>((hi - lo) * gil_share + 0.5)


def hash_sum_mixed(uint64_t lo, uint64_t hi, double gil_share):
    """compute's hash sum over [lo, hi); the first gil_share of it holds the GIL."""
    cdef uint64_t held_end = _held_end(lo, hi, gil_share)
    cdef uint64_t acc = hash_sum(lo, held_end)
    with nogil:
        acc += hash_sum(held_end, hi)
    return acc


def hash_sum_mixed_omp(uint64_t lo, uint64_t hi, double gil_share):
    """The held share on one thread, holding the GIL; the rest over OpenMP threads.

    Amdahl's law inside one call: the part that needs the GIL stays serial.
    """
    cdef uint64_t held_end = _held_end(lo, hi, gil_share)
    cdef uint64_t acc = hash_sum(lo, held_end)
    cdef int64_t i
    with nogil:
        for i in prange(<int64_t>held_end, <int64_t>hi, schedule="static"):
            acc += mix64(<uint64_t>i)
    return acc
