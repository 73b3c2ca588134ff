"""The two lock files: the authors' environment and the student's (Binder).

``make lock`` compiles ``requirements.in`` into ``requirements.txt`` (the authors'
environment: the library, the tooling, Sphinx, pytest, playwright, ...), then
``binder/requirements.in`` into ``binder/requirements.txt`` (what a student's kernel
and JupyterLab need), constrained by the authors' pins so that a package both hold
has one version. pip-compile cannot constrain by a file that installs local folders
(``-e .``), and it writes the student file's own ``.`` line (the library, installed
as a copy) as an absolute ``toymarkets @ file:///...`` address of the author's
machine, so this module does the two small steps around it, with the standard
library only (it runs in the lock environment):

    python tools/booktools/lockfiles.py constraints requirements.txt OUT
    python tools/booktools/lockfiles.py library binder/requirements.txt

``tests/live/test_live_binder.py`` checks the result: every package the two files
share has the same version, and the student file installs the library.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: What binder/requirements.txt says before its pins: the library, from the repository root.
LIBRARY_BLOCK = ("# The library, a copy of lib/ (Binder runs pip from the repository root).\n"
                 ".\n")


def constraints(requirements: Path, out: Path) -> None:
    """The pins of ``requirements`` without its local, editable lines (``-e .``)."""
    lines = requirements.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join(line for line in lines if not line.startswith("-e ")) + "\n",
                   encoding="utf-8")


def add_library(path: Path, package: str = "toymarkets") -> None:
    """Put the library line before the first pin of a compiled file (once), in place of the
    absolute ``package @ file:///...`` entry pip-compile wrote for it."""
    kept, skipping = [], False
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith(f"{package} @ file:"):
            skipping = True
            continue
        if skipping and line.startswith("    #"):
            continue
        skipping = False
        kept.append(line)
    text = "".join(kept)
    if LIBRARY_BLOCK in text:
        path.write_text(text, encoding="utf-8")
        return
    lines = text.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("#"))
    path.write_text("".join(lines[:first]) + LIBRARY_BLOCK + "".join(lines[first:]),
                    encoding="utf-8")


if __name__ == "__main__":
    command, *paths = sys.argv[1:]
    if command == "constraints":
        constraints(Path(paths[0]), Path(paths[1]))
    elif command == "library":
        add_library(Path(paths[0]))
    else:
        sys.exit(f"usage: {sys.argv[0]} constraints REQUIREMENTS OUT | library FILE")
