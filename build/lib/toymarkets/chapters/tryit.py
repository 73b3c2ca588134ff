"""One pattern for every chapter's "Try it" control: a figure built once, updated in place.

``TryIt(update, figure, controls, alt=...)`` takes

* ``figure``: a matplotlib ``Figure`` whose artists already exist, with axis
  limits fixed over the whole range of the controls (so that nothing jumps while
  a student drags a slider, and the layout can be computed once). Every artist
  that ``update`` changes is marked ``set_animated(True)``; everything else (axes,
  ticks, labels, legends) is the static background;
* ``update``: a function of keyword arguments named after the controls that runs
  the model and sets the animated artists' data (``line.set_data``,
  ``bar.set_height``, ``title.set_text``) without creating a figure, changing a
  limit or touching the background;
* ``controls``: bounded ipywidgets (sliders, dropdowns, checkboxes), by argument name.

The constrained layout is computed once, at the controls' defaults, and then
frozen; the static background is drawn once and kept as pixels. A redraw restores
those pixels, draws only the animated artists on top (matplotlib's blitting) and
encodes a PNG for a screen. Text is most of the cost of drawing a figure and it
is all in the background, which is why sliders can follow the drag
(``continuous_update`` on). Legends go outside the axes, where the data, kept
inside the fixed limits, never covers them. The redraw time is measured by
``make bench`` (goal: p95 at or under 60 ms), never by a test.

Displayed in a notebook a ``TryIt`` is *one* output with three representations:

* ``application/vnd.jupyter.widget-view+json``: in a live kernel (Jupyter,
  Binder) the controls and the picture, redrawn whenever a control moves;
* ``image/png``: the figure at the controls' default values, which the built
  HTML shows (the book's ``_config.yml`` drops widget views from HTML, so no
  control appears that looks live but cannot move anything);
* ``text/plain``: a sentence saying which controls exist and that they need a
  kernel. It never changes between runs, so nbval can compare it strictly.

The picture is a PNG rendered by the kernel (an ``ipywidgets.Image``), not an
``Output`` widget: redraws send no output messages, so the cell's outputs are
the same in a headless run as in JupyterLab.
"""

from __future__ import annotations

import base64
import gc
import io
from collections.abc import Callable, Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["TryIt", "render_png", "freeze_layout", "PNG_OPTIONS"]

#: PNG settings of every rendered figure: fast compression (a redraw is encoded while
#: the student drags), and no software version in the file, so it is the same
#: byte for byte wherever it is made with the same drawing.
PNG_OPTIONS = {"metadata": {"Software": None}, "pil_kwargs": {"compress_level": 1}}


def render_png(fig: Figure, canvas: FigureCanvasAgg | None = None) -> bytes:
    """PNG bytes of a figure, at the figure's own size and resolution.

    Passing the ``canvas`` of an earlier render reuses its Agg renderer and with
    it matplotlib's cache of text metrics, which is most of the cost of drawing
    a figure again.
    """
    if canvas is None:
        canvas = FigureCanvasAgg(fig)
    elif canvas.figure is not fig:
        canvas.figure = fig
        fig.set_canvas(canvas)
    buffer = io.BytesIO()
    canvas.print_png(buffer, **PNG_OPTIONS)
    return buffer.getvalue()


def freeze_layout(fig: Figure) -> None:
    """Compute the figure's layout once (at its current contents) and keep it from now on."""
    fig.draw_without_rendering()
    fig.set_layout_engine("none")


def _png(rgba, size: tuple[int, int]) -> bytes:
    """PNG bytes of an RGBA pixel buffer, compressed as :data:`PNG_OPTIONS` says."""
    from PIL import Image

    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="png", **PNG_OPTIONS["pil_kwargs"])
    return buffer.getvalue()


def _draw_order(fig: Figure, artist) -> tuple:
    """Axes in order, each artist by z-order; figure-level text (a suptitle) last."""
    axes = artist.axes
    return (axes is None, fig.axes.index(axes) if axes is not None else 0, artist.get_zorder())


