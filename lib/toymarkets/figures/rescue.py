"""Figures of the Step 5 story (:mod:`toymarkets.story.rescue`): a rescue as a bet.

Each function takes a :class:`~toymarkets.story.rescue.RescueRun` (public fields and
methods only) and returns a ``Figure`` in the book's style; :class:`RescuePanels` is the
Step 5 Try-it figure. One path's prices are drawn with
:func:`toymarkets.figures.pricesupport.support_path`. Units: prices in USD per token,
money in millions of USD.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from ..story.rescue import RescueRun
from .style import COLORS, PALETTE, figure, label, styled

__all__ = ["payoff", "RescuePanels"]


def _out(out) -> RescueRun:
    return v.instance("out", out, RescueRun)


@styled
def payoff(out: RescueRun, *, title: str):
    """The defence's final profit against the token's recovery F_T / F_0, one marker per path
    on which the floor was defended: marked at market (circles) and if the stock is sold
    into the thin pool (triangles). A dotted line marks the budget, the most it can lose."""
    out = _out(out)
    defended = out.stock() > 0
    fig, ax = figure(size=(7.0, 4.0))
    rec = out.recovery()[defended]
    ax.scatter(rec, out.pnl()[defended], s=12, alpha=0.55, color=COLORS[0], marker="o",
               label="profit marked at market")
    ax.scatter(rec, out.exit_value()[defended], s=12, alpha=0.55, color=COLORS[1], marker="^",
               label="profit if the stock is sold into the pool")
    ax.axhline(0, color="grey", lw=0.8)
    ax.axhline(-out.budget, color=PALETTE["black"], ls=":", lw=1.2,
               label="the budget: the most it can lose")
    ax.axvline(1.0, color="grey", ls="--", lw=0.8)
    ax.set_xscale("log")
    ax.legend(loc="upper left")
    label(ax, x="recovery: final over starting fair value [log scale]",
          y="defence's profit [million USD]", title=title)
    return fig


class RescuePanels:
    """The Step 5 Try-it figure, built once and updated in place.

    Left: one path's fair value and market price with the support level. Right: the
    defence's profit at market against the recovery, one marker per defended path, with
    the budget as a floor. Limits are fixed by the caller over the controls' whole range.
    """

    @styled
    def __init__(self, n_days: int, *, price_lim: tuple[float, float],
                 recovery_lim: tuple[float, float], pnl_lim: tuple[float, float]):
        self.figure, (self.left, self.right) = figure(1, 2, size=(8.6, 4.4))
        self.suptitle = self.figure.suptitle(" ", fontweight="bold", fontsize=11,
                                             animated=True)
        days = np.arange(n_days + 1)
        self.fair = self.left.plot(days, np.ones(days.size), color=COLORS[0], ls="--", lw=1.2,
                                   label="fair value", animated=True)[0]
        self.price = self.left.plot(days, np.ones(days.size), color=COLORS[1], lw=1.6,
                                    label="market price", animated=True)[0]
        self.level = self.left.axhline(1.0, color=PALETTE["black"], ls=":", lw=1.0,
                                       label="support level", animated=True)
        self.left.set_xlim(0, n_days)
        self.left.set_ylim(*price_lim)
        label(self.left, x="time [days]", y="price [USD per token]", title="One path")
        self.cloud = self.right.scatter([], [], s=10, alpha=0.6, color=COLORS[0],
                                        label="one defended path", animated=True)
        self.floor = self.right.axhline(-1.0, color=PALETTE["black"], ls=":", lw=1.2,
                                        label="minus the budget", animated=True)
        self.right.axhline(0, color="grey", lw=0.8)
        self.right.axvline(1.0, color="grey", ls="--", lw=0.8)
        self.right.set_xscale("log")
        self.right.set_xlim(*recovery_lim)
        self.right.set_ylim(*pnl_lim)
        label(self.right, x="recovery [final / starting fair value]",
              y="profit at market [million USD]")
        self.cloud_title = self.right.set_title(" ", loc="left")
        self.cloud_title.set_animated(True)
        handles = (self.left.get_legend_handles_labels()[0]
                   + self.right.get_legend_handles_labels()[0])
        self.figure.legend(handles=handles, loc="outside lower left", ncols=5, fontsize=8)

    @styled
    def show(self, out: RescueRun, path: int = 0, *, title: str):
        out = _out(out)
        path = v.count("path", path, 0, out.n_paths - 1)
        self.fair.set_ydata(out.run.fair_value[path])
        self.price.set_ydata(out.run.price[path])
        self.level.set_ydata([out.run.params.support_level] * 2)
        defended = out.stock() > 0
        self.cloud.set_offsets(np.column_stack([out.recovery()[defended],
                                                out.pnl()[defended]]))
        self.floor.set_ydata([-out.budget] * 2)
        share = out.win_share()
        self.cloud_title.set_text(f"{defended.sum()} defended paths: {share:.0%} in profit"
                                  if defended.any() else "no path needed the floor")
        self.suptitle.set_text(title)
        return self.figure
