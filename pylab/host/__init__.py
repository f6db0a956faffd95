"""The machine measured on: what it is (machine), its state (state), the background load
beside a measurement (load), CPU affinity (affinity), the sizes of library thread pools
(pools)."""
