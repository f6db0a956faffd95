"""io: blocking waits made from C, with the GIL released (nogil) or held (gil).

`gil` is the anti-pattern: a blocking call made while holding the GIL stalls
every other Python thread for as long as it waits, so even I/O-bound threads
serialize.
"""
from libc.errno cimport EINTR, errno
from posix.time cimport nanosleep, timespec


cdef void _wait(long count, long wait_us) noexcept nogil:
    cdef timespec ts
    cdef long _k
    for _k in range(count):
        ts.tv_sec = wait_us // 1000000
        ts.tv_nsec = (wait_us % 1000000) * 1000
        # A signal cuts nanosleep short; sleep the rest so each wait is whole.
        while nanosleep(&ts, &ts) != 0 and errno == EINTR:
            pass


def wait_gil(long count, long wait_us):
    """Wait `count` times for `wait_us` microseconds in C, holding the GIL."""
    _wait(count, wait_us)
    return count


def wait_nogil(long count, long wait_us):
    """Wait `count` times for `wait_us` microseconds in C, GIL released."""
    with nogil:
        _wait(count, wait_us)
    return count
