"""Exercise self-checks: right, wrong or not yet attempted, without giving the answer away.

A computational exercise ends with a cell such as::

    check("step01.otc_share", answer)

The right answer is not typed into the notebook: it is computed by the library,
in ``toymarkets/answers/stepNN.py``, from the same models the chapter uses, so it
cannot drift from the text. The student sees one line; the grader (``scripts/
coursework.py``) scores with the very same function, so what a student sees and
what an instructor grades cannot disagree: when the environment variable
``TOYMARKETS_GRADE_LOG`` names a file, every check also appends its verdict there
as one JSON line.

An answer left as ``None`` or ``...`` counts as not attempted.
"""

from __future__ import annotations

import importlib
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Answer", "CheckResult", "check", "answer_key", "matches_reference", "GRADE_LOG_ENV"]

GRADE_LOG_ENV = "TOYMARKETS_GRADE_LOG"

RIGHT, WRONG, UNANSWERED = "right", "wrong", "unanswered"


@dataclass(frozen=True)
class Answer:
    """How to recognise a right answer to one exercise.

    ``expected`` computes the right answer from the library (called only when
    checking). Numbers and arrays are compared with ``rtol``/``atol``; strings
    case-insensitively; anything else with ``==``. For an answer that is a
    function the student wrote, give ``judge`` instead: it receives the
    student's answer and returns True when it is right (it may raise).
    ``hint`` is shown when the answer is wrong: a pointer, never the answer.
    """

    expected: Callable[[], Any] | None = None
    judge: Callable[[Any], bool] | None = None
    rtol: float = 1e-6
    atol: float = 0.0
    hint: str = "Re-read the exercise and check your units."
    points: int = 1

    def __post_init__(self):
        if (self.expected is None) == (self.judge is None):
            raise ValueError("Answer needs exactly one of expected or judge")
        if not (0 <= self.rtol < 1) or not (0 <= self.atol < math.inf):
            raise ValueError("rtol must be in [0, 1) and atol in [0, inf)")

    def is_right(self, given: Any) -> bool:
        if self.judge is not None:
            return bool(self.judge(given))
        want = self.expected()
        if isinstance(want, str):
            return isinstance(given, str) and given.strip().casefold() == want.strip().casefold()
        if isinstance(want, bool | np.bool_):
            return isinstance(given, bool | np.bool_) and bool(given) == bool(want)
        if isinstance(want, int | float | np.number | np.ndarray | list | tuple):
            if isinstance(given, str | bytes):
                return False
            try:
                got = np.asarray(given, dtype=float)
            except (TypeError, ValueError):
                return False
            want = np.asarray(want, dtype=float)
            return got.shape == want.shape and bool(
                np.all(np.isfinite(got)) and np.allclose(got, want, rtol=self.rtol, atol=self.atol))
        return given == want


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check; shows as a single line in a notebook."""

    key: str
    status: str          # "right", "wrong" or "unanswered"
    message: str
    points: int
    max_points: int

    def __repr__(self) -> str:
        mark = {RIGHT: "✅", WRONG: "❌", UNANSWERED: "⏳"}[self.status]
        return f"{mark} {self.key}: {self.message}"

    def __bool__(self) -> bool:
        return self.status == RIGHT


def answer_key(key: str) -> Answer:
    """The :class:`Answer` registered as ``key`` ("stepNN.name") in ``toymarkets.answers``."""
    if not isinstance(key, str) or key.count(".") != 1:
        raise ValueError(f"key must look like 'step01.name', got {key!r}")
    module_name, name = key.split(".")
    try:
        module = importlib.import_module(f"toymarkets.chapters.answers.{module_name}")
    except ModuleNotFoundError:
        raise ValueError(f"no answers for {module_name!r} (key {key!r})") from None
    answers = getattr(module, "ANSWERS", {})
    if name not in answers:
        raise ValueError(f"no exercise named {name!r} in {module_name!r}: {sorted(answers)}")
    return answers[name]


def check(key: str, given: Any) -> CheckResult:
    """Check a student's answer to exercise ``key``; never reveals the right answer."""
    spec = answer_key(key)
    if given is None or given is Ellipsis:
        result = CheckResult(key, UNANSWERED, "not attempted yet: replace ... with your answer.",
                             0, spec.points)
    else:
        try:
            right = spec.is_right(given)
            problem = None
        except Exception as exc:  # a student's function may raise anything
            right, problem = False, f"{type(exc).__name__}: {exc}"
        if right:
            result = CheckResult(key, RIGHT, "right. Well done.", spec.points, spec.points)
        else:
            why = f"Your answer raised {problem}. " if problem else ""
            result = CheckResult(key, WRONG, f"not yet right. {why}Hint: {spec.hint}", 0,
                                 spec.points)
    log = os.environ.get(GRADE_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"key": key, "status": result.status, "points": result.points,
                                 "max_points": result.max_points}) + "\n")
    return result


def matches_reference(student_function, reference, inputs, *, exact: bool = False,
                      rtol: float = 1e-9, atol: float = 1e-9) -> bool:
    """True when ``student_function(x)`` gives what ``reference(x)`` gives for every ``x``.

    For judging an exercise whose answer is a function: outputs are compared as
    arrays of the same shape, exactly (``exact``, e.g. boolean masks) or within
    ``rtol``/``atol``. A student function that raises is the caller's to catch
    (:func:`check` reports the exception).
    """
    for x in inputs:
        want = np.asarray(reference(x))
        got = np.asarray(student_function(x))
        if got.shape != want.shape:
            return False
        if exact:
            if got.dtype != want.dtype or not np.array_equal(got, want):
                return False
        elif not np.allclose(got.astype(float), want.astype(float), rtol=rtol, atol=atol):
            return False
    return True
