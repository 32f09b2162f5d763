# KAM Workbook. The two commands a newcomer needs: `make workbook` and `make test`.
# Only Python 3.11+ is required; everything else is installed into .venv from pyproject.toml.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# what is installed into .venv, one stamp each: runtime only (make workbook), + JupyterLab and Voila (make
# workshop), + the test and lint tools (make test; it includes both others)
RUNTIME := $(VENV)/.kam-runtime
LAB     := $(VENV)/.kam-lab
STAMP   := $(VENV)/.kam-dev
SOURCE ?= data/sample
AS_OF  ?=
# empty AS_OF: the date comes from the data (its last order date), as everywhere else
NBVAL  := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg
# -n 2 --dist loadfile keeps all cells of one notebook on one worker (plain -n 2 splits them)
XDIST  := -n 2 --dist loadfile

.PHONY: venv workbook test lint unit nbval notebooks sample-data bench clean help workshop screenshots course

help:
	@echo "make workbook   - install (runtime only) into .venv and run every notebook on $(SOURCE) into reports/<run-id>/"
	@echo "make test       - install dev tools, lint (ruff, mypy, import layers), unit tests, nbval on the notebooks"
	@echo "make lint       - ruff, mypy and the import-layer contracts alone"
	@echo "make notebooks  - re-execute notebooks/ in place to refresh nbval reference outputs"
	@echo "make sample-data - regenerate data/sample from its seed"
	@echo "make bench      - speed and memory ratios"
	@echo "make screenshots - refresh docs/screenshots/*.png (the account documents) from the sample data"
	@echo "make course     - build the trainer pack (DE and EN) into course-pack/: agendas, guides, slides, worksheets, answer key"
	@echo "make workshop   - start the workshop app (Voila, no code) on 127.0.0.1 and print its address and code"
	@echo "make workshop ROOM=1 - the same for the participants' laptops on the room's network (ARGS=\"--lang de\")"

# a fresh venv's own pip is used as it is: only one older than 21.3 (no editable installs from
# pyproject.toml) is upgraded first
define install
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed, found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import pip, sys; sys.exit(tuple(map(int, pip.__version__.split(".")[:2])) < (21, 3))' \
		|| $(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '$(1)'
endef

$(RUNTIME): pyproject.toml
	$(call install,.)
	@touch $(RUNTIME)

$(LAB): pyproject.toml
	$(call install,.[lab])
	@touch $(RUNTIME) $(LAB)

$(STAMP): pyproject.toml
	$(call install,.[dev])
	@touch $(RUNTIME) $(LAB) $(STAMP)

venv: $(STAMP)

workbook: $(RUNTIME)
	$(VENV)/bin/kam run $(SOURCE) $(if $(AS_OF),--as-of $(AS_OF))

test: $(STAMP) lint
	$(PY) -m pytest tests notebooks kamlib --doctest-modules $(NBVAL) $(XDIST) --durations=10

# the code stays as laid out: lint and format (ruff), types (mypy), the layer rule and no cycles (import-linter)
lint: $(STAMP)
	$(PY) -m ruff check kamlib tests benchmarks
	$(PY) -m ruff format --check kamlib
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

unit: $(STAMP)
	$(PY) -m pytest tests $(XDIST)

nbval: $(STAMP)
	$(PY) -m pytest notebooks $(NBVAL) $(XDIST)

notebooks: $(RUNTIME)
	$(PY) -c 'from kamlib.batch.runner import refresh_notebooks; print(*refresh_notebooks(), sep="\n")'
	$(PY) -c 'from kamlib.workshop import refresh_workshop_notebooks; print(*refresh_workshop_notebooks(), sep="\n")'

sample-data: $(RUNTIME)
	$(VENV)/bin/kam sample-data data/sample --force

bench: $(STAMP)
	$(PY) -m benchmarks

# the README's screenshots of the account documents and of the trainee's answer form in JupyterLab (the page-count
# and trainee browser tests write them; without KAM_SCREENSHOTS only into reports/test-artifacts/)
screenshots: $(STAMP)
	KAM_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/test_documents.py tests/test_trainee_browser.py \
		tests/test_workshop_screens.py -k "page_counts or german_trainee or projector" -q -p no:cacheprovider

# the workshop notebooks as a code-free web app (first free port from 8866) with a short access code:
# on 127.0.0.1, or with ROOM=1 on the room's network (0.0.0.0) with the sentences to read out;
# more options through ARGS, e.g. make workshop ROOM=1 ARGS="--lang de --token k7m2qp"
workshop: $(LAB)
	$(PY) -m kamlib.workshop.app $(if $(ROOM),--bind 0.0.0.0 --instruction) $(ARGS)

# the trainer pack for a course, offline, in German and English (a trainer copies course-pack/ to a laptop)
course: $(RUNTIME)
	$(VENV)/bin/kam course course-pack

clean:
	rm -rf $(VENV) build *.egg-info
