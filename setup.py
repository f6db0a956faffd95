"""Build pylab's Cython kernels: the one place for compiler directives and flags.

Static metadata lives in pyproject.toml; this file holds only what must be
computed. Environment variables:
  PYLAB_DEBUG=1      bounds and initialisation checks on, -O0 -g
  PYLAB_ANNOTATE=1   write Cython's annotated HTML next to the generated C
                     (build/cython/ext/*.html): a `with nogil:` block should be white
  PYLAB_NO_OPENMP=1  build without OpenMP (the `omp` variants are then absent);
                     without it, OpenMP is used when the compiler can build with it
"""

import ast
import os
import shutil
import tempfile
from pathlib import Path

import Cython
import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from setuptools.command.editable_wheel import editable_wheel

HERE = Path(__file__).parent.resolve()
DEBUG = os.environ.get("PYLAB_DEBUG", "0") not in ("", "0")
ANNOTATE = os.environ.get("PYLAB_ANNOTATE", "0") not in ("", "0")
NO_OPENMP = os.environ.get("PYLAB_NO_OPENMP", "0") not in ("", "0")

DIRECTIVES = {
    "language_level": 3,
    "boundscheck": DEBUG,
    "initializedcheck": DEBUG,
    "wraparound": False,
    "cdivision": True,
    "nonecheck": False,
    "embedsignature": True,
    # Every kernel keeps its state on the C stack or in the caller's buffers (no module
    # globals; races.pyx races on purpose, on a buffer the experiment hands it), so it is
    # safe without the GIL. Without this, importing a kernel on a free-threaded build
    # silently turns the GIL back on, and the run looks like a GIL build's.
    "freethreading_compatible": True,
}
CFLAGS = ["-O0", "-g"] if DEBUG else ["-O3"]

# A second build of the modules the subinterpreter workers import, as
# pylab.kernels._ext.own_gil.<name> from ext/subinterpreters/<name>.pyx (which includes
# ext/<name>.pyx; a file of its own because Cython caches a source's build options by
# its path). For PEP 684 (the `interpreters` executor) Cython keeps module state per
# interpreter only with CYTHON_USE_MODULE_STATE=1 (the directive alone does nothing, and
# the module is refused in a subinterpreter). Built apart because module state costs the
# main interpreter: objects/gil ran 9% slower with it (interleaved runs, 2026-12-03).
# Not twinned: stream and races, whose typed memoryviews keep process-global state that
# a second interpreter frees (cython#8006), and the harness's own _build and granularity.
OWN_GIL_DIRECTIVES = {**DIRECTIVES, "subinterpreters_compatible": "own_gil"}
OWN_GIL_MACROS = [("CYTHON_USE_MODULE_STATE", "1")]


def _c_string(value: object) -> str:
    return '"' + str(value).replace("\\", "/").replace('"', "'") + '"'


# Every kernel is told how it was built; pylab.kernels._ext._build reports it.
BUILD_MACROS = [
    ("PYLAB_CFLAGS", _c_string(" ".join(CFLAGS))),
    ("PYLAB_DIRECTIVES", _c_string(",".join(f"{k}={v}" for k, v in DIRECTIVES.items()))),
    ("PYLAB_CYTHON_VERSION", _c_string(Cython.__version__)),
    ("PYLAB_NUMPY_BUILD_VERSION", _c_string(numpy.__version__)),
    ("PYLAB_DEBUG", "1" if DEBUG else "0"),
]


def extensions(own_gil: bool = False) -> list[Extension]:
    """One extension module pylab.kernels._ext.<name> per ext/<name>.pyx; with `own_gil`, the
    twins pylab.kernels._ext.own_gil.<name>, one per ext/subinterpreters/<name>.pyx."""
    folder = HERE / "ext" / ("subinterpreters" if own_gil else "")
    package = "pylab.kernels._ext.own_gil" if own_gil else "pylab.kernels._ext"
    return [
        Extension(
            f"{package}.{pyx.stem}",
            [str(pyx.relative_to(HERE))],
            extra_compile_args=list(CFLAGS),
            define_macros=BUILD_MACROS + (OWN_GIL_MACROS if own_gil else []),
        )
        for pyx in sorted(folder.glob("*.pyx"))
    ]


def cythonized() -> list[Extension]:
    """Every kernel, and the twins with their directives, as C under build/cython/ext/."""
    options = {
        "include_path": [str(HERE / "ext")],
        "build_dir": "build/cython",
        "annotate": ANNOTATE,
        "force": ANNOTATE,  # annotate even when the C files are up to date
    }
    main = cythonize(extensions(), compiler_directives=DIRECTIVES, **options)
    return main + cythonize(
        extensions(own_gil=True), compiler_directives=OWN_GIL_DIRECTIVES, **options
    )


# OpenMP flags by compiler family: (compile, link). Apple's clang accepts none of
# these without a separately installed libomp, so every choice is tried first.
OPENMP_FLAGS = {"unix": (["-fopenmp"], ["-fopenmp"]), "msvc": (["/openmp"], [])}
OPENMP_PROBE = "#include <omp.h>\nint main(void) { return omp_get_max_threads() < 1; }\n"


