"""Figures of the constant-product pool (Step 4), one function per kind of picture.

Each function takes the model's results (a :class:`~toymarkets.models.amm.LaunchRun`, a
:class:`~toymarkets.models.amm.Trade`) or arrays the model computed, draws in the book's
style and returns a ``Figure``. :class:`LaunchPanels` is the Step 4 Try-it figure: built
once, updated in place with fixed limits. Units follow the model: tokens in millions,
money in millions of USD, prices in USD per token, time in days.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from ..models.amm import AGENTS, LaunchRun, Trade
from .style import COLORS, PALETTE, figure, label, styled

__all__ = ["impermanent_loss", "launch_path", "who_pays", "hedge_against_depth", "LaunchPanels"]

#: One colour per party of a launch, the same in every figure.
AGENT_COLORS = dict(zip(AGENTS, [PALETTE["vermillion"], PALETTE["orange"], PALETTE["blue"],
                                 PALETTE["green"], PALETTE["purple"]], strict=True))
_SHORT = {"house_sales": "house:\ntokens sold", "house_liquidity": "house:\nits liquidity",
          "providers": "other\nproviders", "arbitrageurs": "arbitrageurs",
          "late_buyers": "late\nbuyers"}


def _run(run) -> LaunchRun:
    return v.instance("run", run, LaunchRun)


def _path(run: LaunchRun, path: int) -> int:
    return v.count("path", path, 0, run.n_paths - 1)


@styled
def impermanent_loss(ratio: np.ndarray, closed: np.ndarray, sim_ratio: np.ndarray,
                     simulated: np.ndarray, *, title: str):
    """The closed form of impermanent loss against the price ratio (a line, log scale),
    with brute-force arbitrage results on top (markers). Losses are fractions; the axis
    shows per cent."""
    fig, ax = figure()
    ax.plot(ratio, 100 * np.asarray(closed), color=COLORS[0], lw=1.8,
            label=r"closed form $2\sqrt{r}/(1+r) - 1$")
    ax.plot(sim_ratio, 100 * np.asarray(simulated), "o", color=COLORS[1], ms=5, ls="none",
            label="a pool arbitraged to the new price")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xscale("log")
    ax.legend(loc="lower center")
    label(ax, x="price ratio r = new price / old price [log scale]",
          y="provider against holding [%]", title=title)
    return fig


def _price_panel(ax, run: LaunchRun, path: int, *, animated: bool = False):
    days = np.arange(run.outside_price.shape[1])
    p = run.params
    lines = {
        "outside": ax.plot(days, run.outside_price[path], color=COLORS[0], lw=1.6,
                           label="outside price", animated=animated)[0],
        "dip": ax.plot(days[1:], run.price_after_sale[path], color=COLORS[3], lw=0, marker=".",
                       ms=4, label="pool just after the house sells", animated=animated)[0],
    }
    ax.axhline(p.listing_price, color=PALETTE["black"], ls=":", lw=1.0, label="listing price")
    ax.axhline(p.presale_price, color=COLORS[2], ls="--", lw=1.0, label="presale price")
    return lines


@styled
def launch_path(run: LaunchRun, path: int = 0, *, title: str):
    """One launch day by day. Top: the outside price, the pool's price just after each of the
    house's sales, the listing and presale prices. Bottom: the tokens the house has sold, the
    tokens late buyers hold, and the tokens in the pool."""
    run = _run(run)
    path = _path(run, path)
    fig, (top, bottom) = figure(2, 1, size=(7.4, 5.6), sharex=True,
                                gridspec_kw={"height_ratios": [3, 2]})
    _price_panel(top, run, path)
    top.set_ylim(bottom=0)
    top.legend(loc="upper right", ncols=2, fontsize=8)
    label(top, x="time [days]", y="price [USD per token]", title=title)
    days = np.arange(run.outside_price.shape[1])
    sold = np.concatenate([[0.0], np.cumsum(run.sold[path])])
    bought = np.concatenate([[0.0], np.cumsum(-run.arb_token_in[path])])
    bottom.plot(days, sold, color=AGENT_COLORS["house_sales"], lw=1.6, label="sold by the house")
    bottom.plot(days, bought, color=AGENT_COLORS["late_buyers"], ls="--", lw=1.6,
                label="held by late buyers")
    bottom.plot(days, run.pool_token[path], color=AGENT_COLORS["providers"], ls="-.", lw=1.4,
                label="in the pool")
    bottom.set_ylim(bottom=0)
    bottom.legend(loc="center right", fontsize=8)
    label(bottom, x="time [days]", y="tokens [million]")
    top.label_outer()
    return fig


def _bars(ax, values, names, colors, *, animated=False):
    bars = ax.bar(range(len(values)), values, color=colors, animated=animated)
    ax.set_xticks(range(len(values)), names, fontsize=8)
    ax.axhline(0, color="grey", lw=0.8)
    return bars


@styled
def who_pays(run: LaunchRun, *, title: str):
    """Left: each party's mean profit against holding, over all paths (the bars sum to zero).
    Right: the house's mean profit from its presale tokens, in three parts and in total."""
    run = _run(run)
    fig, (left, right) = figure(1, 2, size=(8.6, 3.8), gridspec_kw={"width_ratios": [5, 4]})
    mean = run.pnl().mean()
    _bars(left, [mean[k] for k in AGENTS], [_SHORT[k] for k in AGENTS],
          [AGENT_COLORS[k] for k in AGENTS])
    label(left, x="party in the launch [-]", y="mean profit against holding [million USD]",
          title="The parties (they sum to zero)")
    house = run.house_profit().mean()
    _bars(right, house.to_numpy(), ["presale\ndiscount", "price\nmove", "trading", "total"],
          [COLORS[2], COLORS[0], AGENT_COLORS["house_sales"], PALETTE["black"]])
    label(right, x="part of the house's profit [-]", y="house's mean profit [million USD]",
          title="The house")
    fig.suptitle(title, fontweight="bold", fontsize=11, x=0.01, ha="left")
    return fig


