"""The atlas's catalogue: which calls of which libraries it measures, over which sizes.

The built-in catalogue is `catalogue.toml` beside this module (its header documents the
fields); `--catalogue FILE` replaces it, or, with `extends = "builtin"` at the file's top,
adds to it. Every problem with a file is one CatalogueError naming the entry and the field.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pylab.base.errors import UserError

BUILTIN = Path(__file__).with_name("catalogue.toml")
EXTENDS = "builtin"

_REQUIRED = {"library": str, "name": str, "call": str, "setup": str, "sizes": list}
_OPTIONAL = {"size": str, "unit": str, "check": str, "requires": list, "modules": list,
             "documented": dict}  # fmt: skip
_DOCUMENTED = {"claim": str, "source": str, "release_size": int, "never_releases": bool}


class CatalogueError(UserError):
    """A malformed catalogue: one line naming the file, the entry and the field."""


@dataclass(frozen=True)
class Entry:
    """One call of the catalogue."""

    library: str
    name: str
    call: str
    setup: str
    sizes: list[int]
    size: str = "n"
    unit: str = "items"
    check: str | None = None
    requires: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    documented: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return f"{self.library}/{self.name}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - 3.10 only
        try:
            import tomli as tomllib
        except ImportError:
            raise CatalogueError(
                "reading a catalogue needs Python 3.11+ (tomllib) or, on 3.10, tomli "
                "(pip install tomli)"
            ) from None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read the catalogue: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: not valid TOML: {exc}") from None


def _kind_error(where: str, name: str, kind: type, value: Any) -> CatalogueError:
    return CatalogueError(
        f"{where}: field {name!r} must be {kind.__name__}, not {type(value).__name__}"
    )


def _checked(fields: dict[str, type], raw: dict[str, Any], where: str) -> None:
    for name, kind in fields.items():
        if name in raw and (
            not isinstance(raw[name], kind) or (kind is int and isinstance(raw[name], bool))
        ):
            raise _kind_error(where, name, kind, raw[name])


def _entry(raw: Any, index: int, path: Path) -> Entry:
    where = f"{path}: entry {index + 1}"
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: not a table")
    if isinstance(raw.get("library"), str) and isinstance(raw.get("name"), str):
        where += f" ({raw['library']}/{raw['name']})"
    for name in _REQUIRED:
        if name not in raw:
            raise CatalogueError(f"{where}: field {name!r} is missing")
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise CatalogueError(f"{where}: field {unknown[0]!r} is not a catalogue field")
    _checked(_REQUIRED | _OPTIONAL, raw, where)
    for name in ("library", "name", "call"):
        if not raw[name].strip():
            raise CatalogueError(f"{where}: field {name!r} is empty")
    sizes = raw["sizes"]
    if not sizes or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1
                            for s in sizes):  # fmt: skip
        raise CatalogueError(f"{where}: field 'sizes' must be a list of whole numbers >= 1")
    if sizes != sorted(set(sizes)):
        raise CatalogueError(f"{where}: field 'sizes' must be ascending, without repeats")
    for name in ("requires", "modules"):
        if not all(isinstance(m, str) and m for m in raw.get(name, [])):
            raise CatalogueError(f"{where}: field {name!r} must be a list of module names")
    size = raw.get("size", "n")
    if not size.isidentifier():
        raise CatalogueError(f"{where}: field 'size' must be a Python name, not {size!r}")
    for name, mode in (("call", "eval"), ("setup", "exec"), ("check", "eval")):
        if name in raw:
            try:
                compile(raw[name], f"<{name}>", mode)
            except SyntaxError as exc:
                raise CatalogueError(
                    f"{where}: field {name!r} does not compile: {exc.msg}"
                ) from None
    documented = raw.get("documented")
    if documented is not None:
        _documented(documented, f"{where}: documented")
    return Entry(**raw)


def _documented(doc: dict[str, Any], where: str) -> None:
    unknown = sorted(set(doc) - set(_DOCUMENTED))
    if unknown:
        raise CatalogueError(f"{where}: field {unknown[0]!r} is not a field of documented")
    for name in ("claim", "source"):
        if not isinstance(doc.get(name), str) or not doc[name].strip():
            raise CatalogueError(f"{where}: field {name!r} is missing")
    _checked(_DOCUMENTED, doc, where)
    if doc.get("release_size") is not None and doc["release_size"] < 1:
        raise CatalogueError(f"{where}: field 'release_size' must be 1 or more")
    if doc.get("never_releases") and "release_size" in doc:
        raise CatalogueError(f"{where}: field 'release_size' contradicts never_releases")


def parse(data: dict[str, Any], path: Path) -> tuple[list[Entry], bool]:
    """The entries of a parsed catalogue, and whether it extends the built-in one."""
    extends = data.get("extends")
    if extends not in (None, EXTENDS):
        raise CatalogueError(f'{path}: field \'extends\' must be "{EXTENDS}", not {extends!r}')
    unknown = sorted(set(data) - {"calls", "extends"})
    if unknown:
        raise CatalogueError(f"{path}: top-level field {unknown[0]!r} is not a catalogue field")
    calls = data.get("calls")
    if not isinstance(calls, list) or not calls:
        raise CatalogueError(f"{path}: no [[calls]] entries")
    entries = [_entry(raw, i, path) for i, raw in enumerate(calls)]
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if entry.key in seen:
            raise CatalogueError(f"{path}: entry {i + 1} ({entry.key}): a second entry so named")
        seen.add(entry.key)
    return entries, extends == EXTENDS


def load(path: Path | None = None) -> list[Entry]:
    """The catalogue: the built-in one, the file at `path`, or both when the file extends it."""
    builtin, _ = parse(_toml(BUILTIN), BUILTIN)
    if path is None:
        return builtin
    own, extends = parse(_toml(Path(path)), Path(path))
    if not extends:
        return own
    replaced = {e.key for e in own}
    return [e for e in builtin if e.key not in replaced] + own


def select(entries: list[Entry], only: list[str] | None) -> list[Entry]:
    """The entries of the libraries `only` names (all without it); an unknown name is a
    user error that lists the known ones."""
    if not only:
        return entries
    libraries = {e.library.lower(): e.library for e in entries}
    names = {e.key.lower() for e in entries}
    for name in only:
        if name.lower() not in libraries and name.lower() not in names:
            known = ", ".join(sorted(set(libraries.values())))
            raise UserError(f"--only: no library or call {name!r} in the catalogue ({known})")
    wanted = {n.lower() for n in only}
    return [e for e in entries if e.library.lower() in wanted or e.key.lower() in wanted]
