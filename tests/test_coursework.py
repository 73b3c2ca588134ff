"""Coursework (booktools/coursework.py): the lint, student copies and the grader.

Chapter tests run over every chapter that ``_toc.yml`` lists (``booktools.toc``), and
over the fixture chapter of ``tests/fixtures/coursework`` (a miniature of Step 1), so a
new chapter is covered the day it is listed.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from booktools import coursework as cw
from booktools import toc
from fixtures.coursework import coursework_fixtures as fixture
from hypothesis import given
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parent.parent

FIXTURE = fixture.HERE
BOOKS = {"fixture": FIXTURE, "book": ROOT}
CHAPTERS = [(name, root, path) for name, root in BOOKS.items() for path in cw.chapter_list(root)]
IDS = [f"{name}:{path.name}" for name, _, path in CHAPTERS]


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _lines(cells) -> set[str]:
    return {line.strip() for cell in cells for line in cell.source.splitlines() if line.strip()}


# --------------------------------------------------------------------------- fixtures on disk


def test_fixture_chapter_is_what_its_builder_makes():
    assert _read(FIXTURE / fixture.CHAPTER) == fixture.chapter()


# --------------------------------------------------------------------------- the lint


@pytest.mark.parametrize(("name", "root", "path"), CHAPTERS, ids=IDS)
def test_every_chapter_has_well_formed_exercises(name, root, path):
    assert cw.lint(_read(path), path) == []


def _untag(nb, i):
    nb.cells[i].metadata["tags"] = []


def _find(nb, text):
    return next(i for i, c in enumerate(nb.cells) if text in c.source)


BREAKS = {
    "gate not tagged": (lambda nb: _untag(nb, _find(nb, "{solution-end}")),
                        "part of a solution but not tagged 'solution'"),
    "solution code not tagged": (lambda nb: _untag(nb, _find(nb, "days = mm.simulate")),
                                 "part of a solution but not tagged 'solution'"),
    "stray solution tag": (lambda nb: nb.cells[1].metadata.update(tags=["solution"]),
                           "tagged 'solution' but outside any solution"),
    "gate never closed": (lambda nb: nb.cells.pop(len(nb.cells) - 2), "is never closed"),
    "two exercises": (lambda nb: nb.cells.__delitem__(slice(2, 6)),
                      "2 exercises; a chapter needs at least three"),
    "no label": (lambda nb: nb.cells.__setitem__(2, nbformat.v4.new_markdown_cell(
        "````{exercise} Why flat?\nWhy?\n````")), "no :label:"),
    "no answer cell": (lambda nb: _untag(nb, _find(nb, "otc_share = ...")),
                       "0 cells tagged 'answer'"),
    "check cell deleted": (lambda nb: nb.cells.pop(_find(nb, 'check("step01.ticket_fee", pnl')),
                           "answer key 'step01.ticket_fee' is not checked"),
    "unknown key": (lambda nb: nb.cells[_find(nb, 'check("step01.otc_share", otc_share)')]
                    .update(source='check("step01.otc_shares", otc_share)'),
                    "no exercise named 'otc_shares'"),
    "another chapter's key": (lambda nb: nb.cells.insert(3, new_code_cell(
        'check("step02.anything", 1)')), "is not one of step01's"),
    "stub names another variable": (lambda nb: nb.cells[_find(nb, "otc_share = ...")]
                                    .update(source="share = ..."), "does not define 'otc_share'"),
    "solution never checks": (lambda nb: nb.cells[_find(nb, "days = mm.simulate")].update(
        source="otc_share = 0.1"), "the solution code never calls check"),
}


@pytest.mark.parametrize("fault", list(BREAKS))
def test_lint_reports_each_fault(fault):
    nb = fixture.chapter()
    breaker, message = BREAKS[fault]
    breaker(nb)
    problems = cw.lint(nb, fixture.CHAPTER)
    assert any(message in p for p in problems), problems


def test_a_chapter_outside_the_step_map_is_reported():
    problems = cw.lint(fixture.chapter(), "book/99-no-such-step.ipynb")
    assert any("toymarkets/chapters/steps.py" in p for p in problems), problems


def test_a_chapter_without_answer_keys_is_reported(monkeypatch):
    unkeyed = dataclasses.replace(toc.chapter(fixture.CHAPTER), key="step99")
    monkeypatch.setattr(toc, "chapter", lambda notebook: unkeyed)
    problems = cw.lint(fixture.chapter(), fixture.CHAPTER)
    assert any("toymarkets/chapters/answers/step99.py" in p for p in problems), problems


def test_check_calls_and_defined_names_read_code_not_text():
    source = '%matplotlib inline\nx = 1  # check("step01.fake", y)\ncheck("step01.otc_share", x)'
    assert cw.check_calls(source) == [cw.CheckCall("step01.otc_share", "x")]
    assert cw.defined_names("def f(): pass\na, (b, c) = 1, (2, 3)\nimport numpy as np") == {
        "f", "a", "b", "c", "np"}


def test_answers_module_comes_from_the_step_map():
    assert cw.answers_module("book/02-b-book.ipynb") == "step02"
    assert cw.answers_module("/elsewhere/student/03-own-token.ipynb") == "step03"
    with pytest.raises(ValueError, match="no chapter of the step map"):
        cw.answers_module("book/07-run-on-the-bank.ipynb")


# --------------------------------------------------------------------------- student copies


@pytest.fixture(scope="module")
def student_copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    copies = {}
    for name, root, path in CHAPTERS:
        written = cw.write_student_copies([path], out / name, root)
        copies[name, path] = _read(written[0])
    return copies


@pytest.mark.parametrize(("name", "root", "path"), CHAPTERS, ids=IDS)
def test_student_copy_holds_no_solution_text(student_copies, name, root, path):
    nb = _read(path)
    solution = [c for c in nb.cells if "solution" in cw.tags(c)]
    others = [c for c in nb.cells if "solution" not in cw.tags(c)]
    assert solution, "a chapter with exercises has solutions"
    secret = _lines(solution) - _lines(others)  # lines that only a solution holds
    assert secret, "each solution says something of its own"
    assert secret.isdisjoint(_lines(student_copies[name, path].cells))


@pytest.mark.parametrize(("name", "root", "path"), CHAPTERS, ids=IDS)
def test_student_copy_keeps_the_rest_and_says_where_to_work(student_copies, name, root, path):
    nb, copy_ = _read(path), student_copies[name, path]
    kept = [c.source for c in nb.cells if "solution" not in cw.tags(c)]
    remaining = [c.source for c in copy_.cells if cw.STUB not in cw.tags(c)]
    assert remaining == kept
    stubs = [c for c in copy_.cells if cw.STUB in cw.tags(c)]
    assert len(stubs) == len(cw.structure(nb).blocks)
    for stub in stubs:  # each stub sits right after the cells of its exercise
        before = copy_.cells[:copy_.cells.index(stub)]
        label = stub.source.split("exercise ")[1].split(":")[0].split(")")[0]
        assert any(f":label: {label}" in c.source for c in before)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in copy_.cells if c.cell_type == "code")
    assert copy_.metadata["coursework"]["chapter"] == path.relative_to(root).as_posix()
    nbformat.validate(copy_)


def test_student_copy_does_not_change_the_chapter():
    nb = fixture.chapter()
    before = copy.deepcopy(nb)
    cw.student_copy(nb, fixture.CHAPTER)
    assert nb == before


def test_html_variant_keeps_outputs_of_the_cells_that_remain():
    nb = fixture.chapter()
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="kept\n")]
    solution_code = _find(nb, "days = mm.simulate")
    nb.cells[solution_code].outputs = [nbformat.v4.new_output("stream", text="secret\n")]
    copy_ = cw.student_copy(nb, fixture.CHAPTER, keep_outputs=True)
    texts = [o.get("text") for c in copy_.cells for o in c.get("outputs", [])]
    assert texts == ["kept\n"]


def test_solution_leaks_finds_solutions_in_html(tmp_path):
    (tmp_path / "a.html").write_text('<div class="solution dropdown admonition">x</div>')
    (tmp_path / "b.html").write_text('<div class="cell tag_solution docutils">x</div>')
    (tmp_path / "c.html").write_text('<div class="exercise admonition">a solution in prose</div>')
    assert cw.solution_leaks(tmp_path) == [Path("a.html"), Path("b.html")]


# --------------------------------------------------------------------------- grading


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Each book's chapters as committed (student "solutions") and untouched student copies."""
    results = {}
    for name, root in BOOKS.items():
        folder = tmp_path_factory.mktemp(f"submissions-{name}")
        for path in cw.chapter_list(root):
            (folder / "solutions").mkdir(exist_ok=True)
            shutil.copy(path, folder / "solutions" / path.name)
        cw.write_student_copies(cw.chapter_list(root), folder / "untouched", root)
        results[name] = cw.grade(folder, cw.Limits(time_limit=240), jobs=2, root=root)
    return results


