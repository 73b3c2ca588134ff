"""Figures of the price-support model (Step 3; reused in Steps 5, 7, 14 and 15).

Like :mod:`toymarkets.figures.marketmaking`, each function takes a
:class:`~toymarkets.models.pricesupport.SupportRun`
(public fields and methods only), draws in the book's style and returns a
``Figure``. Units follow the model: prices in USD, token amounts in millions of
tokens, money in millions of USD, time in days.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from ..models.pricesupport import SupportRun
from .style import COLORS, PALETTE, figure, label, styled

__all__ = ["price_panel", "support_path", "pnl_against_business", "budget_runs_out",
           "SupportPanels"]

_MARKERS = ["o", "^", "s", "D"]


def _path(run: SupportRun, path: int) -> int:
    if not isinstance(run, SupportRun):
        raise ValueError(f"run must be a SupportRun, got {type(run).__name__}")
    return v.count("path", path, 0, run.n_paths - 1)


def price_panel(ax, run: SupportRun, path: int = 0, *, legend: bool = True) -> None:
    """Fair value, market price and the support level along one path, on ``ax``.

    A vertical dotted line marks the day the support budget ran out, if it did.
    """
    path = _path(run, path)
    days = np.arange(run.price.shape[1])
    ax.plot(days, run.fair_value[path], color=COLORS[0], ls="--", lw=1.2, label="fair value")
    ax.plot(days, run.price[path], color=COLORS[1], lw=1.6, label="market price")
    ax.axhline(run.params.support_level, color=PALETTE["black"], ls=":", lw=1.0,
               label="support level")
    end = run.exhaustion_step()[path]
    if run.params.budget > 0 and not np.isnan(end):
        ax.axvline(end, color=PALETTE["purple"], ls="-.", lw=1.4, label="budget spent")
    if legend:
        ax.legend(loc="best", ncols=2)


@styled
def support_path(run: SupportRun, path: int = 0, *, without: SupportRun | None = None,
                 title: str):
    """One path: prices and the support level (top), the house's inventory (bottom).

    ``without`` is the same path simulated with no support budget, for comparison;
    its inventory is drawn as a second line.
    """
    path = _path(run, path)
    fig, (top, bottom) = figure(2, 1, size=(7.0, 5.4), sharex=True,
                                gridspec_kw={"height_ratios": [3, 2]})
    price_panel(top, run, path)
    label(top, x="time [days]", y="price [USD]", title=title)
    days = np.arange(run.inventory.shape[1])
    bottom.plot(days, run.inventory[path], color=PALETTE["vermillion"], lw=1.6,
                label="with support")
    if without is not None:
        bottom.plot(days, without.inventory[_path(without, path)], color=COLORS[4], ls="--",
                    lw=1.2, label="without support")
        bottom.legend(loc="upper left")
    bottom.axhline(0, color="grey", lw=0.8)
    label(bottom, x="time [days]", y="inventory [million tokens]")
    return fig


@styled
def pnl_against_business(groups: dict[str, SupportRun], *, title: str):
    """Final P&L (marked at market) against the growth of the business proxy, one marker a path.

    ``groups`` maps a legend label to a run; the legend gives each group's exposure
    (the least-squares slope, :meth:`SupportRun.success_beta`, in million USD per unit of
    business growth in natural log), drawn as a line.
    """
    if not groups:
        raise ValueError("groups must name at least one run")
    fig, ax = figure()
    for i, (name, run) in enumerate(groups.items()):
        growth, pnl = run.business[:, -1], run.mark_to_market()
        beta = run.success_beta()
        ax.scatter(growth, pnl, s=12, alpha=0.55, color=COLORS[i], marker=_MARKERS[i % 4],
                   label=f"{name}: {beta:+,.0f} m USD per unit of log growth")
        if np.isfinite(beta):
            xs = np.array([growth.min(), growth.max()])
            ax.plot(xs, pnl.mean() + beta * (xs - growth.mean()), color=COLORS[i], lw=1.6)
    ax.axhline(0, color="grey", lw=0.8)
    ax.legend(loc="upper left")
    label(ax, x="growth of the exchange's business [natural log]",
          y="house P&L at the end [million USD]", title=title)
    return fig


@styled
def budget_runs_out(run: SupportRun, path: int = 0, *, title: str):
    """One path in three panels: prices; P&L marked at market and at fair value; budget left."""
    path = _path(run, path)
    fig, axes = figure(3, 1, size=(7.0, 7.0), sharex=True,
                       gridspec_kw={"height_ratios": [3, 2, 1.4]})
    price_panel(axes[0], run, path)
    label(axes[0], x="time [days]", y="price [USD]", title=title)
    days = np.arange(run.price.shape[1])
    cash, stock = run.cash[path], run.inventory[path]
    axes[1].plot(days, cash + stock * run.price[path], color=COLORS[1], lw=1.6,
                 label="marked at the market price")
    axes[1].plot(days, cash + stock * run.fair_value[path], color=COLORS[0], ls="--", lw=1.2,
                 label="marked at fair value")
    axes[1].axhline(0, color="grey", lw=0.8)
    axes[1].legend(loc="lower left")
    label(axes[1], x="time [days]", y="house P&L [million USD]")
    axes[2].plot(days, run.budget_left[path], color=COLORS[2], lw=1.6)
    axes[2].set_ylim(bottom=0)
    label(axes[2], x="time [days]", y="budget left [million USD]")
    return fig


class SupportPanels:
    """The Step 3 Try-it figure, built once and updated in place.

    Left: one path's fair value and market price, the support level and the day the
    budget ran out (if it did). Right: each path's final P&L against the growth of
    the exchange's business, titled with their correlation. Limits are fixed by the
    caller over the controls' whole range.
    """

    @styled
    def __init__(self, n_days: int, *, price_lim: tuple[float, float],
                 growth_lim: tuple[float, float], pnl_lim: tuple[float, float]):
        self.figure, (self.left, self.right) = figure(1, 2, size=(8.4, 4.4))
        self.suptitle = self.figure.suptitle(" ", fontweight="bold", fontsize=11, animated=True)
        days = np.arange(n_days + 1)
        self.fair = self.left.plot(days, np.zeros(days.size), color=COLORS[0], ls="--", lw=1.2,
                                   label="fair value", animated=True)[0]
        self.price = self.left.plot(days, np.zeros(days.size), color=COLORS[1], lw=1.6,
                                    label="market price", animated=True)[0]
        self.level = self.left.axhline(0.0, color=PALETTE["black"], ls=":", lw=1.0,
                                       label="support level", animated=True)
        self.spent = self.left.axvline(0.0, color=PALETTE["purple"], ls="-.", lw=1.4,
                                       label="budget spent", animated=True)
        self.left.set_xlim(0, n_days)
        self.left.set_ylim(*price_lim)
        self.figure.legend(handles=self.left.get_legend_handles_labels()[0],
                           loc="outside lower left", ncols=4, fontsize=8)
        label(self.left, x="time [days]", y="price [USD]", title="One path")
        self.cloud = self.right.scatter([], [], s=10, alpha=0.6, color=COLORS[1], animated=True)
        self.right.axhline(0, color="grey", lw=0.8)
        self.right.set_xlim(*growth_lim)
        self.right.set_ylim(*pnl_lim)
        label(self.right, x="business growth [natural log]", y="house P&L [million USD]")
        self.cloud_title = self.right.set_title(" ", loc="left")
        self.cloud_title.set_animated(True)

    @styled
    def show(self, run: SupportRun, path: int = 0, *, title: str):
        path = _path(run, path)
        self.fair.set_ydata(run.fair_value[path])
        self.price.set_ydata(run.price[path])
        self.level.set_ydata([run.params.support_level] * 2)
        end = run.exhaustion_step()[path]
        spent = run.params.budget > 0 and not np.isnan(end)
        self.spent.set_visible(bool(spent))
        if spent:
            self.spent.set_xdata([end, end])
        self.cloud.set_offsets(np.column_stack([run.business[:, -1], run.mark_to_market()]))
        corr = run.success_correlation()
        self.cloud_title.set_text(f"{run.n_paths} paths: correlation {corr:+.2f}")
        self.suptitle.set_text(title)
        return self.figure
