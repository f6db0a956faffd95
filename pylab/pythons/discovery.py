"""Finding Python interpreters: the one pylab runs on, pyenv's, uv's and those on PATH.

An interpreter is named on the command line as a path (`/usr/bin/python3.12`), a command
on PATH (`python3.13t`), or a version (`3.12`, `3.13t`, `3.13.5t`: a trailing `t` asks
for a free-threaded build, PEP 703). Each candidate is asked about itself by running it
(a child it costs nothing to lose: a broken interpreter is a reason, not a crash), and
is usable when it is CPython MIN_VERSION or newer with the `venv` module, since pylab
builds an environment of its own in it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from pylab.base.errors import UserError

MIN_VERSION = (3, 10)  # pyproject.toml's requires-python
ASK_TIMEOUT_S = 20.0  # a first start of a cold interpreter can take seconds; a hung one never ends

# Run by each candidate: what it is, and whether it can make a virtual environment.
# Written for any Python from 2.7 on, so that an old one says its version, not a traceback.
_ASK = """
import json, platform, sys
info = {"version": "%d.%d.%d" % tuple(sys.version_info[:3]),
        "implementation": platform.python_implementation().lower(),
        "executable": sys.executable, "free_threaded": False, "venv": False}
try:
    import sysconfig, importlib.util as u
    info["free_threaded"] = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    info["venv"] = bool(u.find_spec("venv") and u.find_spec("ensurepip"))
except Exception:
    pass
print(json.dumps(info))
"""
_VERSION_SPEC = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(t?)$")


@dataclass(frozen=True)
class Python:
    """One interpreter as it describes itself, and whether pylab can use it."""

    path: str
    source: str  # "current", "pyenv", "uv", "PATH" or "given"
    version: str | None = None
    free_threaded: bool | None = None
    usable: bool = False
    why_not: str = ""  # empty when usable

    @property
    def name(self) -> str:
        """`3.13.5t`, `3.11.7`: the version and, for a free-threaded build, a `t`."""
        return f"{self.version}{'t' if self.free_threaded else ''}" if self.version else "?"

    @property
    def build(self) -> str:
        return {True: "free-threaded", False: "GIL"}.get(self.free_threaded, "?")

    def as_dict(self) -> dict:
        return asdict(self) | {"name": self.name, "build": self.build}


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def inspect(path: str, source: str) -> Python:
    """Ask the interpreter at `path` what it is; never raises."""
    try:
        done = subprocess.run(
            [path, "-E", "-s", "-c", _ASK], capture_output=True, text=True, timeout=ASK_TIMEOUT_S
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Python(path, source, why_not=f"does not run ({type(exc).__name__}: {exc})")
    try:
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return Python(path, source, why_not=f"not a Python interpreter (exit {done.returncode})")
    info = Python(path, source, found["version"], found["free_threaded"])
    if found["implementation"] != "cpython":
        return replace(info, why_not=f"{found['implementation']}, not CPython")
    if _version_tuple(found["version"])[:2] < MIN_VERSION:
        least = ".".join(map(str, MIN_VERSION))
        return replace(info, why_not=f"Python {found['version']} is too old (pylab needs {least}+)")
    if not found["venv"]:
        return replace(
            info, why_not="no venv/ensurepip module (e.g. Debian: apt install python3-venv)"
        )
    return replace(info, usable=True)


# --- where interpreters live ----------------------------------------------------------------


def _pyenv_root() -> Path | None:
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    return Path(root) if (Path(root) / "versions").is_dir() else None


def _pyenv_pythons() -> Iterator[Path]:
    """One executable per pyenv version: bin/python3.X, or python3.Xt for a `t` version."""
    root = _pyenv_root()
    versions = [(v, _VERSION_SPEC.match(v.name)) for v in root.glob("versions/*")] if root else []
    for version, match in sorted((vm for vm in versions if vm[1]), key=lambda vm: _order(vm[1])):
        yield version / "bin" / f"python{match[1]}.{match[2]}{match[4]}"


def _order(match: re.Match) -> tuple:
    """3.9 before 3.10, and a GIL build before its free-threaded twin."""
    return (int(match[1]), int(match[2]), int(match[3] or 0), match[4])


def _uv_pythons() -> Iterator[Path]:
    """The interpreters `uv python list --only-installed` knows, when uv is on PATH."""
    uv = shutil.which("uv")
    if not uv:
        return
    try:
        done = subprocess.run(
            [uv, "python", "list", "--only-installed", "--output-format", "json"],
            capture_output=True, text=True, timeout=ASK_TIMEOUT_S,
        )  # fmt: skip
        entries = json.loads(done.stdout) if done.returncode == 0 else []
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return
    for entry in entries:
        if isinstance(entry, dict) and entry.get("path"):
            yield Path(entry["path"])


def _path_pythons() -> Iterator[Path]:
    """python3 and python3.N[t] in each PATH directory but pyenv's shims (which stand for
    pyenv's versions, found directly, and fail for those not selected)."""
    pattern = re.compile(r"^python3(\.\d+t?)?$")
    root = _pyenv_root()
    shims = os.path.realpath(root / "shims") if root else None
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if folder and os.path.realpath(folder) == shims:
            continue
        try:
            names = sorted(os.listdir(folder)) if folder else []
        except OSError:
            continue
        yield from (Path(folder) / n for n in names if pattern.match(n))


