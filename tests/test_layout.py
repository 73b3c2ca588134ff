"""The library's layout is a contract: layers, the step map, the reference, the sources.

* The layers (imports point down; no model imports another; models run headless)
  are import-linter contracts in ``pyproject.toml``, run by ``make lint``. Here we
  check that the contracts cover every layer and that a broken rule is caught.
* The step map (``toymarkets.chapters.steps``) is the one map from steps to
  modules: the table of contents, the notebooks' imports and the library
  reference must agree with it.
* Every reference a model docstring cites exists in ``references.bib``.
"""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from booktools import toc

import toymarkets
from toymarkets.chapters import steps

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "lib" / "toymarkets"
LAYERS = ("chapters", "figures", "story", "models", "core")
DOCUMENTED = ("core", "models", "story")       # the layers the library reference covers


def _modules(layer: str) -> list[str]:
    package = importlib.import_module(f"toymarkets.{layer}")
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__))


# ------------------------------------------------------------------ layers


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_the_layer_contract_names_every_layer_of_the_package():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    on_disk = {p.name for p in LIB.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert set(layers) == {f"toymarkets.{x}" for x in on_disk} | {"toymarkets._validate"}
    assert [x.split(".")[1] for x in layers[:-1]] == list(LAYERS)


def _lint_imports(package_root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    return subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--config",
                           str(ROOT / "pyproject.toml"), "--no-cache"],
                          capture_output=True, text=True, env=env, cwd=package_root,
                          timeout=300)


