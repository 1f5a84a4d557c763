# Training Techniques for Neural Networks, from scratch.
#   make lab    set up (once) and open the learners' copies (student/, no solutions) at the first chapter's overview
#   make test   set up (once), then ruff, unit tests, the pair sync check and nbval over every section
# make help lists every target, from the "## description" after each target's name. See README.md.

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

# Every section by default (the list is defined in tools/chapters.py; the system python3
# suffices, before any setup). CHAPTERS selects: a section's .py or .ipynb, or a chapter folder
# for all its sections, e.g. `make execute CHAPTERS=chapters/01_parameter_updates/03_adaptive_methods.py`
# or `make nbval CHAPTERS="chapters/02_initial_weights chapters/01_parameter_updates/01_optimization.py"`.
CHAPTERS_PY := $(shell python3 -m tools.chapters $(CHAPTERS))
CHAPTERS_NB := $(CHAPTERS_PY:.py=.ipynb)
# A recipe's first line where the list must not be empty (tools.chapters has said why on stderr).
NEED_CHAPTERS = @test -n "$(strip $(CHAPTERS_PY))" || { echo "no section selected$(if $(CHAPTERS), by CHAPTERS=$(CHAPTERS))" >&2; exit 1; }
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider
# Checking re-executes the chapters; their figures then go to build/, never over images/, and
# progress bars (run_parallel) stay off in checked and stored outputs (in JupyterLab they show).
CHECK_ENV := BOOK_IMAGES_DIR=$(abspath build/check-images) BOOK_PROGRESS=0
# Each checking or executing pass starts with an empty results store (common/experiments/store.py):
# a result that several sections share is computed once per pass, by the first section that needs it.
FRESH_RESULTS = rm -rf build/results/$(1) && mkdir -p build/results/$(1) && export BOOK_RESULTS_DIR=$(abspath build/results/$(1)) &&
EXECUTE := BOOK_PROGRESS=0 $(BIN)jupyter nbconvert --to notebook --execute --inplace \
           --ExecutePreprocessor.record_timing=False \
           --ExecutePreprocessor.timeout=900 --log-level=ERROR

.PHONY: help setup data lab lab-teacher test unit nbval nbval-another-cpu sync execute execute-twice kernels lock lint bench \
        runtimes contents student assignments autograde feedback handout html html-check html-serve clean

# Every target with a "## description" on its line; a test checks that each .PHONY target has one.
help: ## every target (this list)
	@sed -n 1p $(firstword $(MAKEFILE_LIST)) | sed 's/^# //'
	@awk -F ':.*## ' '/^[a-zA-Z_-]+:.*## / { printf "  make %-18s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))

# The versions the stored outputs were made with: requirements-lock.txt (make lock).
$(STAMP): pyproject.toml requirements-lock.txt
	@if [ -z "$(BIN)" ]; then :; elif [ ! -x $(PY) ]; then echo "creating $(VENV)"; python3 -m venv $(VENV); fi
	@echo "installing the project and its dependencies (once)"
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -c requirements-lock.txt -e '.[notebooks,test,book,course]'
	@$(PY) -m tools.lab_settings
	@touch $@

setup: $(STAMP) ## create .venv (or use the conda env) and install the locked versions, once

data: setup ## check the MNIST files, or fetch them
	@$(PY) -m dataset --quiet

# It opens the first chapter's overview (00_overview.md, shown as a page, its links open the
# sections). LAB_ARGS passes options on, e.g. make lab LAB_ARGS="--no-browser --port 8890".
# The learners' view: the student copies of every section in student/ (solutions removed), made
# once; later runs keep them, with the learner's answers (remove student/ for fresh copies).
# make lab-teacher opens chapters/ itself, solutions included.
OPEN_LAB = $(PY) -m tools.lab_settings && $(BIN)jupyter lab --notebook-dir=$(1) \
           $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS) $(abspath $(1)/$(shell python3 -m tools.chapters --lab-page))

lab: data ## set up (once) and open the learners' copies (student/, no solutions) at the first overview; LAB_ARGS passes options on
	@test -d student || $(PY) -m tools.student --out student
	$(call OPEN_LAB,student)

lab-teacher: data ## open the book itself (chapters/, solutions and outputs included) in JupyterLab
	$(call OPEN_LAB,chapters)

