"""stream: memory-bound passes over int64 arrays through typed memoryviews.

`sum` reads one array; `triad` is STREAM's a = b + 3 * c, also summing a so the
result can be checked. The _omp functions split each pass over this call's
OpenMP threads. Vectorised integer work runs far faster than one core's
share of memory bandwidth, so with the arrays larger than the last-level cache
the loops wait on memory, not on arithmetic.
"""
from cython.parallel cimport prange
from libc.stdint cimport int64_t


cdef int64_t _sum_passes(const int64_t[::1] a, Py_ssize_t passes) noexcept nogil:
    cdef int64_t acc = 0
    cdef Py_ssize_t _p, i
    for _p in range(passes):
        for i in range(a.shape[0]):
            acc += a[i]
    return acc


cdef int64_t _triad_passes(int64_t[::1] a, const int64_t[::1] b, const int64_t[::1] c,
                           Py_ssize_t passes) noexcept nogil:
    cdef int64_t acc = 0
    cdef Py_ssize_t _p, i
    for _p in range(passes):
        for i in range(a.shape[0]):
            a[i] = b[i] + 3 * c[i]
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


def triad_gil(int64_t[::1] a, const int64_t[::1] b, const int64_t[::1] c, Py_ssize_t passes):
    """a = b + 3 * c, `passes` times, returning the sum of a over all passes; GIL held."""
    return _triad_passes(a, b, c, passes)


def triad_nogil(int64_t[::1] a, const int64_t[::1] b, const int64_t[::1] c, Py_ssize_t passes):
    """a = b + 3 * c, `passes` times, returning the sum of a over all passes; GIL released."""
    cdef int64_t acc
    with nogil:
        acc = _triad_passes(a, b, c, passes)
    return acc


def sum_omp(const int64_t[::1] a, Py_ssize_t passes):
    """Sum of `a`, read `passes` times, each pass split over this call's OpenMP threads."""
    cdef int64_t acc = 0
    cdef Py_ssize_t _p, i
    with nogil:
        for _p in range(passes):
            for i in prange(a.shape[0], schedule="static"):
                acc += a[i]
    return acc


def triad_omp(int64_t[::1] a, const int64_t[::1] b, const int64_t[::1] c, Py_ssize_t passes):
    """a = b + 3 * c and the sum of a, each pass split over this call's OpenMP threads."""
    cdef int64_t acc = 0
    cdef Py_ssize_t _p, i
    with nogil:
        for _p in range(passes):
            for i in prange(a.shape[0], schedule="static"):
                a[i] = b[i] + 3 * c[i]
                acc += a[i]
    return acc
