"""Figures of the venture book (Step 8).

Like :mod:`toymarkets.figures.marketmaking`, each function takes a model's result
(:class:`~toymarkets.models.venture.VentureRun`, or the table of
:func:`~toymarkets.models.venture.discount_table`), draws in the book's style and
returns a ``Figure``. Money is in millions of USD, time in years, shares as
fractions. :class:`VenturePanels` is the Step 8 Try-it figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _validate as v
from ..models import venture as vt
from .style import COLORS, PALETTE, figure, label, styled

__all__ = ["concentration", "book_outcomes", "lockup_discounts", "mark_and_cash",
           "VenturePanels"]

#: Shares of the book on the concentration curves' log axis: from one stake in a
#: thousand to the whole book.
_SHARES = np.logspace(-3, 0, 121)


def _run(run) -> vt.VentureRun:
    if not isinstance(run, vt.VentureRun):
        raise ValueError(f"run must be a VentureRun, got {type(run).__name__}")
    return run


def _formula(params: vt.VentureBook) -> np.ndarray:
    return np.array([vt.top_share(params, p) for p in _SHARES])


@styled
def concentration(run: vt.VentureRun, paths: int = 5, *, title: str):
    """How much of the book's value its best stakes hold: one line per simulated book
    (the first ``paths``), the large-book formula dashed, equal shares dotted."""
    run = _run(run)
    paths = v.count("paths", paths, 1, run.n_paths)
    fig, ax = figure(size=(7.0, 4.0))
    for i in range(paths):
        frame = run.concentration(i)
        ax.step(frame["share of stakes"].iloc[1:], frame["share of value"].iloc[1:],
                where="post", color=COLORS[0], ls="-", lw=1.0, alpha=0.6,
                label="simulated books" if i == 0 else None)
    ax.plot(_SHARES, _formula(run.params), color=PALETTE["black"], ls="--", lw=1.8,
            label="formula, large book")
    ax.plot(_SHARES, _SHARES, color="grey", ls=":", lw=1.0, label="every stake equal")
    ax.set_xscale("log")
    ax.set_xlim(_SHARES[0], 1.0)
    ax.set_ylim(0.0, 1.02)
    ax.legend(loc="upper left")
    label(ax, x="best stakes, as a share of the book [fraction, log scale]",
          y="their share of the book's value [fraction]", title=title)
    return fig


@styled
def book_outcomes(run: vt.VentureRun, *, title: str):
    """Each simulated book's final value over its cost (log scale): the stakes alone, and
    with the common market factor; the medians dashed, break-even dotted."""
    run = _run(run)
    groups = {"stakes alone": run.stake_multiple(), "with the market factor": run.book_multiple()}
    positive = np.concatenate([x[x > 0] for x in groups.values()])
    bins = np.logspace(np.log10(positive.min()), np.log10(positive.max()), 60)
    fig, ax = figure(size=(7.0, 3.8))
    for i, (name, multiple) in enumerate(groups.items()):
        colour = [COLORS[0], COLORS[1]][i]
        ax.hist(multiple[multiple > 0], bins=bins, color=colour, alpha=0.55, label=name,
                histtype="stepfilled", edgecolor=colour)
        ax.axvline(np.median(multiple), color=colour, ls="--", lw=2.0,
                   label=f"median, {name}: {np.median(multiple):.2f}")
    ax.axvline(1.0, color=PALETTE["black"], ls=":", lw=1.2, label="break even")
    ax.set_xscale("log")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(ax, x="book's final value over its cost [multiple, log scale]",
          y="simulated books [count]", title=title)
    return fig


@styled
def lockup_discounts(table: pd.DataFrame, *, title: str,
                     references: dict[str, float] | None = None):
    """Longstaff's bound (solid) and the put proxy (dashed) against the lock-up, one colour
    per volatility; ``references`` are horizontal lines (label -> discount) for discounts
    seen in the market. The bound is drawn up to 1.2 and the whole value marked at 1."""
    if not isinstance(table, pd.DataFrame) or not {"volatility", "lockup", "longstaff",
                                                    "put"} <= set(table.columns):
        raise ValueError("table must be a discount_table() DataFrame")
    fig, ax = figure(size=(7.4, 4.0))
    for i, (sigma, rows) in enumerate(table.groupby("volatility", sort=True)):
        colour = COLORS[i % 6]
        ax.plot(rows["lockup"], np.minimum(rows["longstaff"], 1.2), color=colour, ls="-", lw=2.0,
                label=f"σ = {sigma:.0%}: Longstaff's bound")
        ax.plot(rows["lockup"], rows["put"], color=colour, ls="--", lw=1.6,
                label=f"σ = {sigma:.0%}: at-the-money put")
    ax.axhline(1.0, color="grey", lw=0.8)
    styles = [":", "-."]
    for i, (name, value) in enumerate((references or {}).items()):
        ax.axhline(value, color=PALETTE["purple"], ls=styles[i % 2], lw=1.6, label=name)
    ax.set_xlim(table["lockup"].min(), table["lockup"].max())
    ax.set_ylim(0.0, 1.2)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(ax, x="time until the stake can be sold [years]",
          y="discount [share of value]", title=title)
    return fig


@styled
def mark_and_cash(run: vt.VentureRun, *, title: str):
    """Top: the book at its marks (median, 10th to 90th percentile shaded) and at its cash
    value with each discount (medians), against the debt. Bottom: the share of books
    worth less than the debt, at mark and at cash value."""
    run = _run(run)
    fig, (top, bottom) = figure(2, 1, size=(7.6, 5.8), sharex=True,
                                gridspec_kw={"height_ratios": [3, 1.6]})
    t = run.times
    mark = run.percentiles((10, 50, 90), "mark")
    top.fill_between(t, mark[10], mark[90], color=COLORS[0], alpha=0.18,
                     label="mark, 10th to 90th percentile")
    top.plot(t, mark[50], color=COLORS[0], ls="-", lw=2.0, label="mark, median")
    for i, method in enumerate(vt.DISCOUNTS):
        cash = run.percentiles((50,), "cash", method)[50]
        top.plot(t, cash, color=[COLORS[1], COLORS[2]][i], ls=["--", "-."][i], lw=1.8,
                 label=f"cash value, median ({vt.DISCOUNTS[method]})")
    top.plot(t, run.debt, color=PALETTE["black"], lw=1.6, ls=":", label="debt")
    top.set_ylim(bottom=0)
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(top, x="time [years]", y="book [million USD]", title=title)
    bottom.plot(t, run.shortfall_share("mark"), color=COLORS[0], ls="-", lw=2.0,
                label="at mark")
    for i, method in enumerate(vt.DISCOUNTS):
        bottom.plot(t, run.shortfall_share("cash", method), color=[COLORS[1], COLORS[2]][i],
                    ls=["--", "-."][i], lw=1.8, label=f"at cash value ({vt.DISCOUNTS[method]})")
    bottom.set_ylim(0, 1)
    bottom.set_xlim(t[0], t[-1])
    bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(bottom, x="time [years]", y="books below debt [share]")
    return fig


class VenturePanels:
    """The Step 8 Try-it figure, built once and updated in place.

    Left: one simulated book's concentration curve against the large-book formula.
    Right: the median book at its marks and at its cash value (the put proxy) against
    the debt, titled with the share of books that could not repay the loan at the
    horizon. ``book_lim`` [million USD] is fixed by the caller over the controls' range.
    """

    @styled
    def __init__(self, horizon: float, *, book_lim: tuple[float, float]):
        self.figure, (self.left, self.right) = figure(1, 2, size=(8.6, 4.4))
        self.suptitle = self.figure.suptitle(" ", fontweight="bold", fontsize=11, animated=True)
        self.book = self.left.step([], [], where="post", color=PALETTE["vermillion"], ls="-",
                                   lw=1.4,
                                   label="one simulated book", animated=True)[0]
        self.formula = self.left.plot([], [], color=PALETTE["black"], ls="--", lw=1.6,
                                      label="formula, large book", animated=True)[0]
        self.left.plot(_SHARES, _SHARES, color="grey", ls=":", lw=1.0, label="every stake equal")
        self.left.set_xscale("log")
        self.left.set_xlim(_SHARES[0], 1.0)
        self.left.set_ylim(0.0, 1.02)
        label(self.left, x="best stakes [share of book, log]", y="share of value [fraction]",
              title="A few stakes carry the book")
        self.mark = self.right.plot([], [], color=COLORS[0], ls="-", lw=2.0, label="mark, median",
                                    animated=True)[0]
        self.cash = self.right.plot([], [], color=COLORS[1], ls="--", lw=1.8,
                                    label="cash value, median", animated=True)[0]
        self.debt = self.right.plot([], [], color=PALETTE["black"], ls=":", lw=1.6, label="debt",
                                    animated=True)[0]
        self.right.set_xlim(0.0, horizon)
        self.right.set_ylim(*book_lim)
        label(self.right, x="time [years]", y="book [million USD]")
        self.right_title = self.right.set_title(" ", loc="left")
        self.right_title.set_animated(True)
        handles = self.left.get_legend_handles_labels()[0] + \
            self.right.get_legend_handles_labels()[0]
        self.figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8)

    @styled
    def show(self, run: vt.VentureRun, path: int = 0, *, title: str):
        run = _run(run)
        frame = run.concentration(path)
        self.book.set_data(frame["share of stakes"].iloc[1:], frame["share of value"].iloc[1:])
        self.formula.set_data(_SHARES, _formula(run.params))
        self.mark.set_data(run.times, np.median(run.mark, axis=0))
        self.cash.set_data(run.times, np.median(run.cash_value("put"), axis=0))
        self.debt.set_data(run.times, run.debt)
        short = run.shortfall_share("cash")[-1]
        self.right_title.set_text(f"{short:.0%} of books end below the debt")
        self.suptitle.set_text(title)
        return self.figure
