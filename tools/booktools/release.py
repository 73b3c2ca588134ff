"""Make the downloadable editions of the book, so that a course can pin one.

    python -m booktools.release [--version 1.0] [--pdf _build/latex/learning-from-ftx.pdf]

writes into ``_build/release/``:

* ``learning-from-ftx-html-<version>.zip``: the built HTML book (``_build/html``), which
  works unpacked, from disk, with no network: open ``index.html``.
* ``learning-from-ftx-notebooks-<version>.zip``: the executed chapter notebooks, the
  ``toymarkets`` library they import, ``requirements.txt`` and ``pyproject.toml`` (which
  install that library and the pinned packages) and a README.
* ``learning-from-ftx-<version>.pdf`` when ``--pdf`` names a built PDF (``make pdf``).
* ``SHA256SUMS`` for the files above.

The version defaults to the one in ``pyproject.toml``. The archives are reproducible:
entries are sorted and carry a fixed date, so the same sources give the same bytes.
Pages and notebooks come from ``_toc.yml`` (``booktools.toc``). The script refuses to
release a book that would not work offline (a page loading a script or style sheet from
another origin, missing pages) or notebooks that were not executed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tomllib
import zipfile
from pathlib import Path

from booktools import toc  # the one list of pages
from booktools.toc import ROOT

NAME = "learning-from-ftx"
#: Every entry's timestamp, so that archives of the same files are byte-identical.
FIXED_TIME = (2000, 1, 1, 0, 0, 0)
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,40}$")
#: A script, style sheet or font that a page would load from another origin.
REMOTE_ASSET = re.compile(
    r"<(?:script|img|iframe)\b[^>]*\bsrc=[\"']?(?:https?:)?//"
    r"|<link\b(?=[^>]*\brel=[\"']?(?:stylesheet|preload|icon))[^>]*\bhref=[\"']?(?:https?:)?//"
    r"|url\([\"']?(?:https?:)?//",
    re.IGNORECASE)
SKIP = {".buildinfo", ".DS_Store"}
SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}

README = """# Learning from FTX: notebooks, edition {version}

The executable chapters of *Learning from FTX*, as one edition: the notebooks (executed,
with their outputs), the `toymarkets` library they call, and the exact package versions
they were tested with. Pin a course to this archive and every student runs the same code.

## Set up (Python {python})

    python3 -m venv .venv
    .venv/bin/python -m pip install -r requirements.txt   # run from this folder
    .venv/bin/jupyter lab book/

`requirements.txt` installs the pinned packages and, through its `-e .` line, the
`toymarkets` library in `lib/` (described by `pyproject.toml`).

## Chapters

{chapters}

The HTML book of the same edition is `{name}-html-{version}.zip`: unpack it and open
`index.html`; it needs no network.
"""


def default_version(root: Path = ROOT) -> str:
    with (root / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def check_version(version: str) -> str:
    if not VERSION.match(version):
        raise ValueError(f"version must match {VERSION.pattern} (letters, digits, . + _ -), "
                         f"got {version!r}")
    return version


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.name not in SKIP
                  and not SKIP_DIRS & set(p.relative_to(folder).parts))


def _write_zip(target: Path, entries: dict[str, bytes]) -> Path:
    """A zip of ``{name in archive: content}``, sorted, with fixed dates and modes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name])
    return target


def check_html(html: Path, root: Path = ROOT) -> None:
    """Refuse a build that is incomplete or would load anything from another origin."""
    if not (html / "index.html").is_file():
        raise ValueError(f"no built book in {html}: run `make book` first")
    missing = [str(p) for p in toc.pages(root) if not (html / p.with_suffix(".html")).is_file()]
    if missing:
        raise ValueError(f"pages of _toc.yml missing from {html}: {missing}")
    remote = []
    for page in _files(html):
        if page.suffix in {".html", ".css"}:
            text = page.read_text(encoding="utf-8", errors="replace")
            if page.suffix == ".css" and "url(" not in text:
                continue
            match = REMOTE_ASSET.search(text)
            if match:
                remote.append(f"{page.relative_to(html)}: {match.group(0)}")
    if remote:
        raise ValueError("the book would load files from another origin:\n" + "\n".join(remote))


def check_executed(notebook: Path) -> None:
    """Every code cell of a released notebook has been run."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    unrun = [i for i, c in enumerate(cells)
             if c["cell_type"] == "code" and c.get("execution_count") is None]
    if unrun:
        raise ValueError(f"{notebook.name}: code cells {unrun} were not executed "
                         f"(run `make execute`)")


def html_archive(version: str, html: Path, out: Path, root: Path = ROOT) -> Path:
    check_html(html, root)
    top = f"{NAME}-html-{version}"
    entries = {f"{top}/{p.relative_to(html).as_posix()}": p.read_bytes() for p in _files(html)}
    return _write_zip(out / f"{top}.zip", entries)


def notebook_archive(version: str, out: Path, root: Path = ROOT) -> Path:
    top = f"{NAME}-notebooks-{version}"
    notebooks = toc.notebooks(root)
    if not notebooks:
        raise ValueError("_toc.yml lists no notebook")
    entries = {}
    for notebook in notebooks:
        check_executed(root / notebook)
        entries[f"{top}/{notebook.as_posix()}"] = (root / notebook).read_bytes()
    for path in _files(root / "lib"):
        if path.suffix != ".pyc" and ".egg-info" not in path.as_posix():
            entries[f"{top}/lib/{path.relative_to(root / 'lib').as_posix()}"] = path.read_bytes()
    for name in ("requirements.txt", "pyproject.toml", "LICENSE"):
        if (root / name).is_file():
            entries[f"{top}/{name}"] = (root / name).read_bytes()
    with (root / "pyproject.toml").open("rb") as handle:
        python = tomllib.load(handle)["project"].get("requires-python", "3")
    chapters = "\n".join(f"- `{n.as_posix()}`" for n in notebooks)
    entries[f"{top}/README.md"] = README.format(
        version=version, python=python, chapters=chapters, name=NAME).encode("utf-8")
    return _write_zip(out / f"{top}.zip", entries)


def release(version: str, root: Path = ROOT, html: Path | None = None, out: Path | None = None,
            pdf: Path | None = None) -> list[Path]:
    """Write the editions of ``version``; return the files written, SHA256SUMS last."""
    version = check_version(version)
    html = html or root / "_build" / "html"
    out = out or root / "_build" / "release"
    made = [html_archive(version, html, out, root), notebook_archive(version, out, root)]
    if pdf is not None:
        if not pdf.is_file():
            raise ValueError(f"no PDF at {pdf}: run `make pdf` first")
        made.append(Path(shutil.copyfile(pdf, out / f"{NAME}-{version}.pdf")))
    sums = out / "SHA256SUMS"
    sums.write_text("".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n"
                            for p in made), encoding="utf-8")
    return [*made, sums]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default=None, help="edition (default: pyproject.toml)")
    parser.add_argument("--pdf", type=Path, default=None, help="a built PDF to include")
    args = parser.parse_args(argv)
    try:
        made = release(args.version or default_version(), pdf=args.pdf)
    except ValueError as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    for path in made:
        print(f"{path.relative_to(ROOT)}  ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
