"""Sums in the prose add up as printed (``booktools.prose_sums``): the book's chapters, and
small synthetic notebooks that show the check fails when a sum does not add up."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest
from booktools import prose_sums, toc

from toymarkets.chapters.notebook import glue_record


def _notebook(markdown: str, **values) -> nbformat.NotebookNode:
    """A notebook with one code cell that glues ``values`` (the book's own glue records)."""
    outputs = []
    for name, value in values.items():
        data, metadata = glue_record(name, value)
        outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata))
    code = nbformat.v4.new_code_cell("# glue", outputs=outputs)
    return nbformat.v4.new_notebook(cells=[code, nbformat.v4.new_markdown_cell(markdown)])


def _check(tmp_path: Path, markdown: str, **values) -> prose_sums.Report:
    path = tmp_path / "chapter.ipynb"
    nbformat.write(_notebook(markdown, **values), path)
    return prose_sums.check_notebook(path)


def G(name: str, spec: str = ",.0f") -> str:
    return f"{{glue:text}}`{name}:{spec}`"


# ------------------------------------------------------------------ the book's chapters


def test_every_sum_the_chapters_state_adds_up_as_printed():
    report = prose_sums.check_book()
    assert report.problems == []
    # the chapters do state sums, so this test can fail: at least one in each of Part I's
    # chapters, all found in _toc.yml order
    where = {eq.where.split(" (cell")[0] for eq in report.equations}
    for notebook in toc.notebooks()[:3]:
        assert str(toc.ROOT / notebook) in where


# ------------------------------------------------------------------ synthetic notebooks


def test_a_sum_that_adds_up_as_printed_passes(tmp_path):
    report = _check(tmp_path, f"So {G('a')} + {G('b')} − {G('c')} = {G('t')} USD.",
                    a=221.2, b=59.3, c=32.4, t=248.1)
    assert report.problems == []
    (eq,) = report.equations
    assert eq.rendered() == "221 + 59 − 32 = 248"


def test_a_sum_that_does_not_add_up_as_printed_fails(tmp_path):
    """The numbers of Chapter 1's erratum: exact values add up, the printed ones do not."""
    values = {"a": 221.371624987, "b": 58.9129462674, "c": 31.6444980644, "t": 248.64007319}
    assert values["a"] + values["b"] - values["c"] == pytest.approx(values["t"])
    report = _check(tmp_path, f"{G('a')} + {G('b')} − {G('c')} = {G('t')}", **values)
    (problem,) = report.problems
    assert "does not add up as printed: 221 + 59 − 32 = 249" in problem
    # two decimals are enough for this one
    fixed = " ".join(f"{G(k, ',.2f')}" for k in "abct").split()
    markdown = f"{fixed[0]} + {fixed[1]} − {fixed[2]} = {fixed[3]}"
    assert _check(tmp_path, markdown, **values).problems == []


def test_a_sum_left_out_of_a_sentence_fails(tmp_path):
    """Chapter 1's original sentence: a term was missing, and words hid the sum."""
    markdown = (f"it makes {G('t')} USD on average, about the same plus the {G('b')} "
                "USD it saves on hedging")
    report = _check(tmp_path, markdown, t=248.6, b=58.9)
    (problem,) = report.problems
    assert "reads as a sum" in problem


@pytest.mark.parametrize("markdown, ok", [
    (f"{G('a')} plus {G('b')} makes {G('t')}", True),
    (f"{G('a')} USD plus {G('b')} USD is {G('t')} USD", True),
    (f"{G('t')} = {G('a')} + {G('b')}", True),                  # the result first
    (f"{G('a')} minus {G('b')} equals {G('d')}", True),
    (f"{G('a')} − {G('b')} = {G('d')} = {G('d2')}", True),       # three sides
    (f"{G('a')} − {G('b')} = {G('t')}", False),
    (f"{G('a')} million USD + {G('b')} million USD = {G('t')} million USD", True),
    (f"{G('a')} + {G('b')}\n= {G('t')}", True),                 # a line break is a space
])
def test_the_convention_reads_words_symbols_units_and_sides(tmp_path, markdown, ok):
    report = _check(tmp_path, markdown, a=3.0, b=2.0, t=5.0, d=1.0, d2=1.0)
    assert len(report.equations) == 1
    assert (report.problems == []) == ok


