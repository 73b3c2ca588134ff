"""Figures of the collateral loop (Step 14).

Each function takes what the model returns (a :class:`~toymarkets.models.collateral.LoopRun`,
or arrays of its closed forms: :func:`~toymarkets.models.collateral.next_price`,
:func:`~toymarkets.models.collateral.spare_capacity`,
:func:`~toymarkets.models.collateral.resting_prices`), draws in the book's style and
returns a ``Figure``. Units follow the model: prices in USD, tokens in millions, money in
millions of USD. :class:`LoopMap` is the chapter's Try-it figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..models.collateral import LoopRun
from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["staircase", "cobwebs", "turns", "spare_capacity_curves", "resting_map", "LoopMap"]


def _run(run) -> LoopRun:
    if not isinstance(run, LoopRun):
        raise ValueError(f"run must be a LoopRun, got {type(run).__name__}")
    return run


def staircase(price: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cobweb's path through the prices of successive turns: from :math:`(P_0, P_0)`
    up to the map, :math:`(P_0, P_1)`, across to the diagonal, :math:`(P_1, P_1)`, and so on."""
    p = np.asarray(price, dtype=float)
    x = np.repeat(p, 2)[1:-1] if p.size > 1 else p.copy()
    y = np.repeat(p, 2)[2:] if p.size > 1 else p.copy()
    return np.concatenate([[p[0]], x]), np.concatenate([[p[0]], y])


def _draw_cobweb(ax, run: LoopRun, prices: np.ndarray, mapped: np.ndarray, top: float,
                 turns: int):
    ax.plot([0, top], [0, top], color="grey", lw=0.9, ls=":", label="no change, $P_{n+1} = P_n$")
    inside = mapped <= top
    ax.plot(prices[inside], mapped[inside], color=COLORS[0], lw=1.8, label="the loop's map")
    shown = run.price[: turns + 1]
    out = np.flatnonzero(shown > top)
    x, y = staircase(shown[: out[0]] if out.size else shown)
    ax.plot(x, y, color=COLORS[3], lw=1.2, ls="-", marker="o", ms=3, label="the turns")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_aspect("equal", adjustable="box")


@styled
def cobwebs(panels: dict[str, tuple[LoopRun, np.ndarray, np.ndarray]], *, top: float,
            turns: int = 30):
    """Side by side cobweb diagrams of the linear case, one per entry of ``panels``:
    ``title -> (run, prices, next_prices)``, with ``next_prices`` the map
    (:func:`~toymarkets.models.collateral.next_price`) at ``prices``. Axes run from 0 to
    ``top`` [USD]; at most ``turns`` turns are drawn."""
    fig, axes = figure(1, len(panels), size=(8.2, 4.3), squeeze=False)
    for ax, (title, (run, prices, mapped)) in zip(axes[0], panels.items(), strict=True):
        _draw_cobweb(ax, _run(run), np.asarray(prices), np.asarray(mapped), top, turns)
        label(ax, x="price at this turn, $P_n$ [USD]", y="price at the next, $P_{n+1}$ [USD]",
              title=title)
    axes[0][0].legend(loc="upper left", fontsize=8)
    for ax in axes[0][1:]:
        ax.set_ylabel("")
    return fig


@styled
def turns(run: LoopRun, *, title: str, last: int | None = None):
    """The general case turn by turn: the collateral at mark, what selling it would fetch
    and the debt (top), and the holding as a share of the float (bottom). ``last`` cuts the
    turns shown (default: all)."""
    run = _run(run)
    n = run.iterations if last is None else min(last, run.iterations)
    k = np.arange(n + 1)
    fig, (top, bottom) = figure(2, 1, size=(7.6, 5.4), sharex=True,
                                gridspec_kw={"height_ratios": [2.2, 1.3]})
    top.plot(k, run.collateral_mark[: n + 1], color=COLORS[0], ls=LINESTYLES[0], lw=1.8,
             label="collateral at mark")
    top.plot(k, run.collateral_liquidation[: n + 1], color=COLORS[1], ls=LINESTYLES[1],
             lw=1.8, label="collateral if sold")
    top.plot(k, run.debt[: n + 1], color=COLORS[3], ls=LINESTYLES[3], lw=1.8, label="debt")
    top.fill_between(k, run.collateral_liquidation[: n + 1], run.collateral_mark[: n + 1],
                     color=COLORS[0], alpha=0.15, lw=0, label="gap: mark less sale")
    top.set_ylim(bottom=0)
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(top, x="turn of the loop [turns]", y="money [million USD]", title=title)
    bottom.plot(k, run.concentration[: n + 1], color=COLORS[2], lw=1.8,
                label="holding / float")
    bottom.axhline(1.0, color=PALETTE["black"], ls=":", lw=1.0, label="the whole float")
    bottom.set_ylim(0, 1.05)
    bottom.set_xlim(0, n)
    bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(bottom, x="turn of the loop [turns]", y="share of the float [fraction]")
    top.label_outer()
    return fig


