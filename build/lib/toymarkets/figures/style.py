"""One look for every figure in the book.

Colours come from the Okabe-Ito palette, which stays distinguishable under the
common forms of colour-blindness (Okabe & Ito, *Color Universal Design*, 2008).
Every figure is made with :func:`figure`, so it has the book's size, fonts and
colour cycle, and every axis is labelled through :func:`label`, which insists
on units.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager

import matplotlib as mpl
from cycler import cycler
from matplotlib.figure import Figure

__all__ = ["BookFigure", "PALETTE", "COLORS", "LINESTYLES", "rc", "figure", "label", "book_style",
           "styled"]

#: Okabe-Ito colours by name.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: The order series take: distinguishable in print and for colour-blind readers.
COLORS = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "sky", "purple", "black")]
#: Line styles paired with COLORS, so lines differ by more than colour alone.
LINESTYLES = ["-", "--", "-.", ":", "-", "--", "-."]

rc = {
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 90,
    "savefig.dpi": 90,
    "figure.constrained_layout.use": True,
    "axes.prop_cycle": cycler(color=COLORS, linestyle=LINESTYLES),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "font.size": 10,
    "svg.hashsalt": "toymarkets",
}


@contextmanager
def book_style():
    """Context manager: matplotlib settings of the book, restored afterwards."""
    with mpl.rc_context(rc):
        yield


def styled(func):
    """Decorator: run a plotting function under the book's matplotlib settings."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(rc):
            return func(*args, **kwargs)

    return wrapper


class BookFigure(Figure):
    """A matplotlib Figure that shows itself as a PNG in any notebook front end.

    Figures made outside pyplot have no display hook until pyplot's inline
    backend happens to load; ``_repr_png_`` makes them display everywhere
    (JupyterLab, nbconvert, myst-nb) the same way.
    """

    def _repr_png_(self) -> bytes:
        import io

        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=self.dpi)
        return buffer.getvalue()


def figure(nrows: int = 1, ncols: int = 1, *, size: tuple[float, float] | None = None, **kwargs):
    """A new figure and axes in the book's style; returns ``(fig, axes)`` like ``plt.subplots``.

    The figure is not registered with pyplot, so it never shows twice in a
    notebook and never piles up in memory across widget redraws.
    """
    with mpl.rc_context(rc):
        fig = BookFigure(figsize=size or rc["figure.figsize"], dpi=rc["figure.dpi"])
        axes = fig.subplots(nrows, ncols, **kwargs)
    return fig, axes


def label(ax, *, x: str, y: str, title: str | None = None) -> None:
    """Label an axis; ``x`` and ``y`` must give their units in brackets, e.g. ``"time [steps]"``."""
    for name, text in (("x", x), ("y", y)):
        if "[" not in text or "]" not in text:
            raise ValueError(f"{name} label must give its units in brackets, got {text!r}")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if title:
        ax.set_title(title, loc="left")
