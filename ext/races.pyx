"""races: a shared counter incremented without a lock, from C with the GIL released.

Each increment is a separate load and store through a volatile pointer, as a
plain `count += 1` compiles when nothing forbids it: two workers can read the
same value and both store value + 1, losing an update. Used by the races
experiment (claims C06 and C20) on threads and on processes sharing memory.
"""
from libc.stdint cimport int64_t


def add_nogil(int64_t[::1] counter, Py_ssize_t n):
    """counter[0] += 1, n times, unsynchronised, with the GIL released."""
    cdef Py_ssize_t _i
    cdef volatile int64_t* c = &counter[0]
    with nogil:
        for _i in range(n):
            c[0] = c[0] + 1
