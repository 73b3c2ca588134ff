"""Figures of the market maker (Step 1), one function per kind of picture.

Each function takes a model's *result* (its public fields and methods only,
never its internals), draws in the book's style (:mod:`toymarkets.figures.style`)
and returns a matplotlib ``Figure``. :class:`CumulativePnl` is also the Step 1
Try-it figure: built once, it is updated in place with fixed limits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["CumulativePnl", "cumulative_pnl", "pnl_against_price", "income_curve"]


class CumulativePnl:
    """Cumulative P&L by source along one path, plus the total, with the inventory below.

    Built once with its artists and, for a live control, fixed limits ``pnl_lim``
    [USD] and ``inventory_lim`` [tokens]; :meth:`show` sets the data. Without
    limits, each :meth:`show` rescales the axes to the data (a static figure).
    """

    @styled
    def __init__(self, labels: dict[str, str], n_steps: int, *, inventory: bool = True,
                 pnl_lim: tuple[float, float] | None = None,
                 inventory_lim: tuple[float, float] | None = None):
        rows = 2 if inventory else 1
        self.figure, axes = figure(rows, 1, size=(8.2, 3.6 if rows == 1 else 5.4), sharex=True,
                                   gridspec_kw={"height_ratios": [3, 1.4][:rows]})
        self.ax = axes[0] if rows == 2 else axes
        self.inventory_ax = axes[1] if rows == 2 else None
        # Live (fixed limits): what show() changes is animated, drawn over a static background.
        self.fixed = live = pnl_lim is not None
        self.lines = {col: self.ax.plot([], [], color=COLORS[i % 6], ls=LINESTYLES[i % 6],
                                        label=name, animated=live)[0]
                      for i, (col, name) in enumerate(labels.items())}
        self.lines["total"] = self.ax.plot([], [], color=PALETTE["black"], lw=2.2,
                                           label="total", animated=live)[0]
        self.ax.axhline(0, color="grey", lw=0.8)
        self.ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        label(self.ax, x="time [steps]", y="cumulative P&L [USD]")
        self.title = self.ax.set_title(" ", loc="left")
        self.title.set_animated(live)
        self.ax.set_xlim(0, n_steps - 1)
        if pnl_lim is not None:
            self.ax.set_ylim(*pnl_lim)
        if self.inventory_ax is not None:
            self.inventory_line = self.inventory_ax.plot([], [], color=PALETTE["vermillion"],
                                                         lw=1, animated=live)[0]
            self.inventory_ax.axhline(0, color="grey", lw=0.8)
            label(self.inventory_ax, x="time [steps]", y="inventory [tokens]")
            if inventory_lim is not None:
                self.inventory_ax.set_ylim(*inventory_lim)
            self.ax.label_outer()           # the time axis is labelled once, at the bottom

    @styled
    def show(self, frame: pd.DataFrame, *, title: str, inventory: np.ndarray | None = None):
        """Draw one path: ``frame`` is ``run.cumulative(path)``, ``inventory`` its tokens held."""
        for col, line in self.lines.items():
            line.set_data(frame.index, frame[col])
        self.title.set_text(title)
        if self.inventory_ax is not None:
            if inventory is None:
                raise ValueError("inventory must be given: this figure has an inventory panel")
            self.inventory_line.set_data(frame.index, inventory)
        if not self.fixed:
            for ax in self.figure.axes:
                ax.relim()
                ax.autoscale_view(scalex=False)
        return self.figure


def cumulative_pnl(frame: pd.DataFrame, labels: dict[str, str], *, title: str,
                   inventory: np.ndarray | None = None):
    """Cumulative P&L by source along one path (columns of ``frame``), plus the total.

    With ``inventory`` (tokens held per step) a second panel shows it below.
    """
    view = CumulativePnl(labels, len(frame), inventory=inventory is not None)
    return view.show(frame, title=title, inventory=inventory)


@styled
def pnl_against_price(groups: dict[str, tuple[np.ndarray, np.ndarray]], *, title: str):
    """Scatter of final P&L against the price change over the run, one marker per group.

    ``groups`` maps a legend label to ``(price_change, pnl)`` arrays (one point per path).
    """
    fig, ax = figure()
    markers = ["o", "^", "s", "D"]
    for i, (name, (dx, pnl)) in enumerate(groups.items()):
        ax.scatter(dx, pnl, s=14, alpha=0.7, color=COLORS[i], marker=markers[i % 4], label=name)
    ax.axhline(0, color="grey", lw=0.8)
    ax.legend(loc="upper left", frameon=True, framealpha=0.9)
    label(ax, x="price change over the run [USD]", y="P&L at the end [USD]", title=title)
    return fig


@styled
def income_curve(x: np.ndarray, theory: np.ndarray, sim_x: np.ndarray, sim_mean: np.ndarray,
                 sim_se: np.ndarray, *, optimum: float, xlabel: str, ylabel: str, title: str):
    """A closed-form curve with simulated means (and two standard errors) on top."""
    sim_mean, sim_se = np.asarray(sim_mean, dtype=float), np.asarray(sim_se, dtype=float)
    fig, ax = figure()
    ax.plot(x, theory, color=COLORS[0], label="closed form")
    ax.errorbar(sim_x, sim_mean, yerr=2 * sim_se, fmt="o", color=COLORS[1], ms=4, capsize=2,
                label="simulated mean ± 2 s.e.")
    ax.axvline(optimum, color=PALETTE["black"], ls=":", lw=1.2, label=f"optimum {optimum:.3f}")
    ax.legend(loc="upper right")
    label(ax, x=xlabel, y=ylabel, title=title)
    return fig
