"""Every chapter's "Try it" control, driven over its whole range.

For each chapter in ``_toc.yml`` (so a new chapter is covered with no edit), its
``toymarkets.chapters.explore.<key>.tryit()`` is swept over every corner of its
controls (each slider's min and max, each dropdown option) and a seeded sample of
the values a student can pick (``booktools.widget_sweep``, which the benchmark
shares). At every point the figure a student would see must be drawn without an
exception or a warning, plot only finite numbers, label its axes, and leave no
figure behind in pyplot (a live kernel would show it in the next cell's output).

Try-it figures are built once and updated in place with axis limits fixed over the
controls' range, so that nothing jumps: at every point, everything plotted must lie
inside its axes, and no title, label or tick label may be cut off by the figure's edge.
"""

from __future__ import annotations

import importlib
import warnings
import zlib
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from booktools import toc
from booktools import widget_sweep as sweep
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from toymarkets.chapters.tryit import TryIt

ROOT = Path(__file__).resolve().parent.parent

CHAPTERS = toc.notebooks()
RANDOM_POINTS = 24
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _id(notebook: Path) -> str:
    return notebook.stem


def _seed(notebook: Path) -> int:
    """A fixed seed per chapter, so each chapter's random points differ from the others'."""
    return zlib.crc32(toc.chapter(notebook).key.encode())


def _plotted(fig: Figure):
    """Every array of numbers the figure draws, with a name saying where it is."""
    for i, ax in enumerate(fig.axes):
        where = f"axes {i} ({ax.get_ylabel() or 'no label'})"
        yield f"{where} limits", np.array([ax.get_xlim(), ax.get_ylim()])
        for line in ax.lines:
            if line.get_visible():
                yield f"{where} line {line.get_label()!r}", line.get_xydata()
        for coll in ax.collections:
            if not coll.get_visible():
                continue
            name = f"{where} {type(coll).__name__} {coll.get_label()!r}"
            yield f"{name} offsets", np.ma.compressed(coll.get_offsets())
            if isinstance(coll, LineCollection):
                for seg in coll.get_segments():
                    yield f"{name} segment", seg
            else:
                for path in coll.get_paths():
                    yield f"{name} path", path.vertices
        for patch in ax.patches:
            if isinstance(patch, Rectangle):
                box = [patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()]
                yield f"{where} bar {patch.get_label()!r}", np.array(box)
            else:
                yield f"{where} {type(patch).__name__}", patch.get_path().vertices
        for image in ax.images:
            yield f"{where} image", np.ma.compressed(image.get_array())


def _has_data(ax) -> bool:
    return bool(ax.lines or ax.collections or ax.patches or ax.images)


def problems(fig) -> list[str]:
    """What is wrong with a figure a student would see: non-finite data, unlabelled axes."""
    if not isinstance(fig, Figure):
        return [f"draw returned a {type(fig).__name__}, not a matplotlib Figure"]
    found = []
    for name, data in _plotted(fig):
        values = np.asarray(data, dtype=float)
        if not np.all(np.isfinite(values)):
            found.append(f"{name}: {np.count_nonzero(~np.isfinite(values))} NaN or infinite values")
    data_axes = [ax for ax in fig.axes if ax.get_visible() and _has_data(ax)
                 and ax.get_label() != "<colorbar>"]
    if not data_axes:
        found.append("the figure draws nothing")
    for i, ax in enumerate(data_axes):
        if not ax.get_ylabel().strip():
            found.append(f"axes {i} has no y label")
        siblings = ax.get_shared_x_axes().get_siblings(ax)
        if not any(s.get_xlabel().strip() for s in siblings):
            found.append(f"axes {i} has no x label (nor does an axes sharing its x)")
    return found


