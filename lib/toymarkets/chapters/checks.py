"""Exercise self-checks: right, wrong or not yet attempted, without giving the answer away.

A computational exercise ends with a cell such as::

    check("step01.otc_share", answer)

The right answer is not typed into the notebook: it is computed by the library,
in ``toymarkets/chapters/answers/<key>.py``, from the same models the chapter
uses, so it cannot drift from the text. An answer left as ``None`` or ``...``
counts as not attempted.

**What a check does, in order.** It first turns the student's answer into plain
data, a :func:`submission`: a number becomes a float, an array a list of floats,
a word a string; a function the student wrote is *called* on the exercise's own
inputs (``Answer.cases``) and its outputs become plain arrays. Only then is the
right answer computed, and the plain data judged against it (:func:`judge`). So an
object cannot read the expected value from the check's frame when it is converted,
and a student's function has returned before the reference runs.

**Grading never trusts the kernel.** When ``TOYMARKETS_GRADE_LOG`` names a file (the
grader sets it), each check appends the *submission*, plain data and no verdict, as
one JSON line. The grader (``booktools.coursework``) reads the last submission of
each exercise and judges it in its own process, against answers and tolerances it
computes itself. A forged log line then earns nothing unless it carries the right
value, which is what the right value earns anyway; and nothing a notebook changes
in its own kernel (an ``Answer``'s tolerance, the ``check`` function) reaches the
grader. The student's self-check is the same judgement, run in the student's own
kernel, for the student's benefit.
"""

from __future__ import annotations

import copy
import importlib
import json
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Answer", "CheckResult", "check", "answer_key", "submission", "judge", "verdict",
           "GRADE_LOG_ENV", "RIGHT", "WRONG", "UNANSWERED"]

GRADE_LOG_ENV = "TOYMARKETS_GRADE_LOG"

RIGHT, WRONG, UNANSWERED = "right", "wrong", "unanswered"


@dataclass(frozen=True)
class Answer:
    """How to recognise a right answer to one exercise.

    A *value* answer gives ``expected``, which computes the right value from the
    library (called only when judging). Numbers and arrays are compared within
    ``atol`` + ``rtol`` * |expected|: set ``decimals`` when the prompt asks for a
    number to so many decimal places, which sets ``atol`` to half a unit of the last
    place. Words are compared case-insensitively; True or False exactly.

    A *function* answer gives ``reference``, the right function, and ``cases``,
    which returns the argument tuples to call both on. The student's function is
    judged by its outputs on every case: exactly (``exact``: booleans, counts) or
    within ``rtol``/``atol``.

    ``hint`` is shown when the answer is wrong: a pointer, never the answer.
    """

    expected: Callable[[], Any] | None = None
    reference: Callable[..., Any] | None = None
    cases: Callable[[], Iterable[tuple]] | None = None
    rtol: float = 1e-6
    atol: float = 0.0
    decimals: int | None = None
    exact: bool = False
    hint: str = "Re-read the exercise and check your units."
    points: int = 1

    def __post_init__(self):
        if (self.expected is None) == (self.reference is None):
            raise ValueError("Answer needs exactly one of expected (a value answer) or "
                             "reference (a function answer)")
        if (self.reference is None) != (self.cases is None):
            raise ValueError("a function answer needs both reference and cases")
        if not (0 <= self.rtol < 1) or not (0 <= self.atol < math.inf):
            raise ValueError("rtol must be in [0, 1) and atol in [0, inf)")
        if self.decimals is not None:
            if not isinstance(self.decimals, int) or not 0 <= self.decimals <= 12:
                raise ValueError(f"decimals must be a whole number in [0, 12], "
                                 f"got {self.decimals!r}")
            object.__setattr__(self, "atol", 0.5 * 10.0 ** -self.decimals * (1 + 1e-9))

    @property
    def is_function(self) -> bool:
        return self.reference is not None


# --------------------------------------------------------------------------- plain data


