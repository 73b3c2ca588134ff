"""The book's precision rule for notebook outputs, as a check.

Every number a notebook shows or glues must agree on every processor, so no
output may print a float with more significant digits than the rule allows
(``toymarkets.chapters.notebook.GLUE_DIGITS``, twelve): glue stores floats at
that precision, and tables are rounded to what they display
(``toymarkets.chapters.notebook.rounded``). :func:`long_floats` finds the
offenders in a notebook's stored outputs; ``tests/test_precision.py`` runs it
over every chapter.

    python -m booktools.precision book/02-b-book.ipynb   # list offending outputs
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from toymarkets.chapters.notebook import GLUE_DIGITS

__all__ = ["FLOAT", "significant_digits", "long_floats"]

#: A decimal number with a fractional part, as Python, pandas or numpy print it.
FLOAT = re.compile(r"(?<![\w.])[-+]?(\d+)\.(\d+)(?:[eE][-+]?\d+)?(?![\w.])")
_TEXT_TYPES = ("text/plain", "text/html", "text/latex", "text/markdown")


def significant_digits(match: re.Match) -> int:
    """How many significant digits a printed decimal number carries.

    Trailing zeros carry none: Python prints a 12-digit float above 1e12 as
    ``6874240231170.0``, which holds 12 significant digits, not 14.
    """
    whole, fraction = match.group(1), match.group(2).rstrip("0")
    digits = (whole + fraction) if fraction else whole.rstrip("0")
    return len(digits.lstrip("0"))


def _texts(output):
    if output.get("output_type") == "stream":
        yield "stream", output.get("text", "")
    for mime, value in (output.get("data") or {}).items():
        if mime.endswith(_TEXT_TYPES):
            yield mime, value if isinstance(value, str) else "".join(value)


def long_floats(notebook: Path | str, limit: int = GLUE_DIGITS) -> list[str]:
    """Outputs of ``notebook`` that print a float with more than ``limit`` significant digits."""
    nb = nbformat.read(notebook, as_version=4)
    found = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            for mime, text in _texts(output):
                for match in FLOAT.finditer(text):
                    if significant_digits(match) > limit:
                        found.append(f"cell {i} ({mime}): {match.group(0)}")
    return found


if __name__ == "__main__":
    bad = [f"{path}: {line}" for path in sys.argv[1:] for line in long_floats(path)]
    print("\n".join(bad) or "every output within the precision rule")
    sys.exit(1 if bad else 0)
