"""The authors' and the student's lock files agree (``booktools.lockfiles``, ``make lock``)."""

from __future__ import annotations

from pathlib import Path

from booktools import binder_env, lockfiles

ROOT = Path(__file__).resolve().parent.parent


def test_packages_both_environments_hold_have_one_version():
    authors = binder_env.pins(ROOT / "requirements.txt")
    student = binder_env.pins(ROOT / "binder" / "requirements.txt")
    shared = set(authors) & set(student)
    assert {"numpy", "pandas", "matplotlib", "ipywidgets", "jupyterlab"} <= shared
    differ = {name: (authors[name], student[name]) for name in shared
              if authors[name] != student[name]}
    assert differ == {}, "a student and the test suite would run different versions"


def test_the_student_environment_is_a_subset_of_the_authors():
    authors = binder_env.pins(ROOT / "requirements.txt")
    student = binder_env.pins(ROOT / "binder" / "requirements.txt")
    assert set(student) <= set(authors), sorted(set(student) - set(authors))
    assert len(student) < len(authors) / 1.2


def test_both_files_were_locked_for_the_python_binder_runs():
    version = binder_env.runtime_version(ROOT)
    assert binder_env.compiled_version(ROOT, "requirements.txt") == version
    assert binder_env.compiled_version(ROOT, "binder/requirements.txt") == version


def test_the_library_line_goes_before_the_first_pin_once(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("#\n# header\n#\nanyio==1.0\n    # via x\ntoymarkets @ file:///home/me/book\n"
                    "    # via -r binder/requirements.in\nzipp==2.0\n", encoding="utf-8")
    lockfiles.add_library(path)
    lockfiles.add_library(path)
    text = path.read_text(encoding="utf-8")
    assert text.count("\n.\n") == 1 and text.index("\n.\n") < text.index("anyio==1.0")
    assert "file://" not in text and "binder/requirements.in" not in text
    assert binder_env.pins(path) == {"anyio": "1.0", "zipp": "2.0"}


def test_constraints_drop_the_local_folders(tmp_path):
    source = tmp_path / "requirements.txt"
    source.write_text("-e tools\n    # via x\n-e .\nnumpy==2.0\n", encoding="utf-8")
    lockfiles.constraints(source, tmp_path / "pins.txt")
    assert "-e" not in (tmp_path / "pins.txt").read_text(encoding="utf-8")
