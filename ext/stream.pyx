"""stream: a memory-bound pass over a large int64 array through a typed memoryview.

A vectorised integer sum reads far faster than one core's share of memory
bandwidth, so with the array larger than the last-level cache the loop waits on
memory, not on arithmetic.
"""
from libc.stdint cimport int64_t


cdef int64_t _sum_passes(const int64_t[::1] a, Py_ssize_t passes) noexcept nogil:
    cdef int64_t acc = 0
    cdef Py_ssize_t _p, i
    for _p in range(passes):
        for i in range(a.shape[0]):
            acc += a[i]
    return acc


def sum_gil(const int64_t[::1] a, Py_ssize_t passes):
    """Sum of `a`, read `passes` times, holding the GIL."""
    return _sum_passes(a, passes)


def sum_nogil(const int64_t[::1] a, Py_ssize_t passes):
    """Sum of `a`, read `passes` times, with the GIL released."""
    cdef int64_t acc
    with nogil:
        acc = _sum_passes(a, passes)
    return acc