def _outside(points: np.ndarray, box, tol: float = 1.5) -> int:
    """How many display points lie outside ``box`` by more than ``tol`` pixels."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    points = points[np.all(np.isfinite(points), axis=1)]
    return int(np.count_nonzero((points[:, 0] < box.x0 - tol) | (points[:, 0] > box.x1 + tol)
                                | (points[:, 1] < box.y0 - tol) | (points[:, 1] > box.y1 + tol)))


def escapes(fig: Figure) -> list[str]:
    """Data drawn outside its axes (the fixed limits are too narrow), and text cut off by the
    figure's edge (a title or label longer than the layout made room for)."""
    found = []
    for i, ax in enumerate(fig.axes):
        box = ax.get_window_extent()
        for line in ax.lines:
            if line.get_visible() and line.get_xydata().size:
                n = _outside(line.get_transform().transform(line.get_xydata()), box)
                if n:
                    found.append(f"axes {i} line {line.get_label()!r}: {n} points outside")
        for coll in ax.collections:
            if not coll.get_visible():
                continue
            if isinstance(coll, PathCollection):          # a scatter: its points are offsets
                points = np.ma.filled(np.ma.asarray(coll.get_offsets(), dtype=float), np.nan)
                points = coll.get_offset_transform().transform(points) if points.size else points
            else:                                         # fill_between, lines: their paths
                paths = [coll.get_transform().transform(p.vertices) for p in coll.get_paths()]
                points = np.concatenate(paths) if paths else np.empty((0, 2))
            n = _outside(points, box) if len(points) else 0
            if n:
                found.append(f"axes {i} {type(coll).__name__}: {n} points outside")
        for patch in ax.patches:
            if patch.get_visible():
                n = _outside(patch.get_transform().transform(patch.get_path().vertices), box)
                if n:
                    found.append(f"axes {i} {type(patch).__name__}: {n} corners outside")
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    drawn = [(f"axes {i} (its title, labels, tick labels or legend)", ax)
             for i, ax in enumerate(fig.axes) if ax.get_visible()]
    drawn += [(f"text {t.get_text()!r}", t) for t in fig.texts
              if t.get_visible() and t.get_text().strip()]
    drawn += [("the figure's legend", legend) for legend in fig.legends if legend.get_visible()]
    for name, artist in drawn:
        extent = artist.get_tightbbox(renderer)
        if extent is not None and _outside(extent.get_points(), page, tol=1.0):
            found.append(f"{name} is cut off by the figure's edge")
    return found


def _draw_checked(tryit: TryIt, point: dict) -> bytes:
    """Update, draw and render one point as a live redraw does, every warning an error."""
    open_before = plt.get_fignums()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            png = tryit.render(**point)
        except Exception as exc:
            exc.add_note(f"Try-it point {point}")
            raise
    assert plt.get_fignums() == open_before, f"{point}: draw left a figure open in pyplot"
    assert png.startswith(PNG_SIGNATURE), f"{point}: the rendered figure is not a PNG"
    found = problems(tryit.fig) + escapes(tryit.fig)
    assert not found, f"{point}: " + "; ".join(found)
    return png


# --------------------------------------------------------------------------- chapters


@pytest.mark.parametrize("notebook", CHAPTERS, ids=_id)
def test_every_chapter_has_a_tryit(notebook):
    module = importlib.import_module(sweep.explore_module(notebook))
    assert callable(getattr(module, "tryit", None)), f"{module.__name__} defines no tryit()"
    tryit = module.tryit()
    assert isinstance(tryit, TryIt)
    assert tryit.alt.strip(), "the Try-it figure needs alt text"
    for name, control in tryit.controls.items():
        assert (control.description or "").strip(), f"control {name} has no visible label"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=_id)
def test_tryit_draws_a_clean_figure_over_its_whole_range(notebook):
    tryit = sweep.load_tryit(notebook)
    # The static page shows the figure at the defaults: it must pass too, and be
    # what drawing the defaults again gives (seeded, so the same picture).
    assert _draw_checked(tryit, tryit.defaults) == tryit.default_png
    points = sweep.sweep_points(tryit, RANDOM_POINTS, seed=_seed(notebook))
    for point in points:
        _draw_checked(tryit, point)


@pytest.mark.parametrize("notebook", CHAPTERS, ids=_id)
def test_moving_the_controls_redraws_the_picture(notebook):
    """What the observer puts in the widget's Image is the figure at the controls' values."""
    tryit = sweep.load_tryit(notebook)
    for point in sweep.random_points(tryit, 1, seed=_seed(notebook) + 100):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for name, value in point.items():
                tryit.controls[name].value = value
        assert tryit.values() == point
        assert tryit.image.value == tryit.render(**point)


@pytest.mark.parametrize("notebook", CHAPTERS, ids=_id)
def test_moving_the_controls_changes_only_the_animated_artists(notebook):
    """A redraw restores a stored background: an update must never change what is in it
    (an axis, a tick label, a legend), or the picture would show a stale one."""
    tryit = sweep.load_tryit(notebook)
    for point in sweep.corner_points(tryit)[-1:] + sweep.random_points(tryit, 2, seed=7):
        tryit.figure(**point)
        assert tryit.background_is_static(), f"{point}: update changed the static background"


# --------------------------------------------------------------------------- the sweep


def _fake(**controls):
    return SimpleNamespace(controls=controls)


def test_corners_are_every_combination_of_extremes():
    fake = _fake(a=widgets.FloatSlider(value=0.1, min=0.0, max=0.3, step=0.1),
                 b=widgets.Dropdown(options=[("low", 1), ("mid", 2), ("high", 3)], value=2),
                 c=widgets.Checkbox(value=False))
    points = sweep.corner_points(fake)
    assert len(points) == 2 * 3 * 2
    assert {(p["a"], p["b"], p["c"]) for p in points} == {
        (a, b, c) for a in (0.0, 0.3) for b in (1, 2, 3) for c in (False, True)}


