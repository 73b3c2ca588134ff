"""Coursework from the book's chapters: student copies, a student edition, a lint and a grader.

    python -m booktools.coursework student [NOTEBOOK ...] [--out student]
    python -m booktools.coursework student-book [--out _build/student/html]
    python -m booktools.coursework lint [NOTEBOOK ...]
    python -m booktools.coursework grade SUBMISSIONS [--out grades.csv] [--time-limit 300]

Every command works over the chapters that ``_toc.yml`` lists (``booktools.toc``),
so a chapter is covered the day it is listed. The exercise conventions are in
CONTRIBUTING.md ("Exercises"): the student edits a cell tagged ``answer``; a
``check("stepNN.name", value)`` cell gives a verdict; every cell of the folded
solution, its two gate cells included, is tagged ``solution``.

Student copies drop the ``solution`` cells (nbconvert's TagRemovePreprocessor),
put one stub cell where each solution was (:class:`SolutionStubPreprocessor`),
record the chapter in ``metadata.coursework`` and clear every output
(ClearOutputPreprocessor): a student runs the notebook and sees only what their
own run prints. The student edition of the HTML keeps the committed outputs of
the cells that remain, since nothing in them belongs to a solution.

The grader runs each submission in a fresh kernel, in a temporary copy of its
folder, with ``TOYMARKETS_GRADE_LOG`` set: each ``check`` logs the student's answer
as plain data (``toymarkets.chapters.checks.submission``), never a verdict. The
grader takes the last answer per key and judges it in its own process
(``toymarkets.chapters.checks.judge``), so nothing the kernel writes or changes can
make a wrong answer right. Its limits are a safety net against accidents (loops,
floods, deletions, crashes), not a sandbox against a determined attack on the
machine: see ``book/instructors.md``.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import csv
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbconvert.preprocessors import (
    ClearOutputPreprocessor,
    Preprocessor,
    TagRemovePreprocessor,
)

from booktools import toc
from booktools.toc import ROOT, notebooks
from toymarkets.chapters.checks import GRADE_LOG_ENV, RIGHT, WRONG, answer_key, judge

SOLUTION, ANSWER, STUB = "solution", "answer", "student-stub"

# --------------------------------------------------------------------------- chapters


def chapter_list(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks of the book at ``root``, as absolute paths, in book order."""
    return [root / p for p in notebooks(root)]


def answers_module(chapter: Path | str) -> str:
    """The answer-key module of a chapter: ``book/01-market-maker.ipynb`` -> ``step01``."""
    return toc.chapter(chapter).key


def expected_exercises(chapter: Path | str) -> dict[str, int]:
    """The chapter's graded exercises, ``{"stepNN.name": points}``, from its answer keys."""
    module = answers_module(chapter)
    try:
        answers = importlib.import_module(f"toymarkets.chapters.answers.{module}").ANSWERS
    except ModuleNotFoundError:
        return {}
    return {f"{module}.{name}": spec.points for name, spec in answers.items()}


# --------------------------------------------------------------------------- cells

_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\{(?P<name>[\w-]+)\}[ \t]*(?P<arg>[^\n]*)$", re.M)
_LABEL = re.compile(r"^\s*:label:\s*(\S+)", re.M)


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def directives(cell) -> list[tuple[str, str, str | None]]:
    """The MyST directives a Markdown cell opens: ``(name, argument, :label: or None)``."""
    if cell.cell_type != "markdown":
        return []
    found = []
    for match in _DIRECTIVE.finditer(cell.source):
        rest = cell.source[match.end():]
        options = re.match(r"(?:\n[ \t]*:[\w-]+:[^\n]*)*", rest).group(0)
        label = _LABEL.search(options)
        found.append((match["name"], match["arg"].strip(), label.group(1) if label else None))
    return found


def _parse(source: str) -> ast.Module | None:
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return None


@dataclass(frozen=True)
class CheckCall:
    key: str
    argument: str  # the source of the value checked, e.g. "otc_share"


def check_calls(source: str) -> list[CheckCall]:
    """Every ``check("key", value)`` call in a code cell, in order."""
    tree = _parse(source)
    calls = []
    for node in ast.walk(tree) if tree else []:
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        first = node.args[0]
        if name == "check" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            calls.append(CheckCall(first.value, ast.unparse(node.args[1])))
    return calls


