# pylab: `make run` runs the lab, `make test` runs the tests. Each sets up
# everything first: a virtual environment in .venv, the project installed in it
# (editable, kernels compiled in place) with its test dependencies.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.pylab-installed
PRESET ?= default
ARGS ?=

.PHONY: install run quick test timing lint annotate wheel clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstalling rebuilds the kernels; do it when the build or a kernel changes.
$(STAMP): $(PY) pyproject.toml setup.py $(wildcard ext/*.pyx ext/*.pxd)
	$(PY) -m pip install --quiet -e '.[test,dask]'
	touch $@

install: $(STAMP)

run: install
	$(PY) -m pylab run --preset $(PRESET) $(ARGS)

quick:
	$(MAKE) run PRESET=quick

test: install
	$(PY) -m pytest $(ARGS)

# Tests that assert on measured speed (the W=1 bias): run them on a quiet machine.
timing: install
	$(PY) -m pytest -m timing $(ARGS)

# ruff, cython-lint, and import-linter's layer contract (pyproject.toml [tool.importlinter]).
lint: install
	$(VENV)/bin/ruff check pylab tests setup.py
	$(VENV)/bin/lint-imports
	PATH="$(abspath $(VENV))/bin:$$PATH" cython-lint ext  # it runs pycodestyle from PATH

# Cython's annotated HTML in build/cython/ext/ (and ext/subinterpreters/: the twins that load in
# subinterpreters): a `with nogil:` block should be white.
annotate: install
	PYLAB_ANNOTATE=1 $(PY) -m pip install --quiet -e '.[test,dask]'
	@ls build/cython/ext/*.html build/cython/ext/subinterpreters/*.html

# dist/: the sdist (Cython sources) and a wheel built from it (kernels compiled in).
wheel: install
	$(PY) -m build --outdir dist

clean:
	rm -rf $(VENV) build dist *.egg-info pylab/kernels/_ext/*.so
