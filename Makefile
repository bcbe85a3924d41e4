# peacestats: `make reports` builds every report from raw data; `make test` runs the tests.
# Both create the local virtual environment (.venv) from pyproject.toml when it is missing.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

# Offline machines and CI use the shared data folder as the download mirror.
ifneq ($(wildcard ../shared/data/MANIFEST.md),)
export PEACESTATS_DATA_MIRROR ?= $(abspath ../shared/data)
endif
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0

.PHONY: help venv data build reports test test-faults test-fast lint bench lab docs clean distclean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Data mirror: $${PEACESTATS_DATA_MIRROR:-none, downloads from the registry addresses}"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,lab,docs]'
	@touch $@

# The project's JupyterLab settings (jupyter/overrides.json: the analyses, jupytext .py files, open
# as notebooks), installed where Lab reads the defaults of this environment.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

$(LAB_SETTINGS): jupyter/overrides.json $(STAMP)
	install -D -m 0644 $< $@

venv: $(STAMP) $(LAB_SETTINGS) ## Create .venv and install peacestats with its dependencies

data: $(STAMP) ## Fetch and verify every source dataset into data/raw
	$(BIN)/peacestats data fetch --all

build: data/processed/datapackage.json ## Build the harmonized tables in data/processed

data/processed/datapackage.json: $(STAMP) src/peacestats/registry.toml $(wildcard src/peacestats/*.py src/peacestats/harmonize/*.py src/peacestats/sources/*.py src/peacestats/resources/*/*.csv)
	$(BIN)/peacestats data fetch --all --quiet
	$(BIN)/peacestats build

# One report per analysis script; editing one analysis rebuilds only its report. The target
# is the JSON sidecar, which a report writes last: a run killed before it is run again.
ANALYSES := $(sort $(basename $(notdir $(wildcard analyses/*.py))))
# The longest analyses first (measured by benchmarks/bench_reports.py), so that the short ones fill
# the other core meanwhile.
SLOW_FIRST := multiverse ucdp_peace case_studies fortna2008 mechanisms hks2013 doyle_sambanis2000
ORDERED  := $(foreach a,$(SLOW_FIRST),$(filter $(a),$(ANALYSES))) $(filter-out $(SLOW_FIRST),$(ANALYSES))
REPORTS  := $(ORDERED:%=reports/%.json)
PKG_SRC  := $(shell find src/peacestats -name '*.py' -o -name '*.toml' -o -name '*.csv' -o -name '*.bib' 2>/dev/null | sort)

# `make reports` runs the out-of-date analyses JOBS at a time, longest first (JOBS=1: one after another).
# make decides which reports are out of date: given REPORT_QUEUE=<file> on its command line, a report's
# recipe only adds its script to that file; one `peacestats report run` imports pandas, matplotlib,
# seaborn, scipy and peacestats once and forks a process per script (1.5-3.5 s of imports saved per
# analysis; the files are the same bytes as from `python analyses/<name>.py`). It runs that make itself
# (--queue), which builds the tables first when they are out of date, and imports meanwhile: the 2-2.5 s of
# imports overlap the build instead of following it. Each report's files are written under a short lock
# on reports/. `make reports/<name>.json` runs that one script on its own.
# (nproc without the OMP variables, which it would otherwise obey)
JOBS ?= $(shell env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo 2)
# One BLAS thread per analysis: JOBS analyses already fill the cores (two BLAS threads per process on
# a 2-core machine made fits 3-4 times slower), and the numbers do not depend on the machine's cores.
ONE_BLAS_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

reports: $(STAMP) ## Build every table, figure and HTML report under reports/ (JOBS analyses at a time)
	@queue=$$(mktemp) && trap 'rm -f "$$queue"' EXIT && \
	 $(ONE_BLAS_THREAD) $(BIN)/peacestats report run --jobs $(JOBS) --queue "$$queue" -- \
	   $(MAKE) --no-print-directory -j1 REPORT_QUEUE="$$queue" $(REPORTS)
	@$(MAKE) --no-print-directory reports/index.html
	@echo "Open reports/index.html"

reports/index.html: $(REPORTS)
	@test -n "$(REPORTS)" || { echo "make reports: no analyses in analyses/" >&2; exit 2; }
	$(BIN)/peacestats report index

reports/%.json: analyses/%.py data/processed/datapackage.json $(PKG_SRC)
ifeq ($(origin REPORT_QUEUE),command line)
	@echo analyses/$*.py >> $(REPORT_QUEUE)
else
	$(ONE_BLAS_THREAD) $(PY) analyses/$*.py
endif

# the multiverse report runs the multiverse its config declares
reports/multiverse.json: analyses/multiverse_ucdp_peace.toml

test: $(STAMP) ## Run the test suite on the real data (without the slow fault injection)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow_faults"

test-faults: $(STAMP) ## Run the fault-injection suite, with kill -9 and concurrent runs (about 3 min)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m faults

# ruff and mypy read their settings from pyproject.toml ([tool.ruff], [tool.mypy])
lint: $(STAMP) ## Check the code with ruff (style, likely bugs) and mypy (types of src/peacestats)
	$(BIN)/ruff check src tests analyses benchmarks docs
	$(BIN)/mypy

# One BLAS thread, as make reports and the peacestats command run (R's reference BLAS is single-threaded too).
bench: $(STAMP) ## Run the benchmarks (writes benchmarks/results/; summary.md: the speed targets)
	@export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1; \
	 if ls benchmarks/bench_*.py >/dev/null 2>&1; then for f in benchmarks/bench_*.py; do $(PY) $$f || exit 1; done; $(PY) benchmarks/summary.py; \
	 else echo "no benchmarks yet"; fi

# MPLBACKEND is unset for Lab so that its kernels draw inline; as root (most containers) Lab
# refuses to start without --allow-root, which is then added, and said.
JUPYTER_LAB ?= $(BIN)/jupyter lab
lab: $(STAMP) $(LAB_SETTINGS) ## Open JupyterLab on analyses/ (the analyses open as notebooks)
	@flags=""; if [ "$$(id -u)" = 0 ]; then flags="--allow-root"; \
	  echo "make lab: running as root (uid 0), so JupyterLab is started with --allow-root"; fi; \
	env -u MPLBACKEND $(JUPYTER_LAB) $$flags analyses/

# The site's getting-started notebook runs in a kernel: MPLBACKEND is unset so that its figures
# draw inline. The API reference is read from src/ (mkdocs.yml), the pages of docs/hooks.py.
docs: $(STAMP) ## Build the documentation site into site/ (mkdocs --strict: a warning fails)
	env -u MPLBACKEND NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site
	@echo "Open site/index.html"

clean: ## Remove derived files (data/processed, reports, the caches in data/interim, benchmarks/results, site); keeps data/raw and .venv
	rm -rf data/processed data/interim benchmarks/results site
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +

distclean: clean ## Also remove data/raw and the virtual environment
	rm -rf data/raw $(VENV)
