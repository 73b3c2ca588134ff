"""A student's Binder, without Binder: the environment built from the ``binder/`` folder
alone (``booktools.binder_env``), and every chapter run in it."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest
from booktools import binder_env, toc
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]

CHAPTERS = toc.notebooks(ROOT)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _env_python(binder, environ, code: str) -> str:
    done = subprocess.run([binder.python, "-c", code], env=environ, cwd=ROOT / "book",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_runtime_names_the_python_the_pins_were_locked_for():
    assert binder_env.runtime_version(ROOT) == binder_env.compiled_version(ROOT)


def test_runtime_satisfies_the_library_requires_python():
    # repo2docker refuses a runtime.txt outside pyproject's requires-python.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert Version(binder_env.runtime_version(ROOT)) in SpecifierSet(project["requires-python"])


def test_binder_installs_the_library_and_nothing_of_the_authors_tooling():
    assert binder_env.library_lines(ROOT) == list(binder_env.LIBRARY_LINES)
    student = binder_env.pins(ROOT / "binder" / "requirements.txt")
    for tool in ("sphinx", "jupyter-book", "pytest", "playwright", "hypothesis", "ruff",
                 "nbval", "pyinstrument", "jupytext", "scipy"):
        assert tool not in student, f"{tool} is an authors' tool: keep it out of Binder"
    for need in ("numpy", "pandas", "matplotlib", "ipywidgets", "ipykernel", "jupyterlab",
                 "jupyterlab-myst"):
        assert need in student, f"a student's kernel or JupyterLab needs {need}"


def test_the_environment_has_no_authors_tooling(binder, student_environ):
    found = _env_python(binder, student_environ, (
        "import importlib.util as u; "
        "print([m for m in ('sphinx', 'pytest', 'booktools', 'playwright') if u.find_spec(m)])"))
    assert found == "[]"


def test_environment_runs_the_python_runtime_txt_names(binder, student_environ):
    version = _env_python(binder, student_environ,
                          "import sys; print('%d.%d' % sys.version_info[:2])")
    assert version == binder_env.runtime_version(ROOT)


def test_the_installed_library_is_all_of_lib(binder, student_environ):
    """Binder's ``pip install .`` copies the package: every file of lib/toymarkets (data files
    too) must arrive, unchanged; a file the wheel leaves out would break only in Binder."""
    where = Path(_env_python(binder, student_environ,
                             "import toymarkets; print(toymarkets.__file__)")).parent
    assert where.is_relative_to(binder.path), f"the kernel imports toymarkets from {where}"
    source = ROOT / "lib" / "toymarkets"
    files = [p.relative_to(source) for p in source.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    missing = [str(f) for f in files if not (where / f).is_file()]
    assert not missing, f"pip install . leaves out {missing}"
    changed = [str(f) for f in files if (where / f).read_bytes() != (source / f).read_bytes()]
    assert not changed, f"the installed copy is stale: {changed}"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_in_the_binder_environment(binder, student_environ, notebook):
    done = subprocess.run([binder.python, ROOT / "tests/live/run_notebook.py", ROOT / notebook],
                          env=student_environ, cwd=ROOT / "book", capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["error"] is None, report["error"]
    assert report["stderr"] == [], "the chapter writes to stderr (warnings?)"
    executable, prefix = report["kernel"]
    assert Path(prefix) == binder.path, f"the kernel ran in {prefix}, not the Binder env"
    assert Path(executable).parent == binder.bin
    assert report["tryit_outputs"], "no cell calls a .tryit() control"
    for mimetypes in report["tryit_outputs"]:
        assert WIDGET_VIEW in mimetypes and "image/png" in mimetypes, mimetypes


# --------------------------------------------------------------------------- the cache


def _repo(tmp_path: Path, name: str, runtime: str = "python-3.11\n", pins: str = ".\n") -> Path:
    repo = tmp_path / name
    (repo / "binder").mkdir(parents=True)
    (repo / "binder" / "runtime.txt").write_text(runtime, encoding="utf-8")
    (repo / "binder" / "requirements.txt").write_text(pins, encoding="utf-8")
    (repo / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    return repo


@pytest.mark.parametrize("runtime", ["python-3\n", "3.11\n", "python-3.11.7\n", "r-4.2\n", ""])
def test_a_malformed_runtime_txt_is_refused(tmp_path, runtime):
    with pytest.raises(ValueError, match="python-X.Y"):
        binder_env.runtime_version(_repo(tmp_path, "r", runtime=runtime))


def test_a_missing_runtime_txt_is_refused(tmp_path):
    repo = _repo(tmp_path, "r")
    (repo / "binder" / "runtime.txt").unlink()
    with pytest.raises(FileNotFoundError, match="runtime.txt"):
        binder_env.runtime_version(repo)


def test_the_cache_key_follows_the_pins_the_python_and_the_clone(tmp_path):
    a, b = _repo(tmp_path, "a"), _repo(tmp_path, "b")
    key = binder_env.env_key(a, "3.11")
    assert binder_env.env_key(a, "3.11") == key
    assert binder_env.env_key(a, "3.12") != key
    assert binder_env.env_key(b, "3.11") != key
    (a / "binder" / "requirements.txt").write_text(".\nnumpy==2.4.6\n", encoding="utf-8")
    assert binder_env.env_key(a, "3.11") != key


def test_pruning_keeps_only_environments_someone_can_still_use(tmp_path):
    repo, other = _repo(tmp_path, "repo"), _repo(tmp_path, "other")
    cache = tmp_path / "cache"
    envs = {}
    for name, root in [("new", repo), ("old", repo), ("other", other), ("gone", tmp_path / "x")]:
        envs[name] = cache / f"binder-{name}"
        envs[name].mkdir(parents=True)
        (envs[name] / ".binder-root").write_text(str(root), encoding="utf-8")
        envs[name].with_name(f"binder-{name}.lock").touch()
    binder_env._prune(envs["new"], repo)
    assert sorted(p.name for p in cache.iterdir()) == [
        "binder-new", "binder-new.lock", "binder-other", "binder-other.lock"]


def test_binder_reads_only_the_binder_folder_and_installs_the_library_from_it():
    """repo2docker reads binder/ before the root, and with it present nothing else: so the
    student's file must install the library itself, and the root files must not matter."""
    assert (ROOT / "binder" / "requirements.txt").is_file()
    assert (ROOT / "binder" / "runtime.txt").is_file()
    assert not (ROOT / "runtime.txt").exists(), "a root runtime.txt would be ignored: confusing"
    assert "." in binder_env.library_lines(ROOT)


def test_the_library_key_follows_every_file_of_lib(tmp_path):
    repo = _repo(tmp_path, "r")
    package = repo / "lib" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    key = binder_env.library_key(repo)
    (package / "table.json").write_text("{}", encoding="utf-8")
    assert binder_env.library_key(repo) != key
    key = binder_env.library_key(repo)
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert binder_env.library_key(repo) == key
