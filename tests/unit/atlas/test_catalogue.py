"""The catalogue: the built-in one holds what the issue asks, a file replaces or extends it,
and every malformed entry is one error naming the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylab.atlas import catalogue
from pylab.atlas.catalogue import CatalogueError
from pylab.base.errors import UserError

GOOD = '''
[[calls]]
library = "zlib"
name = "crc32"
call = "zlib.crc32(data)"
setup = "import zlib; data = bytes(n)"
sizes = [1024, 65536]
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(text)
    return path


def test_the_builtin_catalogue_has_40_calls_from_10_libraries() -> None:
    entries = catalogue.load()
    assert len(entries) >= 40
    assert len({e.library for e in entries}) >= 10
    stdlib = {"hashlib", "zlib", "bz2", "lzma", "re", "json", "pickle", "builtins", "sqlite3"}
    assert stdlib <= {e.library for e in entries}
    numpy = {e.name for e in entries if e.library == "numpy"}
    assert {"sin", "sum", "sort", "matmul", "fft", "object-add"} <= numpy


def test_the_documented_thresholds_of_the_issue_are_in_it() -> None:
    by_key = {e.key: e for e in catalogue.load()}
    assert by_key["hashlib/sha256"].documented["release_size"] == 2048
    assert by_key["numpy/sin"].documented["release_size"] == 501
    assert by_key["re/search"].documented["never_releases"]
    assert "67878" in by_key["re/search"].documented["source"]
    assert "zlibmodule.c" in by_key["zlib/compress"].documented["source"]


def test_a_file_replaces_the_catalogue(tmp_path: Path) -> None:
    entries = catalogue.load(write(tmp_path, GOOD))
    assert [e.key for e in entries] == ["zlib/crc32"]
    assert entries[0].size == "n" and entries[0].documented is None


def test_a_file_that_extends_adds_and_replaces(tmp_path: Path) -> None:
    builtin = catalogue.load()
    mine = 'extends = "builtin"\n' + GOOD + GOOD.replace('"crc32"', '"mine"')
    entries = catalogue.load(write(tmp_path, mine))
    assert len(entries) == len(builtin) + 1
    assert next(e for e in entries if e.key == "zlib/crc32").sizes == [1024, 65536]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("call = \"zlib.crc32(data)\"\n", ""), "entry 1 (zlib/crc32): field 'call' is missing"),
        (("sizes = [1024, 65536]", "sizes = [65536, 1024]"), "field 'sizes' must be ascending"),
        (("sizes = [1024, 65536]", "sizes = [0, 1]"), "field 'sizes' must be a list"),
        (("sizes = [1024, 65536]", "sizes = 5"), "field 'sizes' must be list, not int"),
        (("zlib.crc32(data)", "zlib.crc32(data"), "field 'call' does not compile"),
        (("name = \"crc32\"", "name = \"crc32\"\nspeed = 1"), "field 'speed' is not a catalogue"),
        (("sizes = [1024, 65536]", "sizes = [1]\nsize = \"1n\""), "field 'size' must be a Python"),
        (("sizes = [1024, 65536]", "sizes = [1]\ndocumented = { claim = \"x\" }"),
         "documented: field 'source' is missing"),
        (("sizes = [1024, 65536]",
          "sizes = [1]\ndocumented = { claim = \"x\", source = \"y\", release_size = \"2k\" }"),
         "field 'release_size' must be int"),
    ],
)
def test_a_malformed_entry_names_the_entry_and_the_field(
    tmp_path: Path, change: tuple[str, str], words: str
) -> None:
    with pytest.raises(CatalogueError, match="entry 1") as caught:
        catalogue.load(write(tmp_path, GOOD.replace(*change)))
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not valid TOML"):
        catalogue.load(write(tmp_path, "[[calls]\n"))
    with pytest.raises(CatalogueError, match=r"no \[\[calls\]\] entries"):
        catalogue.load(write(tmp_path, "extends = \"builtin\"\n"))
    with pytest.raises(CatalogueError, match="a second entry"):
        catalogue.load(write(tmp_path, GOOD + GOOD))
    with pytest.raises(CatalogueError, match="cannot read"):
        catalogue.load(tmp_path / "missing.toml")


def test_only_selects_libraries_and_calls_and_refuses_unknown_names() -> None:
    entries = catalogue.load()
    assert {e.library for e in catalogue.select(entries, ["ZLIB"])} == {"zlib"}
    assert [e.key for e in catalogue.select(entries, ["json/dumps"])] == ["json/dumps"]
    with pytest.raises(UserError, match="no library or call 'nope'"):
        catalogue.select(entries, ["nope"])
