"""Figures of the liquidation cascade (Step 11).

Each function takes a result of :mod:`toymarkets.models.liquidation` (a
:class:`~toymarkets.models.liquidation.Cascade`, a
:class:`~toymarkets.models.liquidation.BackstopRun`, a :func:`~toymarkets.models.
liquidation.sweep` table) or the closed forms' output, draws in the book's style and
returns a ``Figure``. :class:`CascadePanels` is the Step 11 Try-it figure. Sizes are
drawn in thousands of tokens and money in millions of USD, as the axis labels say.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _validate as v
from ..models.liquidation import BackstopRun, Cascade
from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["margin_ladder", "cobweb", "sweep_panels", "backstop_fan", "CascadePanels"]

THOUSAND, MILLION = 1e3, 1e6


def _cascade(c) -> Cascade:
    return v.instance("cascade", c, Cascade)


def _cobweb_path(c: Cascade) -> tuple[np.ndarray, np.ndarray]:
    """The rounds as a path: along to the next round's sales, then down the book's curve."""
    s, p = c.rounds, c.round_prices
    xs = np.repeat(s, 2)[1:]
    ys = np.repeat(p, 2)[:-1]
    return xs, ys


@styled
def margin_ladder(prices: np.ndarray, fractions: np.ndarray, *, levels: dict[str, float],
                  marks: dict[str, float], title: str):
    """A long's margin fraction against the price, with its thresholds.

    ``levels`` maps a label to a margin fraction drawn as a horizontal line (the
    maintenance and auto-close margins); ``marks`` maps a label to a price drawn as a
    vertical line (the liquidation, auto-close and bankruptcy prices).
    """
    fig, ax = figure(size=(7.0, 3.8))
    ax.plot(prices, 100 * np.asarray(fractions), color=PALETTE["black"], lw=2.0,
            label="margin fraction")
    for i, (name, m) in enumerate(levels.items()):
        ax.axhline(100 * m, color=COLORS[i + 1], ls=LINESTYLES[i + 1], lw=1.2, label=name)
    for i, (name, p) in enumerate(marks.items()):
        ax.axvline(p, color=COLORS[(i + 3) % 6], ls=":", lw=1.4, label=f"{name}: {p:,.2f} USD")
    ax.axhline(0, color="grey", lw=0.8)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    label(ax, x="price of the future [USD]", y="margin fraction [%]", title=title)
    return fig


def _cobweb_axes(ax, c: Cascade, *, legend: bool = True) -> None:
    q = c.params.open_interest
    cum = np.cumsum(c.size)
    ax.step(np.concatenate([[0.0], cum]) / THOUSAND,
            np.concatenate([[c.liquidation_price[0]], c.liquidation_price]),
            where="pre", color=COLORS[0], lw=1.6,
            label="liquidation price of the next account")
    grid = np.linspace(0.0, q, 301)
    ax.plot(grid / THOUSAND, c.book_price(grid), color=COLORS[1], ls="--", lw=1.6,
            label="book's price after liquidation sales")
    xs, ys = _cobweb_path(c)
    ax.plot(xs / THOUSAND, ys, color=PALETTE["black"], lw=1.2, marker=".", ms=5,
            label="rounds of the cascade")
    if c.params.capacity < q:
        ax.axvline(c.params.capacity / THOUSAND, color=COLORS[3], ls=":", lw=1.4,
                   label="book's capacity (then the backstop)")
    ax.axhline(c.params.crash_price, color="grey", lw=0.8, ls="-.")
    ax.set_xlim(0, q / THOUSAND)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))


@styled
def cobweb(c: Cascade, *, title: str):
    """The cascade as a cobweb: the accounts' liquidation prices, the book's price curve,
    and the rounds between them down to the fixed point."""
    c = _cascade(c)
    fig, ax = figure(size=(8.4, 4.0))
    _cobweb_axes(ax, c)
    label(ax, x="tokens liquidated [thousand]", y="price [USD]", title=title)
    return fig


@styled
def sweep_panels(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame], *,
                 left_column: str, right_column: str, left_label: str, right_label: str,
                 xlabel: str, title: str):
    """Two panels of :func:`~toymarkets.models.liquidation.sweep` tables, one line a table.

    ``left`` and ``right`` map a legend label to a table; each panel plots one column
    (shares drawn in per cent) against the table's index.
    """
    fig, axes = figure(1, 2, size=(9.0, 3.8), sharex=True)
    for ax, tables, column, ylabel in ((axes[0], left, left_column, left_label),
                                       (axes[1], right, right_column, right_label)):
        for i, (name, frame) in enumerate(tables.items()):
            ax.plot(frame.index, 100 * frame[column].astype(float), color=COLORS[i],
                    ls=LINESTYLES[i], marker="o", ms=3, lw=1.6, label=name)
        ax.legend(loc="upper left", fontsize=8)
        label(ax, x=xlabel, y=ylabel)
    fig.suptitle(title, fontweight="bold", fontsize=11)
    return fig


@styled
def backstop_fan(run: BackstopRun, *, title: str):
    """The backstop's P&L against the crash (median, 5-95% band, mean) above the
    tokens it took over."""
    run = v.instance("run", run, BackstopRun)
    q = run.backstop_quantiles((0.05, 0.5, 0.95)) / MILLION
    x = 100 * run.crashes
    fig, (top, bottom) = figure(2, 1, size=(7.0, 5.4), sharex=True,
                                gridspec_kw={"height_ratios": [3, 1.6]})
    top.fill_between(x, q["q05"], q["q95"], color=COLORS[0], alpha=0.25,
                     label="5% to 95% of paths")
    top.plot(x, q["q50"], color=COLORS[0], lw=1.8, label="median")
    top.plot(x, run.pnl["backstop"].mean(axis=1) / MILLION, color=PALETTE["black"], ls="--",
             lw=1.4, label="mean")
    top.axhline(0, color="grey", lw=0.8)
    top.legend(loc="lower left")
    label(top, x="outside crash [%]", y="backstop P&L [million USD]", title=title)
    bottom.plot(x, run.inventory / THOUSAND, color=COLORS[3], lw=1.8, marker="o", ms=3)
    label(bottom, x="outside crash [%]", y="taken over [thousand tokens]")
    top.label_outer()
    return fig


class CascadePanels:
    """The Step 11 Try-it figure, built once and updated in place.

    Left: the cobweb (liquidation prices, the book's curve, the rounds) with fixed
    limits. Right: where the open interest went, as bars: sold into the book, taken
    by the backstop, still open.
    """

    BARS = ("sold into\nthe book", "taken by\nthe backstop", "still\nopen")

    @styled
    def __init__(self, open_interest: float, n_positions: int, *,
                 price_lim: tuple[float, float]):
        self.figure, (self.left, self.right) = figure(
            1, 2, size=(8.4, 4.2), gridspec_kw={"width_ratios": [2.2, 1]})
        self.suptitle = self.figure.suptitle(" ", fontweight="bold", fontsize=11, animated=True)
        xs = np.zeros(n_positions + 1)
        self.stairs = self.left.step(xs, xs, where="pre", color=COLORS[0], lw=1.6,
                                     label="liquidation price of the next account",
                                     animated=True)[0]
        self.book = self.left.plot(np.zeros(301), np.zeros(301), color=COLORS[1], ls="--",
                                   lw=1.6, label="book's price after liquidation sales",
                                   animated=True)[0]
        self.path = self.left.plot([], [], color=PALETTE["black"], lw=1.2, marker=".", ms=5,
                                   label="rounds of the cascade", animated=True)[0]
        self.capacity = self.left.axvline(0.0, color=COLORS[3], ls=":", lw=1.4,
                                          label="book's capacity", animated=True)
        self.left.set_xlim(0, open_interest / THOUSAND)
        self.left.set_ylim(*price_lim)
        label(self.left, x="tokens liquidated [thousand]", y="price [USD]")
        self.figure.legend(handles=self.left.get_legend_handles_labels()[0],
                           loc="outside lower left", ncols=2, fontsize=8)
        self.bars = self.right.bar(range(3), [0.0, 0.0, 0.0],
                                   color=[COLORS[1], COLORS[3], COLORS[2]], animated=True)
        self.right.set_xticks(range(3), self.BARS, fontsize=8)
        self.right.set_ylim(0, 100)
        label(self.right, x="where the longs went [-]", y="share of open interest [%]")
        self.open_interest = open_interest
        self.n = n_positions

    @styled
    def show(self, c: Cascade, *, title: str):
        c = _cascade(c)
        if c.params.n_positions != self.n:
            raise ValueError(f"the cascade must have {self.n} accounts, "
                             f"got {c.params.n_positions}")
        cum = np.concatenate([[0.0], np.cumsum(c.size)]) / THOUSAND
        self.stairs.set_data(cum, np.concatenate([[c.liquidation_price[0]],
                                                  c.liquidation_price]))
        grid = np.linspace(0.0, c.params.open_interest, 301)
        self.book.set_data(grid / THOUSAND, c.book_price(grid))
        xs, ys = _cobweb_path(c)
        self.path.set_data(xs / THOUSAND, ys)
        cap = min(c.params.capacity, c.params.open_interest) / THOUSAND
        self.capacity.set_xdata([cap, cap])
        q = c.params.open_interest
        shares = [c.book_sold / q, c.to_backstop / q, 1.0 - c.triggered / q]
        for bar, share in zip(self.bars, shares, strict=True):
            bar.set_height(100 * share)
        self.suptitle.set_text(title)
        return self.figure
