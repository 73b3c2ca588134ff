"""The built pages, read without a kernel: each chapter shows its Try-it figure at the
default settings, says where to make it move, and its launch button opens the chapter in
JupyterLab on Binder (the same ``lab/tree/<notebook>`` path that test_live_lab.py drives).

Reads ``_build/html`` (``make live`` builds it first when it is missing or older than the
chapters).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
import yaml
from booktools import toc
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]

HTML = ROOT / "_build" / "html"
CHAPTERS = toc.notebooks(ROOT)
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
POINTER = (re.compile(r"\b(rocket|launch)", re.I), re.compile(r"\bBinder\b"))


def _page(notebook: Path) -> BeautifulSoup:
    page = HTML / notebook.with_suffix(".html")
    assert page.is_file(), f"{page} is missing: build the book first (make book)"
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def _tryit_cells(soup: BeautifulSoup) -> list:
    return [cell for cell in soup.select("div.cell")
            if ".tryit()" in (cell.select_one("div.cell_input") or soup.new_tag("i")).get_text()]


def _stored_pngs(notebook: Path) -> list[bytes]:
    """The image/png of each Try-it cell's output, as committed in the notebook."""
    nb = nbformat.read(ROOT / notebook, as_version=4)
    return [base64.b64decode(out["data"]["image/png"])
            for cell in nb.cells if cell.cell_type == "code" and ".tryit()" in cell.source
            for out in cell.outputs if "image/png" in out.get("data", {})]


def test_launch_buttons_open_jupyterlab():
    assert CONFIG["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert CONFIG["launch_buttons"]["binderhub_url"].startswith("https://")


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_launch_button_opens_this_chapter_in_jupyterlab_on_binder(notebook):
    links = _page(notebook).select('a[title="Launch on Binder"]')
    assert len(links) == 1, "the chapter page has no Binder launch button"
    href = urlsplit(links[0]["href"])
    repo = urlsplit(CONFIG["repository"]["url"]).path.strip("/")
    binder = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    assert f"{href.scheme}://{href.netloc}{href.path}" == (
        f"{binder}/v2/gh/{repo}/{CONFIG['repository']['branch']}")
    book = CONFIG["repository"].get("path_to_book") or ""
    target = (Path(book) / notebook).as_posix()
    assert parse_qs(href.query)["urlpath"] == [f"lab/tree/{target}"]
    assert (ROOT / target).is_file()


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_tryit_shows_its_default_figure_without_a_kernel(notebook):
    soup = _page(notebook)
    cells = _tryit_cells(soup)
    stored = _stored_pngs(notebook)
    assert cells, "no Try-it cell (a code cell calling .tryit()) on the page"
    assert len(cells) == len(stored), "every Try-it cell must store its default figure (image/png)"
    for cell, png in zip(cells, stored, strict=True):
        output = cell.select_one("div.cell_output")
        assert output is not None, "the Try-it cell shows no output"
        images = output.select("img")
        assert len(images) == 1, f"the Try-it output shows {len(images)} images, not one"
        assert images[0].get("alt", "").strip(), "the Try-it figure has no alt text"
        src = (HTML / notebook).parent / images[0]["src"]
        assert src.resolve().read_bytes() == png, "the page shows another figure than the notebook"
        assert not output.select(".jupyter-widgets, script"), "dead widget controls on the page"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_tryit_section_points_to_the_launch_button(notebook):
    for cell in _tryit_cells(_page(notebook)):
        section = cell.find_parent("section")
        text = " ".join(section.get_text(" ").split())
        assert all(p.search(text) for p in POINTER), (
            f"section {section.get('id')!r} must tell the reader that the launch (rocket) "
            "button opens the chapter in Binder, where the controls move")