class TryIt:
    """A live control for a chapter's figure; see the module docstring."""

    def __init__(self, update: Callable[..., None], figure: Figure,
                 controls: Mapping[str, widgets.ValueWidget], *, alt: str):
        if not controls:
            raise ValueError("controls must name at least one widget")
        if not isinstance(figure, Figure):
            raise ValueError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
        if not callable(update):
            raise ValueError(f"update must be callable, got {type(update).__name__}")
        if not alt or not alt.strip():
            raise ValueError("alt must describe the figure for screen-reader users")
        self.update = update
        self.fig = figure
        self.controls = dict(controls)
        self.alt = alt
        self.defaults = {name: w.value for name, w in self.controls.items()}
        self.animated = sorted(figure.findobj(lambda a: a.get_animated() and a is not figure),
                               key=lambda a: _draw_order(figure, a))
        if not self.animated:
            raise ValueError("figure has no animated artist: mark what update changes with "
                             "set_animated(True)")
        update(**self.defaults)
        freeze_layout(figure)
        self._canvas = FigureCanvasAgg(figure)
        self._canvas.draw()                          # the background: everything not animated
        self.background = self._canvas.copy_from_bbox(figure.bbox)
        self.default_png = self.render()
        self.image = widgets.Image(value=self.default_png, format="png",
                                   layout=widgets.Layout(max_width="100%", height="auto"))
        self.caption = widgets.HTML(f'<span role="img" aria-label="{alt}">{alt}</span>')
        panel = widgets.HBox(list(self.controls.values()),
                             layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([panel, self.image, self.caption])
        for w in self.controls.values():
            # A redraw only draws and encodes the picture: follow the drag.
            if w.has_trait("continuous_update"):
                w.continuous_update = True
            # Descriptions carry units ("fee [bp]"): show them whole, not cut at 80 px.
            if w.has_trait("style") and w.style.has_trait("description_width"):
                w.style.description_width = "initial"
            w.observe(self._redraw, names="value")

    def values(self) -> dict:
        """The controls' current values, by argument name."""
        return {name: w.value for name, w in self.controls.items()}

    def figure(self, **overrides) -> Figure:
        """The figure updated to the current values with any overrides (what a redraw shows)."""
        self.update(**{**self.values(), **overrides})
        return self.fig

    def render(self, **overrides) -> bytes:
        """The PNG a redraw at the current values (with any overrides) puts in the picture:
        the stored background with the animated artists drawn on top."""
        self.figure(**overrides)
        return self.blit()

    def blit(self) -> bytes:
        """The PNG of the figure as it stands: background restored, animated artists on top."""
        canvas = self._canvas
        canvas.restore_region(self.background)
        for artist in self.animated:
            if artist.axes is not None:
                artist.axes.draw_artist(artist)
            else:
                self.fig.draw_artist(artist)
        return _png(canvas.buffer_rgba(), canvas.get_width_height())

    def background_is_static(self) -> bool:
        """True when the background drawn now is the one stored (``update`` left it alone)."""
        self._canvas.draw()
        now = self._canvas.copy_from_bbox(self.fig.bbox)
        return bool(np.array_equal(np.asarray(now), np.asarray(self.background)))

    def _redraw(self, _change=None) -> None:
        # Collect garbage after the new picture is sent, not in the middle of a redraw.
        collecting = gc.isenabled()
        gc.disable()
        try:
            png = self.render()
        finally:
            if collecting:
                gc.enable()
        self.image.value = png

    def _repr_mimebundle_(self, include=None, exclude=None):
        names = ", ".join(w.description or name for name, w in self.controls.items())
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["image/png"] = base64.b64encode(self.default_png).decode("ascii")
        bundle["text/plain"] = (
            f"Try it ({names}): in a live Jupyter kernel these controls redraw the figure. "
            "Without a kernel this is the figure at its default settings."
        )
        return bundle