def defined_names(source: str) -> set[str]:
    """The names a code cell binds at top level (assignments, functions, classes, imports)."""
    tree = _parse(source)
    names: set[str] = set()
    for node in tree.body if tree else []:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


@dataclass(frozen=True)
class Exercise:
    label: str | None
    cell: int  # index of the {exercise} cell


@dataclass(frozen=True)
class SolutionBlock:
    label: str
    start: int  # first cell ({solution-start} or the single {solution} cell)
    end: int    # last cell, inclusive ({solution-end})


@dataclass
class Structure:
    """Exercises and solutions of a chapter, and what is malformed about them."""

    exercises: list[Exercise] = field(default_factory=list)
    blocks: list[SolutionBlock] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def structure(nb) -> Structure:
    """Find the exercises and the solution blocks; report gates that are not well formed."""
    found = Structure()
    open_start: tuple[str, int] | None = None
    for i, cell in enumerate(nb.cells):
        inside = open_start is not None
        for name, arg, label in directives(cell):
            if name in ("exercise", "exercise-start"):
                found.exercises.append(Exercise(label, i))
            elif name == "solution-start":
                if open_start:
                    found.problems.append(f"cell {i + 1}: a solution starts inside another")
                open_start, inside = (arg, i), True
            elif name == "solution-end":
                if not open_start:
                    found.problems.append(f"cell {i + 1}: a solution ends that never started")
                else:
                    found.blocks.append(SolutionBlock(open_start[0], open_start[1], i))
                    open_start, inside = None, True
            elif name == "solution":
                found.blocks.append(SolutionBlock(arg, i, i))
                inside = True
        if inside and SOLUTION not in tags(cell):
            found.problems.append(f"cell {i + 1}: part of a solution but not tagged '{SOLUTION}'")
        if not inside and SOLUTION in tags(cell):
            found.problems.append(f"cell {i + 1}: tagged '{SOLUTION}' but outside any solution")
    if open_start:
        found.problems.append(f"cell {open_start[1] + 1}: {{solution-start}} is never closed")
    return found


# --------------------------------------------------------------------------- lint


def lint(nb, chapter: Path | str) -> list[str]:
    """What is wrong with a chapter's exercises (an empty list when nothing is).

    Cells are counted from 1 at the top, Markdown included, as in the grader's messages.
    """
    try:
        module = answers_module(chapter)
    except ValueError as exc:
        return [f"{exc}: list the chapter in toymarkets/chapters/steps.py"]
    found = structure(nb)
    problems = list(found.problems)
    if len(found.exercises) < 3:
        problems.append(f"{len(found.exercises)} exercises; a chapter needs at least three")
    labels = [e.label for e in found.exercises]
    for block in found.blocks:
        if block.label not in labels:
            problems.append(f"cell {block.start + 1}: a solution to no exercise, "
                            f"{block.label!r}")
    used: set[str] = set()
    for k, exercise in enumerate(found.exercises):
        where = f"exercise {exercise.label or '(no label)'} (cell {exercise.cell + 1})"
        if exercise.label is None:
            problems.append(f"{where}: no :label:")
            continue
        blocks = [b for b in found.blocks if b.label == exercise.label]
        if len(blocks) != 1:
            problems.append(f"{where}: {len(blocks)} solutions; it needs exactly one")
            continue
        block = blocks[0]
        if block.start < exercise.cell:
            problems.append(f"{where}: its solution comes before it")
            continue
        following = found.exercises[k + 1].cell if k + 1 < len(found.exercises) else len(nb.cells)
        if block.start > following:
            problems.append(f"{where}: its solution comes after the next exercise")
            continue
        section = [(i, nb.cells[i]) for i in range(exercise.cell + 1, block.start)
                   if nb.cells[i].cell_type == "code"]
        solution_code = [nb.cells[i] for i in range(block.start, block.end + 1)
                         if nb.cells[i].cell_type == "code"]
        solution_keys = {c.key for cell in solution_code for c in check_calls(cell.source)}
        answers = [(i, cell) for i, cell in section if ANSWER in tags(cell)]
        checks = [(i, call) for i, cell in section if ANSWER not in tags(cell)
                  for call in check_calls(cell.source)]
        used |= {c.key for _, c in checks}
        if not solution_code:
            if answers or checks:
                problems.append(f"{where}: a check or an answer cell, but a solution with no code")
            continue
        if len(answers) != 1:
            problems.append(f"{where}: {len(answers)} cells tagged '{ANSWER}'; it needs one")
        if not checks:
            problems.append(f"{where}: no check(...) cell between the exercise and its solution")
        if not solution_keys:
            problems.append(f"{where}: the solution code never calls check(...)")
        for i, call in checks:
            if call.key not in solution_keys:
                problems.append(f"{where}: the solution does not check {call.key!r}")
            if answers and i < answers[0][0]:
                problems.append(f"cell {i + 1}: check({call.key!r}) comes before the answer cell")
            if answers and call.argument.isidentifier() and call.argument not in defined_names(
                    answers[0][1].source):
                problems.append(f"cell {answers[0][0] + 1}: the answer cell does not define "
                                f"{call.argument!r}, which the check uses")
        for i, cell in answers:
            if check_calls(cell.source):
                problems.append(f"cell {i + 1}: the answer cell must not call check(...) itself")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and _parse(cell.source) is None:
            problems.append(f"cell {i + 1}: not valid Python")
        for call in check_calls(cell.source) if cell.cell_type == "code" else []:
            if not call.key.startswith(f"{module}."):
                problems.append(f"cell {i + 1}: check key {call.key!r} is not one of {module}'s")
                continue
            try:
                answer_key(call.key)
            except ValueError as exc:
                problems.append(f"cell {i + 1}: {exc}")
    expected = expected_exercises(chapter)
    if not expected:
        problems.append(f"no answer keys: toymarkets/chapters/answers/{module}.py "
                        "with ANSWERS is missing")
    for key in sorted(set(expected) - used):
        problems.append(f"answer key {key!r} is not checked in any exercise of the chapter")
    return problems