def test_random_points_lie_on_the_grid_a_student_can_reach():
    fake = _fake(x=widgets.FloatSlider(value=0.0, min=-0.5, max=0.5, step=0.25),
                 n=widgets.IntSlider(value=4, min=2, max=10, step=4),
                 g=widgets.FloatLogSlider(value=10.0, base=10, min=0, max=2, step=1),
                 r=widgets.IntRangeSlider(value=(1, 2), min=0, max=3, step=1))
    points = sweep.random_points(fake, 200, seed=7)
    assert {p["x"] for p in points} == {-0.5, -0.25, 0.0, 0.25, 0.5}
    assert {p["n"] for p in points} == {2, 6, 10}
    assert {p["g"] for p in points} == {1.0, 10.0, 100.0}
    assert all(0 <= p["r"][0] <= p["r"][1] <= 3 for p in points)
    assert sweep.random_points(fake, 20, seed=7) == points[:20]


@pytest.mark.parametrize("control", [widgets.FloatText(value=1.0), widgets.Text(value="x")],
                         ids=["FloatText", "Text"])
def test_a_control_without_a_bounded_range_is_refused(control):
    with pytest.raises(TypeError, match=type(control).__name__):
        sweep.corner_points(_fake(v=control))
    with pytest.raises(TypeError, match=type(control).__name__):
        sweep.random_points(_fake(v=control), 1, seed=0)


def test_a_bad_figure_is_caught():
    fig, ax = plt.subplots()
    plt.close(fig)
    ax.plot([0.0, 1.0, 2.0], [1.0, np.nan, np.inf])
    ax.set_xlabel("time [steps]")
    found = problems(fig)
    assert any("2 NaN or infinite" in p for p in found)
    assert any("no y label" in p for p in found)


def _tryit(update_of, *, ylim=(-5.0, 5.0), title="") -> TryIt:
    """A one-line Try-it: ``update_of(line)`` gives the update for a level slider."""
    fig = Figure()
    ax = fig.subplots()
    line = ax.plot([0.0, 1.0], [0.0, 0.0], animated=True)[0]
    ax.set_ylim(*ylim)
    ax.set_title(title, loc="left").set_animated(True)
    ax.set_xlabel("time [steps]")
    ax.set_ylabel("log level [1]")
    level = widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.5, description="level")
    return TryIt(update_of(line, ax), fig, {"level": level}, alt="A line.")


def _log_line(line, ax):
    return lambda level: line.set_ydata([0.0, np.log(level)])


def test_a_warning_while_drawing_fails_the_sweep():
    tryit = _tryit(_log_line)   # log(0) at the slider's minimum: a RuntimeWarning
    with pytest.raises(RuntimeWarning, match="divide by zero"):
        _draw_checked(tryit, {"level": 0.0})


def test_a_figure_left_open_in_pyplot_fails_the_sweep():
    tryit = _tryit(lambda line, ax: lambda level: plt.figure())
    plt.close("all")
    try:
        with pytest.raises(AssertionError, match="left a figure open in pyplot"):
            _draw_checked(tryit, {"level": 1.0})
    finally:
        plt.close("all")


def test_data_outside_the_fixed_limits_fails_the_sweep():
    tryit = _tryit(lambda line, ax: lambda level: line.set_ydata([0.0, 4.0 * level]))
    _draw_checked(tryit, {"level": 1.0})
    with pytest.raises(AssertionError, match="points outside"):
        _draw_checked(tryit, {"level": 2.0})        # 8 is above the axis' limit of 5


def test_an_update_that_touches_the_background_is_caught():
    tryit = _tryit(lambda line, ax: lambda level: ax.set_ylabel(f"level {level} [1]"))
    tryit.figure(level=2.0)
    assert not tryit.background_is_static()


def test_a_title_cut_off_by_the_edge_fails_the_sweep():
    def update_of(line, ax):
        return lambda level: ax.set_title("short" if level < 2 else "a much longer title " * 6,
                                          loc="left")

    tryit = _tryit(update_of, title="short")
    _draw_checked(tryit, {"level": 1.0})
    with pytest.raises(AssertionError, match="cut off by the figure's edge"):
        _draw_checked(tryit, {"level": 2.0})


@pytest.mark.parametrize("name", ["figure.ipynb", "book/1-one.ipynb", "book/intro.md"])
def test_a_file_outside_the_step_map_is_refused(name):
    with pytest.raises(ValueError, match="no chapter of the step map"):
        sweep.explore_module(name)
