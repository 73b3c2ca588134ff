"""Shared set-up of the live tests: the Binder-like environment, a student's clean home.

These tests take minutes and a browser, so ``make unit`` (``pytest tests``) leaves
them out: they run only when this folder (or a file in it) is named, as ``make live``
does (``pytest tests/live``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from booktools import binder_env

ROOT = Path(__file__).resolve().parents[2]

HERE = Path(__file__).resolve().parent
TIMINGS: dict[str, str] = {}


def pytest_ignore_collect(collection_path, config):
    named = (Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
             for arg in config.args)
    if not any(path == HERE or HERE in path.parents for path in named):
        return True
    return None


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("live timings")
        for name, value in TIMINGS.items():
            terminalreporter.write_line(f"{name}: {value}")


@pytest.fixture(scope="session")
def timings() -> dict[str, str]:
    """Durations worth reporting (never asserted): printed at the end of the run."""
    return TIMINGS


@pytest.fixture(scope="session")
def binder(timings):
    """The Binder-like environment (built once per change of requirements.txt)."""
    env = binder_env.ensure_env(ROOT)
    timings["Binder-like environment"] = (
        f"{'reused' if env.cached else 'built'} in {env.seconds:.1f} s at {env.path}")
    return env


@pytest.fixture(scope="session")
def student_environ(binder, tmp_path_factory):
    """Process environment of a student's session: the Binder env first on PATH, a clean
    home and Jupyter folders (no user kernelspecs, settings or workspaces of this machine)."""
    home = tmp_path_factory.mktemp("student-home")
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("JUPYTER", "IPYTHON", "PYTHON", "VIRTUAL_ENV", "MPL"))}
    environ.update(
        HOME=str(home),
        PATH=f"{binder.bin}{os.pathsep}{environ.get('PATH', '')}",
        VIRTUAL_ENV=str(binder.path),
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        JUPYTER_DATA_DIR=str(home / ".local/share/jupyter"),
        JUPYTER_RUNTIME_DIR=str(home / ".local/share/jupyter/runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / ".jupyter/lab/user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / ".jupyter/lab/workspaces"),
        IPYTHONDIR=str(home / ".ipython"),
        # matplotlib's font cache, kept with the environment so that it is built once
        MPLCONFIGDIR=str(binder.path / ".mplconfig"),
    )
    return environ