def _rows(grades, student, path):
    return [r for r in grades.rows if r.student == student and r.chapter == path.stem]


@pytest.mark.parametrize(("name", "root", "path"), CHAPTERS, ids=IDS)
def test_chapters_as_committed_score_full_marks(graded, name, root, path):
    rows = _rows(graded[name], "solutions", path)
    assert {r.exercise for r in rows} == set(cw.expected_exercises(path))
    assert [(r.score, r.message) for r in rows] == [(r.max_score, "right") for r in rows]
    report = graded[name].reports[f"solutions/{path.name}"]
    assert report["completed"] and report["errors"] == []


@pytest.mark.parametrize(("name", "root", "path"), CHAPTERS, ids=IDS)
def test_untouched_student_copies_score_zero_and_run_to_the_end(graded, name, root, path):
    rows = _rows(graded[name], "untouched", path)
    assert {r.exercise for r in rows} == set(cw.expected_exercises(path))
    assert all(r.score == 0 and r.max_score > 0 for r in rows)
    assert all(r.message in ("not attempted", "wrong") for r in rows)
    report = graded[name].reports[f"untouched/{path.name}"]
    assert report["completed"] and report["errors"] == []


def _with_solution_prefix(source: str):
    """The fixture chapter, with ``source`` run first thing in the ticket-fee solution."""
    nb = fixture.chapter()
    i = _find(nb, "def pnl_with_ticket_fee")
    nb.cells[i].source = source + "\n" + nb.cells[i].source
    return nb


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A class whose every submission fails in its own way, graded through the command line."""
    base = tmp_path_factory.mktemp("broken")
    instructor, folder = base / "instructor", base / "submissions"
    instructor.mkdir()
    keep = instructor / "gradebook.csv"
    keep.write_text("student,grade\n")
    attacks = "\n".join([
        "import os, shutil",
        "os.remove('01-market-maker.ipynb')  # its own copy: allowed",
        f"for attempt in (lambda: shutil.rmtree({str(folder)!r}),",
        f"                lambda: os.system('rm -rf {instructor}'),",
        f"                lambda: open({str(keep)!r}, 'w')):",
        "    try:",
        "        attempt()",
        "    except PermissionError:",
        "        pass",
        f"os.remove({str(keep)!r})",
    ])
    cases = {
        "raiser/01-market-maker.ipynb": _with_solution_prefix("1 / 0"),
        "deleter/01-market-maker.ipynb": _with_solution_prefix(attacks),
        "flooder/01-market-maker.ipynb": _with_solution_prefix(
            "while True:\n    print('x' * 1000)"),
        "importer/01-market-maker.ipynb": _with_solution_prefix("import no_such_module_here"),
        "gigabytes/01-market-maker.ipynb": _with_solution_prefix("print('x' * 10**10)"),
        "quitter/01-market-maker.ipynb": _with_solution_prefix("import os\nos._exit(3)"),
        "good_01-market-maker.ipynb": fixture.chapter(),
    }
    for name, nb in cases.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / name)
    (folder / "malformed").mkdir()
    (folder / "malformed" / "01-market-maker.ipynb").write_text('{"cells": [')
    before = {p: p.read_bytes() for p in base.rglob("*") if p.is_file()}
    out = base / "grades" / "grades.csv"
    code = cw.main(["--root", str(FIXTURE), "grade", str(folder), "--out", str(out),
                    "--time-limit", "120", "--max-output-mb", "1", "--jobs", "2"])
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(out.with_name("grades-summary.csv"), newline="", encoding="utf-8") as fh:
        summary = {r["student"]: r for r in csv.DictReader(fh)}
    return {"code": code, "rows": rows, "summary": summary, "before": before, "keep": keep}


def _verdicts(broken, student):
    return {r["exercise"]: (int(r["score"]), r["message"]) for r in broken["rows"]
            if r["student"] == student}


@pytest.mark.parametrize(("student", "message"), [
    ("raiser", "ZeroDivisionError"),
    ("deleter", "PermissionError: grading: a submission may not change files outside"),
    ("flooder", "printed more than 1 MB and was stopped"),
    ("importer", "ModuleNotFoundError: No module named 'no_such_module_here'"),
    ("gigabytes", "(print('x' * 10**10)) raised MemoryError"),
    ("quitter", "the kernel died"),
])
def test_a_failing_part_scores_zero_with_a_clear_message(broken, student, message):
    verdicts = _verdicts(broken, student)
    assert verdicts["step01.otc_share"] == (1, "right")  # the part before it still counts
    score, why = verdicts["step01.ticket_fee"]
    assert score == 0 and message in why, why


def test_malformed_notebook_scores_zero_with_a_message(broken):
    verdicts = _verdicts(broken, "malformed")
    assert set(verdicts) == {"step01.otc_share", "step01.ticket_fee"}
    assert all(s == 0 and m.startswith("not a readable notebook") for s, m in verdicts.values())


def test_grader_keeps_going_and_changes_nothing_it_was_given(broken):
    assert broken["code"] == 0
    assert _verdicts(broken, "good") == {"step01.otc_share": (1, "right"),
                                         "step01.ticket_fee": (1, "right")}
    for path, content in broken["before"].items():
        assert path.is_file() and path.read_bytes() == content, path
    assert broken["keep"].read_text() == "student,grade\n"


def test_summary_totals_each_student(broken):
    summary = broken["summary"]
    assert {k: (int(v["score"]), int(v["max_score"])) for k, v in summary.items()} == {
        "raiser": (1, 2), "deleter": (1, 2), "flooder": (1, 2), "importer": (1, 2),
        "gigabytes": (1, 2), "quitter": (1, 2), "good": (2, 2), "malformed": (0, 2)}
    assert list(broken["rows"][0]) == list(cw.Row.FIELDS)


# --------------------------------------------------------------------------- forgery


_FORGE_VERDICTS = """
import json, os
with open(os.environ["TOYMARKETS_GRADE_LOG"], "a") as fh:
    for key in ("step01.otc_share", "step01.ticket_fee"):
        fh.write(json.dumps({"key": key, "status": "right", "points": 1, "max_points": 1}))
        fh.write("\\n")