# --------------------------------------------------------------------------- student copies


def _stub_cell(nb, code: list, label: str):
    """The cell a student writes in, where the solution of exercise ``label`` was."""
    calls = [c for cell in code for c in check_calls(cell.source)]
    if calls:
        name = calls[0].argument
        source = (f"# Your working for exercise {label}: write `{name}` here (add cells if you "
                  f"like).\n# Keep this check last: grading runs the notebook from the top and "
                  f"judges the last answer checked.\n"
                  f"check({json.dumps(calls[0].key)}, {name})")
        cell = nbformat.v4.new_code_cell(source)
    elif code:
        cell = nbformat.v4.new_code_cell(f"# Your working here (exercise {label}).")
    else:
        cell = nbformat.v4.new_markdown_cell(f"**Your answer** (exercise {label}): ...")
    cell.metadata["tags"] = [STUB]
    if nb.nbformat_minor < 5:
        cell.pop("id", None)
    return cell


class SolutionStubPreprocessor(Preprocessor):
    """Put a stub cell after each solution and record the chapter in ``metadata.coursework``.

    nbconvert has no preprocessor that inserts cells; the solution cells themselves are
    left for TagRemovePreprocessor to remove.
    """

    def preprocess(self, nb, resources):
        chapter = resources["chapter"]
        blocks = {b.end: b for b in structure(nb).blocks}
        cells = []
        for i, cell in enumerate(nb.cells):
            cells.append(cell)
            if i in blocks:
                b = blocks[i]
                code = [c for c in nb.cells[b.start:b.end + 1] if c.cell_type == "code"]
                cells.append(_stub_cell(nb, code, b.label))
        nb.cells = cells
        nb.metadata["coursework"] = {"chapter": chapter, "answers": answers_module(chapter),
                                     "edition": "student"}
        return nb, resources


def student_copy(nb, chapter: str, keep_outputs: bool = False):
    """A chapter without its solutions: a stub where each was, outputs cleared unless kept."""
    steps = [SolutionStubPreprocessor(enabled=True),
             TagRemovePreprocessor(remove_cell_tags={SOLUTION}, enabled=True)]
    if not keep_outputs:
        steps.append(ClearOutputPreprocessor(enabled=True))
    resources = {"chapter": chapter}
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # never change the caller's notebook
    for step in steps:
        nb, resources = step(nb, resources)
    return nb


