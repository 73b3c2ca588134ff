"""Every page of the built book, opened from disk with the network blocked, as a reader sees it.

Each page listed in _toc.yml is loaded once (cached per session) and inspected: what it
requested, what it logged, whether its maths and images rendered, its figures, headings
and an axe-core accessibility audit. A full-page screenshot of each is saved under
``_build/screenshots/``. Solutions are checked on a fresh load, since the test clicks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path, PurePosixPath

import pytest
from bookhelpers import AXE, SHOTS, book_pages, chapter_pages, html_path, open_in

PAGES = book_pages()
CHAPTERS = chapter_pages()
#: axe-core impact levels that fail the build (the others are reported by axe only).
BLOCKING_IMPACTS = {"serious", "critical"}

#: TeX that MathJax should have turned into maths: delimiters, or a command name.
RAW_TEX = re.compile(
    r"\\[()\[\]]|\$\$|\$[^$\s][^$\n]*?[\\^_{}=][^$\n]*?\$"
    r"|\\(?:frac|sum|sqrt|mathrm|mathbb|text|left|right|cdot|times|delta|eta|alpha|beta"
    r"|sigma|mu|lambda|pi|infty|le|ge|leq|geq|quad|begin|end|partial|Delta)\b"
)

COLLECT = """async () => {
  const article = document.querySelector('article.bd-article') || document.body;
  // Images: scroll each into view (some load lazily) and wait until it is decoded.
  const images = [];
  for (const img of article.querySelectorAll('img')) {
    img.scrollIntoView();
    let ok = true;
    try { await img.decode(); } catch (e) { ok = false; }
    images.push({src: img.getAttribute('src'), alt: img.getAttribute('alt'),
                 ok: ok && img.naturalWidth > 0});
  }
  window.scrollTo(0, 0);
  const maths = Array.from(article.querySelectorAll('.math'));
  const text = article.cloneNode(true);
  text.querySelectorAll('pre, code, script, style, mjx-container, .highlight')
      .forEach(e => e.remove());
  return {
    images,
    mathjax: !!(window.MathJax && MathJax.startup),
    maths: maths.length,
    untypeset: maths.filter(m => !m.querySelector('mjx-container'))
                    .map(m => m.textContent.slice(0, 80)),
    text: text.textContent,
    figures: Array.from(article.querySelectorAll('figure')).map(f => ({
      id: f.id,
      caption: (f.querySelector('figcaption') || {textContent: ''}).textContent.trim(),
      images: Array.from(f.querySelectorAll('img')).map(i => i.getAttribute('alt')),
      svgs: Array.from(f.querySelectorAll('svg')).map(
        s => s.getAttribute('aria-label') || (s.querySelector('title') || {}).textContent || ''),
    })),
    headings: Array.from(article.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(
      h => [Number(h.tagName[1]), h.textContent.replace('#', '').trim()]),
    widgetViews: document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]').length,
  };
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary.split('\\n')[1])
  }));
}"""


@dataclass(frozen=True)
class PageReport:
    blocked: list
    failed: list
    errors: list
    collected: dict
    violations: list
    screenshot: Path


@pytest.fixture(scope="session")
def report_of(browser, built_book):
    """Load, inspect and screenshot a page once per colour scheme; tests share the report."""
    cache: dict[tuple[Path, str], PageReport] = {}

    def _report(page: Path, scheme: str = "light") -> PageReport:
        if (page, scheme) not in cache:
            visit = open_in(browser, html_path(page), built_book.as_uri() + "/", scheme=scheme)
            collected = visit.page.evaluate(COLLECT)
            SHOTS.mkdir(parents=True, exist_ok=True)
            stem = str(PurePosixPath(page).with_suffix("")).replace("/", "__")
            shot = SHOTS / (stem + ("" if scheme == "light" else f"-{scheme}") + ".png")
            visit.page.screenshot(path=shot, full_page=True)
            # What the reader's page did, before axe-core runs: axe then tries to re-read
            # the style sheets with XMLHttpRequest, which file:// pages may not do.
            seen = (list(visit.blocked), list(visit.failed), list(visit.errors))
            visit.page.add_script_tag(path=AXE)  # inlined: not a request
            violations = visit.page.evaluate(AXE_RUN)
            cache[page, scheme] = PageReport(*seen, collected, violations, shot)
            visit.page.context.close()
        return cache[page, scheme]

    return _report


def _ids(pages):
    return [Path(p).stem for p in pages]


def test_toc_lists_pages():
    """The tests below are parametrised over _toc.yml: it must list the book's pages."""
    assert len(PAGES) >= 2
    assert CHAPTERS, "_toc.yml lists no chapter notebook"


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_page_loads_nothing_from_another_origin(report_of, page):
    report = report_of(page)
    assert report.blocked == [], f"requests outside the book: {report.blocked}"


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_page_has_no_errors_or_missing_files(report_of, page):
    report = report_of(page)
    assert report.errors == [], "\n".join(report.errors)
    missing = [f for f in report.failed if not f.startswith(("http:", "https:"))]
    assert missing == [], f"files that failed to load: {missing}"
    assert report.screenshot.stat().st_size > 0


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_maths_is_rendered(report_of, page):
    data = report_of(page).collected
    if data["maths"]:
        assert data["mathjax"], "the page has maths but MathJax did not start"
    assert data["untypeset"] == [], f"maths left as TeX: {data['untypeset']}"
    raw = [m.group(0) for m in RAW_TEX.finditer(data["text"])]
    assert raw == [], f"raw TeX in the page text: {raw[:10]}"


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_every_image_loads(report_of, page):
    images = report_of(page).collected["images"]
    broken = [i["src"] for i in images if not i["ok"]]
    assert broken == [], f"images that did not load: {broken}"