class BuildExt(build_ext):
    """Adds OpenMP to every kernel when the compiler can build with it (and not told otherwise).

    Kernels report what they got: `_OPENMP` is defined exactly when it is in
    (pylab.kernels._ext._openmp.version(), shown by `python -m pylab info`).
    """

    def build_extensions(self) -> None:
        flags = None if NO_OPENMP else self._openmp_flags()
        if flags is None:
            print("pylab: building without OpenMP: the omp variants will be absent")
        for ext in self.extensions:
            if flags is not None:
                ext.extra_compile_args += flags[0]
                ext.extra_link_args += flags[1]
        super().build_extensions()

    def _openmp_flags(self) -> tuple[list[str], list[str]] | None:
        compile_args, link_args = OPENMP_FLAGS.get(self.compiler.compiler_type, ([], []))
        if not compile_args:
            return None
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp, "probe.c")
            source.write_text(OPENMP_PROBE)
            try:
                objects = self.compiler.compile(
                    [str(source)], output_dir=tmp, extra_postargs=compile_args
                )
                self.compiler.link_executable(
                    objects, "probe", output_dir=tmp, extra_postargs=link_args
                )
            except Exception:  # CompileError, LinkError: no usable OpenMP here
                return None
        return compile_args, link_args


def _envs_constant(name: str):
    """A constant of pylab/pythons/envs.py, their one owner, read without importing pylab
    (the build has none of its dependencies)."""
    tree = ast.parse((HERE / "pylab" / "pythons" / "envs.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise LookupError(f"pylab/pythons/envs.py defines no {name}")


class BuildPy(build_py):
    """Ships the source every wheel needs to build pylab again for another interpreter
    (`run --python`): the build's files and the kernels' Cython sources, as pylab/_source/
    (what pylab.pythons.envs names: SOURCE_FILES, SHIPPED, KERNEL_SOURCES). An editable
    install needs none: its package sits in the checkout."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        shipped = Path(self.build_lib, "pylab", _envs_constant("SHIPPED"))
        shutil.rmtree(shipped, ignore_errors=True)
        kernels = tuple(_envs_constant("KERNEL_SOURCES"))
        for path in sorted((HERE / "ext").rglob("*")):
            if path.suffix in kernels:
                self._ship(path, shipped / path.relative_to(HERE))
        for name in _envs_constant("SOURCE_FILES"):
            if (HERE / name).is_file():
                self._ship(HERE / name, shipped / name)

    def _ship(self, path: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self.copy_file(str(path), str(target), preserve_mode=False)


# matplotlib installs a top-level pylab.py into site-packages. setuptools'
# editable finder is appended to sys.meta_path, after the path finder that
# finds that file, so `import pylab` would get matplotlib's module. This .pth
# puts a finder for our package first. Regular wheels need nothing: a package
# directory beats a module of the same name in one site-packages folder.
FINDER = '''\
"""Puts this project's pylab package ahead of matplotlib's pylab.py (editable install).

PYTEST_DONT_REWRITE: pytest marks the modules of a distribution with a pytest11 plugin
(pylab's gil fixture) for rewriting and warns about each already imported; this one the
.pth imported at start-up, and it has no asserts to rewrite.
"""
import importlib.util
import os
import sys


class PylabFinder:
    def __init__(self, package_dir):
        self.package_dir = package_dir

    def find_spec(self, fullname, path=None, target=None):
        init = os.path.join(self.package_dir, "__init__.py")
        if fullname != "pylab" or not os.path.exists(init):
            return None
        return importlib.util.spec_from_file_location(
            "pylab", init, submodule_search_locations=[self.package_dir]
        )


def install(package_dir):
    sys.meta_path.insert(0, PylabFinder(package_dir))
'''


class _PylabFirst:
    """Wraps setuptools' editable strategy and adds the finder above to the wheel."""

    def __init__(self, inner, package_dir: Path) -> None:
        self.inner = inner
        self.package_dir = package_dir

    def __enter__(self):
        self.inner.__enter__()
        return self

    def __exit__(self, *exc):
        return self.inner.__exit__(*exc)

    def __call__(self, wheel, files, mapping) -> None:
        self.inner(wheel, files, mapping)
        wheel.writestr("_pylab_editable_finder.py", FINDER)
        install = f"_pylab_editable_finder.install({str(self.package_dir)!r})"
        wheel.writestr("_pylab_editable_finder.pth", f"import _pylab_editable_finder; {install}\n")


class EditableWheel(editable_wheel):
    def _select_strategy(self, name, tag, build_lib):
        return _PylabFirst(super()._select_strategy(name, tag, build_lib), HERE / "pylab")


# setuptools runs this file as __main__; tests import it for DIRECTIVES without building.
if __name__ == "__main__":
    setup(
        ext_modules=cythonized(),
        cmdclass={"build_ext": BuildExt, "build_py": BuildPy, "editable_wheel": EditableWheel},
    )
