"""Fixtures for the browser tests: the built book, opened from disk in Debian's chromium.

The tests in ``browser_*.py`` need a built book (``_build/html``) and run with
``make browser``, which builds it first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bookhelpers import BUILD, CHROMIUM, CHROMIUM_FLAGS, Visit, open_in


@pytest.fixture(scope="session")
def built_book() -> Path:
    if not (BUILD / "index.html").is_file():
        pytest.fail(f"no built book in {BUILD}: run `make book` (or `make browser`) first")
    return BUILD


@pytest.fixture(scope="session")
def browser(built_book):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: `apt-get install -y chromium` (see mk/reader.mk)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, built_book):
    """Open a built page from disk; the browser context is closed after the test."""
    visits = []

    def _open(path: Path, query: str = "") -> Visit:
        visits.append(open_in(browser, path, built_book.as_uri() + "/", query))
        return visits[-1]

    yield _open
    for visit in visits:
        visit.page.context.close()