def _plain(value) -> Any:
    """A value as plain, JSON-ready data: str, bool, float or (nested) lists of them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    array = np.asarray(value)
    if array.dtype == bool:
        return array.tolist()
    array = np.asarray(value, dtype=float)     # the object's own conversion runs here
    return float(array) if array.ndim == 0 else array.tolist()


def submission(spec: Answer, given: Any) -> dict:
    """What a check submits for ``given``: plain data, computed before any right answer.

    ``{"value": ...}`` for a value answer, ``{"outputs": [...]}`` for a function
    answer (the student's outputs on every case), ``{"unanswered": true}`` for
    ``None`` or ``...``, and ``{"error": "..."}`` when the answer cannot be turned into
    data (a function that raises, an object that is not a number).
    """
    if given is None or given is Ellipsis:
        return {"unanswered": True}
    try:
        if spec.is_function:
            if not callable(given):
                return {"error": f"this exercise asks for a function, got a "
                                 f"{type(given).__name__}"}
            return {"outputs": [_plain(given(*case)) for case in spec.cases()]}
        return {"value": _plain(given)}
    except Exception as exc:  # a student's function or object may raise anything
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}


def _close(got, want, spec: Answer) -> bool:
    if isinstance(want, str | bytes) or isinstance(got, str | bytes):
        return False
    try:
        got = np.asarray(got, dtype=float)
        want = np.asarray(want, dtype=float)
    except (TypeError, ValueError):
        return False
    if got.shape != want.shape or not np.all(np.isfinite(got) | np.isnan(want)):
        return False
    return bool(np.allclose(got, want, rtol=spec.rtol, atol=spec.atol, equal_nan=True))


def judge(spec: Answer, submitted: dict) -> str:
    """The verdict on a submission: ``RIGHT``, ``WRONG`` or ``UNANSWERED``.

    The right answer is computed here, from the library, after the submission exists.
    """
    if not isinstance(submitted, dict) or submitted.get("unanswered"):
        return UNANSWERED
    if "error" in submitted:
        return WRONG
    if spec.is_function:
        outputs = submitted.get("outputs")
        cases = list(spec.cases())
        if not isinstance(outputs, list) or len(outputs) != len(cases):
            return WRONG
        for got, case in zip(outputs, cases, strict=True):
            want = np.asarray(spec.reference(*case))
            if spec.exact:
                got = np.asarray(got)
                if got.shape != want.shape or got.dtype.kind != want.dtype.kind \
                        or not np.array_equal(got, want):
                    return WRONG
            elif not _close(got, want, spec):
                return WRONG
        return RIGHT
    if "value" not in submitted:
        return WRONG
    got, want = submitted["value"], spec.expected()
    if isinstance(want, str):
        return RIGHT if isinstance(got, str) and got.strip().casefold() == \
            want.strip().casefold() else WRONG
    if isinstance(want, bool | np.bool_):
        return RIGHT if isinstance(got, bool) and got == bool(want) else WRONG
    return RIGHT if _close(got, want, spec) else WRONG


# --------------------------------------------------------------------------- the check


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
    """The :class:`Answer` registered as ``key`` ("step01.name") in the chapters' answers.

    Each call returns a fresh copy, so a notebook that loosens the copy it was given
    (``object.__setattr__`` on a frozen field) does not loosen its next check. A kernel
    that rewrites the answers module itself still fools its own self-check; the grader,
    which judges in its own process, is never fooled (``booktools.coursework``)."""
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
    return copy.copy(answers[name])


def verdict(key: str, spec: Answer, submitted: dict) -> CheckResult:
    """The one-line result a student sees for a submission."""
    status = judge(spec, submitted)
    if status == UNANSWERED:
        return CheckResult(key, UNANSWERED, "not attempted yet: replace ... with your answer.",
                           0, spec.points)
    if status == RIGHT:
        return CheckResult(key, RIGHT, "right. Well done.", spec.points, spec.points)
    why = f"Your answer raised {submitted['error']}. " if "error" in submitted else ""
    return CheckResult(key, WRONG, f"not yet right. {why}Hint: {spec.hint}", 0, spec.points)


def check(key: str, given: Any) -> CheckResult:
    """Check a student's answer to exercise ``key``; never reveals the right answer."""
    spec = answer_key(key)
    submitted = submission(spec, given)            # the student's data first
    log = os.environ.get(GRADE_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"key": key, "submission": submitted}) + "\n")
    return verdict(key, spec, submitted)
