"""A virtual environment per interpreter, with this pylab and its kernels built for it.

As asv does, pylab measures another interpreter from an environment of its own: a venv
made by that interpreter, with this pylab installed from its source (so the kernels are
compiled for that interpreter and its ABI, free-threaded or not). An environment is
reused while the interpreter and the source are unchanged: its folder is named by a key
of both, so a change builds a new one beside it. Building one takes a minute or two
(pip's cache makes the next faster); its log stays next to it. Each pylab version (each
edit, in a checkout) keys a new one, so building one removes the interpreter's environments
beyond the KEEP used last: the cache stays a few environments large, not one per version.

The source is the checkout (or unpacked sdist) pylab runs from, else what an installed
pylab carries for this: a wheel ships the build's files (SOURCE_FILES) and the kernels'
Cython sources (ext/) inside the package, as pylab/_source/ (setup.py's build_py copies
what this module names), so `--python` works from a pip-installed pylab in any folder.

On a free-threaded interpreter every dependency comes from wheels only: newer numpy and
matplotlib releases have no wheel for some free-threaded versions, and building them
from source takes ten minutes (numpy) or fails offline (matplotlib downloads its
FreeType); pip then picks the newest release that has one. pylab itself is still built
from its source, for that interpreter.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pylab
from pylab.base.cachedir import cache_dir
from pylab.base.errors import UserError
from pylab.pythons.discovery import Python

READY = ".pylab-env.json"  # written last: an environment without it was never finished
BUILD_TIMEOUT_S = 1800.0  # a build that has not ended by then is stuck, not slow
# The build's files beside ext/ and the package. setup.py reads these two names from this
# file (without importing pylab) to ship them in every wheel: this module is their one owner.
SOURCE_FILES = ("setup.py", "pyproject.toml", "README.md", "LICENSE", "MANIFEST.in")
SHIPPED = "_source"  # an installed pylab's own source: pylab/_source/ holds SOURCE_FILES and ext/
KERNEL_SOURCES = (".pyx", ".pxd")
# Environments kept per interpreter, the ones used last: two checkouts (or a checkout and
# an installed pylab) used in turn keep theirs, and a third's run can start beside them. On
# the 2-core VM one is 150-400 MB, and a day of edits had left 19 of them, 5 GB (2026-12-06).
KEEP = 3


class EnvError(Exception):
    """One interpreter's environment could not be built: its runs fail, the others go on."""


@dataclass(frozen=True)
class Env:
    python: Python
    path: Path
    log: Path
    reused: bool

    @property
    def executable(self) -> Path:
        return self.path / "bin" / "python"


# `python -m MODULE` puts the working directory first on sys.path, where a checkout of
# pylab (its kernels built for another interpreter) would hide the environment's own, in
# the child and in every spawn or forkserver worker it starts (they inherit sys.path).
# The launcher moves it to the end: the user's modules there (probe's setup) still import.
_LAUNCH = """import runpy, sys
if sys.path[:1] == [""]:
    sys.path.append(sys.path.pop(0))
runpy.run_module({module!r}, run_name="__main__", alter_sys=True)
"""


def command(executable: str | os.PathLike, module: str, *args: str) -> list[str]:
    """`python -m module args` under an environment's python, pylab the environment's own
    whatever the working directory holds."""
    return [str(executable), "-c", _LAUNCH.format(module=module), *args]


def default_root() -> Path:
    """$PYLAB_ENVS, else pylab/envs under the user's cache folder (XDG_CACHE_HOME)."""
    if os.environ.get("PYLAB_ENVS"):
        return Path(os.environ["PYLAB_ENVS"])
    return cache_dir() / "envs"


@dataclass(frozen=True)
class Source:
    """pylab's source: the build's files and ext/ under `root`, the package at `package`
    (in a checkout the root is the package's parent; in an installed pylab, its _source/)."""

    root: Path
    package: Path

    def files(self) -> dict[str, Path]:
        """Each file the build reads, by its path in a source tree: no built modules, no
        caches, nothing the package ships beside itself."""
        files = {name: self.root / name for name in SOURCE_FILES if (self.root / name).is_file()}
        for path in (self.root / "ext").rglob("*"):  # the twins in ext/subinterpreters/ too
            if path.suffix in KERNEL_SOURCES:
                files[path.relative_to(self.root).as_posix()] = path
        for path in self.package.rglob("*.py"):
            inside = path.relative_to(self.package)
            if "__pycache__" not in inside.parts and inside.parts[0] != SHIPPED:
                files[f"pylab/{inside.as_posix()}"] = path
        return dict(sorted(files.items()))


def source(package: Path | None = None) -> Source:
    """The source of this pylab (or of the package at `package`): the checkout or unpacked
    sdist it runs from, else the copy an installed pylab ships in pylab/_source/."""
    package = package or Path(pylab.__file__).resolve().parent
    for root in (package.parent, package / SHIPPED):
        if (root / "setup.py").is_file() and (root / "ext").is_dir():
            return Source(root, package)
    raise UserError(
        f"pylab at {package} has no source to build other interpreters' environments from "
        f"(neither a checkout nor its {SHIPPED}/ folder); reinstall it from a wheel or sdist "
        "of this version, or run it from a checkout"
    )


