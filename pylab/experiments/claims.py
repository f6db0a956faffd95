"""The claims of the threads-vs-processes folk wisdom, by stable ID: their one owner.

docs/claims.md explains each (its source, the experiment that settles it) and quotes
these texts; a test keeps the two in step. The published figures are carried into
every run's results beside the lab's own.
"""

from __future__ import annotations

CLAIMS = {
    "C01": "threads share one process; each multiprocessing worker is its own process",
    "C02": "threads share memory; sharing an object with processes costs more",
    "C03": "starting a process is slower than starting a thread",
    "C04": "once running, a thread and a process do the same work per second",
    "C05": "processes use several cores and sidestep the GIL",
    "C06": "processes need few locks, unless they share memory",
    "C07": "a child process can be interrupted and killed",
    "C08": "the multiprocessing API mirrors threading's",
    "C09": "for CPU-bound work on CPython, processes are a must",
    "C10": "inter-process communication is more complex and costs more",
    "C11": "processes have a larger memory footprint",
    "C12": "threads are lightweight, with a small memory footprint",
    "C13": "threads share memory, so state is easy to reach from another thread",
    "C14": "threads make responsive interfaces easy",
    "C15": "C extension code that releases the GIL runs in parallel in threads",
    "C16": "threads suit I/O-bound work",
    "C17": "CPython threads are limited by the GIL",
    "C18": "threads cannot be interrupted or killed",
    "C19": "without a queue-based design, threads need explicit locks and lock granularity",
    "C20": "threaded code is harder to get right: races become much more likely",
    "C21": "releasing the GIL around small pieces of work keeps extensions from scaling",
}

PUBLISHED = {
    "C03": {
        "source": "PEP 703",
        "thread_start_s": 100e-6,
        "process_spawn_s": 50e-3,
        "text": "starting a thread about 100 us; spawning a process about 50 ms",
    },
    "C14": {
        "source": "CPython Tools/ccbench (3.11)",
        "ping_latency_s": [4e-3, 135e-3, 312e-3],
        "text": "a ping's latency went from 4 ms to 135-312 ms with 2-4 CPU-bound Python threads",
    },
    "C15": {
        "source": "CPython Tools/ccbench (3.11)",
        "bz2_threads_percent": {"2": 199, "3": 296, "4": 395},
        "text": "bz2 compression (releases the GIL) reached 199/296/395% at 2/3/4 threads",
    },
    "C17": {
        "source": "CPython Tools/ccbench (3.11)",
        "python_threads_percent": 98,
        "text": "a pure-Python task kept 98% of one thread's throughput at 2-4 threads",
    },
}
