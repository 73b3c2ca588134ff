"""Figures of the book, one function per kind of picture.

Each function takes a model's *result* (its public fields and methods only,
never its internals), draws in the book's style (:mod:`toymarkets.style`) and
returns a matplotlib ``Figure``. Chapters call these; they never style a
figure themselves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["cumulative_pnl", "pnl_against_price", "income_curve"]


@styled
def cumulative_pnl(frame: pd.DataFrame, labels: dict[str, str], *, title: str,
                   inventory: np.ndarray | None = None):
    """Cumulative P&L by source along one path (columns of ``frame``), plus the total.

    With ``inventory`` (tokens held per step) a second panel shows it below.
    """
    rows = 2 if inventory is not None else 1
    fig, axes = figure(rows, 1, size=(7.0, 3.6 if rows == 1 else 5.4), sharex=True,
                       gridspec_kw={"height_ratios": [3, 1.4][:rows]})
    ax = axes[0] if rows == 2 else axes
    for i, (col, name) in enumerate(labels.items()):
        ax.plot(frame.index, frame[col], color=COLORS[i % 6], ls=LINESTYLES[i % 6], label=name)
    ax.plot(frame.index, frame["total"], color=PALETTE["black"], lw=2.2, label="total")
    ax.axhline(0, color="grey", lw=0.8)
    ax.legend(ncols=3, loc="upper left")
    label(ax, x="time [steps]", y="cumulative P&L [USD]", title=title)
    if inventory is not None:
        axes[1].plot(frame.index, inventory, color=PALETTE["vermillion"], lw=1)
        axes[1].axhline(0, color="grey", lw=0.8)
        label(axes[1], x="time [steps]", y="inventory [tokens]")
    return fig


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