def _select(chosen: Iterable[str], root: Path) -> list[Path]:
    """The chapters named (or all of them), each checked to be a chapter of the book."""
    book = chapter_list(root)
    if not chosen:
        return book
    picked = []
    for name in chosen:
        path = next((p for p in ((Path.cwd() / name).resolve(), (root / name).resolve())
                     if p in book), None)
        if path is None:
            raise SystemExit(f"{name} is not a chapter listed in _toc.yml: "
                             + ", ".join(str(p.relative_to(root)) for p in book))
        picked.append(path)
    return picked


def write_student_copies(chapters: Iterable[Path], out: Path, root: Path = ROOT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in chapters:
        chapter = path.relative_to(root).as_posix()
        copy = student_copy(nbformat.read(path, as_version=4), chapter)
        target = out / path.name
        nbformat.write(copy, target)
        written.append(target)
    return written


# --------------------------------------------------------------------------- student edition

_NOT_COPIED = {".git", ".venv", ".lockenv", "_build", "student", "node_modules", ".pytest_cache",
               ".hypothesis", "__pycache__", ".ipynb_checkpoints"}


def solution_leaks(html: Path) -> list[Path]:
    """Pages of a built book that still hold a solution (sphinx-exercise's or a tagged cell)."""
    pattern = re.compile(r'class="[^"]*\b(?:tag_)?solution\b')
    return sorted(p.relative_to(html) for p in html.rglob("*.html")
                  if pattern.search(p.read_text(encoding="utf-8", errors="replace")))


def build_student_book(out: Path, root: Path = ROOT) -> None:
    """Build the HTML without solutions into ``out`` (strictly: -W -n --keep-going)."""
    import yaml

    with tempfile.TemporaryDirectory(prefix="student-book-") as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(root, book, ignore=lambda d, names: [n for n in names if n in _NOT_COPIED],
                        symlinks=True)
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
        config["title"] = f"{config.get('title', 'Book')} (student edition)"
        # A launch button would open the full chapter, solutions included.
        config.pop("launch_buttons", None)
        (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False),
                                          encoding="utf-8")
        for path in chapter_list(root):
            chapter = path.relative_to(root).as_posix()
            copy = student_copy(nbformat.read(path, as_version=4), chapter, keep_outputs=True)
            nbformat.write(copy, book / chapter)
        command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(book),
                   "-W", "-n", "--keep-going"]
        done = subprocess.run(command, cwd=book, capture_output=True, text=True)
        if done.returncode:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"the student edition did not build cleanly ({done.returncode})")
        html = book / "_build" / "html"
        leaks = solution_leaks(html)
        if leaks:
            raise SystemExit(f"solutions left in the student edition: {leaks}")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(html, out)


# --------------------------------------------------------------------------- grading

# Installed in each grading kernel before the submission runs (IPKernelApp.exec_lines).
# Audit hooks cannot be removed from Python code; they stop mistakes and casual mischief,
# not a determined attacker (ctypes can get round them).
_GUARD = r'''
import os as _os, sys as _sys
_ROOT = _os.path.realpath({root!r})
_WRITES = _os.O_WRONLY | _os.O_RDWR | _os.O_APPEND | _os.O_CREAT | _os.O_TRUNC
_PATHS = {{"os.remove", "os.rmdir", "os.rename", "os.truncate", "os.chmod", "os.chown",
           "os.link", "os.symlink", "os.mkdir", "os.utime", "os.setxattr", "os.removexattr",
           "shutil.rmtree", "shutil.chown"}}
_PROCESSES = {{"os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn",
               "os.fork", "os.forkpty", "pty.spawn"}}

def _inside(path):
    try:
        real = _os.path.realpath(_os.fsdecode(path))
    except (TypeError, ValueError):
        return True
    return real == _ROOT or real.startswith(_ROOT + _os.sep)

def _deny(what):
    raise PermissionError("grading: a submission may not " + what)

def _hook(event, args):
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(flags, int) and flags & _WRITES) or (
            isinstance(mode, str) and any(c in mode for c in "wax+"))
        if writing and isinstance(path, (str, bytes, _os.PathLike)) and not _inside(path):
            _deny("write outside its own folder: " + repr(path))
    elif event in _PATHS:
        for path in args:
            if isinstance(path, (str, bytes, _os.PathLike)) and not _inside(path):
                _deny("change files outside its own folder (" + event + " " + repr(path) + ")")
    elif event in _PROCESSES:
        _deny("start other programs (" + event + ")")
    elif event in ("os.kill", "os.killpg") and args and args[0] != _os.getpid():
        _deny("send signals to other processes")

_sys.addaudithook(_hook)
'''


