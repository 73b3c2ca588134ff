"""Every chapter links the glossary terms it uses.

The rule: if a term of ``book/glossary.md`` (any of the names of an entry, in singular
or plural, with spaces or hyphens) appears in a chapter's prose, the chapter links that
entry with a ``{term}`` role at least once. Prose is the Markdown cells, without code,
maths, roles, link targets, directive options and headings. Where two terms overlap
("liquidity pool" and "liquidity"), the longer one is the one used.

This test reads the sources only (no build), so it runs with the library's tests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bookhelpers import ROOT, chapter_pages

GLOSSARY = ROOT / "book" / "glossary.md"
#: Terms the book promises its readers (issue 5); each must have an entry.
REQUIRED = [
    "B-book", "A-book", "toxic flow", "markout", "maker rebate", "delta neutral", "LTV",
    "haircut", "float", "perpetual future", "liquidation", "AMM", "impermanent loss",
    "clearing vector", "OTC desk", "inventory", "adverse selection", "hedging",
    "price support", "collateral", "bank run", "insolvency",
]
#: Directives whose body is code or maths, not prose.
NON_PROSE = {None, "code", "code-block", "code-cell", "math", "raw", "eval-rst", "glossary"}
FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(?:\{([\w:.-]+)\})?\s*(.*)$")
ROLE = re.compile(r"\{([\w:.-]+)\}`([^`]*)`")


def glossary_entries(text: str) -> list[list[str]]:
    """The entries of the {glossary} block: each a list of its names."""
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.DOTALL)
    assert block, "book/glossary.md has no {glossary} block"
    entries, names = [], []
    for line in block.group(1).splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        if line[0].isspace():
            if names:
                entries.append(names)
                names = []
        else:
            names.append(line.strip())
    return entries


def markdown_of(page: Path) -> str:
    if page.suffix == ".ipynb":
        cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return page.read_text(encoding="utf-8")


def prose_and_links(markdown: str) -> tuple[str, list[str]]:
    """The prose of a page, and the targets of its {term} roles."""
    kept, stack = [], []  # stack of (fence, is_prose)
    for line in markdown.splitlines():
        fence = FENCE.match(line)
        if stack and fence and fence.group(1)[0] == stack[-1][0][0] \
                and len(fence.group(1)) >= len(stack[-1][0]) and not fence.group(2) \
                and not fence.group(3):
            stack.pop()
            continue
        if fence and (not stack or stack[-1][1]):
            name = fence.group(2)
            stack.append((fence.group(1), name not in NON_PROSE))
            if name not in NON_PROSE:
                kept.append(fence.group(3))  # a directive's title is prose
            continue
        if stack and not stack[-1][1]:
            continue
        if re.match(r"\s*:[\w-]+:", line) or line.lstrip().startswith("#"):
            continue  # directive options, headings
        kept.append(line)
    text = "\n".join(kept)
    links = [m.group(2) for m in ROLE.finditer(text) if m.group(1) == "term"]
    links = [re.sub(r"^.*<(.+)>\s*$", r"\1", t).strip() for t in links]
    for pattern in (r"\$\$.*?\$\$", r"\$[^$\n]+\$", ROLE.pattern, r"`[^`]*`",
                    r"<!--.*?-->", r"\]\([^)]*\)", r"https?://\S+"):
        text = re.sub(pattern, " ", text, flags=re.DOTALL)
    return text, links


def _pattern(name: str) -> str:
    """A name with spaces or hyphens between its words, and its plural or past forms.

    A name written in lower case matches in any case (a sentence may start with it); a
    name with capitals matches only as written, so "a book" is not the term "A-book".
    """
    words = [re.escape(w) for w in re.split(r"[\s-]+", name)]
    if words[-1].endswith("y"):  # inventory, inventories
        words[-1] = words[-1][:-1] + "(?:y|ies)"
    body = r"\b" + r"[\s-]+".join(words) + r"(?:s|es|d|ed)?\b"
    return f"(?i:{body})" if name == name.lower() else body


def used_entries(prose: str, entries: list[list[str]]) -> set[int]:
    """Indices of the entries whose names occur in the prose (longest name wins)."""
    names = sorted(((n, i) for i, e in enumerate(entries) for n in e), key=lambda x: -len(x[0]))
    matcher = re.compile("|".join(f"(?P<t{k}>{_pattern(n)})" for k, (n, _) in enumerate(names)))
    return {names[int(m.lastgroup[1:])][1] for m in matcher.finditer(prose)}


ENTRIES = glossary_entries(GLOSSARY.read_text(encoding="utf-8"))
BY_NAME = {n.lower(): i for i, e in enumerate(ENTRIES) for n in e}
CHAPTERS = chapter_pages()


def test_glossary_defines_the_promised_terms_once():
    names = [n.lower() for e in ENTRIES for n in e]
    assert len(names) == len(set(names)), "a term is defined twice"
    missing = [t for t in REQUIRED if t.lower() not in BY_NAME]
    assert missing == [], f"glossary lacks {missing}"


def test_rule_finds_terms_and_links():
    """The rule itself, on a page made for it: it must not pass vacuously."""
    page = """# Step 0: a B-book and toxic flow

The house runs a {term}`book of its own <B-book>`, a B-book. Its inventories grow; a
liquidity pool pays.

```python
inventory = 0  # code does not count
```

```{exercise} About hedging
:label: ex-hedge
```

$$\\text{toxic flow}$$ and {cite}`float2020` are not prose.
"""
    prose, links = prose_and_links(page)
    used = {ENTRIES[i][0] for i in used_entries(prose, ENTRIES)}
    assert links == ["B-book"]
    assert {"B-book", "inventory", "liquidity pool", "hedging"} <= used
    assert not used & {"toxic flow", "float", "liquidity"}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_links_the_glossary_terms_it_uses(chapter):
    prose, links = prose_and_links(markdown_of(ROOT / chapter))
    unknown = [t for t in links if t.lower() not in BY_NAME]
    assert unknown == [], f"{{term}} targets not in the glossary: {unknown}"
    linked = {BY_NAME[t.lower()] for t in links}
    unlinked = sorted(ENTRIES[i][0] for i in used_entries(prose, ENTRIES) - linked)
    assert unlinked == [], (
        f"{chapter} uses these glossary terms without linking them once with "
        f"{{term}}: {unlinked}")
