# Learning from FTX: the two commands a reader needs are `make book` and `make test`.
# Every target creates its own virtual environment from requirements.txt first.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# The environment is rebuilt whenever requirements.txt changes.
STAMP  := $(VENV)/.req-$(shell sha256sum requirements.txt 2>/dev/null | cut -c1-16)
NOTEBOOKS = $(shell $(BIN)/python -m booktools.toc)
BUILD_FLAGS := -W -n --keep-going
# Tools add their own targets and test steps in mk/<tool>.mk (TEST_EXTRA += ...).
TEST_EXTRA :=
-include mk/*.mk

.PHONY: help env book test lint unit nbval build-check execute lock clean
.DEFAULT_GOAL := help

help:        ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): requirements.txt pyproject.toml tools/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.req-* && touch $@

env: $(STAMP) ## create .venv with the pinned packages and the library

book: $(STAMP) ## build the HTML book into _build/html (open _build/html/index.html)
	$(BIN)/jupyter-book build . $(BUILD_FLAGS)

test: lint unit nbval build-check $(TEST_EXTRA) ## run every test: lint, library tests, nbval, strict build, and the tools' checks

lint: $(STAMP) ## ruff over the library, tests, scripts and notebooks
	$(BIN)/ruff check lib tests tools $(NOTEBOOKS)
	$(BIN)/lint-imports

unit: $(STAMP) ## library and tooling tests (hypothesis included)
	$(BIN)/python -m pytest tests -q -n 2

nbval: $(STAMP) ## re-run every notebook in _toc.yml and compare its outputs strictly
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/sanitize.cfg \
	  -n 2 --dist loadfile -q $(NOTEBOOKS)

build-check: $(STAMP) ## build the book with warnings as errors, from scratch
	rm -rf _build/html _build/.doctrees
	$(BIN)/jupyter-book build . $(BUILD_FLAGS)

execute: $(STAMP) ## re-execute every notebook in place (after changing a model or a chapter)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=120 --ExecutePreprocessor.store_widget_state=False \
	  --ExecutePreprocessor.record_timing=False $(NOTEBOOKS)

LOCK := .lockenv/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links

lock:        ## recompile requirements.txt and binder/requirements.txt (needs the package registry)
	$(PYTHON) -m venv .lockenv && .lockenv/bin/pip install --quiet pip-tools
	$(LOCK) --output-file requirements.txt requirements.in
	.lockenv/bin/python tools/booktools/lockfiles.py constraints requirements.txt .lockenv/authors-pins.txt
	$(LOCK) --constraint .lockenv/authors-pins.txt --output-file binder/requirements.txt \
	  binder/requirements.in
	.lockenv/bin/python tools/booktools/lockfiles.py library binder/requirements.txt

clean:       ## remove the build and the virtual environment
	rm -rf _build $(VENV) .lockenv

