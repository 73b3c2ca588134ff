"""Figures of the fire-sale model (Step 13): loans handed to the exchange, its exposure,
and the spiral of a firm that tries to sell.

Each function takes a result of :mod:`toymarkets.models.firesale` (``Rounds``,
``Spiral``) or the closed forms' output, draws in the book's style and returns a
``Figure``. :class:`LoanPanels` is the Step 13 Try-it figure. Money is in millions
of USD, as in the model.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from ..models.firesale import Rounds, Spiral
from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["loans_by_round", "exposure_curves", "spiral_path", "LoanPanels"]


def _loans_axes(ax, r: Rounds, *, closed_form=None, legend: bool = True) -> None:
    n = np.arange(r.mark.size)
    ax.bar(n, r.outside_loan, color=COLORS[0], label="outside loans")
    ax.bar(n, r.exchange_loan, bottom=r.outside_loan, color=COLORS[1],
           label="the exchange's loans")
    ax.plot(n, r.holdings_mark, color=PALETTE["black"], lw=1.6, marker="o", ms=3,
            label="illiquid tokens at mark")
    ax.plot(n, r.holdings_liquidation, color=COLORS[3], ls="--", lw=1.6, marker="s", ms=3,
            label="illiquid tokens if sold")
    if closed_form is not None:
        ax.plot(n, r.outside_loan + np.asarray(closed_form), ls="none", marker="_", ms=16,
                mew=2.0, color=PALETTE["black"], label="closed form (top of the bar)")
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))


@styled
def loans_by_round(r: Rounds, *, title: str, closed_form=None):
    """Top: each round's loans, outside and from the exchange (stacked), against the
    illiquid tokens at mark and if sold. Bottom: the exchange's exposure.

    ``closed_form`` (optional) is the exchange's loan after each round from the closed
    form, drawn as a tick on top of each bar.
    """
    r = v.instance("rounds", r, Rounds)
    fig, (top, bottom) = figure(2, 1, size=(8.4, 5.6), sharex=True,
                                gridspec_kw={"height_ratios": [3, 1.6]})
    _loans_axes(top, r, closed_form=closed_form)
    label(top, x="round [-]", y="loans and holdings [million USD]", title=title)
    n = np.arange(r.mark.size)
    bottom.bar(n, r.exposure, color=COLORS[5])
    label(bottom, x="round [-]", y="exchange's exposure [million USD]")
    top.label_outer()
    return fig


@styled
def exposure_curves(loans: np.ndarray, curves: dict[str, np.ndarray], *, title: str):
    """The exchange's exposure against the size of its loan, one line per market."""
    fig, ax = figure(size=(7.4, 3.8))
    for i, (name, exposure) in enumerate(curves.items()):
        ax.plot(loans, exposure, color=COLORS[i], ls=LINESTYLES[i], lw=1.8, label=name)
    ax.legend(loc="upper left")
    label(ax, x="the exchange's loan [million USD]", y="exposure [million USD]", title=title)
    return fig


@styled
def spiral_path(s: Spiral, *, title: str):
    """A firm that sells to meet a margin call. Top: the call still open after selling a
    share of its tokens at once (line) and the steps of the spiral (markers), against the
    call before any sale. Bottom: the mark of what it keeps."""
    s = v.instance("spiral", s, Spiral)
    x = s.params.holdings
    curve = s.after_sale(np.linspace(0.0, x, 201))
    share = 100 * curve.index.to_numpy() / x
    steps = 100 * s.sold / x
    fig, (top, bottom) = figure(2, 1, size=(7.4, 5.0), sharex=True)
    top.plot(share, curve["call left"], color=COLORS[3], lw=1.8,
             label="call still open after selling")
    top.plot(steps, s.call_left, ls="none", marker="o", color=PALETTE["black"], ms=5,
             label="steps of the spiral")
    top.axhline(s.call_left[0], color="grey", ls=":", lw=1.2, label="the call before selling")
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    label(top, x="tokens sold [% of holdings]", y="call open [million USD]", title=title)
    bottom.plot(share, curve["mark"], color=COLORS[0], lw=1.8)
    bottom.plot(steps, s.mark, ls="none", marker="s", color=PALETTE["black"], ms=4)
    label(bottom, x="tokens sold [% of holdings]", y="mark [USD per token]")
    top.label_outer()
    return fig


class LoanPanels:
    """The Step 13 Try-it figure, built once and updated in place.

    Left: each round's outside and exchange loans (stacked bars) and the illiquid
    tokens if sold. Right: the exchange's exposure after each round.
    """

    @styled
    def __init__(self, n_rounds: int, *, loan_lim: tuple[float, float],
                 exposure_lim: tuple[float, float]):
        self.figure, (self.left, self.right) = figure(1, 2, size=(8.4, 4.2))
        self.suptitle = self.figure.suptitle(" ", fontweight="bold", fontsize=11, animated=True)
        n = np.arange(n_rounds + 1)
        zeros = np.zeros(n.size)
        # Bars without antialiasing: their edges are axis-aligned, and they redraw faster.
        bars = {"animated": True, "antialiased": False}
        self.outside = self.left.bar(n, zeros, color=COLORS[0], label="outside loans", **bars)
        self.lent = self.left.bar(n, zeros, color=COLORS[1], label="the exchange's loans",
                                  **bars)
        self.sold = self.left.plot(n, zeros, color=COLORS[3], ls="--", lw=1.6, marker="s",
                                   ms=3, label="illiquid tokens if sold", animated=True)[0]
        self.left.set_xlim(-0.6, n_rounds + 0.6)
        self.left.set_ylim(*loan_lim)
        label(self.left, x="round [-]", y="loans and holdings [million USD]")
        self.figure.legend(handles=self.left.get_legend_handles_labels()[0],
                           loc="outside lower left", ncols=3, fontsize=8)
        self.exposure = self.right.bar(n, zeros, color=COLORS[5], **bars)
        self.right.set_xlim(-0.6, n_rounds + 0.6)
        self.right.set_ylim(*exposure_lim)
        label(self.right, x="round [-]", y="exchange's exposure [million USD]")
        self.n = n_rounds

    @styled
    def show(self, r: Rounds, *, title: str):
        r = v.instance("rounds", r, Rounds)
        if r.params.n_rounds != self.n:
            raise ValueError(f"rounds must have {self.n} rounds, got {r.params.n_rounds}")
        for bar, low, high in zip(self.lent, r.outside_loan, r.exchange_loan, strict=True):
            bar.set_y(low)
            bar.set_height(high)
        for bar, low in zip(self.outside, r.outside_loan, strict=True):
            bar.set_height(low)
        self.sold.set_ydata(r.holdings_liquidation)
        for bar, e in zip(self.exposure, r.exposure, strict=True):
            bar.set_height(e)
        self.suptitle.set_text(title)
        return self.figure
