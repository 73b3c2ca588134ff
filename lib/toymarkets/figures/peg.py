"""Figures of the peg model (Step 10).

Each function takes what the model returns (a :class:`~toymarkets.models.peg.PegRun`, or a
table of :func:`~toymarkets.models.peg.price_table` or
:func:`~toymarkets.models.peg.break_size_table`), draws in the book's style and returns a
``Figure``. Units follow the model: UST and dollars in millions, LUNA in millions of
tokens, prices in USD, time in blocks. :class:`SpiralPanels` is the chapter's Try-it figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..models.peg import PegRun
from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["price_against_sale", "break_size_map", "spiral", "SpiralPanels", "BreakCurves"]

#: How each invariant is named in a legend.
NAMES = {"stableswap": "StableSwap", "constant_product": "constant product"}


def _run(run) -> PegRun:
    if not isinstance(run, PegRun):
        raise ValueError(f"run must be a PegRun, got {type(run).__name__}")
    return run


@styled
def price_against_sale(prices: pd.DataFrame, *, floor: float, title: str):
    """UST's price against the UST sold into a balanced venue, one line per invariant
    (columns of ``prices``, indexed by the sale), with the defended floor dotted."""
    fig, ax = figure()
    for i, col in enumerate(prices.columns):
        ax.plot(prices.index, prices[col], color=COLORS[i], ls=LINESTYLES[i], lw=1.8,
                label=NAMES.get(col, col))
    ax.axhline(floor, color=PALETTE["black"], ls=":", lw=1.0, label=f"floor {floor:.2f} USD")
    ax.set_ylim(0, 1.05)
    ax.set_xlim(prices.index.min(), prices.index.max())
    ax.legend(loc="lower left")
    label(ax, x="UST sold into the pool [million UST]", y="UST price [USD]", title=title)
    return fig


@styled
def break_size_map(table: pd.DataFrame, *, title: str):
    """The sale that breaks the peg against the pool's depth, one line per invariant and
    reserve (a table of :func:`~toymarkets.models.peg.break_size_table`)."""
    fig, ax = figure()
    reserves = sorted(table["reserve"].unique())
    for i, invariant in enumerate(table["invariant"].unique()):
        for j, k in enumerate(reserves):
            rows = table[(table["invariant"] == invariant) & (table["reserve"] == k)]
            ax.plot(rows["depth"], rows["break size"], color=COLORS[i],
                    ls=LINESTYLES[j % len(LINESTYLES)], lw=1.6,
                    label=f"{NAMES.get(invariant, invariant)}, reserve {k:,.0f} m USD")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=8)
    label(ax, x="pool liquidity at balance [million USD]",
          y="sale that breaks the peg [million UST]", title=title)
    return fig


class SpiralPanels:
    """One run in three panels over the blocks: UST's price with the floor; the defender's
    reserve and the pool's liquidity; LUNA's supply on a log scale.

    Built once; with ``luna_lim`` (million tokens) the limits are fixed and what
    :meth:`show` changes is animated, for a live control. Without it, each :meth:`show`
    fits the LUNA axis to the data (a static figure).
    """

    @styled
    def __init__(self, n_blocks: int, *, luna_lim: tuple[float, float] | None = None,
                 money_lim: tuple[float, float] = (0.0, 1000.0)):
        self.figure, axes = figure(3, 1, size=(7.6, 6.6), sharex=True,
                                   gridspec_kw={"height_ratios": [2.4, 1.5, 1.5]})
        self.price_ax, self.money_ax, self.luna_ax = axes
        self.fixed = live = luna_lim is not None
        blocks = np.arange(n_blocks + 1)
        zeros = np.zeros(blocks.size)
        self.price = self.price_ax.plot(blocks, zeros, color=COLORS[0], lw=1.6,
                                        label="UST price", animated=live)[0]
        self.floor = self.price_ax.axhline(0.0, color=PALETTE["black"], ls=":", lw=1.0,
                                           label="floor", animated=live)
        self.broke = self.price_ax.axvline(0.0, color=PALETTE["vermillion"], ls="-.", lw=1.3,
                                           label="peg broken", animated=live)
        self.price_ax.set_ylim(0.0, 1.05)
        self.price_ax.set_xlim(0, n_blocks)
        label(self.price_ax, x="block [6 s]", y="UST price [USD]")
        self.title = self.price_ax.set_title(" ", loc="left")
        self.title.set_animated(live)
        self.reserve = self.money_ax.plot(blocks, zeros, color=COLORS[2], ls="-", lw=1.6,
                                          label="reserve left", animated=live)[0]
        self.liquidity = self.money_ax.plot(blocks, zeros, color=COLORS[1], ls="--", lw=1.6,
                                            label="pool liquidity", animated=live)[0]
        self.money_ax.set_ylim(*money_lim)
        label(self.money_ax, x="block [6 s]", y="dollars [million USD]")
        self.luna = self.luna_ax.plot(blocks, np.ones(blocks.size), color=COLORS[3], lw=1.6,
                                      label="LUNA supply", animated=live)[0]
        self.luna_ax.set_yscale("log")
        if luna_lim is not None:
            self.luna_ax.set_ylim(*luna_lim)
        label(self.luna_ax, x="block [6 s]", y="LUNA supply [million]")
        for ax in axes:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        self.price_ax.label_outer()
        self.money_ax.label_outer()

    @styled
    def show(self, run: PegRun, *, title: str):
        """Draw ``run``."""
        run = _run(run)
        self.price.set_ydata(run.price)
        self.floor.set_ydata([run.params.floor] * 2)
        end = run.break_block()
        self.broke.set_visible(bool(np.isfinite(end)))
        if np.isfinite(end):
            self.broke.set_xdata([end, end])
        self.reserve.set_ydata(run.reserve_left)
        self.liquidity.set_ydata(run.liquidity)
        self.luna.set_ydata(run.luna_supply)
        self.title.set_text(title)
        if not self.fixed:
            top = max(float(run.luna_supply.max()), float(run.luna_supply[0]) * 10.0)
            self.luna_ax.set_ylim(float(run.luna_supply[0]) / 2.0, top * 2.0)
            self.money_ax.set_ylim(0.0, 1.1 * max(run.params.reserve, run.params.depth, 1.0))
        return self.figure


def spiral(run: PegRun, *, title: str):
    """One run in three panels (:class:`SpiralPanels`, axes fitted to the run)."""
    run = _run(run)
    return SpiralPanels(run.params.n_blocks).show(run, title=title)


class BreakCurves:
    """The chapter's Try-it figure: UST's price against a sale fed in small pieces, one
    line per invariant (tables of :func:`~toymarkets.models.peg.sale_curve`), with the
    floor dotted and the sale that breaks the peg marked on each line.

    Built once with fixed limits (``sold_max`` in million UST); :meth:`show` sets the data,
    dropping the points beyond ``sold_max``.
    """

    @styled
    def __init__(self, *, floor: float, sold_max: float):
        self.figure, self.ax = figure(size=(8.2, 4.0))
        self.sold_max = sold_max
        self.lines, self.marks = {}, {}
        for i, (key, name) in enumerate(NAMES.items()):
            self.lines[key] = self.ax.plot([], [], color=COLORS[i], ls=LINESTYLES[i], lw=1.8,
                                           label=name, animated=True)[0]
            self.marks[key] = self.ax.plot([], [], ls="none", marker="os"[i], ms=7,
                                           color=COLORS[i], label=f"{name}: peg breaks",
                                           animated=True)[0]
        self.ax.axhline(floor, color=PALETTE["black"], ls=":", lw=1.0,
                        label=f"floor {floor:.2f} USD")
        self.ax.set_xlim(0.0, sold_max)
        self.ax.set_ylim(0.0, 1.05)
        self.ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        label(self.ax, x="UST sold, in small pieces [million UST]", y="UST price [USD]")
        self.title = self.ax.set_title(" ", loc="left")
        self.title.set_animated(True)

    @styled
    def show(self, curves: dict[str, pd.DataFrame], breaks: dict[str, float], *, title: str):
        """``curves`` and ``breaks`` map an invariant to its sale curve and break size."""
        for key, frame in curves.items():
            inside = frame[frame["sold"] <= self.sold_max]
            self.lines[key].set_data(inside["sold"], inside["price"])
            q = breaks[key]
            shown = q <= self.sold_max
            self.marks[key].set_data([q] if shown else [], [self.floor_of(frame)] if shown else [])
        self.title.set_text(title)
        return self.figure

    @staticmethod
    def floor_of(frame: pd.DataFrame) -> float:
        """The price of the flat stretch of a sale curve (the defended floor)."""
        prices = frame["price"].to_numpy()
        flat = np.flatnonzero(np.diff(prices) == 0.0)
        return float(prices[flat[0]]) if flat.size else float(prices.min())
