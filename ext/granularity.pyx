"""granularity: compute's loop, releasing and re-taking the GIL around every chunk.

As the chunk shrinks, each thread spends more of its time giving the GIL back
and waiting to get it again; PEP 703 names this as what keeps extensions from
scaling past a few threads. Used by the granularity experiment (claim C21).
"""
from libc.stdint cimport uint64_t

from hashmix cimport hash_sum


def hash_sum_chunked(uint64_t lo, uint64_t hi, uint64_t chunk):
    """compute's hash sum over [lo, hi), the GIL released for each `chunk` iterations."""
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    cdef uint64_t acc = 0
    cdef uint64_t start = lo
    cdef uint64_t stop
    while start < hi:
        stop = start + chunk if hi - start > chunk else hi
        with nogil:
            acc += hash_sum(start, stop)
        start = stop
    return acc


def release_roundtrips(Py_ssize_t n):
    """Release and re-take the GIL n times with nothing in between: the round trip's cost."""
    cdef Py_ssize_t _i
    for _i in range(n):
        with nogil:
            pass
