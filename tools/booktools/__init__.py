"""Tooling of the book *Learning from FTX*: the chapter list, coursework, benchmarks,
releases, vendored browser assets and the Sphinx extension.

Run a tool as a module from the repository root, e.g.
``.venv/bin/python -m booktools.coursework --help``. The package is installed
(editable) in the authors' environment only; the library students get is
``toymarkets``.
"""
