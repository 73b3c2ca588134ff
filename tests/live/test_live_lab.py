"""End to end, as a student in Binder: JupyterLab from the Binder-like environment, a chapter
opened in headless Chromium, Run All Cells from the menu, a Try-it slider dragged with the
mouse, and the figure redrawn by the kernel (the widget Image's ``src`` changes).

By default the first and the last chapter of ``_toc.yml`` are driven (one, while the book
has one chapter); ``LIVE_CHAPTERS=all`` drives every chapter. Screenshots of each chapter
after the slider moved go to ``_build/live/``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from booktools import toc
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage", "--no-proxy-server"]
SHOTS = ROOT / "_build" / "live"
LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # never via a proxy
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", ".lockenv", "_build", "node_modules",
                                     "student", ".hypothesis", "__pycache__", ".ipynb_checkpoints")


def _chapters() -> list[Path]:
    every = toc.notebooks(ROOT)
    if os.environ.get("LIVE_CHAPTERS") == "all":
        return every
    return list(dict.fromkeys([every[0], every[-1]]))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(log: Path, lines: int = 25) -> str:
    return "".join(log.read_text(encoding="utf-8", errors="replace").splitlines(True)[-lines:])


def _wait_ready(url: str, server: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {server.returncode}:\n{_tail(log)}")
        try:
            with LOOPBACK.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"JupyterLab did not answer within {seconds} s:\n{_tail(log)}")


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM (the server shuts its kernels down), then SIGKILL what is left of its group."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    try:
        os.killpg(server.pid, signal.SIGKILL)   # its own session: only what it started
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def lab(binder, student_environ, tmp_path_factory, timings):
    """JupyterLab on loopback, serving a scratch copy of the repository (Lab autosaves)."""
    work = tmp_path_factory.mktemp("lab") / "repo"
    shutil.copytree(ROOT, work, ignore=COPY_IGNORE)
    port, token = _free_port(), secrets.token_hex(24)
    log_path = tmp_path_factory.getbasetemp() / "jupyterlab.log"
    log = log_path.open("w")
    cmd = [binder.bin / "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={work}",
           # no traffic beyond this machine: no news feed, update check or extension index
           "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:   # Binder runs as a user; this machine's CI as root
        cmd.append("--allow-root")
    start = time.perf_counter()
    server = subprocess.Popen([str(c) for c in cmd], env=student_environ, cwd=work,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(f"{base}/api/status?token={token}", server, log_path, seconds=90)
        timings["JupyterLab start"] = f"{time.perf_counter() - start:.1f} s"
        yield {"base": base, "token": token, "root": work, "log": log_path}
    finally:
        _stop(server)
        log.close()


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.is_file(), "Debian's chromium is missing: apt-get install -y chromium"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_FLAGS, timeout=60_000)
        try:
            yield chromium
        finally:
            chromium.close()


def _wait_kernel(lab: dict, notebook: Path, seconds: float) -> None:
    """Until the notebook's kernel is idle with the page connected to it (REST sessions API)."""
    url = f"{lab['base']}/api/sessions?token={lab['token']}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with LOOPBACK.open(url, timeout=5) as response:
            sessions = json.load(response)
        kernels = [s["kernel"] for s in sessions if s.get("path") == notebook.as_posix()]
        if kernels and kernels[0]["execution_state"] == "idle" and kernels[0]["connections"] > 0:
            return
        time.sleep(0.25)
    raise TimeoutError(f"no idle kernel connected to {notebook} within {seconds} s")