@styled
def hedge_against_depth(trade: Trade, depth: float, *, marks: dict[str, float] | None = None,
                        title: str):
    """Shorting a hedge on a thin perpetual: ``trade`` sells hedges of many sizes (one element
    each) into a market as deep as a pool of ``depth`` million tokens. Plots the average
    price the short is filled at, and the price it leaves behind, as shares of the price
    before, against the hedge's size in multiples of the depth. ``marks`` labels sizes
    [million tokens] with a vertical line each."""
    v.instance("trade", trade, Trade)
    depth = v.positive("depth", depth)
    size = np.asarray(trade.token_in) / depth
    spot = np.asarray(trade.before.price())
    fig, ax = figure()
    ax.plot(size, 100 * np.asarray(trade.execution_price()) / spot, color=COLORS[0], lw=1.8,
            label="average price of the short")
    ax.plot(size, 100 * np.asarray(trade.after.price()) / spot, color=COLORS[3], ls="--",
            lw=1.8, label="price left behind")
    for i, (name, q) in enumerate((marks or {}).items()):
        ax.axvline(q / depth, color=PALETTE["black"], ls=[":", "-."][i % 2], lw=1.1)
        ax.annotate(name, (q / depth, 8 + 10 * i), xytext=(4, 0), textcoords="offset points",
                    fontsize=8, va="bottom", ha="left" if q / depth < 3 else "right",
                    bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1.0})
    ax.set_ylim(0, 102)
    ax.set_xscale("log")
    ax.legend(loc="upper right")
    label(ax, x="hedge size [multiples of the market's depth, log scale]",
          y="share of the price before [%]", title=title)
    return fig


class LaunchPanels:
    """The Step 4 Try-it figure, built once and updated in place.

    Left: one path's outside price and the pool's price just after each of the house's
    sales, with the listing and presale prices. Right: each party's mean profit against
    holding. Limits are fixed by the caller over the controls' whole range.
    """

    @styled
    def __init__(self, n_days: int, *, price_lim: tuple[float, float],
                 pnl_lim: tuple[float, float], listing_price: float, presale_price: float):
        self.figure, (self.left, self.right) = figure(1, 2, size=(8.6, 4.4),
                                                      gridspec_kw={"width_ratios": [4, 5]})
        self.suptitle = self.figure.suptitle(" ", fontweight="bold", fontsize=11,
                                             animated=True)
        days = np.arange(n_days + 1)
        self.outside = self.left.plot(days, np.ones(days.size), color=COLORS[0], lw=1.6,
                                      label="outside price", animated=True)[0]
        self.dip = self.left.plot(days[1:], np.ones(n_days), color=COLORS[3], lw=0, marker=".",
                                  ms=4, label="pool after each sale", animated=True)[0]
        self.left.axhline(listing_price, color=PALETTE["black"], ls=":", lw=1.0,
                          label="listing price")
        self.left.axhline(presale_price, color=COLORS[2], ls="--", lw=1.0,
                          label="presale price")
        self.left.set_xlim(0, n_days)
        self.left.set_ylim(*price_lim)
        label(self.left, x="time [days]", y="price [USD per token]", title="One path")
        self.figure.legend(handles=self.left.get_legend_handles_labels()[0],
                           loc="outside lower left", ncols=4, fontsize=8)
        self.bars = _bars(self.right, np.zeros(len(AGENTS)), [_SHORT[k] for k in AGENTS],
                          [AGENT_COLORS[k] for k in AGENTS], animated=True)
        self.right.set_ylim(*pnl_lim)
        label(self.right, x="party in the launch [-]",
              y="mean profit against holding [million USD]")
        self.bars_title = self.right.set_title(" ", loc="left")
        self.bars_title.set_animated(True)

    @styled
    def show(self, run: LaunchRun, path: int = 0, *, title: str):
        run = _run(run)
        path = _path(run, path)
        self.outside.set_ydata(run.outside_price[path])
        self.dip.set_ydata(run.price_after_sale[path])
        mean = run.pnl().mean()
        for bar, key in zip(self.bars, AGENTS, strict=True):
            bar.set_height(mean[key])
        self.bars_title.set_text(f"Who pays: mean of {run.n_paths} paths")
        self.suptitle.set_text(title)
        return self.figure