"""

_FORGE_VALUE = """
import json, os
with open(os.environ["TOYMARKETS_GRADE_LOG"], "a") as fh:
    fh.write(json.dumps({"key": "step01.otc_share", "submission": {"value": %r}}) + "\\n")
    fh.write(json.dumps({"key": "step01.ticket_fee", "submission": {"outputs": [[0.0]]}}))
"""

_PEEK = """
import inspect
class Peeker:
    def __float__(self):
        for frame in inspect.stack():
            for name in ("want", "expected", "right"):
                value = frame.frame.f_locals.get(name)
                if isinstance(value, float):
                    return value
        return -1.0
check("step01.otc_share", Peeker())
"""

_LOOSEN = """
from toymarkets.chapters.checks import answer_key
object.__setattr__(answer_key("step01.otc_share"), "atol", 1e9)
object.__setattr__(answer_key("step01.otc_share"), "rtol", 0.99)
print(check("step01.otc_share", 0.0))
"""

_REWRITE = """
import dataclasses
from toymarkets.chapters.answers import step01
step01.ANSWERS["otc_share"] = dataclasses.replace(step01.ANSWERS["otc_share"], decimals=None,
                                                  atol=1e9, rtol=0.99)
print(check("step01.otc_share", 0.0))
"""

_REPLACE_CHECK = """
def check(key, value):
    print(f"✅ {key}: right. Well done.")
