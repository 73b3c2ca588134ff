"""Figures of the farming model (Step 6): the farm filling up, and the loan against the token.

Each function takes a result of :mod:`toymarkets.models.farming` (public fields and
methods only), draws in the book's style and returns a ``Figure``. Units follow
the model: money in millions of USD, rates per year, prices in USD, time in days.
:class:`LoanPanels` is the Step 6 Try-it figure, built once and updated in place.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from ..models.farming import Crowding, ExposureCurve, FarmEquilibrium, LoanRun, call_price
from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["crowding", "insider", "exposure_curve", "loan_path", "loss_curves", "LoanPanels"]


def _path(run: LoanRun, path: int) -> int:
    if not isinstance(run, LoanRun):
        raise ValueError(f"run must be a LoanRun, got {type(run).__name__}")
    return v.count("path", path, 0, run.n_paths - 1)


@styled
def crowding(result: Crowding, *, title: str):
    """The symmetric farm as farmers arrive: capital in the farm (left), yield per dollar
    and the cost of capital (right). Lines are the closed forms, dots best-response dynamics."""
    v.instance("result", result, Crowding)
    fig, (left, right) = figure(1, 2, size=(8.4, 3.6))
    n = result.n
    left.plot(n, result.total, color=COLORS[0], lw=1.8, label="closed form")
    left.plot(n, result.total_iterated, ls="none", marker="o", ms=5, mfc="none",
              color=COLORS[1], label="best responses, iterated")
    left.axhline(result.limit_capital, color=PALETTE["black"], ls=":", lw=1.0,
                 label="limit R / c")
    left.set_ylim(0, 1.08 * result.limit_capital)
    left.legend(loc="lower right")
    label(left, x="farmers [number]", y="capital in the farm [million USD]", title=title)
    right.plot(n, 100 * result.yield_per_dollar, color=COLORS[0], lw=1.8,
               label="yield per dollar")
    right.axhline(100 * result.params.cost_of_capital, color=PALETTE["black"], ls=":", lw=1.0,
                  label="cost of capital")
    right.set_ylim(0, 1.05 * 100 * result.yield_per_dollar.max())
    right.legend(loc="upper right")
    label(right, x="farmers [number]", y="yield [% a year]")
    return fig


@styled
def insider(equilibria: list[FarmEquilibrium], *, title: str):
    """Farms that differ only in the insider's cost of capital: each farmer's capital
    (left) and profit (right) against the insider's cost."""
    if not equilibria or not all(isinstance(e, FarmEquilibrium) for e in equilibria):
        raise ValueError("equilibria must be a non-empty list of FarmEquilibrium results")
    cost = np.array([100 * e.costs[0] for e in equilibria])
    capital = np.array([e.capital for e in equilibria])
    profit = np.array([e.profits for e in equilibria])
    fig, (left, right) = figure(1, 2, size=(8.4, 3.6))
    for ax, data in ((left, capital), (right, profit)):
        ax.plot(cost, data[:, 0], color=COLORS[3], lw=1.8, label="the insider")
        ax.plot(cost, data[:, 1], color=COLORS[0], ls="--", lw=1.6, label="each rival")
        ax.set_xlim(0, cost.max())
        ax.set_ylim(bottom=0)
    left.legend(loc="upper right")
    label(left, x="insider's cost of capital [% a year]", y="capital [million USD]",
          title=title)
    label(right, x="insider's cost of capital [% a year]",
          y="profit [million USD a year]")
    return fig


@styled
def exposure_curve(curve: ExposureCurve, *, title: str):
    """The exchange's exposure to the loan against the token's price, three ways: at the
    collateral's mark, at what selling it fetches, and at a sale after a default."""
    v.instance("curve", curve, ExposureCurve)
    fig, ax = figure(size=(7.0, 3.8))
    ax.plot(curve.price, curve.exposure_at_mark, color=COLORS[0], ls=LINESTYLES[0], lw=1.8,
            label="at the collateral's mark")
    ax.plot(curve.price, curve.exposure, color=COLORS[1], ls=LINESTYLES[1], lw=1.8,
            label="if the collateral is sold")
    ax.plot(curve.price, curve.exposure_at_default, color=COLORS[3], ls=LINESTYLES[2], lw=1.8,
            label="if sold after a default")
    p = curve.params
    for x, text in ((call_price(p), "margin calls below"), (p.price, "price at the start")):
        ax.axvline(x, color=PALETTE["black"], ls=":", lw=1.0)
        ax.text(x, 0.5 * curve.principal, f"{text} ", rotation=90, ha="right", va="center",
                fontsize=8)
    ax.set_xlim(curve.price.min(), curve.price.max())
    ax.set_ylim(0, 1.05 * curve.principal)
    ax.legend(loc="upper right")
    label(ax, x="house token price [USD]", y="exchange's exposure [million USD]", title=title)
    return fig


