"""Points to drive a chapter's "Try it" control over its whole range.

A student can set each control only to the values its widget offers: a slider's
grid ``min + k * step`` (with ``max`` always reachable), a dropdown's options, a
checkbox's two states. This module lists those values, so the widget fuzz test
(``tests/test_explore.py``) and the benchmark sweep the same points:

* :func:`corner_points`: every combination of each control's extremes (a slider's
  min and max, every option of a dropdown);
* :func:`random_points`: ``n`` points drawn from the controls' grids with a seeded
  generator;
* :func:`sweep_points`: the corners, then the random points.

Each point is a dict ``{argument name: value}``, ready for ``tryit.figure(**point)``.
A control of a type listed nowhere here raises ``TypeError``: extend this module
rather than leave a control unswept. Unbounded boxes (``FloatText``) are refused
on purpose: their range is not the model's valid range.

    python -m booktools.widget_sweep book/01-market-maker.ipynb   # print the points
"""

from __future__ import annotations

import itertools
import math
import sys
from pathlib import Path

import ipywidgets as widgets
import numpy as np

from booktools import toc

__all__ = ["explore_module", "load_tryit", "corners", "grid_value", "corner_points",
           "random_points", "sweep_points"]

_SELECTIONS = (widgets.Dropdown, widgets.RadioButtons, widgets.ToggleButtons, widgets.Select,
               widgets.SelectionSlider)
_SLIDERS = (widgets.FloatSlider, widgets.IntSlider)
_RANGES = (widgets.FloatRangeSlider, widgets.IntRangeSlider)
_BOXES = (widgets.BoundedFloatText, widgets.BoundedIntText)
_SWITCHES = (widgets.Checkbox, widgets.ToggleButton)


def explore_module(notebook: str | Path) -> str:
    """``book/01-market-maker.ipynb`` -> ``"toymarkets.chapters.explore.step01"``."""
    return toc.chapter(notebook).explore


def load_tryit(notebook: str | Path):
    """The chapter's ``TryIt`` (``toymarkets.chapters.explore.<key>.tryit()``)."""
    return toc.chapter(notebook).tryit()


def _steps(lo: float, hi: float, step: float) -> int:
    """How many whole steps fit between lo and hi (a float grid, so with a little slack)."""
    return math.floor((hi - lo) / step + 1e-9)


def _on_grid(lo: float, k: int, step: float, hi: float, integer: bool):
    value = lo + k * step
    return int(value) if integer else min(round(value, 12), hi)


def corners(widget) -> list:
    """The extreme values a control can take (each option, for a selection)."""
    if isinstance(widget, widgets.FloatLogSlider):
        return [widget.base ** widget.min, widget.base ** widget.max]
    if isinstance(widget, _SLIDERS + _BOXES):
        return [widget.min, widget.max]
    if isinstance(widget, _RANGES):
        return [(widget.min, widget.min), (widget.min, widget.max), (widget.max, widget.max)]
    if isinstance(widget, _SELECTIONS):
        return list(widget._options_values)
    if isinstance(widget, _SWITCHES):
        return [False, True]
    raise TypeError(f"no sweep for a {type(widget).__name__}: add it to booktools/widget_sweep.py")


def grid_value(widget, rng: np.random.Generator):
    """One value the control can take, drawn uniformly from what it offers."""
    if isinstance(widget, widgets.FloatLogSlider):
        k = int(rng.integers(0, _steps(widget.min, widget.max, widget.step) + 1))
        return widget.base ** _on_grid(widget.min, k, widget.step, widget.max, False)
    if isinstance(widget, _SLIDERS):
        integer = isinstance(widget, widgets.IntSlider)
        k = int(rng.integers(0, _steps(widget.min, widget.max, widget.step) + 1))
        return _on_grid(widget.min, k, widget.step, widget.max, integer)
    if isinstance(widget, _RANGES):
        integer = isinstance(widget, widgets.IntRangeSlider)
        ks = sorted(rng.integers(0, _steps(widget.min, widget.max, widget.step) + 1, size=2))
        return tuple(_on_grid(widget.min, int(k), widget.step, widget.max, integer) for k in ks)
    if isinstance(widget, widgets.BoundedIntText):
        return int(rng.integers(widget.min, widget.max + 1))
    if isinstance(widget, widgets.BoundedFloatText):
        return float(rng.uniform(widget.min, widget.max))
    if isinstance(widget, _SELECTIONS):
        options = widget._options_values
        return options[int(rng.integers(0, len(options)))]
    if isinstance(widget, _SWITCHES):
        return bool(rng.integers(0, 2))
    raise TypeError(f"no sweep for a {type(widget).__name__}: add it to booktools/widget_sweep.py")


def corner_points(tryit) -> list[dict]:
    """Every combination of the controls' extremes."""
    names = list(tryit.controls)
    grids = [corners(tryit.controls[name]) for name in names]
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*grids)]


def random_points(tryit, n: int, seed: int) -> list[dict]:
    """``n`` points drawn from the controls' grids with ``numpy.random.default_rng(seed)``."""
    if n < 0:
        raise ValueError(f"n must be a count >= 0, got {n}")
    rng = np.random.default_rng(seed)
    return [{name: grid_value(w, rng) for name, w in tryit.controls.items()} for _ in range(n)]


def sweep_points(tryit, n: int, seed: int) -> list[dict]:
    """The corners, then ``n`` seeded random points."""
    return corner_points(tryit) + random_points(tryit, n, seed)


if __name__ == "__main__":
    for notebook in sys.argv[1:]:
        for point in sweep_points(load_tryit(notebook), 5, seed=0):
            print(notebook, point)