# ruff first (make lint), then one pytest run on every core: unit tests, sync and
# student-copy checks, the site in Chromium (skipped where it is not installed), and
# nbval over every section; then nbval once more as another CPU would compute (see nbval-another-cpu).
# A chapter's sections run on one worker, in order (conftest.py: pytest_xdist_make_scheduler).
test: lint data ## lint, unit tests, sync and site checks, nbval over every section, nbval-another-cpu
	$(NEED_CHAPTERS)
	@$(call FRESH_RESULTS,test) $(CHECK_ENV) $(PY) -m pytest -q -n auto --dist loadscope tests $(NBVAL) $(CHAPTERS_NB)
	@$(MAKE) --no-print-directory nbval-another-cpu

unit: setup ## the tests in tests/ only, without nbval
	@$(PY) -m pytest -q -n auto tests

# nbval compares every output exactly, except numbers printed with a leading ≈
# (results of training), which it compares within the tolerance their cell
# declares: tools/nbval_approx.py, loaded by conftest.py. README: "What the tests check".
nbval: data ## re-execute every section (or CHAPTERS=...) and compare its outputs (≈ within tolerance)
	$(NEED_CHAPTERS)
	@$(call FRESH_RESULTS,nbval) $(CHECK_ENV) $(PY) -m pytest -q -n auto --dist loadscope $(NBVAL) $(CHAPTERS_NB)

# The same check with MNIST moved by one float32 rounding step in every
# non-zero pixel (tools/another_cpu.py): every training run takes another path,
# as on a CPU with another BLAS kernel. An unmarked training number fails here.
nbval-another-cpu: data ## nbval with MNIST moved by one float32 step, as another CPU computes
	$(NEED_CHAPTERS)
	@echo "nbval again, as another CPU would compute (tools/another_cpu.py)"
	@$(call FRESH_RESULTS,another-cpu) $(CHECK_ENV) PYTHONSTARTUP=$(abspath tools/another_cpu.py) $(PY) -m pytest -q -n auto --dist loadscope $(NBVAL) $(CHAPTERS_NB)

