"""The README's "Without make" recipe works as written, on a fresh copy of the repository.

Every line between the README's ``<!-- recipe: without make -->`` markers is run,
in order, with ``bash`` from the root of a fresh copy of the work tree (the files
git tracks and the new ones it does not ignore: what a clone of this commit holds).
Nothing is installed by hand first; only pip's and npm's download caches are shared.
This takes a few minutes, so it runs with the live tests (``make live``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECIPE = re.compile(r"<!-- recipe: without make -->\s*```console\n(.*?)```\s*<!-- end recipe -->",
                    re.S)


def recipe(readme: Path = ROOT / "README.md") -> list[str]:
    """The recipe's command lines, in order."""
    found = RECIPE.search(readme.read_text(encoding="utf-8"))
    assert found, "README.md has no 'recipe: without make' block"
    return [line for line in found.group(1).splitlines() if line.strip()]


def fresh_copy(dest: Path) -> Path:
    """The work tree as a clone of it would hold it (tracked and unignored new files)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            target = dest / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def test_the_recipe_covers_environment_assets_build_and_tests():
    lines = recipe()
    assert lines[0].startswith("python3.11 -m venv .venv")
    assert any("booktools.vendor_assets" in line for line in lines)
    assert any("jupyter-book build . -W -n" in line for line in lines)
    assert any(line.startswith(".venv/bin/pytest tests") for line in lines)
    assert any("--nbval" in line for line in lines)


def test_the_readme_recipe_runs_as_written(tmp_path, timings):
    copy = fresh_copy(tmp_path / "clone")
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("VIRTUAL_ENV", "PYTHON", "JUPYTER", "OPENBLAS"))}
    environ["PATH"] = os.pathsep.join(p for p in environ.get("PATH", "").split(os.pathsep)
                                      if ".venv" not in p)
    for line in recipe():
        done = subprocess.run(["bash", "-c", line], cwd=copy, env=environ, capture_output=True,
                              text=True, timeout=1800)
        if done.returncode != 0:
            pytest.fail(f"`{line}` exited {done.returncode}\n{done.stdout[-3000:]}\n"
                        f"{done.stderr[-3000:]}")
    assert (copy / "_build" / "html" / "index.html").is_file()
    timings["README recipe"] = "ran in a fresh copy"
