"""Who the workers of a Dask cluster are, which of them can run this lab, and the machines
they stand for.

Each worker is asked with `client.run(eval, EXPR, {})`: `eval` is a builtin, so a worker
unpickles the call without pylab, and one without pylab answers with its ImportError
instead of failing in the unpickling. A worker is skipped, never mixed in, when it has no
pylab, another pylab version or build (FINGERPRINT_KEYS), another Python (X.Y, GIL or
free-threaded) or another distributed release (year.month) than the client: its numbers
would not be this lab's. The rest are grouped by the machine they name (PYLAB_HOST, else the
hostname), and one worker per machine runs its lab.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pylab.base.errors import UserError
from pylab.host.machine import HOST_VARIABLE

# The machine a worker names, by builtins alone: it must answer where pylab is missing.
HOST_EXPR = f"__import__('os').environ.get({HOST_VARIABLE!r}) or __import__('socket').gethostname()"
# Asked of pylab.host.machine and pylab.kernels.build, which every pylab of this layout has:
# an older one answers with its version.
REPORT_EXPR = (
    "{'machine': __import__('pylab.host.machine', fromlist=['_']).machine_info(),"
    " 'build': __import__('pylab.kernels.build', fromlist=['_']).build_info()}"
)

# What makes two builds of pylab the same lab: its version and the compiled kernels' build
# (read from the compiled module, so a wheel installed everywhere agrees), not paths, and
# not the runtime numpy, which only makes the kernels' input arrays.
FINGERPRINT_KEYS = (
    "pylab_version", "compiler", "cflags", "directives", "cython_version",
    "numpy_build_version", "openmp_version",
)  # fmt: skip


@dataclass(frozen=True)
class Worker:
    address: str
    host: str  # the machine it names
    token: tuple  # tells this worker process from a successor at the same address
    report: dict[str, Any] | None = None  # its machine_info and build_info
    problem: str | None = None  # why it cannot run this lab


@dataclass(frozen=True)
class Machine:
    host: str
    worker: Worker  # the one worker that runs its lab: one lab at a time per machine
    idle: tuple[str, ...] = field(default=())  # its other workers' addresses

    @property
    def info(self) -> dict[str, Any]:
        return (self.worker.report or {}).get("machine") or {}


def connect(address: str, timeout_s: float) -> Any:
    """A distributed.Client of the scheduler at `address`; one UserError line if there is
    none, within `timeout_s`."""
    from distributed import Client
    from distributed.comm import resolve_address

    try:
        resolve_address(address)  # a malformed address fails here, before any Client exists
        return Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def workers(client: Any) -> dict[str, dict[str, Any]]:
    """The scheduler's entry of every worker, by address."""
    try:
        return client.scheduler_info(n_workers=-1)["workers"]
    except TypeError:  # older distributed: no n_workers, and every worker is listed
        return client.scheduler_info()["workers"]


def token(entry: dict[str, Any]) -> tuple:
    """A worker restarted at the same address is another process: it has a new scratch
    directory (and, under a nanny, a new id)."""
    return (entry.get("id"), entry.get("local_directory"))


def release(version: str) -> str:
    """`2026.8` of `2026.8.0`: distributed's calendar release (year.month). Its wire
    protocol changes between releases; patch releases of one speak the same."""
    return ".".join(version.split(".")[:2])


def check_scheduler(versions: dict[str, Any], address: str) -> None:
    """A scheduler of another distributed release than the client: one UserError line."""
    theirs = versions["scheduler"]["packages"].get("distributed") or "?"
    ours = versions["client"]["packages"]["distributed"]
    if release(theirs) != release(ours):
        raise UserError(
            f"the Dask scheduler at {address} runs distributed {theirs}, this client "
            f"{ours}: pylab needs the same release ({release(ours)}.x) on both"
        )


def fingerprint(found: dict[str, Any]) -> dict[str, Any]:
    """What must match between a worker's report and the client's for one lab: the build,
    the Python (X.Y, GIL or free-threaded) and the distributed release."""
    python = found["machine"]["python"]
    version = ".".join(python["version"].split(".")[:2])
    kind = "free-threaded" if python.get("free_threaded_build") else "GIL"
    return {
        **{key: found["build"].get(key) for key in FINGERPRINT_KEYS},
        "python": f"{python['implementation']} {version} ({kind} build)",
        "distributed": release(found.get("distributed") or "?"),
    }


def differences(theirs: dict[str, Any], ours: dict[str, Any]) -> str | None:
    """`pylab_version '0.0.0' (client: '0.1.0')`..., or None if they agree."""
    found = [f"{k} {theirs.get(k)!r} (client: {v!r})" for k, v in ours.items()
             if theirs.get(k) != v]  # fmt: skip
    if not found:
        return None
    return "another pylab, build or Python than the client: " + "; ".join(found)


def unusable(answer: Any) -> str:
    """Why a worker that did not report its pylab cannot run this lab."""
    if isinstance(answer, ImportError):
        return f"no pylab (this lab) to import there ({type(answer).__name__}: {answer})"
    if isinstance(answer, BaseException):
        return f"its pylab cannot describe itself ({type(answer).__name__}: {answer})"
    return "it did not answer (it left the cluster?)"


def examine(
    address: str, entry: dict[str, Any], answers: tuple[Any, Any, Any], ours: dict[str, Any]
) -> Worker:
    """One worker, from its scheduler entry and its answers: the machine it names, its
    report (machine_info, build_info) and its distributed version."""
    host, found, distributed = answers
    tag = token(entry)
    if not isinstance(found, dict):
        named = host if isinstance(host, str) else entry.get("host", address)
        return Worker(address, named, tag, None, unusable(found))
    theirs = {**found, "distributed": distributed}
    problem = differences(fingerprint(theirs), fingerprint(ours))
    return Worker(address, found["machine"]["hostname"], tag, found, problem)


def group(usable: list[Worker]) -> list[Machine]:
    """One Machine per host named, run by its first worker (by address)."""
    hosts: dict[str, list[Worker]] = {}
    for worker in sorted(usable, key=lambda w: w.address):
        hosts.setdefault(worker.host, []).append(worker)
    return [Machine(host, first, tuple(w.address for w in rest))
            for host, (first, *rest) in sorted(hosts.items())]  # fmt: skip


def discover(client: Any, address: str) -> tuple[list[Machine], list[Worker]]:
    """The machines that can run this lab, and the workers skipped (with the reason)."""
    entries = workers(client)
    if not entries:
        raise UserError(f"the Dask cluster at {address} has no workers (none has joined yet)")
    versions = client.get_versions(check=False)
    check_scheduler(versions, address)
    hosts = client.run(eval, HOST_EXPR, {}, on_error="return")
    reports = client.run(eval, REPORT_EXPR, {}, on_error="return")
    ours = eval(REPORT_EXPR, {})  # the client's answer to the workers' question
    ours["distributed"] = versions["client"]["packages"]["distributed"]
    found = []
    for addr, entry in sorted(entries.items()):
        packages = (versions["workers"].get(addr) or {}).get("packages") or {}
        answers = (hosts.get(addr), reports.get(addr), packages.get("distributed"))
        found.append(examine(addr, entry, answers, ours))
    return group([w for w in found if not w.problem]), [w for w in found if w.problem]