@styled
def loan_path(run: LoanRun, path: int = 0, *, title: str, until: int | None = None):
    """One path in three panels: the token's price and the call price; the loan against the
    collateral at mark and if sold; the farmer's cash and the margin calls it paid.
    ``until``: the last day shown (default: the whole run)."""
    path = _path(run, path)
    last = run.days[-1] if until is None else v.count("until", until, 1, int(run.days[-1]))
    fig, axes = figure(3, 1, size=(7.0, 7.2), sharex=True,
                       gridspec_kw={"height_ratios": [2.2, 2.2, 1.6]})
    days = run.days
    end = run.breach_day[path]
    stop = days if np.isnan(end) else days[: int(end)]         # while the loan is open
    top, mid, low = axes
    top.plot(days, run.price[path], color=COLORS[0], lw=1.4, label="house token price")
    top.axhline(call_price(run.params), color=PALETTE["black"], ls=":", lw=1.0,
                label="margin calls below")
    mid.plot(stop, run.principal[path, : stop.size], color=PALETTE["black"], lw=2.0,
             label="loan")
    mid.plot(stop, run.mark()[path, : stop.size], color=COLORS[0], ls="--", lw=1.4,
             label="collateral at mark")
    mid.plot(stop, run.liquidation_value()[path, : stop.size], color=COLORS[1], ls="-.",
             lw=1.4, label="collateral if sold")
    if run.liquidated()[path]:
        owed = run.principal[path, int(end) - 1]
        mid.plot([end], [owed], ls="none", marker="o", color=PALETTE["black"],
                 label="loan at the default")
        mid.plot([end], [run.recovery[path]], ls="none", marker="X", ms=8,
                 color=PALETTE["vermillion"], label="what the sale fetched")
    low.plot(days, run.cash[path], color=COLORS[2], lw=1.4, label="farmer's cash")
    low.bar(days[1:], run.paid[path], color=COLORS[3], width=1.0, label="margin call paid")
    if not np.isnan(end):
        what = "default: collateral sold" if run.liquidated()[path] else "call not met"
        for ax in axes:
            ax.axvline(end, color=PALETTE["purple"], ls="-.", lw=1.2,
                       label=what if ax is top else None)
    low.axhline(0, color="grey", lw=0.8)
    mid.set_ylim(bottom=0)
    for ax in axes:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    label(top, x="time [days]", y="price [USD]", title=title)
    label(mid, x="time [days]", y="value [million USD]")
    label(low, x="time [days]", y="cash, calls [million USD]")
    low.set_xlim(0, last)
    for ax in axes[:-1]:
        ax.label_outer()
    return fig


@styled
def loss_curves(groups: dict[str, LoanRun], *, title: str):
    """The exchange's loss at close on every path, sorted from the largest down, for each
    run in ``groups``; the first run's loss as a lender who trusts marks sees it, dashed."""
    if not groups or not all(isinstance(r, LoanRun) for r in groups.values()):
        raise ValueError("groups must map names to LoanRun results")
    fig, ax = figure(size=(7.0, 3.8))
    for i, (name, run) in enumerate(groups.items()):
        share, loss = run.loss_curve()
        ax.plot(100 * share, loss, color=COLORS[i % 6], ls=LINESTYLES[i % 6], lw=1.8,
                label=name)
    first_name, first = next(iter(groups.items()))
    share, loss = first.loss_curve(at_mark=True)
    ax.plot(100 * share, loss, color=PALETTE["black"], ls=":", lw=1.6,
            label=f"{first_name}, at mark")
    ax.set_xlim(0, 100)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right")
    label(ax, x="share of paths with at least this loss [%]",
          y="exchange's loss [million USD]", title=title)
    return fig


class LoanPanels:
    """The Step 6 Try-it figure, built once and updated in place.

    Left: one path's token price, the price below which margin calls come, and the
    day the farmer could not pay. Right: the exchange's loss on every path, sorted,
    as it is and as the mark view sees it. Limits are fixed by the caller over the
    controls' whole range.
    """

    @styled
    def __init__(self, n_days: int, *, price_lim: tuple[float, float],
                 loss_lim: tuple[float, float], n_paths: int):
        self.figure, (self.left, self.right) = figure(1, 2, size=(8.6, 4.4))
        self.suptitle = self.figure.suptitle(" ", fontweight="bold", fontsize=11, animated=True)
        days = np.arange(n_days + 1)
        self.price = self.left.plot(days, np.zeros(days.size), color=COLORS[0], lw=1.4,
                                    label="token price", animated=True)[0]
        self.threshold = self.left.axhline(0.0, color=PALETTE["black"], ls=":", lw=1.0,
                                           label="margin calls below", animated=True)
        self.breach = self.left.axvline(0.0, color=PALETTE["purple"], ls="-.", lw=1.3,
                                        label="farmer cannot pay", animated=True)
        self.left.set_xlim(0, n_days)
        self.left.set_ylim(*price_lim)
        label(self.left, x="time [days]", y="price [USD]", title="One path")
        share = 100 * np.arange(1, n_paths + 1) / n_paths
        self.loss = self.right.plot(share, np.zeros(n_paths), color=COLORS[3], lw=1.8,
                                    label="exchange's loss", animated=True)[0]
        self.mark = self.right.plot(share, np.zeros(n_paths), color=PALETTE["black"], ls=":",
                                    lw=1.6, label="loss at mark", animated=True)[0]
        self.right.set_xlim(0, 100)
        self.right.set_ylim(*loss_lim)
        label(self.right, x="share of paths with at least this loss [%]",
              y="exchange's loss [million USD]")
        self.loss_title = self.right.set_title(" ", loc="left")
        self.loss_title.set_animated(True)
        handles = self.left.get_legend_handles_labels()[0] + \
            self.right.get_legend_handles_labels()[0]
        self.figure.legend(handles=handles, loc="outside lower center", ncols=5, fontsize=8)

    @styled
    def show(self, run: LoanRun, path: int = 0, *, title: str):
        path = _path(run, path)
        self.price.set_ydata(run.price[path])
        self.threshold.set_ydata([call_price(run.params)] * 2)
        end = run.breach_day[path]
        self.breach.set_visible(bool(not np.isnan(end)))
        if not np.isnan(end):
            self.breach.set_xdata([end, end])
        self.loss.set_ydata(run.loss_curve()[1])
        self.mark.set_ydata(run.loss_curve(at_mark=True)[1])
        self.loss_title.set_text(f"{run.n_paths} paths: mean loss "
                                 f"{run.loss_at_close().mean():,.0f} m USD")
        self.suptitle.set_text(title)
        return self.figure
