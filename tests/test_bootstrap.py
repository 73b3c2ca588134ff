"""Every chapter runs in a bare kernel too (Colab): its first code cell installs the library.

The cell (``booktools.bootstrap``) is run in an IPython shell both ways: where the
library is importable it must do nothing and print nothing; where it is missing it
must run ``%pip install`` with the library pinned to the book's edition. The network
is never touched: ``%pip`` is replaced by a recorder.
"""

from __future__ import annotations

import importlib.util

import nbformat
import pytest
from booktools import bootstrap, toc
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

ROOT = bootstrap.ROOT


@pytest.fixture
def shell():
    ip = InteractiveShell.instance()
    calls = []
    ip.register_magic_function(lambda line: calls.append(line), magic_kind="line",
                               magic_name="pip")
    ip.pip_calls = calls
    yield ip
    InteractiveShell.clear_instance()


@pytest.mark.parametrize("chapter", toc.notebooks(), ids=lambda p: p.stem)
def test_every_chapter_starts_with_the_bootstrap_cell_of_this_edition(chapter):
    nb = nbformat.read(ROOT / chapter, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert first.source == bootstrap.cell_source()
    assert first.get("outputs") == [], "where the library is installed the cell prints nothing"


def test_the_cell_installs_the_library_pinned_to_the_edition(shell, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "toymarkets" else real(name, *a))
    with capture_output() as out:
        result = shell.run_cell(bootstrap.cell_source())
    assert result.success, result.error_in_exec
    spec = f"toymarkets @ git+{bootstrap.repository_url()}@v{bootstrap.edition()}"
    assert shell.pip_calls == [f'install --quiet "{spec}"']
    assert out.stdout == ""


def test_the_cell_does_nothing_where_the_library_is_installed(shell):
    with capture_output() as out:
        result = shell.run_cell(bootstrap.cell_source())
    assert result.success and shell.pip_calls == []
    assert out.stdout == "" and out.stderr == ""


def test_the_pin_follows_the_repository_address_and_the_version(tmp_path):
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://example.org/fork/\n",
                                          encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nversion = "2.1"\n', encoding="utf-8")
    assert bootstrap.install_spec(tmp_path) == "toymarkets @ git+https://example.org/fork@v2.1"
    (tmp_path / "_config.yml").write_text("repository:\n  url: git@example.org:x\n",
                                          encoding="utf-8")
    with pytest.raises(ValueError, match="must be an https address"):
        bootstrap.install_spec(tmp_path)
