"""One pattern for every chapter's "Try it" control.

``TryIt(draw, controls, alt=...)`` takes a drawing function (keyword arguments
in, a matplotlib ``Figure`` out) and ipywidgets controls named after its
arguments. Displayed in a notebook it is *one* output with three
representations:

* ``application/vnd.jupyter.widget-view+json``: in a live kernel (Jupyter,
  Binder) the controls and a picture that is redrawn whenever a control moves;
* ``image/png``: the same figure at the controls' default values, which the
  built HTML shows (the book's ``_config.yml`` drops widget views from HTML, so
  no control appears that looks live but cannot move anything);
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
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["TryIt", "render_png"]


def render_png(fig: Figure, canvas: FigureCanvasAgg | None = None) -> bytes:
    """PNG bytes of a figure, at the figure's own size and resolution.

    Passing the ``canvas`` of an earlier render reuses its Agg renderer and with
    it matplotlib's cache of text metrics, which is most of the cost of drawing a
    figure again: a redraw of the same kind of figure takes about a quarter less
    time, and the PNG is byte for byte the same.
    """
    if canvas is None:
        canvas = FigureCanvasAgg(fig)
    else:
        canvas.figure = fig
        fig.set_canvas(canvas)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()



class TryIt:
    """A live control for a chapter's figure; see the module docstring."""

    def __init__(self, draw: Callable[..., Figure], controls: Mapping[str, widgets.ValueWidget],
                 *, alt: str):
        if not controls:
            raise ValueError("controls must name at least one widget")
        if not alt or not alt.strip():
            raise ValueError("alt must describe the figure for screen-reader users")
        self.draw = draw
        self.controls = dict(controls)
        self.alt = alt
        self.defaults = {name: w.value for name, w in self.controls.items()}
        self._canvas = FigureCanvasAgg(Figure())      # reused by every redraw
        self.default_png = render_png(draw(**self.defaults), self._canvas)
        self.image = widgets.Image(value=self.default_png, format="png",
                                   layout=widgets.Layout(max_width="100%", height="auto"))
        self.caption = widgets.HTML(f'<span role="img" aria-label="{alt}">{alt}</span>')
        panel = widgets.HBox(list(self.controls.values()),
                             layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([panel, self.image, self.caption])
        for w in self.controls.values():
            # A redraw takes about 0.1 s: redraw when a drag ends, not at every pixel of it.
            if w.has_trait("continuous_update"):
                w.continuous_update = False
            # Descriptions carry units ("fee [bp]"): show them whole, not cut at 80 px.
            if w.has_trait("style") and w.style.has_trait("description_width"):
                w.style.description_width = "initial"
            w.observe(self._redraw, names="value")

    def values(self) -> dict:
        """The controls' current values, by argument name."""
        return {name: w.value for name, w in self.controls.items()}

    def figure(self, **overrides) -> Figure:
        """The figure at the current values, with any overrides (what a redraw shows)."""
        return self.draw(**{**self.values(), **overrides})

    def _redraw(self, _change=None) -> None:
        # Each discarded figure is a web of reference cycles, so every few redraws
        # Python's full garbage collection ran inside this callback, doubling its
        # time (the benchmark's p95). Collect after the new picture is sent instead.
        collecting = gc.isenabled()
        gc.disable()
        try:
            png = render_png(self.figure(), self._canvas)
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