def test_a_negative_glued_number_keeps_its_sign(tmp_path):
    report = _check(tmp_path, f"{G('a', '.2f')} + {G('n', '.2f')} = {G('t', '.2f')}",
                    a=3.0, n=-1.25, t=1.75)
    assert report.problems == []
    assert report.equations[0].totals() == [Decimal("1.75"), Decimal("1.75")]


def test_precision_mixed_within_one_sum_is_added_exactly(tmp_path):
    ok = _check(tmp_path, f"{G('a', '.4f')} − {G('b', '.3f')} = {G('t', '.4f')}",
                a=0.0302, b=0.034, t=-0.0038)
    assert ok.problems == []
    bad = _check(tmp_path, f"{G('a', '.4f')} − {G('b', '.3f')} = {G('t', '.4f')}",
                 a=0.0302, b=0.0337, t=-0.0035)         # 0.0302 - 0.034 is not -0.0035
    assert len(bad.problems) == 1


def test_percentages_add_as_percentages_and_do_not_mix(tmp_path):
    ok = _check(tmp_path, f"{G('a', '.0%')} + {G('b', '.0%')} = {G('t', '.0%')}",
                a=0.25, b=0.5, t=0.75)
    assert ok.problems == [] and ok.equations[0].rendered() == "25% + 50% = 75%"
    mixed = _check(tmp_path, f"{G('a', '.0%')} + {G('b', '.2f')} = {G('t', '.0%')}",
                   a=0.25, b=0.5, t=0.75)
    assert "mixes percentages" in mixed.problems[0]


def test_a_missing_or_non_numeric_glue_is_a_problem(tmp_path):
    missing = _check(tmp_path, f"{G('a')} + {G('zz')} = {G('t')}", a=1.0, t=1.0)
    assert "no glued value named zz" in missing.problems[0]
    words = _check(tmp_path, f"{{glue:text}}`w` + {G('a')} = {G('t')}", w="many", a=1.0, t=1.0)
    assert "not a number" in words.problems[0]


@pytest.mark.parametrize("markdown", [
    f"from {G('a')}–{G('b')} USD",                       # a range, not a subtraction
    f"{G('a')} + {G('b')}",                             # an expression, not a claim
    f"{G('a')} USD. Plus, {G('b')} USD",                # two sentences
    f"{G('a')} of the B-book and {G('b')} of the A-book",
    f"{G('a')}\n\nplus\n\n{G('b')}",                    # paragraphs apart
])
def test_prose_that_is_not_a_sum_is_left_alone(tmp_path, markdown):
    report = _check(tmp_path, markdown, a=3.0, b=2.0, t=9.0)
    assert report.problems == []
    assert report.equations == []


def test_the_command_fails_on_a_book_whose_sum_does_not_add_up(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nparts:\n"
                                       "  - chapters:\n      - file: book/01-x\n")
    (tmp_path / "book" / "intro.md").write_text("# Intro\n")
    nbformat.write(_notebook(f"{G('a')} + {G('b')} = {G('t')}", a=1.4, b=1.4, t=2.8),
                   tmp_path / "book" / "01-x.ipynb")
    command = [sys.executable, "-m", "booktools.prose_sums", "--root", str(tmp_path)]
    failed = subprocess.run(command, capture_output=True, text=True)
    assert failed.returncode == 1
    assert "1 + 1 = 3" in failed.stdout + failed.stderr
    nbformat.write(_notebook(f"{G('a', '.1f')} + {G('b', '.1f')} = {G('t', '.1f')}",
                             a=1.4, b=1.4, t=2.8), tmp_path / "book" / "01-x.ipynb")
    passed = subprocess.run(command, capture_output=True, text=True)
    assert passed.returncode == 0, passed.stderr


def test_an_equals_sign_inside_maths_is_not_a_sum():
    text = ("each firm loses {glue:text}`cost:.0%` of what it has "
            "($\\alpha = \\beta =$ {glue:text}`alpha:.1f`), and so on.")
    assert prose_sums.near_misses(text) == []
    assert prose_sums.near_misses("holes of {glue:text}`a` million, plus {glue:text}`b` lost") != []
