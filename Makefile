# Training Techniques for Neural Networks, from scratch.
#   make lab    set up (once) and open the chapters in JupyterLab
#   make test   set up (once), then unit tests, the pair sync check and nbval over every chapter
# Other targets: sync, execute, lint, bench, clean. See README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Use the conda environment from environment.yml when it is active, else a local .venv.
ifeq ($(CONDA_DEFAULT_ENV),training-techniques)
  BIN :=
  PY := python
  STAMP := .conda-installed
else
  VENV := .venv
  BIN := $(VENV)/bin/
  PY := $(VENV)/bin/python
  STAMP := $(VENV)/.installed
endif

# Reproducible numbers: one BLAS thread (fastest here for these small matrices,
# and the last digits of sums do not depend on the machine's core count), a
# fixed hash seed, and no Agg backend (it would hide the notebooks' figures).
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
unexport MPLBACKEND
# A local copy of MNIST beside the project is used when MNIST_DIR is not set.
ifeq ($(MNIST_DIR),)
  ifneq ($(wildcard ../shared/mnist/train-labels-idx1-ubyte.gz),)
    export MNIST_DIR := $(abspath ../shared/mnist)
  endif
endif
export PATH := $(abspath $(dir $(PY))):$(PATH)

# Every chapter by default; e.g. `make execute CHAPTERS=chapters/03_batch_normalization.py` for one.
CHAPTERS ?= $(sort $(wildcard chapters/[0-9][0-9]_*.py))
CHAPTERS_PY := $(CHAPTERS)
CHAPTERS_NB := $(CHAPTERS_PY:.py=.ipynb)
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider
EXECUTE := $(BIN)jupyter nbconvert --to notebook --execute --inplace \
           --ExecutePreprocessor.record_timing=False \
           --ExecutePreprocessor.timeout=900 --log-level=ERROR

# JupyterLab opens the .py chapters as notebooks (jupytext), set inside this environment only.
define LAB_SETTINGS
import json, pathlib, sys
path = pathlib.Path(sys.prefix, "share", "jupyter", "lab", "settings", "overrides.json")
path.parent.mkdir(parents=True, exist_ok=True)
settings = json.loads(path.read_text()) if path.exists() else {}
viewers = settings.setdefault("@jupyterlab/docmanager-extension:plugin", {}).setdefault("defaultViewers", {})
viewers["python"] = "Jupytext Notebook"
path.write_text(json.dumps(settings, indent=2) + "\n")
endef
export LAB_SETTINGS

# After execution: drop what changes on every run without being a result (the
# random ids of live widget models; the Python patch version of the machine).
define DETERMINISTIC
import sys, nbformat
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
notebook.metadata.pop("widgets", None)
notebook.metadata.get("language_info", {}).pop("version", None)
nbformat.write(notebook, path)
endef
export DETERMINISTIC

.PHONY: help setup data lab test unit nbval sync execute lint bench student html html-check clean

help:
	@sed -n '2,5p' Makefile | sed 's/^# //'

$(STAMP): pyproject.toml
	@if [ -z "$(BIN)" ]; then :; elif [ ! -x $(PY) ]; then echo "creating $(VENV)"; python3 -m venv $(VENV); fi
	@echo "installing the project and its dependencies (once)"
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[notebooks,test,book]'
	@$(PY) -c "$$LAB_SETTINGS"
	@touch $@

setup: $(STAMP)

data: setup
	@$(PY) -m dataset --quiet

# LAB_ARGS passes options on, e.g. make lab LAB_ARGS="--no-browser --port 8890".
lab: data
	$(BIN)jupyter lab --notebook-dir=chapters $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# One pytest run on every core: unit tests, sync and student-copy checks, the
# site in Chromium (skipped where it is not installed), and nbval over every chapter.
# A notebook's cells stay on one worker (--dist loadfile).
test: data
	@$(PY) -m pytest -q -n auto --dist loadfile tests $(NBVAL) $(CHAPTERS_NB)

unit: setup
	@$(PY) -m pytest -q -n auto tests

nbval: data
	@$(PY) -m pytest -q -n auto --dist loadfile $(NBVAL) $(CHAPTERS_NB)

# The .py files are the source: update each notebook from its .py, keeping outputs,
# then write the .py back in jupytext's own layout, so that the pair is textually
# identical and JupyterLab opens either file whichever is newer.
sync: setup
	@for f in $(CHAPTERS_PY); do $(BIN)jupytext --quiet --update --to ipynb "$$f" \
	    && $(BIN)jupytext --quiet --to py:percent "$${f%.py}.ipynb" || exit 1; done

execute: sync data
	@for f in $(CHAPTERS_NB); do echo "executing $$f"; $(EXECUTE) "$$f" && $(PY) -c "$$DETERMINISTIC" "$$f" || exit 1; done

lint: setup
	@$(BIN)ruff check common dataset tests tools benchmarks chapters

bench: data
	@$(PY) -m benchmarks all

# Student copies (solutions removed, outputs cleared) in student/, not committed.
student: setup
	@$(PY) -m tools.student --out student $(CHAPTERS_NB)

# The executed chapters as a static site in site/, checked in headless Chromium.
html: setup
	@$(PY) -m tools.html --out site
	@$(MAKE) --no-print-directory html-check

html-check: setup
	@$(PY) -m tools.check_site site

clean:
	rm -rf $(VENV) .conda-installed build *.egg-info .pytest_cache .ruff_cache student site
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