@dataclass(frozen=True)
class Limits:
    """What one submission may use while it is graded."""

    time_limit: float = 300.0       # seconds of execution per notebook (kernel start excluded)
    max_output_mb: float = 10.0     # a cell printing more is stopped
    memory_mb: int = 2048           # address space of the kernel (and of its runner)
    max_file_mb: int = 256          # largest file the kernel may write
    startup_timeout: int = 120      # seconds for the kernel to start

    def __post_init__(self):
        for name, low in (("time_limit", 1), ("max_output_mb", 0.001), ("memory_mb", 256),
                          ("max_file_mb", 1), ("startup_timeout", 5)):
            if not getattr(self, name) >= low:
                raise ValueError(f"{name} must be >= {low}, got {getattr(self, name)!r}")


def _first_line(source: str) -> str:
    line = next((s.strip() for s in source.splitlines() if s.strip()), "")
    return line if len(line) <= 60 else line[:57] + "..."


def _short(text: str, n: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n - 3] + "..."


def run_one(notebook: Path, workdir: Path, guard: Path, limits: Limits, result: Path) -> None:
    """Execute one copied submission in a fresh kernel; write what went wrong to ``result``.

    Runs in its own process (``coursework.py run-one``, which first caps its resources),
    started by :func:`grade`.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    report = {"errors": [], "stopped": None, "stopped_cell": None, "completed": False,
              "flooded": []}
    cap = int(limits.max_output_mb * 1024 * 1024)

    class GradingClient(NotebookClient):
        """Keeps no output at all (only counts it) and stops a cell that prints too much."""

        printed = 0
        current = -1

        def output(self, outs, msg, display_id, cell_index):
            if cell_index != self.current:
                self.current, self.printed = cell_index, 0
            self.printed += len(json.dumps(msg["content"]))
            if self.printed > cap and cell_index not in report["flooded"]:
                report["flooded"].append(cell_index)
                asyncio.ensure_future(self.km.interrupt_kernel())
            return None

    def on_error(cell, cell_index, execute_reply):
        content = execute_reply["content"]
        report["errors"].append({"cell": cell_index, "first_line": _first_line(cell.source),
                                 "ename": content.get("ename", "Error"),
                                 "evalue": _short(content.get("evalue", ""))})

    try:
        nb = nbformat.read(notebook, as_version=4)
        client = GradingClient(
            nb, kernel_name="python3", allow_errors=True, shutdown_kernel="immediate",
            startup_timeout=limits.startup_timeout, on_cell_error=on_error,
            resources={"metadata": {"path": str(workdir)}},
            extra_arguments=[f"--IPKernelApp.exec_lines=exec(open({str(guard)!r}).read(), {{}})"])
        with client.setup_kernel():
            deadline = time.monotonic() + limits.time_limit
            client.timeout_func = lambda cell: max(1, int(deadline - time.monotonic() + 0.999))
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                report["stopped_cell"] = index
                if time.monotonic() >= deadline:
                    report["stopped"] = (f"time limit of {limits.time_limit:g} s reached before "
                                         f"cell {index + 1} ({_first_line(cell.source)})")
                    break
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    report["stopped"] = (f"time limit of {limits.time_limit:g} s reached in cell "
                                         f"{index + 1} ({_first_line(cell.source)})")
                    break
        report["completed"] = report["stopped"] is None
        if report["completed"]:
            report["stopped_cell"] = None
    except DeadKernelError:
        report["stopped"] = "the kernel died (out of memory, or the submission ended it)"
    except Exception as exc:  # the grader reports it and moves on to the next submission
        report["stopped"] = _short(f"could not run: {type(exc).__name__}: {exc}")
    result.write_text(json.dumps(report), encoding="utf-8")


def _limit_resources(limits: Limits) -> None:
    """Cap memory and file size of this process and of the kernel it starts (inherited)."""
    import resource

    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb,) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_file_mb * mb,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _kill_tree(pid: int) -> None:
    """Kill a process that has not been waited for, and every process it started."""
    import psutil

    try:
        parent = psutil.Process(pid)
        family = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for proc in family:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=10)


@dataclass(frozen=True)
class Submission:
    path: Path            # the file as submitted
    file: str             # its path inside the submissions folder
    student: str
    chapter: str | None   # "book/01-market-maker.ipynb", or None if it cannot be told
    notebook: object      # the parsed notebook, or None if it is not one
    problem: str | None   # why it cannot be run, if it cannot


def _identify(path: Path, folder: Path, book: list[str]) -> Submission:
    """Student and chapter of a submitted file (the naming convention of instructors.md)."""
    relative = path.relative_to(folder)
    nb, problem, chapter = None, None, None
    try:
        nb = nbformat.read(path, as_version=4)
        if not (isinstance(nb.get("cells"), list) and isinstance(nb.get("metadata"), dict)):
            raise ValueError("it has no list of cells or no metadata")
    except Exception as exc:  # malformed JSON, not a notebook, unreadable
        nb, problem = None, _short(f"not a readable notebook ({type(exc).__name__}: {exc})")
    if nb is not None:
        meta = nb.metadata.get("coursework", {})
        chapter = meta.get("chapter") if isinstance(meta, dict) else None
        chapter = chapter if chapter in book else None
    by_name = [c for c in book if Path(c).stem in path.stem]
    if chapter is None and by_name:
        chapter = max(by_name, key=len)
    if len(relative.parts) > 1:
        student = relative.parts[0]
    else:
        student = path.stem
        if chapter and Path(chapter).stem in student:
            student = student.replace(Path(chapter).stem, "").strip("_- .") or student
    if chapter is None and problem is None:
        problem = "cannot tell which chapter this is (no metadata.coursework, no chapter in name)"
    return Submission(path, relative.as_posix(), student, chapter, nb, problem)


def find_submissions(folder: Path, root: Path = ROOT) -> list[Submission]:
    book = [p.as_posix() for p in notebooks(root)]
    paths = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return [_identify(p, folder, book) for p in paths]


@dataclass(frozen=True)
class Row:
    student: str
    chapter: str
    exercise: str
    score: int
    max_score: int
    message: str
    file: str

    FIELDS = ("student", "chapter", "exercise", "score", "max_score", "message", "file")


def _run_submission(sub: Submission, limits: Limits) -> tuple[dict[str, dict], dict]:
    """Execute a submission in a temporary copy of its folder.

    Returns the last *submission* (plain data, see ``toymarkets.chapters.checks``) that
    the notebook's checks logged for each key, and the run's report. Nothing in the log
    is a verdict: :func:`grade_submission` judges the data in this process.
    """
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        sandbox = Path(tmp).resolve()
        work = sandbox / "work"
        flat = "/" not in sub.file  # in the submissions folder itself: its files, not the others'
        shutil.copytree(sub.path.parent, work, symlinks=True, ignore=lambda d, names: [
            n for n in names if n == ".ipynb_checkpoints"
            or (flat and Path(d) == sub.path.parent and (Path(d) / n).is_dir())])
        (sandbox / "tmp").mkdir()
        guard, log, result = sandbox / "guard.py", sandbox / "grade-log.jsonl", sandbox / "run.json"
        guard.write_text(_GUARD.format(root=str(sandbox)), encoding="utf-8")
        env = {**os.environ, GRADE_LOG_ENV: str(log), "TMPDIR": str(sandbox / "tmp"),
               "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, str(Path(__file__).resolve()), "run-one",
                   str(work / sub.path.name), "--workdir", str(work), "--guard", str(guard),
                   "--result", str(result), "--limits", json.dumps(asdict(limits))]
        budget = limits.time_limit + limits.startup_timeout + 60
        with open(sandbox / "runner.log", "wb") as runner_log:
            proc = subprocess.Popen(command, cwd=work, env=env, stdin=subprocess.DEVNULL,
                                    stdout=runner_log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            try:
                proc.wait(timeout=budget)
                stopped = f"the grader's runner failed (exit code {proc.returncode})"
            except subprocess.TimeoutExpired:
                _kill_tree(proc.pid)  # the runner and its kernel: still ours, not yet reaped
                proc.wait()
                stopped = f"the grader's runner was stopped after {budget:g} s"
        try:
            report = json.loads(result.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report = {"errors": [], "completed": False, "flooded": [], "stopped": stopped,
                      "stopped_cell": None}
        submitted: dict[str, dict] = {}
        if log.exists():
            for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                    if isinstance(entry, dict) and isinstance(entry.get("key"), str) \
                            and isinstance(entry.get("submission"), dict):
                        submitted[entry["key"]] = entry["submission"]
                except ValueError:
                    continue
        return submitted, report


def _sections(nb) -> tuple[int, dict[str, tuple[int, int]]]:
    """Where the exercises start, and the cells ``[start, end)`` of the exercise of each key."""
    starts = [e.cell for e in structure(nb).exercises]
    spans: dict[str, tuple[int, int]] = {}
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(nb.cells)
        for cell in nb.cells[start:end]:
            for call in check_calls(cell.source) if cell.cell_type == "code" else []:
                spans.setdefault(call.key, (start, end))
    return (starts[0] if starts else len(nb.cells)), spans


def _trouble(report: dict, limits: Limits, first: int, span: tuple[int, int] | None) -> str:
    """What went wrong in a run that concerns one exercise (cells counted from 1, at the top).

    That is: trouble in the cells before the first exercise or in the exercise's own cells
    (``span``), and a run stopped before the exercise ended; everything if ``span`` is None.
    """
    def concerns(cell: int) -> bool:
        return span is None or cell < first or span[0] <= cell < span[1]

    flooded = [cell for cell in report.get("flooded", []) if concerns(cell)]
    parts = [f"cell {cell + 1} printed more than {limits.max_output_mb:g} MB and was stopped"
             for cell in flooded]
    errors = [e for e in report.get("errors", []) if concerns(e["cell"])
              and not (e["cell"] in flooded and e["ename"] == "KeyboardInterrupt")]
    parts += [f"cell {e['cell'] + 1} ({e['first_line']}) raised {e['ename']}"
              + (f": {e['evalue']}" if e["evalue"] else "") for e in errors[:3]]
    stopped_at = report.get("stopped_cell")
    if report.get("stopped") and (span is None or stopped_at is None or stopped_at < span[1]):
        parts.append(report["stopped"])
    return "; ".join(parts)


def grade_submission(sub: Submission, limits: Limits) -> tuple[list[Row], dict]:
    """Score one submission: one row per exercise the chapter's answer keys expect."""
    chapter = Path(sub.chapter).stem if sub.chapter else "?"
    file = sub.file
    expected = expected_exercises(sub.chapter) if sub.chapter else {}
    if sub.problem or not expected:
        problem = sub.problem or f"no answer keys for {chapter}"
        rows = [Row(sub.student, chapter, key, 0, points, problem, file)
                for key, points in expected.items()]
        return rows or [Row(sub.student, chapter, "", 0, 0, problem, file)], {}
    submitted, report = _run_submission(sub, limits)
    first, spans = _sections(sub.notebook)
    rows = []
    for key, points in expected.items():
        data = submitted.get(key)
        trouble = _trouble(report, limits, first, spans.get(key))
        if data is None:
            message = "no check ran" + (f": {trouble}" if trouble else "")
            rows.append(Row(sub.student, chapter, key, 0, points, message, file))
            continue
        try:
            status = judge(answer_key(key), data)      # judged here, never in the kernel
        except Exception as exc:  # malformed data: wrong, with the reason
            status, trouble = WRONG, _short(f"the submitted data could not be judged "
                                            f"({type(exc).__name__})")
        if status == WRONG and "error" in data:
            trouble = "; ".join(filter(None, [_short(f"the answer raised {data['error']}"),
                                              trouble]))
        score = points if status == RIGHT else 0
        message = {"right": "right", "wrong": "wrong",
                   "unanswered": "not attempted"}.get(status, f"unknown verdict {status!r}")
        if trouble and status != "right":
            message += f"; {trouble}"
        rows.append(Row(sub.student, chapter, key, score, points, message, file))
    return rows, report