def test_the_layers_hold_in_the_library():
    done = _lint_imports(ROOT / "lib")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("module, line, contract", [
    ("models/marketmaking.py", "import matplotlib", "run headless"),
    ("models/toxicflow.py", "from . import marketmaking", "No model imports another model"),
    ("core/prices.py", "from ..models import marketmaking", "Imports point down the layers"),
    ("figures/style.py", "from ..chapters import checks", "Imports point down the layers"),
    ("models/pricesupport.py", "import booktools", "never imports the book's tooling"),
])
def test_a_broken_layer_rule_is_caught(tmp_path, module, line, contract):
    shutil.copytree(LIB, tmp_path / "toymarkets", ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "toymarkets" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    done = _lint_imports(tmp_path)
    assert done.returncode != 0, done.stdout
    assert re.search(rf"{re.escape(contract)}[^\n]*BROKEN", done.stdout), done.stdout


def test_no_test_or_tool_edits_sys_path():
    offenders = [str(p.relative_to(ROOT)) for folder in ("tests", "tools")
                 for p in (ROOT / folder).rglob("*.py")
                 if "sys.path.insert" in p.read_text(encoding="utf-8") and p != Path(__file__)]
    assert offenders == []


# ------------------------------------------------------------------ the step map


def test_the_step_map_lists_each_of_the_seventeen_steps_once():
    assert sorted(steps.STEPS) == list(range(1, 18))
    keys = [c.key for c in steps.CHAPTERS]
    assert len(keys) == len(set(keys))
    assert [c.key for c in steps.CHAPTERS if c.step] == [f"step{n:02d}" for n in range(1, 18)]


def test_the_toc_lists_exactly_the_written_chapters_of_the_step_map():
    assert [p.as_posix() for p in toc.notebooks()] == [c.file for c in steps.written()]


def _imports(notebook: Path) -> dict[str, set[str]]:
    """The toymarkets modules of each layer that a notebook's code cells import."""
    found: dict[str, set[str]] = {layer: set() for layer in LAYERS}
    from IPython.core.inputtransformer2 import TransformerManager

    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(TransformerManager().transform_cell(cell.source))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if len(parts) >= 3 and parts[0] == "toymarkets" and parts[1] in found:
                    found[parts[1]].add(parts[2])
    return found


@pytest.mark.parametrize("chapter", steps.written(), ids=lambda c: c.key)
def test_each_chapter_imports_exactly_the_modules_its_entry_names(chapter):
    used = _imports(ROOT / chapter.file)
    assert used["models"] == set(chapter.models), "models"
    assert used["story"] == set(chapter.story), "story"
    assert used["figures"] == set(chapter.figures), "figures"
    assert used["core"] == set(), "a chapter uses core through its models"


@pytest.mark.parametrize("chapter", steps.written(), ids=lambda c: c.key)
def test_each_written_chapter_has_its_modules_a_tryit_and_answer_keys(chapter):
    for layer, names in (("models", chapter.models), ("story", chapter.story),
                         ("figures", chapter.figures)):
        for name in names:
            importlib.import_module(f"toymarkets.{layer}.{name}")
    assert callable(importlib.import_module(chapter.explore).tryit)
    assert importlib.import_module(chapter.answers).ANSWERS


@pytest.mark.parametrize("chapter", steps.written(), ids=lambda c: c.key)
def test_each_chapter_links_its_models_reference_from_the_model_section(chapter):
    text = "\n".join(c.source for c in nbformat.read(ROOT / chapter.file, as_version=4).cells
                     if c.cell_type == "markdown")
    section = text.split("## The model", 1)[-1].split("\n## ", 1)[0]
    for layer, names in (("models", chapter.models), ("story", chapter.story)):
        for name in names:
            assert f"toymarkets.{layer}.{name}`" in section and "{py:mod}" in section, name


def test_every_model_serves_a_chapter_of_the_step_map():
    named = {m for c in steps.CHAPTERS for m in c.models}
    assert set(_modules("models")) <= named
    assert set(_modules("story")) <= {m for c in steps.CHAPTERS for m in c.story}


def test_lookups_by_file_and_key_agree():
    for c in steps.written():
        assert steps.chapter_for_file(f"/anywhere/{Path(c.file).name}") is c
        assert steps.chapter(c.key) is c and toc.chapter(c.file) is c
    with pytest.raises(ValueError, match="no chapter of the step map"):
        steps.chapter_for_file("book/99-none.ipynb")
    with pytest.raises(ValueError, match="key must be one of"):
        steps.chapter("step99")


def test_the_introduction_draws_its_map_from_the_step_map():
    intro = (ROOT / "book" / "00-introduction.md").read_text(encoding="utf-8")
    assert "```{step-map}" in intro
    assert "| 4 |" not in intro, "the map is drawn from data, not typed"
    assert "Step 1" not in toymarkets.__doc__, "the package docstring keeps no map of its own"


def test_the_step_map_table_has_a_row_per_chapter_with_its_links():
    from booktools.sphinx_reader import step_map_rows

    rows = step_map_rows(steps.CHAPTERS)[2:]
    assert len(rows) == len(steps.CHAPTERS)
    for row, c in zip(rows, steps.CHAPTERS, strict=True):
        if c.file:
            assert f"{{doc}}`/{c.doc}`" in row
        for name in c.models:
            assert f"<toymarkets.models.{name}>" in row or f"`{name}` (planned)" in row


def test_the_map_has_no_empty_row():
    # the book is complete: every chapter of the map is written, and its row links the
    # chapter and at least one library module, model or story
    from booktools.sphinx_reader import step_map_rows

    rows = step_map_rows(steps.CHAPTERS)[2:]
    for row, c in zip(rows, steps.CHAPTERS, strict=True):
        assert c.file is not None, f"{c.key} is not written yet"
        assert (ROOT / c.file).exists(), c.file
        assert c.models or c.story, f"{c.key} names no library module"
        for name in c.story:
            assert f"<toymarkets.story.{name}>" in row
        assert "(planned)" not in row


# ------------------------------------------------------------------ the library reference


def _reference_pages() -> dict[str, Path]:
    pages = {}
    for path in (ROOT / "book" / "reference").glob("*.md"):
        found = re.search(r"\.\. automodule:: (toymarkets\.[\w.]+)", path.read_text("utf-8"))
        if found:
            pages[found.group(1)] = path
    return pages


def test_every_core_model_and_story_module_has_a_reference_page_in_the_toc():
    pages = _reference_pages()
    listed = {p.as_posix() for p in toc.pages()}
    for layer in DOCUMENTED:
        for name in _modules(layer):
            module = f"toymarkets.{layer}.{name}"
            assert module in pages, f"no page in book/reference for {module}"
            assert pages[module].relative_to(ROOT).as_posix() in listed, f"{module} not in toc"


# ------------------------------------------------------------------ sources


def _bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text("utf-8"), re.M))


