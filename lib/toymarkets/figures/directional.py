"""Figures of the Step 9 story (:mod:`toymarkets.story.directional`): two firms, one shock.

Each function takes a :class:`~toymarkets.story.directional.Stress` (public fields and
methods only) and returns a ``Figure`` in the book's style. :class:`EquityBars` is the
Step 9 Try-it figure: built once, its bars updated in place within fixed limits.
"""

from __future__ import annotations

import numpy as np

from ..story.directional import COLUMNS, Stress
from .style import COLORS, PALETTE, figure, label, styled

__all__ = ["EquityBars", "equity_bars", "exposure_bars", "line_values"]

#: Bar styles for the four measures of equity: colour for before / after the shock,
#: hatching for "if sold", so they differ by more than colour.
_STYLE = {
    ("before", "at mark"): dict(color=COLORS[0]),
    ("before", "if sold"): dict(color=COLORS[0], hatch="///", alpha=0.55),
    ("after", "at mark"): dict(color=COLORS[3]),
    ("after", "if sold"): dict(color=COLORS[3], hatch="///", alpha=0.55),
}
_LABELS = {c: f"{c[0]} the shock, {c[1]}" for c in COLUMNS}


def _stress(value) -> Stress:
    if not isinstance(value, Stress):
        raise ValueError(f"stress must be a Stress, got {type(value).__name__}")
    return value


class EquityBars:
    """Each firm's equity at mark and if sold, before and after the shock, as a
    percentage of its equity at mark before it. ``percent_lim`` fixes the vertical
    axis (a live control); without it, :meth:`show` rescales."""

    @styled
    def __init__(self, firms: tuple[str, ...], *,
                 percent_lim: tuple[float, float] | None = None):
        self.figure, self.ax = figure(size=(7.6, 4.2))
        self.fixed = live = percent_lim is not None
        width = 0.8 / len(COLUMNS)
        x = np.arange(len(firms))
        self.bars = {}
        for j, col in enumerate(COLUMNS):
            self.bars[col] = self.ax.bar(x + (j - 1.5) * width, np.zeros(len(firms)), width,
                                         label=_LABELS[col], edgecolor=PALETTE["black"],
                                         linewidth=0.6, **_STYLE[col])
            for bar in self.bars[col]:
                bar.set_animated(live)
        self.ax.axhline(0, color=PALETTE["black"], lw=0.8)
        self.ax.set_xticks(x, firms)
        self.ax.set_xlim(-0.6, len(firms) - 0.4)
        label(self.ax, x="firm [essay step]", y="equity [% of equity at mark before the shock]")
        if percent_lim is not None:
            self.ax.set_ylim(*percent_lim)
        self.ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        self.title = self.ax.set_title(" ", loc="left")
        self.title.set_animated(live)

    @styled
    def show(self, stress: Stress, *, title: str):
        """Set the bars from ``stress`` (its :meth:`~Stress.equity_values` as shares)."""
        shares = 100.0 * _stress(stress).equity_values(share=True)
        for j, col in enumerate(COLUMNS):
            for bar, h in zip(self.bars[col], shares[:, j], strict=True):
                bar.set_height(h)
        self.title.set_text(title)
        if not self.fixed:
            self.ax.relim()
            self.ax.autoscale_view(scalex=False)
        return self.figure


def equity_bars(stress: Stress, *, title: str):
    """Equity of each firm at mark and if sold, before and after the shock [% of its own]."""
    view = EquityBars(_stress(stress).firms)
    return view.show(stress, title=title)


@styled
def exposure_bars(stress: Stress, *, title: str):
    """Each firm's exposures before the shock, as multiples of its equity at mark, each bar
    labelled with its value (kinds that are zero for every firm are left out)."""
    frame = _stress(stress).exposures()
    frame = frame.loc[:, (frame != 0).any(axis=0)]
    fig, ax = figure(size=(7.6, 3.6))
    y = np.arange(frame.shape[1])
    height = 0.8 / len(frame.index)
    hatches = ["", "///", "xx"]
    for i, firm in enumerate(frame.index):
        bars = ax.barh(y + (i - (len(frame.index) - 1) / 2) * height, frame.loc[firm], height,
                       color=COLORS[i], hatch=hatches[i % 3], edgecolor=PALETTE["black"], lw=0.6,
                       label=firm)
        ax.bar_label(bars, fmt="%.2f", padding=3, fontsize=8)
    ax.set_yticks(y, frame.columns)
    ax.invert_yaxis()
    ax.axvline(1.0, color=PALETTE["black"], ls=":", lw=1.0)
    ax.legend(loc="lower right")
    label(ax, x="exposure [multiples of equity at mark]", y="exposure [kind]", title=title)
    return fig


@styled
def line_values(stress: Stress, firm: str, *, title: str):
    """One firm's asset lines: at mark and if sold, before and after the shock [sheet units]."""
    frame = _stress(stress).lines(firm)
    fig, ax = figure(size=(7.6, 4.4))
    y = np.arange(len(frame.index))
    height = 0.8 / frame.shape[1]
    for j, col in enumerate(COLUMNS):
        name = f"{col[0]}, {col[1]}"
        ax.barh(y + (j - 1.5) * height, frame[name], height, label=_LABELS[col],
                edgecolor=PALETTE["black"], lw=0.6, **_STYLE[col])
    ax.set_yticks(y, frame.index)
    ax.invert_yaxis()
    ax.legend(loc="lower right")
    label(ax, x="value [million USD]", y="asset line [sheet item]", title=title)
    return fig