RUN_STATE = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const cells = [...panel.querySelectorAll('.jp-CodeCell')];
  const prompts = cells.map(c => (c.querySelector('.jp-InputArea-prompt') || {}).textContent);
  const errors = [...panel.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
      .map(e => e.textContent.slice(0, 800));
  const dialogs = [...document.querySelectorAll('.jp-Dialog')].map(d => d.textContent);
  return {cells: cells.length, running: prompts.filter(p => (p || '').includes('*')).length,
          unrun: prompts.filter(p => !/\\[\\d+\\]/.test(p || '')).length, errors, dialogs};
}"""
IMAGE_READY = "img => img.complete && img.naturalWidth > 0"
IMAGE_CHANGED = "([img, src]) => img.src !== src && img.complete && img.naturalWidth > 0"
HIT = """([x, y]) => { const e = document.elementFromPoint(x, y);
                    return e ? e.tagName + '.' + e.className : null; }"""
DRAG_PX = 60   # of a slider track about 90 px wide: a move on any slider, whatever its range


def _run_all(page, seconds: float) -> dict:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    deadline = time.monotonic() + seconds
    state = page.evaluate(RUN_STATE)
    while time.monotonic() < deadline:
        state = page.evaluate(RUN_STATE)
        assert not state["errors"], "a cell failed or wrote to stderr:\n" + "\n".join(
            state["errors"])
        assert not state["dialogs"], f"a dialog stopped the run: {state['dialogs']}"
        if state["cells"] and not state["running"] and not state["unrun"]:
            return state
        page.wait_for_timeout(250)
    raise TimeoutError(f"Run All Cells did not finish within {seconds} s: {state}")


SCROLL_STATE = """() => {
  const outer = document.querySelector(
      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
  return outer ? [outer.scrollTop, outer.scrollHeight] : null;
}"""


def _wait_still(page, measure, what: str, quiet: float = 1.0, seconds: float = 30) -> None:
    """Until ``measure()`` has not changed for ``quiet`` seconds.

    After Run All, JupyterLab scrolls the notebook to its last cell once every execution
    has been answered, which can come after the prompts are all numbered; and its windowed
    list corrects cell heights as it measures them. A slider found before the page is
    still moves away under the mouse (seen here: a handle at y = 545 was at y = -3543 by
    the time of the drag).
    """
    deadline = time.monotonic() + seconds
    last, since = measure(), time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        now = measure()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
    raise TimeoutError(f"{what} was still moving after {seconds} s")


def _reach(page, handle, tries: int = 5) -> tuple[float, float, str | None]:
    """Scroll the handle into view until, at rest, the point at its centre is the handle's.

    Scrolling to a cell makes JupyterLab's windowed list lay out (and measure) the cells
    around it, which can move the cell again; so: scroll, wait for stillness, look.
    """
    for _ in range(tries):
        handle.scroll_into_view_if_needed()
        _wait_still(page, handle.bounding_box, "the slider's handle")
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        hit = page.evaluate(HIT, [x, y])
        if hit and "noUi-" in hit:
            break
    return x, y, hit


@pytest.mark.parametrize("notebook", _chapters(), ids=lambda p: p.stem)
def test_student_runs_the_chapter_and_moves_a_slider(lab, browser, notebook, timings):
    timings["JupyterLab chapters driven"] = ", ".join(p.stem for p in _chapters())
    start = time.perf_counter()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{lab['base']}/lab/tree/{notebook.as_posix()}?reset&token={lab['token']}")
        page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(state="visible")
        _wait_kernel(lab, notebook, seconds=90)
        page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').first.wait_for()
        _run_all(page, seconds=180)
        page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').first.wait_for()
        assert page.evaluate(SCROLL_STATE), "no .jp-WindowedPanel-outer: JupyterLab changed"
        _wait_still(page, lambda: page.evaluate(SCROLL_STATE), "the notebook")

        tryit = page.locator(".jp-OutputArea-output").filter(
            has=page.locator(".widget-slider")).filter(has=page.locator("img")).first
        try:
            # Run All leaves the view at the last cell. JupyterLab's default windowing
            # (content-visibility) does not lay out cells far outside the viewport, so the
            # Try-it is found in the page first, then scrolled to, then must show.
            tryit.wait_for(state="attached", timeout=30_000)
            tryit.scroll_into_view_if_needed()
            tryit.wait_for(state="visible", timeout=30_000)
        except PlaywrightTimeout:
            raise AssertionError("after Run All, no output shows a Try-it slider and picture") \
                from None
        image = tryit.locator("img").first
        handle = tryit.locator(".widget-slider .noUi-handle").first
        readout = tryit.locator(".widget-slider .widget-readout").first
        page.wait_for_function(IMAGE_READY, arg=image.element_handle())
        before_src, before_value = image.get_attribute("src"), readout.text_content()

        at_max = float(handle.get_attribute("aria-valuenow")) >= float(
            handle.get_attribute("aria-valuemax"))
        # As a student does: drag the handle with the mouse. (Arrow keys are not used: they
        # need the handle to keep the focus, and JupyterLab gives it back to its active cell,
        # the last one after Run All, so a key press can reach a markdown cell instead.)
        x, y, hit = _reach(page, handle)
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + (-DRAG_PX if at_max else DRAG_PX), y, steps=5)
        page.mouse.up()
        try:
            expect(readout).not_to_have_text(before_value, timeout=10_000)
        except AssertionError:
            raise AssertionError(
                f"the slider did not move from {before_value} when dragged {DRAG_PX} px: the "
                f"press at {x:.0f}, {y:.0f} hit {hit}; the handle is now at "
                f"{handle.bounding_box()}") from None
        try:
            page.wait_for_function(IMAGE_CHANGED, arg=[image.element_handle(), before_src],
                                   timeout=30_000)
        except PlaywrightTimeout:
            raise AssertionError(f"the slider moved ({before_value} -> "
                                 f"{readout.text_content()}) but the picture was not redrawn "
                                 "within 30 s") from None
        SHOTS.mkdir(parents=True, exist_ok=True)
        tryit.screenshot(path=str(SHOTS / f"{notebook.stem}.png"))
    except Exception:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{notebook.stem}-failed.png"), full_page=True)
        raise
    finally:
        page.close()
    timings[f"JupyterLab {notebook.stem} (open, run all, move a slider)"] = (
        f"{time.perf_counter() - start:.1f} s")
