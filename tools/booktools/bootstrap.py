"""The first code cell of every chapter: install the library where it is missing.

In Binder, JupyterHub (through nbgitpuller) or an author's checkout the library is
installed and this cell does nothing and prints nothing, so nbval and the HTML are
unchanged. In a bare kernel, such as Google Colab's, it installs ``toymarkets`` from
the book's repository, pinned to the book's edition (the tag ``v<version>``, the
version in ``pyproject.toml``), then the chapter imports it as usual.

The cell is generated, never typed: every chapter holds exactly :func:`cell_source`,
and ``tests/test_bootstrap.py`` checks that and runs the cell both ways.

    python -m booktools.bootstrap           # list chapters whose first code cell is stale
    python -m booktools.bootstrap --write   # write the cell into every chapter
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import nbformat
import yaml

from booktools.toc import ROOT, notebooks

__all__ = ["repository_url", "edition", "install_spec", "cell_source", "stale", "write"]

TAG = "bootstrap"   # the cell's tag, so tools can find it


def repository_url(root: Path = ROOT) -> str:
    """The book's repository, the one address in ``_config.yml`` (``repository.url``)."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = str(config["repository"]["url"]).rstrip("/")
    if not url.startswith("https://"):
        raise ValueError(f"repository.url in _config.yml must be an https address, got {url!r}")
    return url


def edition(root: Path = ROOT) -> str:
    """The book's edition, ``[project].version`` of ``pyproject.toml``."""
    with open(root / "pyproject.toml", "rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def install_spec(root: Path = ROOT) -> str:
    """What pip installs in a bare kernel: the library at the edition's tag."""
    return f"toymarkets @ git+{repository_url(root)}@v{edition(root)}"


def cell_source(root: Path = ROOT) -> str:
    return (
        "# In a bare kernel (Google Colab, say) this installs the book's library, pinned to\n"
        "# this edition. Where it is installed already (Binder, your own copy) it does nothing.\n"
        "import importlib.util\n"
        "\n"
        'if importlib.util.find_spec("toymarkets") is None:\n'
        f'    %pip install --quiet "{install_spec(root)}"'
    )


def _first_code(nb):
    return next((c for c in nb.cells if c.cell_type == "code"), None)


def stale(root: Path = ROOT) -> list[Path]:
    """Chapters whose first code cell is not the bootstrap cell of this edition."""
    want = cell_source(root)
    return [p for p in notebooks(root)
            if getattr(_first_code(nbformat.read(root / p, as_version=4)), "source", None) != want]


def write(root: Path = ROOT) -> list[Path]:
    """Put the bootstrap cell first among the code cells of every stale chapter."""
    changed = []
    for path in stale(root):
        nb = nbformat.read(root / path, as_version=4)
        first = _first_code(nb)
        if first is not None and TAG in first.metadata.get("tags", []):
            first.source = cell_source(root)
        else:
            cell = nbformat.v4.new_code_cell(cell_source(root), metadata={"tags": [TAG]})
            cell.id = "bootstrap"
            index = nb.cells.index(first) if first is not None else len(nb.cells)
            nb.cells.insert(index, cell)
        nbformat.write(nb, root / path)
        changed.append(path)
    return changed


if __name__ == "__main__":
    paths = write() if "--write" in sys.argv[1:] else stale()
    print("\n".join(str(p) for p in paths) or "every chapter's bootstrap cell is current")