@styled
def spare_capacity_curves(curves: pd.DataFrame, *, room: float, title: str):
    """The spare capacity :math:`F(q)` against the tokens bought, one line per column of
    ``curves`` (indexed by tokens bought [million]); the loop rests where a line first
    reaches zero. A dotted line marks ``room``, the float not yet held [million tokens]."""
    fig, ax = figure(size=(7.6, 4.0))
    for i, col in enumerate(curves.columns):
        ax.plot(curves.index, curves[col], color=COLORS[i], ls=LINESTYLES[i], lw=1.8, label=col)
    ax.axhline(0.0, color="grey", lw=0.9)
    ax.axvline(room, color=PALETTE["black"], ls=":", lw=1.2, label="the float runs out")
    ax.set_xlim(curves.index.min(), curves.index.max())
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(ax, x="tokens bought by the loop, $q$ [million]",
          y="spare capacity $F(q)$ [million USD]", title=title)
    return fig


@styled
def resting_map(loan_to_value: np.ndarray, depth: np.ndarray, rest: np.ndarray, *,
                price: float, title: str):
    """The linear case's resting price as a multiple of the starting ``price`` over a grid
    of loan-to-values (rows of ``rest``) and depths (columns) [million USD]; the region
    where the loop never rests (``rest`` infinite) is hatched."""
    ltv, dep = np.asarray(loan_to_value, dtype=float), np.asarray(depth, dtype=float)
    rest = np.asarray(rest, dtype=float)
    ratio = np.where(np.isfinite(rest), rest / price, np.nan)
    fig, ax = figure(size=(7.2, 4.4))
    mesh = ax.pcolormesh(dep, ltv, ratio, cmap="cividis", shading="auto", vmin=1.0,
                         vmax=min(4.0, float(np.nanmax(ratio))))
    ax.contourf(dep, ltv, np.isinf(rest).astype(float), levels=[0.5, 1.5], colors="none",
                hatches=["////"])
    ax.contour(dep, ltv, np.isinf(rest).astype(float), levels=[0.5], colors=PALETTE["black"],
               linewidths=1.2)
    ax.set_xscale("log")
    bar = fig.colorbar(mesh, ax=ax, extend="max")
    bar.set_label("resting price / starting price [ratio]")
    label(ax, x="depth δ: spending that doubles the price [million USD]",
          y="loan-to-value ℓ [fraction]", title=title)
    return fig


class LoopMap:
    """The chapter's Try-it figure: the linear case's cobweb (left) and its price turn by
    turn (right), with the resting price dashed where there is one.

    Built once with fixed limits: prices up to ``top`` [USD], ``turns`` turns; what
    :meth:`show` changes is animated. Points beyond ``top`` are not drawn (the loop that
    explodes leaves the axes, which is the point).
    """

    @styled
    def __init__(self, *, top: float, turns: int):
        self.top, self.turns = top, turns
        self.figure, (self.ax, self.time_ax) = figure(1, 2, size=(8.6, 4.0),
                                                      gridspec_kw={"width_ratios": [1, 1.25]})
        ax = self.ax
        ax.plot([0, top], [0, top], color="grey", lw=0.9, ls=":", label="no change")
        self.map = ax.plot([], [], color=COLORS[0], lw=1.8, label="the loop's map",
                           animated=True)[0]
        self.steps = ax.plot([], [], color=COLORS[3], ls="-", lw=1.2, marker="o", ms=3,
                             label="the turns", animated=True)[0]
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        label(ax, x="price at this turn [USD]", y="price at the next turn [USD]")
        self.path = self.time_ax.plot([], [], color=COLORS[3], ls="-", lw=1.6, marker="o", ms=3,
                                      label="price", animated=True)[0]
        self.rest = self.time_ax.axhline(0.0, color=COLORS[0], ls="--", lw=1.2,
                                         label="resting price $P^*$", animated=True)
        self.time_ax.set_xlim(0, turns)
        self.time_ax.set_ylim(0, top)
        label(self.time_ax, x="turn of the loop [turns]", y="price [USD]")
        handles = [*ax.get_legend_handles_labels()[0], self.rest]
        names = [*ax.get_legend_handles_labels()[1], "resting price $P^*$"]
        self.figure.legend(handles, names, loc="outside lower center", ncol=4, fontsize=8)
        self.title = self.figure.suptitle(" ", x=0.01, ha="left", fontsize=11,
                                          fontweight="bold")
        self.title.set_animated(True)

    @styled
    def show(self, run: LoopRun, prices: np.ndarray, mapped: np.ndarray, *,
             rest: float | None, title: str):
        """Draw ``run`` (from :func:`~toymarkets.models.collateral.solve_linear`), the map
        ``mapped`` at ``prices``, and the resting price ``rest`` (None: the loop never rests)."""
        run = _run(run)
        prices, mapped = np.asarray(prices, dtype=float), np.asarray(mapped, dtype=float)
        inside = (mapped <= self.top) & (prices <= self.top)
        self.map.set_data(prices[inside], mapped[inside])
        shown = run.price[: self.turns + 1]
        out = np.flatnonzero(shown > self.top)
        shown = shown[: out[0]] if out.size else shown
        self.steps.set_data(*staircase(shown))
        self.path.set_data(np.arange(shown.size), shown)
        self.rest.set_visible(rest is not None and rest <= self.top)
        if rest is not None:
            self.rest.set_ydata([rest, rest])
        self.title.set_text(title)
        return self.figure