def _meaningful(alt: str | None) -> bool:
    """Alt text a screen reader can use: words, not empty and not the image's file name."""
    if not alt or not alt.strip():
        return False
    return not re.search(r"\.(png|jpe?g|svg|gif|webp)$", alt.strip(), re.IGNORECASE)


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_figures_have_alt_text_and_caption(report_of, page):
    data = report_of(page).collected
    problems = []
    for figure in data["figures"]:
        name = figure["id"] or "(figure without a name)"
        if not figure["images"] and not figure["svgs"]:
            problems.append(f"{name}: no image (a figure glued as text?)")
        if not figure["caption"]:
            problems.append(f"{name}: no caption")
        alts = figure["images"] + figure["svgs"]
        if not all(_meaningful(a) for a in alts):
            problems.append(f"{name}: image without alt text {alts}")
    for image in data["images"]:
        if not _meaningful(image["alt"]):
            problems.append(f"image {image['src']}: no alt text (alt={image['alt']!r})")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_no_widget_view_is_left_without_a_manager(report_of, page):
    """The book ships no widget manager (nb_ipywidgets_js is empty in _config.yml), so a
    widget view in the HTML would show nothing: Try-it cells must show their figure."""
    assert report_of(page).collected["widgetViews"] == 0


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_headings_are_in_order(report_of, page):
    headings = report_of(page).collected["headings"]
    assert [lvl for lvl, _ in headings].count(1) == 1, f"want one H1: {headings}"
    assert headings[0][0] == 1, f"the page must open with its H1: {headings}"
    jumps = [(a, b) for a, b in pairwise(headings) if b[0] > a[0] + 1]
    assert jumps == [], f"heading levels skipped: {jumps}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_no_serious_accessibility_violations(report_of, page, scheme):
    """axe-core's rules (WCAG 2 A and AA, best practice), in both colour modes."""
    violations = [v for v in report_of(page, scheme).violations
                  if v["impact"] in BLOCKING_IMPACTS]
    lines = [f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
             for v in violations]
    assert violations == [], "axe-core:\n" + "\n".join(lines)


@pytest.mark.parametrize("page", CHAPTERS, ids=_ids(CHAPTERS))
def test_solutions_are_folded_until_clicked(browser, built_book, page):
    visit = open_in(browser, html_path(page), built_book.as_uri() + "/")
    try:
        solutions = visit.page.locator("article .solution")
        assert solutions.count() >= 1, "a chapter has exercises with folded solutions"
        for i in range(solutions.count()):
            solution = solutions.nth(i)
            body = solution.locator(":scope > :not(.admonition-title)")
            assert body.count() >= 1
            assert all(body.nth(j).is_hidden() for j in range(body.count())), (
                f"solution {i + 1} is open before it is clicked")
            toggle = solution.locator(".toggle-button")
            assert toggle.count() == 1, f"solution {i + 1} has no toggle button"
            toggle.click()
            body.first.wait_for(state="visible", timeout=5_000)  # fails if it stays shut
        assert visit.errors == []
    finally:
        visit.page.context.close()


def test_index_opens_the_first_page(browser, built_book):
    """The book's front door, index.html, redirects to the first page of _toc.yml."""
    page = browser.new_page()
    try:
        page.goto((built_book / "index.html").as_uri())
        page.wait_for_url(html_path(PAGES[0]).as_uri() + "*")
        assert page.locator("article h1").count() == 1
    finally:
        page.close()


def test_search_works_offline(open_page, built_book):
    """Sphinx's search from file://: a word of a chapter's title finds that chapter."""
    chapter = CHAPTERS[0]
    title = open_page(html_path(chapter)).page.locator("article h1").first.text_content()
    word = max(re.findall(r"[A-Za-z]{4,}", title), key=len)
    visit = open_page(built_book / "search.html", f"?q={word}")
    results = visit.page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=10_000)
    # Sphinx adds the results one by one (5 ms apart) and then says it has finished: read
    # them only then, or a chapter ranked after the library's many "market" names is missed
    visit.page.locator("#search-results .search-summary", has_text="Search finished").wait_for(
        timeout=30_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(h.split("#")[0].endswith(chapter.with_suffix(".html").as_posix())
               for h in hrefs), f"searching {word!r} did not find {chapter}: {hrefs}"
    assert visit.errors == [] and visit.blocked == []
