# Live use, as a student in Binder sees the book (tests/live, booktools/binder_env.py):
# a Binder-like environment from requirements.txt + runtime.txt alone (cached by their
# hash under ~/.cache/learning-from-ftx), every chapter run in it, JupyterLab driven in
# headless Chromium, and the built pages read without a kernel.

TEST_EXTRA += live
LIVE_BOOK_SOURCES := book _config.yml _toc.yml references.bib

.PHONY: live live-chromium binder-env

live: $(STAMP) live-chromium ## Binder-like env, every chapter in it, JupyterLab e2e in Chromium, pages
	@if [ ! -f _build/html/index.html ] || \
	  [ -n "$$(find $(LIVE_BOOK_SOURCES) -newer _build/html/index.html -print -quit)" ]; then \
	  $(MAKE) --no-print-directory book; fi
	$(BIN)/python -m pytest tests/live -q

live-chromium: # the browser the e2e test drives: Debian's chromium (never `playwright install`)
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

binder-env: ## build (or reuse) the Binder-like environment and print its path and build time
	$(BIN)/python -m booktools.binder_env