@pytest.mark.parametrize("name", _modules("models"))
def test_every_model_docstring_cites_its_papers_from_the_bibliography(name):
    doc = importlib.import_module(f"toymarkets.models.{name}").__doc__
    assert "References:" in doc, f"{name}: the docstring names no references"
    cited = re.findall(r":cite:[pt]?:`([^`]+)`", doc.split("References:", 1)[1])
    assert cited, f"{name}: References: cites no bib key"


def test_every_cited_key_in_the_library_is_in_the_bibliography():
    keys = _bib_keys()
    for path in LIB.rglob("*.py"):
        for group in re.findall(r":cite:[pt]?:`([^`]+)`", path.read_text("utf-8")):
            for key in group.split(","):
                assert key.strip() in keys, f"{path.name}: {key.strip()} not in references.bib"


#: Remarks meant for the authors (how a source was checked, what could not be), which
#: belong in BibTeX comments: sphinxcontrib-bibtex prints every field of an entry.
AUTHORS_REMARK = re.compile(
    r"verif|slug|sources table|from memory|before print|reconstructed|paraphrased"
    r"|not recorded|\bseen (?:in|via|as|only)\b|stored (?:copy|reproduction|page)|syndicated"
    r"|copy seen", re.I)


def test_no_field_of_the_bibliography_prints_a_remark_for_the_authors():
    from pybtex.database import parse_file

    entries = parse_file(str(ROOT / "references.bib")).entries
    remarks = [f"{key}.{field}: {value}" for key, entry in entries.items()
               for field, value in entry.fields.items() if AUTHORS_REMARK.search(value)]
    assert not remarks, "move these to a '% key: ...' comment:\n" + "\n".join(remarks)


def test_the_remark_check_catches_a_note_for_the_authors():
    assert AUTHORS_REMARK.search("page range NOT verified -- check before print")
    assert AUTHORS_REMARK.search("Title paraphrased from URL slug; byline not recorded.")
    assert not AUTHORS_REMARK.search("Reprinted as Cowles Foundation Paper No. 1304.")


# ------------------------------------------------------------------ the pages' tables

_SEPARATOR = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+\s*$")


def _table_problems(text: str) -> list[str]:
    """Markdown tables whose second line is not the header's separator (the page would
    print the first rows as raw text), or with a second separator further down."""
    problems, block = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            seps = [i for i, row in enumerate(block) if _SEPARATOR.match(row)]
            if seps != [1]:
                problems.append(f"table starting {block[0][:60]!r}: separator at rows {seps}")
            block = []
    return problems


def _pages_text():
    for path in sorted((ROOT / "book").rglob("*.md")):
        yield path.relative_to(ROOT), path.read_text("utf-8")
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        yield path.relative_to(ROOT), "\n\n".join(c.source for c in cells
                                                  if c.cell_type == "markdown")


def test_every_table_on_every_page_has_its_separator_under_the_header():
    problems = [f"{path}: {p}" for path, text in _pages_text() for p in _table_problems(text)]
    assert not problems, "\n".join(problems)


def test_the_table_check_catches_rows_above_the_separator():
    good = "| a | b |\n|---|--:|\n| 1 | 2 |\n"
    assert _table_problems(good) == []
    assert _table_problems("| a | b |\n| 1 | 2 |\n|---|---|\n| 3 | 4 |\n")
    assert _table_problems("| a | b |\n| 1 | 2 |\n")
