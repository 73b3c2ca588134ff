"""Figures of the recovery waterfall (Step 17).

Each function takes what :mod:`toymarkets.models.waterfall` returns (a
:class:`~toymarkets.models.waterfall.Distribution`, a table of
:func:`~toymarkets.models.waterfall.recovery_rates`, or coins from
:func:`~toymarkets.models.waterfall.coins_recovered`), draws in the book's style and
returns a ``Figure``. Money in millions of USD. :class:`ClaimBars` is the chapter's Try-it
figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..models.waterfall import Distribution
from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["ClaimBars", "claims_paid", "rates_against_value", "coins_against_price"]


def _distribution(d) -> Distribution:
    if not isinstance(d, Distribution):
        raise ValueError(f"distribution must be a Distribution, got {type(d).__name__}")
    return d


class ClaimBars:
    """One bar per claim, in the estate's order: the claim (outlined), what it is paid from
    its collateral and from the estate (filled), and its rate written beside it.

    Built once for a fixed list of claims (``names``) and ``amount_max`` [million USD];
    what :meth:`show` changes is animated when ``live``.
    """

    @styled
    def __init__(self, names: list[str], *, amount_max: float, live: bool = False):
        self.names = list(names)
        self.figure, self.ax = figure(size=(7.6, 3.8))
        ax, y = self.ax, np.arange(len(self.names))
        zeros = np.zeros(len(self.names))
        self.claims = ax.barh(y, zeros, height=0.7, facecolor="none",
                              edgecolor=PALETTE["black"], lw=1.2, label="claim", animated=live)
        self.collateral = ax.barh(y, zeros, height=0.7, color=COLORS[4], hatch="//",
                                  edgecolor="white", label="paid from its collateral",
                                  animated=live)
        self.estate = ax.barh(y, zeros, height=0.7, color=COLORS[0],
                              label="paid from the estate", animated=live)
        self.rates = [ax.text(0.0, i, "", va="center", ha="left", fontsize=9, animated=live)
                      for i in y]
        ax.set_yticks(y, self.names)
        ax.invert_yaxis()
        ax.set_xlim(0.0, amount_max)
        ax.set_ylim(len(self.names) - 0.4, -0.6)
        label(ax, x="claim and payment [million USD]", y="claim, most senior first [–]")
        self.title = ax.set_title(" ", loc="left")
        self.title.set_animated(live)
        self.figure.legend(handles=[self.claims, self.collateral, self.estate],
                           loc="outside lower center", ncols=3, fontsize=8)

    @styled
    def show(self, distribution: Distribution, *, title: str):
        """Draw ``distribution`` (its claims must be this figure's, in order)."""
        table = _distribution(distribution).table()
        if list(table.index) != self.names:
            raise ValueError(f"distribution must have the claims {self.names}, "
                             f"got {list(table.index)}")
        pad = 0.01 * self.ax.get_xlim()[1]
        for i, (_, row) in enumerate(table.iterrows()):
            self.claims[i].set_width(row["amount"])
            self.collateral[i].set_width(row["from collateral"])
            self.estate[i].set_x(row["from collateral"])
            self.estate[i].set_width(row["paid"] - row["from collateral"])
            self.rates[i].set_position((row["amount"] + pad, i))
            self.rates[i].set_text(f"{row['rate']:.0%}")
        self.title.set_text(title)
        return self.figure


def claims_paid(distribution: Distribution, *, title: str):
    """:class:`ClaimBars` for one distribution, its axis fitted to the largest claim."""
    table = _distribution(distribution).table()
    view = ClaimBars(list(table.index), amount_max=1.15 * max(float(table["amount"].max()), 1.0))
    return view.show(distribution, title=title)


@styled
def rates_against_value(table: pd.DataFrame, *, title: str,
                        marks: dict[str, tuple[float, float]] | None = None):
    """Each class's recovery rate against the estate's value (a table of
    :func:`~toymarkets.models.waterfall.recovery_rates`); ``marks`` shade ranges of value
    (label -> (low, high) million USD)."""
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise ValueError("table must be a recovery_rates() DataFrame")
    fig, ax = figure(size=(7.6, 3.8))
    for i, (lo, hi) in enumerate((marks or {}).values()):
        ax.axvspan(lo, hi, color=PALETTE["yellow"], alpha=0.35 if i == 0 else 0.2, lw=0,
                   label=list(marks)[i])
    shown = [c for c in table.columns if table[c].notna().any()]
    for i, cls in enumerate(shown):
        ax.plot(table.index, table[cls], color=COLORS[i % 7], ls=LINESTYLES[i % 7], lw=2.0,
                label=cls)
    ax.set_xlim(float(table.index.min()), float(table.index.max()))
    ax.set_ylim(-0.02, 1.05)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(ax, x="estate's value to distribute [million USD]",
          y="recovery [share of the claim]", title=title)
    return fig


@styled
def coins_against_price(later_prices: np.ndarray, coins: dict[str, np.ndarray], *,
                        petition_price: float, title: str,
                        marks: dict[str, float] | None = None):
    """Coins a creditor can buy back per coin owed, against the coin's price when paid: one
    line per recovery rate (label -> coins on ``later_prices``), holding the coin dotted at
    1, the petition-date price and ``marks`` (label -> price) as vertical lines."""
    later = np.asarray(later_prices, dtype=float)
    fig, ax = figure(size=(7.6, 3.8))
    for i, (name, values) in enumerate(coins.items()):
        ax.plot(later, values, color=COLORS[i % 7], ls=LINESTYLES[i % 7], lw=2.0, label=name)
    ax.axhline(1.0, color=PALETTE["black"], ls=":", lw=1.2, label="holding the coin")
    ax.axvline(petition_price, color=PALETTE["vermillion"], ls="-.", lw=1.2,
               label="price on the petition date")
    for name, price in (marks or {}).items():
        ax.axvline(price, color=PALETTE["purple"], ls="--", lw=1.2, label=name)
    ax.set_xlim(float(later.min()), float(later.max()))
    ax.set_ylim(0.0, 1.05 * max(1.0, max(float(np.max(c)) for c in coins.values())))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(ax, x="coin's price when paid [USD]", y="coins bought back per coin owed [coins]",
          title=title)
    return fig
