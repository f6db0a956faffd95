"""How the kernels were compiled: read by `python -m pylab info` and saved in results.

setup.py passes its settings as C macros to every extension, so what this module
reports is what the compiler actually saw.
"""

cdef extern from *:
    """
    #ifndef PYLAB_CFLAGS
    #define PYLAB_CFLAGS "unknown"
    #endif
    #ifndef PYLAB_DIRECTIVES
    #define PYLAB_DIRECTIVES "unknown"
    #endif
    #ifndef PYLAB_CYTHON_VERSION
    #define PYLAB_CYTHON_VERSION "unknown"
    #endif
    #ifndef PYLAB_NUMPY_BUILD_VERSION
    #define PYLAB_NUMPY_BUILD_VERSION "unknown"
    #endif
    #ifndef PYLAB_DEBUG
    #define PYLAB_DEBUG 0
    #endif
    #if defined(__clang__)
    #define PYLAB_COMPILER "clang " __clang_version__
    #elif defined(__GNUC__)
    #define PYLAB_COMPILER "gcc " __VERSION__
    #else
    #define PYLAB_COMPILER "unknown"
    #endif
    """
    const char* PYLAB_CFLAGS
    const char* PYLAB_DIRECTIVES
    const char* PYLAB_CYTHON_VERSION
    const char* PYLAB_NUMPY_BUILD_VERSION
    const char* PYLAB_COMPILER
    int PYLAB_DEBUG


def build_info():
    """The compiler, flags, directives and tool versions the kernels were built with."""
    return {
        "compiler": PYLAB_COMPILER.decode(),
        "cflags": PYLAB_CFLAGS.decode(),
        "directives": PYLAB_DIRECTIVES.decode(),
        "cython_version": PYLAB_CYTHON_VERSION.decode(),
        "numpy_build_version": PYLAB_NUMPY_BUILD_VERSION.decode(),
        "debug": bool(PYLAB_DEBUG),
    }