# By hand, never in make test or CI: nbval under other OpenBLAS kernels, as readers
# with other CPUs run it, then how far each cell's ≈ numbers moved (share of tolerance).
# OPENBLAS_CORETYPE is set here for these runs only; some machines need their own setting.
KERNELS ?= Haswell Zen Sandybridge Prescott $(if $(shell grep -m1 -o avx512f /proc/cpuinfo 2>/dev/null),SkylakeX)
kernels: data ## by hand: nbval under other OpenBLAS kernels, and how far ≈ numbers moved
	$(NEED_CHAPTERS)
	@mkdir -p build/kernels && rm -f build/kernels/*.jsonl build/kernels/*.status
	@for k in $(KERNELS); do echo "OPENBLAS_CORETYPE=$$k"; $(call FRESH_RESULTS,kernel-$$k) \
	    if $(CHECK_ENV) OPENBLAS_CORETYPE=$$k NBVAL_APPROX_LOG=$(abspath build/kernels)/$$k.jsonl \
	       $(PY) -m pytest -q -n auto --dist loadscope $(NBVAL) $(CHAPTERS_NB) > build/kernels/$$k.log 2>&1; \
	    then echo pass > build/kernels/$$k.status; else echo FAIL > build/kernels/$$k.status; fi; \
	    echo "  $$(cat build/kernels/$$k.status): $$(tail -1 build/kernels/$$k.log)"; done
	@$(PY) -m tools.kernels build/kernels

# The .py files are the source: update each notebook from its .py, keeping outputs,
# then write the .py back in jupytext's own layout, so that the pair is textually
# identical and JupyterLab opens either file whichever is newer.
sync: setup ## update each notebook from its .py, keeping outputs (every section, or CHAPTERS=...)
	$(NEED_CHAPTERS)
	@for f in $(CHAPTERS_PY); do $(BIN)jupytext --quiet --update --to ipynb "$$f" \
	    && $(BIN)jupytext --quiet --to py:percent "$${f%.py}.ipynb" || exit 1; done

execute: sync data ## sync, then re-execute every section (or CHAPTERS=...) in place
	@$(call FRESH_RESULTS,execute) for f in $(CHAPTERS_NB); do echo "executing $$f"; $(EXECUTE) "$$f" && $(PY) -m tools.notebook_metadata "$$f" || exit 1; done

# Determinism: executing the committed sections again changes no byte of them or of
# their figures (on the machine that executed them; another CPU may move ≈ digits).
execute-twice: ## check that executing the committed sections (or CHAPTERS=...) again changes no byte
	@git diff --quiet -- chapters images || { echo "chapters or figures differ from the last commit: commit first"; exit 1; }
	@$(MAKE) --no-print-directory execute
	@git diff --stat --exit-code -- chapters images && echo "a second execution changed nothing"

# Pin the versions installed now (after make setup) as the ones a fresh machine installs.
lock: setup ## pin the installed versions in requirements-lock.txt
	@{ echo "# The versions the stored outputs were made with (Python $$($(PY) -c 'import sys; print(*sys.version_info[:2], sep=".")')): written by make lock."; \
	   echo "# make setup and environment.yml install with these as pip constraints; pyproject.toml keeps the ranges."; \
	   $(PY) -m pip freeze --exclude-editable --disable-pip-version-check | LC_ALL=C sort; } > requirements-lock.txt.tmp
	@mv requirements-lock.txt.tmp requirements-lock.txt && echo "requirements-lock.txt: $$(wc -l < requirements-lock.txt) pins"

lint: setup ## ruff over the library, tools, tests, benchmarks and chapters
	@$(BIN)ruff check common dataset tests tools benchmarks chapters

bench: data ## time the benchmarks, write benchmarks/RESULTS.md
	@$(PY) -m benchmarks all

# Run All of each section, one at a time: the kernel is started first, then the clock runs from
# the first cell to the last. Run it on a quiet machine. The times (merged into build/runtimes.json,
# so CHAPTERS=... measures a few again) feed make contents, the README's table of contents.
# FASTEST=1 keeps each section's fastest run over several passes (on a machine shared with other jobs).
runtimes: sync data ## time each section's Run All into build/runtimes.json and print a table
	$(NEED_CHAPTERS)
	@$(call FRESH_RESULTS,runtimes) $(CHECK_ENV) $(PY) -m tools.runtimes --out build/runtimes.json \
	    $(if $(filter 1,$(FASTEST)),--fastest) $(CHAPTERS_NB)

contents: setup ## print the README's Contents table: one row per section, Run All from build/runtimes.json
	@$(PY) -m tools.contents

# Student copies (solutions removed, outputs cleared) in student/, not committed.
student: setup ## student copies in student/: solutions removed, outputs cleared, overviews beside them
	$(NEED_CHAPTERS)
	@$(PY) -m tools.student --out student $(CHAPTERS_NB)

# A course for nbgrader in build/course/ (generated, not committed; tools/course.py): one
# assignment per section (or CHAPTERS=...), with nbgrader metadata from the cells' tags, the
# learners' release generated by nbgrader. Collect submissions into
# build/course/submitted/<learner>/<assignment>/, then make autograde and make feedback.
# The form grader: cd build/course && ../../.venv/bin/jupyter lab (README: Teaching with this book).
assignments: setup ## nbgrader assignments in build/course/: one per section (or CHAPTERS=...), released
	$(NEED_CHAPTERS)
	@$(PY) -m tools.course assignments $(CHAPTERS_NB)

autograde: setup ## grade every submission in build/course/submitted/, print points per learner and exercise
	@$(PY) -m tools.course autograde

feedback: setup ## write each graded submission's feedback as HTML in build/course/feedback/
	@$(PY) -m tools.course feedback

# The learners' handout in build/handout/ and build/handout.zip (tools/handout.py): student
# copies, overviews, glossary, the book's package as a wheel (no solutions), README with the
# install and MNIST instructions.
handout: setup ## the learners' handout: build/handout/ and build/handout.zip (every section, or CHAPTERS=...)
	$(NEED_CHAPTERS)
	@$(PY) -m tools.handout $(CHAPTERS_NB)

# The book's website in site/ (Sphinx + MyST-NB + sphinx-book-theme, book/conf.py), from the
# executed sections' stored outputs (nothing is executed), offline; then html-check.
# SOLUTIONS=1 builds the teacher's edition (exercise solutions kept); SITE_CHAPTERS= builds
# from another chapters folder. make html-serve previews site/ on http://localhost:8000.
SITE_FLAGS := $(if $(filter 1,$(SOLUTIONS)),--solutions) $(if $(SITE_CHAPTERS),--chapters $(SITE_CHAPTERS))
html: setup ## the book's website in site/ (SOLUTIONS=1: teacher's edition), then html-check
	@$(PY) -m tools.site --out site $(SITE_FLAGS)
	@$(MAKE) --no-print-directory html-check

html-check: setup ## open every page of site/ in headless Chromium and check it (and the search)
	@$(PY) -m tools.check_site site $(if $(filter 1,$(SOLUTIONS)),--solutions)

html-serve: ## preview site/ on http://localhost:8000 (make html first)
	@$(PY) -m http.server --directory site 8000

clean: ## remove .venv, build products, caches, student/ and site/
	rm -rf $(VENV) .conda-installed build *.egg-info .pytest_cache .ruff_cache student site jupyter_execute
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