@dataclass(frozen=True)
class Grades:
    rows: list[Row]
    reports: dict[str, dict]  # file (relative to the folder) -> what happened when it ran

    def summary(self) -> list[dict]:
        """Per student: the total over chapters (the best file where a chapter came twice)."""
        best: dict[tuple[str, str], tuple[int, int]] = {}
        files: dict[tuple[str, str, str], list[Row]] = {}
        for row in self.rows:
            files.setdefault((row.student, row.chapter, row.file), []).append(row)
        for (student, chapter, _), rows in files.items():
            total = (sum(r.score for r in rows), sum(r.max_score for r in rows))
            best[student, chapter] = max(best.get((student, chapter), (-1, 0)), total)
        students: dict[str, dict] = {}
        for (student, _), (score, max_score) in sorted(best.items()):
            entry = students.setdefault(student, {"student": student, "chapters": 0,
                                                  "score": 0, "max_score": 0})
            entry["chapters"] += 1
            entry["score"] += score
            entry["max_score"] += max_score
        return list(students.values())


def grade(folder: Path, limits: Limits = Limits(), jobs: int = 1, root: Path = ROOT) -> Grades:
    """Grade every notebook under ``folder``; the folder itself is never changed."""
    from concurrent.futures import ThreadPoolExecutor

    def one(sub: Submission) -> tuple[list[Row], dict]:
        try:
            return grade_submission(sub, limits)
        except Exception as exc:  # a fault of the grader's own: report it, grade the rest
            problem = _short(f"the grader failed on this file: {type(exc).__name__}: {exc}")
            return [Row(sub.student, Path(sub.chapter or "?").stem, "", 0, 0, problem,
                        sub.file)], {}

    folder = folder.resolve()
    subs = find_submissions(folder, root)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        done = list(pool.map(one, subs))
    rows = [row for rows, _ in done for row in rows]
    reports = {s.file: report for s, (_, report) in zip(subs, done, strict=True)}
    return Grades(rows, reports)


