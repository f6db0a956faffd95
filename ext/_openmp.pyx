"""OpenMP at run time: whether the kernels were built with it, and its thread count.

Compiled with the same flags as every kernel, so `_OPENMP` is defined exactly
when the `omp` variants really run in parallel. Without OpenMP the functions
still exist and report that it is absent.
"""

cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    static int pylab_openmp_version(void) { return _OPENMP; }
    static void pylab_set_threads(int n) { omp_set_num_threads(n); }
    static int pylab_max_threads(void) { return omp_get_max_threads(); }
    #else
    static int pylab_openmp_version(void) { return 0; }
    static void pylab_set_threads(int n) { (void)n; }
    static int pylab_max_threads(void) { return 1; }
    #endif
    """
    int pylab_openmp_version() noexcept nogil
    void pylab_set_threads(int n) noexcept nogil
    int pylab_max_threads() noexcept nogil


def version():
    """The OpenMP version the kernels were built with (yyyymm), or 0 without OpenMP."""
    return pylab_openmp_version()


def enabled():
    return pylab_openmp_version() != 0


def set_threads(int n):
    """How many threads the calling thread's next OpenMP loops use."""
    if n < 1:
        raise ValueError("OpenMP needs at least one thread")
    pylab_set_threads(n)


def max_threads():
    return pylab_max_threads()
