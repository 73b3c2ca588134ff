"""The book's chapter list, read from _toc.yml: the one list every tool uses.

Tests, re-execution, coursework, browser checks and benchmarks all call
:func:`notebooks`, so a chapter added to ``_toc.yml`` is covered by all of them
with no other edit. :func:`chapter` is the one answer to "which chapter of the step
map is this notebook" (its Try-it, its answer keys, its models).

    python -m booktools.toc            # print the notebooks, one path a line
    python -m booktools.toc --pages    # every page (notebooks and Markdown)
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

#: The repository root: this package lives in ``tools/booktools`` (installed editable).
ROOT = Path(__file__).resolve().parents[2]


def _files(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key in ("root", "file"):
            if key in node:
                found.append(node[key])
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []) or []:
                found += _files(child)
    return found


def pages(root: Path = ROOT) -> list[Path]:
    """Every page in _toc.yml order, as paths relative to ``root`` with their suffix."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    result = []
    for stem in _files(toc):
        candidates = [root / f"{stem}{ext}" for ext in (".ipynb", ".md")] + [root / stem]
        match = next((c for c in candidates if c.is_file()), None)
        if match is None:
            raise FileNotFoundError(f"_toc.yml lists {stem!r}, but no such page exists")
        result.append(match.relative_to(root))
    return result


def chapter(notebook: str | Path):
    """The step map's entry (:class:`toymarkets.chapters.steps.Chapter`) of a chapter notebook.

    Raises ``ValueError`` for a notebook the step map does not list.
    """
    from toymarkets.chapters.steps import chapter_for_file

    return chapter_for_file(Path(notebook).as_posix())


def notebooks(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks listed in _toc.yml, in book order."""
    return [p for p in pages(root) if p.suffix == ".ipynb"]


if __name__ == "__main__":
    listing = pages() if "--pages" in sys.argv[1:] else notebooks()
    print("\n".join(str(p) for p in listing))
