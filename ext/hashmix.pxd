# The arithmetic shared by the `compute` and `amdahl` kernels, inlined into each.
#
# A splitmix64 hash of every index, summed modulo 2**64: pure scalar integer work
# with no memory traffic, exactly reproducible, and split into parts whose sums
# add up to the whole, so every result can be checked bit for bit.
from libc.stdint cimport uint64_t

cdef inline uint64_t mix64(uint64_t i) noexcept nogil:
    cdef uint64_t z = i * 0x9E3779B97F4A7C15ULL
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL
    return z ^ (z >> 31)


cdef inline uint64_t hash_sum(uint64_t lo, uint64_t hi) noexcept nogil:
    cdef uint64_t acc = 0
    cdef uint64_t i
    for i in range(lo, hi):
        acc += mix64(i)
    return acc