check("step01.otc_share", 0.0)
check("step01.ticket_fee", None)
"""


@pytest.fixture(scope="module")
def forged(tmp_path_factory):
    """Student copies that solve nothing but try to be graded right anyway."""
    from toymarkets.chapters.checks import answer_key

    right = answer_key("step01.otc_share").expected()
    folder = tmp_path_factory.mktemp("forged")
    base = cw.student_copy(fixture.chapter(), fixture.CHAPTER)
    for student, source in (("verdicts", _FORGE_VERDICTS), ("values", _FORGE_VALUE % right),
                            ("wrong_value", _FORGE_VALUE % 0.0), ("peeker", _PEEK),
                            ("loosener", _LOOSEN), ("rewriter", _REWRITE),
                            ("replacer", _REPLACE_CHECK)):
        nb = copy.deepcopy(base)
        nb.cells.append(new_code_cell(source))
        (folder / student).mkdir()
        nbformat.write(nb, folder / student / "01-market-maker.ipynb")
    return cw.grade(folder, cw.Limits(time_limit=120), jobs=2, root=FIXTURE)


def _scores(grades, student):
    return {r.exercise: r.score for r in grades.rows if r.student == student}


def test_a_forged_verdict_in_the_log_scores_nothing(forged):
    assert _scores(forged, "verdicts") == {"step01.otc_share": 0, "step01.ticket_fee": 0}


def test_a_forged_value_earns_only_what_that_value_earns(forged):
    assert _scores(forged, "values") == {"step01.otc_share": 1, "step01.ticket_fee": 0}
    assert _scores(forged, "wrong_value") == {"step01.otc_share": 0, "step01.ticket_fee": 0}


def test_objects_that_peek_and_kernels_that_loosen_tolerances_score_nothing(forged):
    assert _scores(forged, "peeker") == {"step01.otc_share": 0, "step01.ticket_fee": 0}
    assert _scores(forged, "loosener") == {"step01.otc_share": 0, "step01.ticket_fee": 0}
    report = forged.reports["loosener/01-market-maker.ipynb"]
    assert report["completed"] and report["errors"] == []


def test_rewriting_the_answer_keys_or_replacing_check_in_the_kernel_scores_nothing(forged):
    # the kernel's own self-check believes the rewritten key; the grader does not
    assert _scores(forged, "rewriter") == {"step01.otc_share": 0, "step01.ticket_fee": 0}
    assert _scores(forged, "replacer") == {"step01.otc_share": 0, "step01.ticket_fee": 0}
    for student in ("rewriter", "replacer"):
        report = forged.reports[f"{student}/01-market-maker.ipynb"]
        assert report["completed"] and report["errors"] == []


def test_an_endless_loop_is_stopped_at_the_time_limit(tmp_path):
    nb = fixture.chapter()
    nb.cells.insert(2, new_code_cell("while True:\n    pass"))
    nbformat.write(nb, tmp_path / "loop_01-market-maker.ipynb")
    grades = cw.grade(tmp_path, cw.Limits(time_limit=4), root=FIXTURE)
    assert [r.score for r in grades.rows] == [0, 0]
    assert all("time limit of 4 s reached" in r.message for r in grades.rows), grades.rows
    assert not grades.reports["loop_01-market-maker.ipynb"]["completed"]


def test_last_verdict_counts_and_trouble_is_told_where_it_happened(tmp_path):
    nb = fixture.chapter()
    nb.cells = [c for c in nb.cells if "step01.ticket_fee" not in c.source]  # checks deleted
    nb.cells.insert(_find(nb, ":label: ex-fx-ticket") + 1, new_code_cell("1 / 0"))
    nb.cells.append(new_code_cell('check("step01.otc_share", 0.5)'))  # a wrong answer, last
    nbformat.write(nb, tmp_path / "ann_01-market-maker.ipynb")
    grades = cw.grade(tmp_path, cw.Limits(time_limit=120), root=FIXTURE)
    cell = _find(nb, "1 / 0") + 1
    assert [(r.exercise, r.score, r.message) for r in grades.rows] == [
        ("step01.otc_share", 0, "wrong"),
        ("step01.ticket_fee", 0,
         f"no check ran: cell {cell} (1 / 0) raised ZeroDivisionError: division by zero")]


# --------------------------------------------------------------------------- naming


NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                min_size=1, max_size=20)
BOOK = [p.as_posix() for p in cw.notebooks(ROOT)]


@given(student=NAMES, chapter=st.sampled_from(BOOK), sep=st.sampled_from(["_", "-", " ", "__"]))
def test_student_and_chapter_come_from_the_file_name(student, chapter, sep):
    folder = Path("/nonexistent/submissions")
    stem = Path(chapter).stem
    flat = cw._identify(folder / f"{student}{sep}{stem}.ipynb", folder, BOOK)
    assert (flat.student, flat.chapter) == (student, chapter)
    nested = cw._identify(folder / student / f"{stem}.ipynb", folder, BOOK)
    assert (nested.student, nested.chapter) == (student, chapter)
    unknown = cw._identify(folder / student / "homework.ipynb", folder, BOOK)
    assert unknown.chapter is None and unknown.problem


def test_chapter_comes_from_metadata_first(tmp_path):
    nb = cw.student_copy(fixture.chapter(), BOOK[0])
    nbformat.write(nb, tmp_path / "whatever.ipynb")
    found = cw._identify(tmp_path / "whatever.ipynb", tmp_path, BOOK)
    assert (found.student, found.chapter, found.problem) == ("whatever", BOOK[0], None)


@pytest.mark.parametrize(("name", "value"), [("time_limit", 0), ("max_output_mb", 0),
                                             ("memory_mb", 10), ("max_file_mb", 0),
                                             ("startup_timeout", 1)])
def test_limits_reject_values_out_of_range(name, value):
    with pytest.raises(ValueError, match=name):
        cw.Limits(**{name: value})


def test_run_report_is_json(tmp_path):
    """A grading run that cannot even read its notebook still reports, it does not crash."""
    (tmp_path / "bad.ipynb").write_text("not json")
    result = tmp_path / "run.json"
    cw.run_one(tmp_path / "bad.ipynb", tmp_path, tmp_path / "guard.py", cw.Limits(), result)
    report = json.loads(result.read_text())
    assert not report["completed"] and report["stopped"].startswith("could not run")


# --------------------------------------------------------------------------- the instructors' page

INSTRUCTORS = ROOT / "book" / "instructors.md"


def _blocks(text: str, fence: str) -> list[str]:
    """The bodies of the page's code blocks fenced as ```fence."""
    return [b.split("\n```", 1)[0] for b in text.split(f"```{fence}\n")[1:]]


def test_the_hints_the_instructors_page_quotes_are_the_answer_keys_own():
    from toymarkets.chapters.checks import answer_key

    quoted = re.findall(r"❌ (step\d\d\.\w+): not yet right\. Hint: (.+)$",
                        INSTRUCTORS.read_text("utf-8"), re.M)
    assert quoted, "the page quotes no hint"
    for key, hint in quoted:
        assert hint == answer_key(key).hint, key


def test_the_worked_example_prints_what_the_instructors_page_shows(tmp_path, monkeypatch):
    from fixtures.coursework import example

    example.write(tmp_path / "submissions")
    monkeypatch.chdir(tmp_path)
    assert cw.main(["grade", "submissions"]) in (0, None)
    page = INSTRUCTORS.read_text("utf-8")
    shown = [b for b in _blocks(page, "text") if b.startswith("student,")]
    assert shown == [(tmp_path / "grades.csv").read_text("utf-8").rstrip("\n"),
                     (tmp_path / "grades-summary.csv").read_text("utf-8").rstrip("\n")]
