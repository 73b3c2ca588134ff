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
    for target in ("binderhub_url", "colab_url", "jupyterhub_url"):
        assert CONFIG["launch_buttons"][target].startswith("https://"), target


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_three_launch_targets_open_this_chapter_from_the_one_repository(notebook):
    """Binder, JupyterHub (nbgitpuller) and Colab, all driven by repository.url."""
    soup = _page(notebook)
    repo = CONFIG["repository"]["url"].rstrip("/")
    owner_name = urlsplit(repo).path.strip("/")
    branch = CONFIG["repository"]["branch"]
    target = (Path(CONFIG["repository"].get("path_to_book") or "") / notebook).as_posix()
    hub = soup.select('a[title="Launch on JupyterHub"]')
    assert len(hub) == 1, "no JupyterHub launch button"
    href = urlsplit(hub[0]["href"])
    assert hub[0]["href"].startswith(CONFIG["launch_buttons"]["jupyterhub_url"].rstrip("/"))
    query = parse_qs(href.query)
    assert href.path.endswith("/hub/user-redirect/git-pull")
    assert query["repo"] == [repo] and query["branch"] == [branch]
    assert query["urlpath"] == [f"lab/tree/{Path(owner_name).name}/{target}"]
    colab = soup.select('a[title="Launch on Colab"]')
    assert len(colab) == 1, "no Colab launch button"
    assert colab[0]["href"] == (f"{CONFIG['launch_buttons']['colab_url'].rstrip('/')}/github/"
                                f"{owner_name}/blob/{branch}/{target}")


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
