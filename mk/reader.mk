# The reader's book (issue 5): assets served from the book's own files, a browser test of
# every page, a PDF, and downloadable editions. Included by the Makefile.
#
#   make vendor     npm ci (versions pinned in package-lock.json), then copy MathJax,
#                   require.js and the widget manager into vendor/ (served as _static/)
#   make browser    build, then open every page of _toc.yml from disk in chromium with
#                   the network blocked: maths, images, console, folded solutions, axe-core
#   make pdf        the book as a PDF through LaTeX (installs Debian's TeX on first use)
#   make release    _build/release/*.zip: the HTML book and the executed notebooks
#                   (EDITION=1.0 to name the edition; WITH_PDF=1 to add the PDF)

NPM      ?= npm
CHROMIUM ?= /usr/bin/chromium
EDITION  ?=
WITH_PDF ?=
# Debian's TeX for Jupyter Book's LaTeX class (xelatex; bbm.sty is in texlive-fonts-extra).
TEX_PACKAGES := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
  texlive-fonts-extra texlive-xetex texlive-lang-greek latexmk xindy fonts-freefont-otf tex-gyre

TEST_EXTRA += browser

.PHONY: vendor browser pdf pdf-deps release

node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --ignore-scripts --no-audit --no-fund

vendor/NOTICE.txt: $(STAMP) node_modules/.package-lock.json tools/booktools/vendor_assets.py
	$(BIN)/python -m booktools.vendor_assets

vendor: vendor/NOTICE.txt ## copy the book's browser assets from npm into vendor/ (offline HTML)

# Every HTML build serves vendor/ (html_static_path in _config.yml), the student
# edition's too (booktools/coursework.py builds a copy of the tree).
book build-check student-book: vendor

$(CHROMIUM):
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

browser: build-check $(CHROMIUM) node_modules/.package-lock.json ## open every page offline in chromium: maths, images, errors, solutions, axe-core
	$(BIN)/python -m pytest -o python_files='browser_*.py' tests/browser -q

pdf-deps:
	@if kpsewhich bbm.sty >/dev/null 2>&1 && command -v latexmk >/dev/null \
	  && command -v xelatex >/dev/null && command -v xindy >/dev/null; then :; else \
	  apt-get update && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y --no-install-recommends $(TEX_PACKAGES); fi

pdf: $(STAMP) pdf-deps ## the book as a PDF in _build/latex (installs Debian's TeX on first use)
	$(BIN)/jupyter-book build . --builder pdflatex $(BUILD_FLAGS)

release: build-check $(if $(WITH_PDF),pdf) ## zip the HTML book and executed notebooks into _build/release (EDITION=, WITH_PDF=1)
	$(BIN)/python -m booktools.release $(if $(EDITION),--version $(EDITION)) \
	  $(if $(WITH_PDF),--pdf _build/latex/learning-from-ftx.pdf)
