"""Sums stated in the chapters' prose add up on the page, at the precision the page shows.

**The convention** (CONTRIBUTING.md, "Numbers in prose"). When the prose says that
numbers add up, it writes the sum as an equation of glued numbers, each a
``{glue:text}`` role, joined only by operators:

    {glue:text}`book:,.0f` + {glue:text}`otc:,.0f` − {glue:text}`hedging:,.0f`
    = {glue:text}`total:,.0f` USD

* the terms are joined by ``+`` or ``plus`` and ``−`` (U+2212), ``-`` or ``minus``;
* the sides by ``=``, ``is``, ``makes`` or ``equals`` (``a = b = c`` checks all three);
* symbols and words stand between spaces; between a number and the operator after it
  only a unit may stand (``USD``, ``million USD``, ``tokens``, ``%``, ``bp``, ``USD per
  token``), so ``221 USD + 59 USD = 280 USD`` is a sum too;
* a term's sign comes from its operator; a glued negative number keeps its own sign.

:func:`check_notebook` finds every such equation in a notebook's Markdown, formats each
glued value from the notebook's stored glue records exactly as myst-nb will print it
(``myst_nb``'s own formatter, with the role's format spec), and checks, in exact decimal
arithmetic, that the sides are equal *as printed*: ``221 + 59 − 32 = 249`` fails even
though ``221.37 + 58.91 − 31.64 = 248.64`` holds, because a reader adds what the page
shows. Show more decimals, or fewer terms, until the page adds up.

It also flags a *near miss*: two glued numbers in one sentence with ``+``, ``−``, ``=``,
``plus`` or ``minus`` between them, but other words as well, so that the sentence reads
as a sum the check cannot see. Write such a sentence as an equation.

    python -m booktools.prose_sums            # every chapter in _toc.yml; exit 1 on a problem
    python -m booktools.prose_sums --root DIR # the book rooted at DIR
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import nbformat

from . import toc

__all__ = ["Term", "Equation", "Report", "equations", "near_misses", "glued_text",
           "shown_value", "check_notebook", "check_book", "main"]

#: A glue role: ``{glue:text}`name:spec``` or ``{glue}`name```.
ROLE = re.compile(r"\{glue(?::text)?\}`(?P<key>[^`]+)`")
_SIGNS = {"+": 1, "plus": 1, "-": -1, "−": -1, "minus": -1}
_EQUALS = {"=", "is", "makes", "equals"}
_UNIT = (r"(?:(?:million|billion)\s+)?(?:USD|tokens?)(?:\s+(?:per|a)\s+\w+)?"
         r"|%|bp|basis\s+points")
#: What may stand between two terms of an equation: an optional unit, then one operator.
GAP = re.compile(rf"^\s*(?:(?:{_UNIT})\s+)?(?P<op>\+|-|−|=|plus|minus|is|makes|equals)\s+$")
_LOOSE = re.compile(r"(?:^|\s)(?:\+|−|-|=|plus|minus)(?=\s)")
_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)|\n\s*\n")
_PROSE_ID = "application/papermill.record/text/plain"
#: Inline maths, whose ``=`` and ``+`` belong to a formula, not to a sum in the prose.
_MATH = re.compile(r"\$[^$]+\$")


@dataclass(frozen=True)
class Term:
    """One glued number of an equation, as the page shows it."""

    key: str            #: the role's text, ``name:spec``
    sign: int           #: +1 or -1, from the operator before it
    shown: str = ""     #: the number as the page prints it
    value: Decimal | None = None    #: ``shown`` as an exact decimal (None if not a number)
    percent: bool = False

    @property
    def name(self) -> str:
        return self.key.rsplit(":", 1)[0]


@dataclass(frozen=True)
class Equation:
    """An equation of glued numbers in the prose: two or more sides of signed terms."""

    where: str                          #: notebook and cell
    text: str                           #: the Markdown it was read from
    sides: tuple[tuple[Term, ...], ...]

    def totals(self) -> list[Decimal]:
        return [sum((t.sign * t.value for t in side), Decimal(0)) for side in self.sides]

    def rendered(self) -> str:
        parts = []
        for i, side in enumerate(self.sides):
            if i:
                parts.append("=")
            for j, t in enumerate(side):
                if j or t.sign < 0:
                    parts.append("+" if t.sign > 0 else "−")
                parts.append(t.shown or f"<{t.name}>")
        return " ".join(parts)

    def problem(self) -> str | None:
        """Why the equation does not hold on the page, or None if it does."""
        terms = [t for side in self.sides for t in side]
        missing = [t.name for t in terms if not t.shown]
        if missing:
            return f"no glued value named {', '.join(missing)}"
        bad = [f"{t.name} shows {t.shown!r}" for t in terms if t.value is None]
        if bad:
            return "not a number: " + "; ".join(bad)
        if len({t.percent for t in terms}) > 1:
            return "mixes percentages and plain numbers"
        totals = self.totals()
        if any(total != totals[0] for total in totals[1:]):
            return (f"does not add up as printed: {self.rendered()} (the sides are "
                    f"{' and '.join(str(t) for t in totals)})")
        return None


@dataclass
class Report:
    """What :func:`check_notebook` or :func:`check_book` found."""

    equations: list[Equation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def extend(self, other: Report) -> None:
        self.equations += other.equations
        self.problems += other.problems


def shown_value(shown: str) -> tuple[Decimal | None, bool]:
    """A printed number as an exact decimal, and whether it is a percentage."""
    text = shown.strip().replace(",", "").replace("_", "").replace("−", "-")
    percent = text.endswith("%")
    try:
        return Decimal(text.rstrip("%")), percent
    except InvalidOperation:
        return None, percent


def glued_text(nb) -> dict[str, str]:
    """The ``text/plain`` of every glue record a notebook stores, by name (the last wins)."""
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            name = (output.get("metadata") or {}).get("scrapbook", {}).get("name")
            data = output.get("data") or {}
            if name and _PROSE_ID in data:
                value = data[_PROSE_ID]
                found[name] = value if isinstance(value, str) else "".join(value)
    return found


def _format(plain: str, key: str) -> str:
    """What myst-nb prints for a glue record with this role text (its own formatter)."""
    from myst_nb.core.variables import format_plain_text

    parts = key.rsplit(":", 1)
    return format_plain_text(plain, parts[1] if len(parts) == 2 else "s")


def _paragraphs(markdown: str):
    """Paragraphs of Markdown (blank lines apart), with single line breaks as spaces."""
    for block in re.split(r"\n\s*\n", markdown):
        yield " ".join(block.split("\n"))


def _equation(chain: list[tuple[str | None, re.Match]], paragraph: str,
              where: str) -> Equation | None:
    """The equation a chain of glue roles states, or None if it states none.

    ``chain`` holds each role with the operator before it (None for the first).
    """
    if len(chain) < 2 or not any(op in _EQUALS for op, _ in chain[1:]):
        return None
    sides, side = [], []
    for op, role in chain:
        if op in _EQUALS:
            sides.append(tuple(side))
            side = []
        side.append(Term(role.group("key"), _SIGNS.get(op, 1)))
    sides.append(tuple(side))
    text = paragraph[chain[0][1].start(): chain[-1][1].end()]
    return Equation(where, text, tuple(sides))


def _chains(paragraph: str):
    """Runs of glue roles joined by operators, each role with the operator before it."""
    roles = list(ROLE.finditer(paragraph))
    chain: list[tuple[str | None, re.Match]] = []
    for i, role in enumerate(roles):
        gap = GAP.match(paragraph[roles[i - 1].end(): role.start()]) if i else None
        if gap:
            chain.append((gap.group("op"), role))
            continue
        if chain:
            yield chain
        chain = [(None, role)]
    if chain:
        yield chain


def equations(markdown: str, where: str = "") -> list[Equation]:
    """Every equation of glued numbers in ``markdown`` (terms not yet valued)."""
    found = []
    for paragraph in _paragraphs(markdown):
        for chain in _chains(paragraph):
            equation = _equation(chain, paragraph, where)
            if equation is not None:
                found.append(equation)
    return found


def near_misses(markdown: str) -> list[str]:
    """Sentences that put an operator between two glued numbers but are not equations."""
    found = []
    for paragraph in _paragraphs(markdown):
        roles = list(ROLE.finditer(paragraph))
        for before, after in zip(roles, roles[1:], strict=False):
            gap = _MATH.sub(" ", paragraph[before.end(): after.start()])   # maths is not prose
            if GAP.match(gap) or _SENTENCE_END.search(gap) or not _LOOSE.search(gap):
                continue
            found.append(paragraph[before.start(): after.end()])
    return found


def check_notebook(path: Path | str) -> Report:
    """Every equation of glued numbers in a notebook's Markdown, valued from its glue records."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    glued = glued_text(nb)
    report = Report()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        where = f"{path} (cell {i})"
        for eq in equations(cell.source, where):
            sides = []
            for side in eq.sides:
                terms = []
                for t in side:
                    if t.name not in glued:
                        terms.append(t)
                        continue
                    shown = _format(glued[t.name], t.key)
                    value, percent = shown_value(shown)
                    terms.append(Term(t.key, t.sign, shown, value, percent))
                sides.append(tuple(terms))
            valued = Equation(where, eq.text, tuple(sides))
            report.equations.append(valued)
            problem = valued.problem()
            if problem:
                report.problems.append(f"{where}: {problem}\n    {eq.text}")
        for text in near_misses(cell.source):
            report.problems.append(
                f"{where}: reads as a sum but is not written as an equation of glued "
                f"numbers (see booktools.prose_sums)\n    {text}")
    return report


def check_book(root: Path = toc.ROOT) -> Report:
    """:func:`check_notebook` over every chapter notebook in ``_toc.yml``, in book order."""
    report = Report()
    for notebook in toc.notebooks(root):
        report.extend(check_notebook(root / notebook))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=toc.ROOT, help="the book's root folder")
    args = parser.parse_args(argv)
    report = check_book(args.root)
    for eq in report.equations:
        print(f"{'ok ' if eq.problem() is None else 'BAD'} {eq.where}: {eq.rendered()}")
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(f"{len(report.equations)} equations, {len(report.problems)} problems")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
