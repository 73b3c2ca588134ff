"""A small Sphinx extension for the reader's book, loaded by ``_config.yml``
(``sphinx: local_extensions: {sphinx_reader: scripts}``).

It fixes what the browser test (``tests/browser/``) found in the pinned toolchain,
rather than hiding the errors or silencing the accessibility rules:

* **Doubled inline scripts.** Sphinx 7.4 adds every inline script registered after the
  builder starts twice (once with the file name ``None``, once with ``""``, which
  ``prepare_writing`` does not see as equal). sphinx-thebe registers one declaring
  ``const THEBE_JS_URL``, so every page threw "Identifier 'THEBE_JS_URL' has already been
  declared". The duplicates are dropped, keeping the first of each.
* **Bibliography roles.** docutils marks each entry of a citation list
  ``role="doc-biblioentry"``, a role ARIA has deprecated and no longer accepts inside
  ``role="list"`` (axe-core: aria-required-children, critical). Entries become
  ``role="listitem"``.
* **Link contrast** (``static/reader.css``): the theme's blue links reach only 4.3:1 on
  the tinted background of admonitions (exercises); a darker blue passes 4.5:1.
* **Theme buttons** (``static/reader.js``): the search button is named "Search" but shows
  "Search Ctrl+K", and the colour-mode icons carry titles that contradict the button's
  name (axe-core: label-content-name-mismatch). Both buttons exist only with JavaScript,
  so the script that fixes their names is no loss to readers without it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

STATIC = Path(__file__).resolve().parent / "static"


def _script_key(script) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    return (getattr(script, "filename", None) or "", tuple(sorted(attributes.items())))


def drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    """Keep the first of each identical script tag on the page."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def list_item_citations(app, pagename, templatename, context, doctree) -> None:
    """Citation entries are items of their list: give them the role ARIA expects."""
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _module_cell(chapter) -> str:
    """Links to the library reference of each module the chapter uses (code if not written)."""
    cells = []
    for layer, names in (("models", chapter.models), ("story", chapter.story)):
        for name in names:
            module = f"toymarkets.{layer}.{name}"
            cells.append(f"{{py:mod}}`{name} <{module}>`" if importlib.util.find_spec(module)
                         else f"`{name}` (planned)")
    return ", ".join(cells) or "the balance sheet ({py:mod}`toymarkets.core.balancesheet`)"


def step_map_rows(chapters) -> list[str]:
    """The step map as a Markdown table (MyST roles for the links)."""
    lines = ["| Step | What happens (in the essay's telling) | Chapter | Model | Library |",
             "|---:|---|---|---|---|"]
    for c in chapters:
        step = str(c.step) if c.step is not None else ""
        page = f"{{doc}}`/{c.doc}`" if c.doc else "in preparation"
        lines.append(f"| {step} | {c.summary} | {page} | {c.model} | {_module_cell(c)} |")
    return lines


class StepMap(SphinxDirective):
    """``{step-map}``: the table of chapters, steps and library modules (no arguments)."""

    has_content = False

    def run(self):
        from toymarkets.chapters.steps import CHAPTERS

        container = nodes.container(classes=["step-map"])
        rows = StringList(step_map_rows(CHAPTERS), source="toymarkets.chapters.steps")
        self.state.nested_parse(rows, self.content_offset, container)
        return [container]


def add_static(app) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))


def setup(app):
    app.add_directive("step-map", StepMap)
    app.connect("builder-inited", add_static)
    app.add_css_file("reader.css")
    app.add_js_file("reader.js", defer="defer")
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", list_item_citations)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