def discover() -> list[Python]:
    """Every interpreter found, each once (by its real path), this one first."""
    seen: set[str] = set()
    found: list[Python] = []
    candidates = [("current", [Path(sys.executable)]), ("pyenv", _pyenv_pythons()),
                  ("uv", _uv_pythons()), ("PATH", _path_pythons())]  # fmt: skip
    for source, paths in candidates:
        for path in paths:
            if not os.access(path, os.X_OK) or path.is_dir():
                continue
            real = os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                found.append(inspect(str(path), source))
    return found


# --- what the user asked for ----------------------------------------------------------------


def _matches(python: Python, spec: re.Match) -> bool:
    if not python.version or python.free_threaded != bool(spec[4]):
        return False
    wanted = tuple(int(p) for p in spec.groups()[:3] if p is not None)
    return _version_tuple(python.version)[: len(wanted)] == wanted


def _by_version(spec: str, match: re.Match, found: Iterable[Python]) -> Python:
    candidates = [p for p in found if _matches(p, match)]
    usable = [p for p in candidates if p.usable]
    if usable:  # the newest patch release of the version asked for
        return max(usable, key=lambda p: _version_tuple(p.version or "0"))
    if candidates:
        raise UserError(f"Python {spec} at {candidates[0].path}: {candidates[0].why_not}")
    raise UserError(
        f"no Python {spec} found (looked at this one, pyenv, uv and PATH; `pylab pythons` "
        "lists them; install one with pyenv, `uv python install`, or your distribution)"
    )


def resolve(spec: str, found: list[Python] | None = None) -> Python:
    """The usable interpreter a `--python` item names, or a UserError saying why not."""
    spec = spec.strip()
    match = _VERSION_SPEC.match(spec)
    if match:
        return _by_version(spec, match, discover() if found is None else found)
    path = spec if os.sep in spec else shutil.which(spec)
    if not path or not os.path.exists(path):
        raise UserError(f"no interpreter {spec!r}: neither a file, a command on PATH nor a version")
    python = inspect(path, "given")
    if not python.usable:
        raise UserError(f"{spec}: {python.why_not}")
    return python


def resolve_all(specs: list[str]) -> list[Python]:
    """Each `--python` item resolved, in order, without repeats (by real path)."""
    found = discover() if any(_VERSION_SPEC.match(s.strip()) for s in specs) else []
    chosen: dict[str, Python] = {}
    for spec in specs:
        python = resolve(spec, found)
        chosen.setdefault(os.path.realpath(python.path), python)
    return list(chosen.values())
