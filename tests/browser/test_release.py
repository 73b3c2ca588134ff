"""booktools/release.py: the editions hold what they promise, byte for byte reproducibly, and
a book that would not work offline, or notebooks that were not run, are refused.

Runs on a small book made in a temporary folder (no build needed), with the library's tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile

import pytest
from booktools import release


def _notebook(executed: bool = True) -> str:
    cell = {"cell_type": "code", "execution_count": 1 if executed else None, "metadata": {},
            "outputs": [], "source": ["x = 1"]}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def book(tmp_path):
    """A two-page book with its library and a finished HTML build."""
    files = {
        "_toc.yml": "format: jb-book\nroot: book/00-intro\nchapters:\n  - file: book/01-x\n",
        "book/00-intro.md": "# Intro\n",
        "book/01-x.ipynb": _notebook(),
        "lib/toymarkets/__init__.py": "VALUE = 1\n",
        "lib/toymarkets/__pycache__/__init__.cpython-311.pyc": "compiled",
        "requirements.txt": "-e .\nnumpy==2.0\n",
        "pyproject.toml": '[project]\nname = "toymarkets"\nversion = "9.9.9"\n'
                          'requires-python = ">=3.11"\n',
        "_build/html/index.html": '<meta http-equiv="refresh" content="0; url=book/00-intro.html">',
        "_build/html/book/00-intro.html": '<script src="../_static/mathjax/tex.js"></script>'
                                          '<a href="https://example.org">a link is fine</a>',
        "_build/html/book/01-x.html": '<link rel="stylesheet" href="../_static/a.css">',
        "_build/html/_static/a.css": "body { background: url(../_static/b.png); }",
        "_build/html/.buildinfo": "build metadata",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _names(path):
    with zipfile.ZipFile(path) as archive:
        return sorted(archive.namelist())


def test_editions_hold_the_book_and_the_notebooks(book):
    html_zip, nb_zip, sums = release.release("2.0", root=book)
    assert html_zip.name == "learning-from-ftx-html-2.0.zip"
    top = "learning-from-ftx-html-2.0/"
    assert _names(html_zip) == [top + n for n in (
        "_static/a.css", "book/00-intro.html", "book/01-x.html", "index.html")]
    top = "learning-from-ftx-notebooks-2.0/"
    assert _names(nb_zip) == [top + n for n in (
        "README.md", "book/01-x.ipynb", "lib/toymarkets/__init__.py", "pyproject.toml",
        "requirements.txt")]
    with zipfile.ZipFile(nb_zip) as archive:
        readme = archive.read(top + "README.md").decode()
        assert archive.read(top + "book/01-x.ipynb") == (book / "book/01-x.ipynb").read_bytes()
    assert "`book/01-x.ipynb`" in readme and "edition 2.0" in readme
    for line in sums.read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((sums.parent / name).read_bytes()).hexdigest() == digest


def test_editions_are_reproducible(book):
    first = [p.read_bytes() for p in release.release("1", root=book)]
    for path in (book / "_build" / "html").rglob("*"):
        os.utime(path, (1e9, 1e9))  # the same files, touched at another time
    second = [p.read_bytes() for p in release.release("1", root=book)]
    assert first == second


def test_version_comes_from_pyproject(book):
    assert release.default_version(book) == "9.9.9"


@pytest.mark.parametrize("bad", ["", "1 0", "../1", "v1/2", "-1"])
def test_bad_versions_are_refused(book, bad):
    with pytest.raises(ValueError, match="version"):
        release.release(bad, root=book)


@pytest.mark.parametrize("page, text", [
    ("book/01-x.html", '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/tex.js"></script>'),
    ("book/01-x.html", '<link href="//fonts.example.com/a.css" rel="stylesheet">'),
    ("_static/a.css", "@font-face { src: url('https://fonts.example.com/f.woff2'); }"),
])
def test_a_book_loading_from_another_origin_is_refused(book, page, text):
    (book / "_build/html" / page).write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="another origin"):
        release.release("1", root=book)


def test_a_missing_page_is_refused(book):
    (book / "_build/html/book/01-x.html").unlink()
    with pytest.raises(ValueError, match="missing"):
        release.release("1", root=book)


def test_unexecuted_notebooks_are_refused(book):
    (book / "book/01-x.ipynb").write_text(_notebook(executed=False), encoding="utf-8")
    with pytest.raises(ValueError, match="not executed"):
        release.release("1", root=book)
