"""Helpers of the browser tests: where the built book is, its pages, and how a page is
opened from disk with every request outside the build folder aborted and recorded,
as a reader with no network would see it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from booktools import toc

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: URL schemes that never leave the page (inline data, generated blobs).
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def book_pages() -> list[Path]:
    """Every page of _toc.yml, as a path relative to the repository (e.g. book/x.ipynb)."""
    return toc.pages(ROOT)


def chapter_pages() -> list[Path]:
    """The chapter notebooks of _toc.yml."""
    return toc.notebooks(ROOT)


def html_path(page: Path) -> Path:
    return BUILD / page.with_suffix(".html")


@dataclass
class Visit:
    """A page opened from disk, with what it asked for and what it complained about."""

    page: object
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_in(browser, path: Path, inside: str, query: str = "", scheme: str = "light") -> Visit:
    """Open ``path`` (plus ``query``, e.g. ``?q=word``) in a new browser context whose
    reader prefers the colour ``scheme``; abort and record every request outside ``inside``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    visit = Visit(page=context.new_page())

    def route(route):
        url = route.request.url
        if url.startswith(inside) or url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            visit.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page = visit.page
    page.on("console", lambda m: m.type == "error" and visit.errors.append(
        f"console: {m.text} ({m.location.get('url', '')})"))
    page.on("pageerror", lambda e: visit.errors.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: visit.failed.append(f"{r.url}: {r.failure}"))
    page.goto(path.as_uri() + query, wait_until="load")
    # MathJax is loaded with defer and typesets asynchronously: wait until it is done.
    page.evaluate("""async () => {
        if (!document.querySelector('.math')) return;
        for (let i = 0; i < 200 && !(window.MathJax && MathJax.startup
             && MathJax.startup.promise); i++)
            await new Promise(r => setTimeout(r, 25));
        if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
    }""")
    return visit