def key(python: Python, source: Source) -> str:
    """What the environment depends on: the interpreter's binary and pylab's source (the
    same key from a checkout and from a wheel built from it)."""
    digest = hashlib.sha256()
    binary = Path(os.path.realpath(python.path))
    stat = binary.stat()
    digest.update(f"{binary}\0{python.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    for name, path in source.files().items():
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _copy_source(source: Source, into: Path) -> Path:
    """The source tree pip builds: only the files the build reads, so pip builds it fresh
    and never writes into the checkout or the installed package."""
    target = into / "src"
    for name, path in source.files().items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / name)
    return target


def _install_command(python: Python, venv: Path, tree: Path) -> list[str]:
    command = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    if python.free_threaded:  # every dependency from wheels; pylab itself still builds
        command.append("--only-binary=:all:")
    return [*command, f"{tree}[interpreters]"]  # the extra is empty where it has no use


def extra(name: str) -> list[str]:
    """The requirements of this pylab's extra `name` (pyproject.toml, their one owner), as
    its installed metadata gives them, without their markers (the dask extra's have none
    but the extra's own); none where pylab is not installed."""
    try:
        requires = metadata.requires(pylab.DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return []
    marker = re.compile(rf"""extra\s*==\s*["']{re.escape(name)}["']""")
    return [r.split(";")[0].strip() for r in requires if marker.search(r)]


def _install_optional(python: Python, venv: Path, requirements: list[str], log: Path) -> None:
    """An optional extra (Dask, the atlas's libraries) where its wheels exist here: all at
    once, else each requirement that has them; one without (gilknocker on a free-threaded
    build) is left out, said in the log, and the lab says so where it is needed."""
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
           "--only-binary=:all:"]  # fmt: skip
    groups = [requirements] + ([[r] for r in requirements] if len(requirements) > 1 else [])
    for group in groups if requirements else []:
        try:
            _run_logged([*pip, *group], log)
        except (subprocess.SubprocessError, EnvError):
            with log.open("a", encoding="utf-8") as out:
                out.write(f"pylab: left out {' '.join(group)}: no wheels for Python "
                          f"{python.name} (optional)\n")  # fmt: skip
            continue
        if group is requirements:
            return


def _run_logged(command: list[str], log: Path) -> None:
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(command)}\n")
        out.flush()
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT,
                              timeout=BUILD_TIMEOUT_S, stdin=subprocess.DEVNULL)  # fmt: skip
    if done.returncode != 0:
        raise EnvError(
            f"`{Path(command[0]).name} {' '.join(command[1:3])}` exited {done.returncode}"
        )


def _build(python: Python, path: Path, log: Path, src: Source) -> None:
    shutil.rmtree(path, ignore_errors=True)
    log.write_text(f"pylab {pylab.__version__}: environment for Python {python.name} at "
                   f"{python.path}\n", encoding="utf-8")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="pylab-src-") as tmp:
        tree = _copy_source(src, Path(tmp))
        _run_logged([python.path, "-m", "venv", str(path)], log)
        _run_logged(_install_command(python, path, tree), log)
    _install_optional(python, path, extra("dask"), log)


def ensure(
    python: Python, root: Path | None = None, rebuild: bool = False,
    extras: tuple[str, ...] = (),
) -> Env:  # fmt: skip
    """The environment for `python`, built now unless a finished one is there; with each
    optional extra in `extras` (the atlas's libraries) added once, from wheels where they
    exist: not every command needs them, and the atlas's are large."""
    root, src = root or default_root(), source()
    name = f"{python.name}-{key(python, src)}"
    path, log = root / name, root / f"{name}.log"
    reused = (path / READY).is_file() and not rebuild
    if reused:
        os.utime(path / READY)  # used now: what prune() keeps by
    else:
        try:
            root.mkdir(parents=True, exist_ok=True)
            _build(python, path, log, src)
        except (OSError, subprocess.SubprocessError, EnvError) as exc:
            raise EnvError(f"Python {python.name}: building its environment failed ({exc}); "
                           f"see {log}") from None  # fmt: skip
        (path / READY).write_text(json.dumps(python.as_dict() | {"pylab": pylab.__version__}))
        prune(root, python.name)
    for name in extras:
        marker = path / f".pylab-extra-{name}"
        if not marker.is_file():  # a requirement without wheels here is left out, logged
            requirements = extra(name)
            _install_optional(python, path, requirements, log)
            marker.write_text(" ".join(requirements) + "\n", encoding="utf-8")
    return Env(python, path, log, reused=reused)


def prune(root: Path, name: str, keep: int = KEEP) -> list[Path]:
    """Remove the environments of the interpreter `name` under `root` beyond the `keep`
    used last (by their ready file's time, set on each use), with their logs; and any left
    unfinished for longer than a build may take (a build in progress is younger). Returns
    what it removed."""
    pattern = re.compile(re.escape(name) + r"-[0-9a-f]{16}")
    found = [p for p in root.iterdir() if p.is_dir() and pattern.fullmatch(p.name)]
    ready = sorted((p for p in found if (p / READY).is_file()),
                   key=lambda p: (p / READY).stat().st_mtime, reverse=True)  # fmt: skip
    stale = time.time() - BUILD_TIMEOUT_S
    unfinished = [p for p in found if not (p / READY).is_file() and p.stat().st_mtime < stale]
    gone = ready[keep:] + unfinished
    for path in gone:
        shutil.rmtree(path, ignore_errors=True)
        path.with_name(f"{path.name}.log").unlink(missing_ok=True)
    return gone


def announce(env: Env) -> None:
    """Say where an environment is, and whether it was built now."""
    how = "reused" if env.reused else "built"
    print(f"pylab: Python {env.python.name}: environment {how} at {env.path}", file=sys.stderr)
