"""faults: kernels that crash, raise or hang, to test the harness (never in a preset).

A lab that runs native code meets segfaults and deadlocks; these let the tests
(and a doubting user) watch the harness survive them.
"""
from libc.signal cimport SIGSEGV, raise_
from libc.stdlib cimport abort


def segfault():
    """Die of SIGSEGV, as a bad pointer would."""
    raise_(SIGSEGV)


def abort_process():
    """Die of SIGABRT, as a failed C assertion would."""
    abort()


def hang_gil():
    """Spin forever holding the GIL: no other thread runs, no signal is handled."""
    cdef volatile unsigned long spins = 0
    while True:
        spins += 1


def hang_nogil():
    """Spin forever with the GIL released."""
    cdef volatile unsigned long spins = 0
    with nogil:
        while True:
            spins += 1
