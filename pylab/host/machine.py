"""What a result was measured on: the machine and the interpreter (the kernels' build is
pylab.kernels.build's)."""

from __future__ import annotations

import multiprocessing
import os
import platform
import socket
import sys
import sysconfig
from pathlib import Path
from typing import Any

from pylab.base import extras
from pylab.host.affinity import allowed


def usable_cores() -> int:
    """CPUs this process may run on (affinity), which can be fewer than the machine has."""
    return len(allowed()) or os.cpu_count() or 1  # no affinity outside Linux: all of them


NO_GIL = "no GIL to hold: a free-threaded build running with the GIL off"


def physical_cores() -> int:
    """Physical cores (SMT siblings counted once); the logical count where unknown."""
    import psutil

    return psutil.cpu_count(logical=False) or os.cpu_count() or 1


def gil_enabled() -> bool:
    """False only on a free-threaded build running with the GIL off."""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def last_level_cache_bytes() -> int | None:
    """Size of the largest CPU cache Linux reports (sysfs), or None elsewhere."""
    best = None
    for index in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"):
        try:
            level = int((index / "level").read_text())
            text = (index / "size").read_text().strip()
        except (OSError, ValueError):
            continue
        scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
        size = int(text.rstrip("KMG")) * scale
        if best is None or level > best[0]:
            best = (level, size)
    return best[1] if best else None


HOST_VARIABLE = "PYLAB_HOST"


def hostname() -> str:
    """The machine's name in results: $PYLAB_HOST if set (a container's random hostname, or
    several Dask workers on one box standing for several machines), else the hostname."""
    return os.environ.get(HOST_VARIABLE) or socket.gethostname()


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def python_info() -> dict[str, Any]:
    return {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "build": " ".join(platform.python_build()),
        "compiler": platform.python_compiler(),
        "executable": sys.executable,
        "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled": gil_enabled(),
        "switch_interval_s": sys.getswitchinterval(),
        "subinterpreters": extras.subinterpreters_info(),
        "dask": extras.dask_info(),
    }


def machine_info() -> dict[str, Any]:
    import psutil

    return {
        "hostname": hostname(),
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "usable_cores": usable_cores(),
        "memory_bytes": psutil.virtual_memory().total,
        "last_level_cache_bytes": last_level_cache_bytes(),
        "os": platform.platform(),
        "python": python_info(),
        "start_methods": multiprocessing.get_all_start_methods(),
        "default_start_method": multiprocessing.get_start_method(allow_none=True)
        or multiprocessing.get_context().get_start_method(),
    }
