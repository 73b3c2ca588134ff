"""Figures of Step 2 (toxic flow and the B-book), drawn from :mod:`toymarkets.toxicflow` results.

Like :mod:`toymarkets.plots`: each function takes results (tables the model
returns), draws in the book's style and returns a ``Figure``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..models.toxicflow import CHOICES, COMPONENTS, KINDS
from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["pnl_split", "markout_curves", "break_even", "tryit_panels"]

_MARKERS = {"uninformed": "o", "informed": "^", "liquidation": "s"}
_KIND_STYLE = {k: (COLORS[i], LINESTYLES[i]) for i, k in enumerate(KINDS)}
_HORIZON_TICKS = [0, 1, 10, 100]


def _stacked_bars(ax, means: pd.DataFrame, totals: pd.Series, total_err=None) -> None:
    """Components stacked above (income) and below (losses) zero, one bar per choice."""
    x = np.arange(len(means.index))
    up, down = np.zeros(len(x)), np.zeros(len(x))
    for i, (key, name) in enumerate(COMPONENTS.items()):
        values = means[key].to_numpy()
        base = np.where(values >= 0, up, down)
        ax.bar(x, values, 0.6, bottom=base, color=COLORS[i], label=name,
               hatch=["", "//", "..", "xx", "\\\\"][i], edgecolor="white", linewidth=0.5)
        up, down = up + np.maximum(values, 0), down + np.minimum(values, 0)
    ax.errorbar(x, totals.to_numpy(), yerr=total_err, fmt="D", color=PALETTE["black"], ms=6,
                capsize=3, label="total" if total_err is None else "total ± 2 s.e.")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(x, [CHOICES[c].replace(" (", "\n(").replace(", ", ",\n") for c in means.index])


@styled
def pnl_split(table: pd.DataFrame, *, title: str):
    """Mean P&L by source for each choice (left) and each run's total (right).

    ``table`` is :func:`toymarkets.toxicflow.pnl_table` output, per token of volume.
    """
    fig, (left, right) = figure(1, 2, size=(8.6, 4.6), gridspec_kw={"width_ratios": [1.5, 1]})
    grouped = table.groupby(level="choice", sort=False)
    means = grouped.mean().loc[list(CHOICES)]
    se = (grouped["total"].std(ddof=1) / np.sqrt(grouped.size())).loc[list(CHOICES)]
    _stacked_bars(left, means, means["total"], 2 * se.to_numpy())
    left.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.3), fontsize=8)
    label(left, x="the house's choice [-]", y="P&L per token traded [USD]",
          title=title)
    for i, choice in enumerate(CHOICES):
        totals = table.xs(choice, level="choice")["total"].to_numpy()
        jitter = np.linspace(-0.18, 0.18, totals.size)
        right.scatter(i + jitter, totals, s=10, alpha=0.6, color=COLORS[0], marker="o")
        worst = np.quantile(totals, 0.05)
        right.plot([i - 0.3, i + 0.3], [worst, worst], color=PALETTE["black"], lw=1.5, ls="-",
                   label="worst 5% of runs" if i == 0 else None)
    right.axhline(0, color="grey", lw=0.8)
    right.set_xticks(range(len(CHOICES)), ["A-book", "B-book", "hedge\nlater"])
    right.legend(loc="lower left", fontsize=8)
    label(right, x="one dot per run [-]", y="total per token [USD]")
    return fig


def _markout_panel(ax, table: pd.DataFrame, theory: dict | None) -> None:
    for kind in KINDS:
        rows = table[(table["kind"] == kind) & np.isfinite(table["mean"])]
        if rows.empty:
            continue
        color, ls = _KIND_STYLE[kind]
        if theory is not None:
            h, y = theory[kind]
            ax.plot(h, y, color=color, ls=ls, lw=1.4)
        err = 2 * rows["se"].to_numpy() if "se" in rows else None
        ax.errorbar(rows["horizon"], rows["mean"], yerr=err, fmt=_MARKERS[kind], color=color,
                    ms=5, capsize=2, ls="none" if theory is not None else ls, label=kind)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xscale("symlog", linthresh=1)
    ax.set_xticks(_HORIZON_TICKS, [str(t) for t in _HORIZON_TICKS])
    ax.set_xlim(-0.15, 1.15 * max(table["horizon"].max(), 1))


@styled
def markout_curves(tables: dict[str, pd.DataFrame], theory: dict[str, dict] | None = None, *,
                   title: str):
    """Markouts by client kind against the horizon, one panel per reference price.

    ``tables`` maps a panel title to :func:`toymarkets.toxicflow.markout_table` output
    (dots, ± 2 standard errors); ``theory`` maps the same titles to ``{kind: (horizons,
    values)}`` closed-form curves (lines).
    """
    fig, axes = figure(1, len(tables), size=(8.6, 3.8), sharey=True)
    axes = np.atleast_1d(axes)
    for i, (ax, (name, table)) in enumerate(zip(axes, tables.items(), strict=True)):
        _markout_panel(ax, table, None if theory is None else theory[name])
        label(ax, x="horizon after the trade [steps]", y="house markout per token [USD]",
              title=name if i else f"{title}\n{name}")
    axes[0].legend(loc="lower left")
    return fig


@styled
def break_even(grid: np.ndarray, closed_form: np.ndarray, simulated: pd.DataFrame, *,
               current: tuple[float, float] | None = None, title: str):
    """Break-even toxic share against the fee: closed-form line, simulated dots (± 2 s.e.).

    Fees are fractions of notional, shown in basis points. ``current`` marks one
    (fee, toxic share) point, e.g. the chapter's default.
    """
    fig, ax = figure()
    bp = 1e4
    ax.fill_between(grid * bp, closed_form, 1.0, color=PALETTE["vermillion"], alpha=0.12,
                    label="B-book loses")
    ax.fill_between(grid * bp, 0.0, closed_form, color=PALETTE["green"], alpha=0.12,
                    label="B-book pays")
    ax.plot(grid * bp, closed_form, color=COLORS[0], label="closed form s* = F / A")
    ax.errorbar(simulated["fee"] * bp, simulated["simulated"], yerr=2 * simulated["se"],
                fmt="o", color=COLORS[1], ms=5, capsize=2, label="simulated ± 2 s.e.")
    if current is not None:
        ax.plot(current[0] * bp, current[1], marker="*", ms=12, ls="none",
                color=PALETTE["black"], label="this chapter's default")
    ax.set_ylim(0, 1)
    ax.set_xlim(grid[0] * bp, grid[-1] * bp)
    ax.legend(loc="upper left", fontsize=8)
    label(ax, x="fee income [bp of notional]", y="break-even toxic share [share of volume]",
          title=title)
    return fig


@styled
def tryit_panels(totals: pd.DataFrame, markouts: pd.DataFrame, *, title: str):
    """One run: P&L by source per choice (left) and markouts against the exchange's mid (right).

    ``totals`` is ``run.totals(per_unit=True)``; ``markouts`` is ``run.markouts(...)``
    (horizons as rows, kinds as columns).
    """
    fig, (left, right) = figure(1, 2, size=(8.6, 4.4), gridspec_kw={"width_ratios": [1.3, 1]})
    means = totals.loc[list(CHOICES)]
    _stacked_bars(left, means, means["total"])
    left.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.3), fontsize=8)
    label(left, x="the house's choice [-]", y="P&L per token traded [USD]", title=title)
    long = markouts.rename_axis("horizon").reset_index().melt(
        id_vars="horizon", var_name="kind", value_name="mean")
    _markout_panel(right, long, None)
    right.legend(loc="lower left", fontsize=8)
    label(right, x="horizon after the trade [steps]", y="markout vs own mid [USD/token]")
    return fig