def write_csv(path: Path, records: list[dict], fields: Iterable[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the book (holds _toc.yml)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("student", help="student copies of the chapters (all, or those named)")
    p.add_argument("chapters", nargs="*")
    p.add_argument("--out", type=Path, default=Path("student"))
    p = sub.add_parser("student-book", help="the HTML without solutions")
    p.add_argument("--out", type=Path, default=Path("_build/student/html"))
    p = sub.add_parser("lint", help="check the exercise structure of the chapters")
    p.add_argument("chapters", nargs="*")
    p = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    p.add_argument("submissions", type=Path)
    p.add_argument("--out", type=Path, default=Path("grades.csv"))
    p.add_argument("--summary", type=Path, help="default: <out>-summary.csv")
    p.add_argument("--time-limit", type=float, default=Limits.time_limit, help="s per notebook")
    p.add_argument("--max-output-mb", type=float, default=Limits.max_output_mb)
    p.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    p = sub.add_parser("run-one", help=argparse.SUPPRESS)
    p.add_argument("notebook", type=Path)
    for name in ("--workdir", "--guard", "--result"):
        p.add_argument(name, type=Path, required=True)
    p.add_argument("--limits", required=True)
    args = parser.parse_args(argv)
    root = args.root.resolve()

    if args.command == "run-one":
        limits = Limits(**json.loads(args.limits))
        _limit_resources(limits)
        run_one(args.notebook, args.workdir, args.guard, limits, args.result)
    elif args.command == "student":
        for path in write_student_copies(_select(args.chapters, root), args.out, root):
            print(path)
    elif args.command == "student-book":
        build_student_book(args.out.resolve(), root)
        print(f"student edition: {args.out / 'index.html'}")
    elif args.command == "lint":
        failed = False
        for path in _select(args.chapters, root):
            for problem in lint(nbformat.read(path, as_version=4), path):
                print(f"{path.relative_to(root)}: {problem}")
                failed = True
        return int(failed)
    elif args.command == "grade":
        if not args.submissions.is_dir():
            parser.error(f"{args.submissions} is not a folder")
        limits = Limits(time_limit=args.time_limit, max_output_mb=args.max_output_mb,
                        memory_mb=args.memory_mb)
        grades = grade(args.submissions, limits, args.jobs, root)
        write_csv(args.out, [asdict(r) for r in grades.rows], Row.FIELDS)
        summary_path = args.summary or args.out.with_name(f"{args.out.stem}-summary.csv")
        summary = grades.summary()
        write_csv(summary_path, summary, ("student", "chapters", "score", "max_score"))
        width = max([len(s["student"]) for s in summary] + [7])
        print(f"{'student':<{width}}  chapters  score")
        for s in summary:
            print(f"{s['student']:<{width}}  {s['chapters']:>8}  {s['score']}/{s['max_score']}")
        print(f"grades: {args.out}  summary: {summary_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
