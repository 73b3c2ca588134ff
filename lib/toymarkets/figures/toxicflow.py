"""Figures of Step 2 (toxic flow and the B-book), drawn from :mod:`toymarkets.toxicflow` results.

Like :mod:`toymarkets.plots`: each function takes results (tables the model
returns), draws in the book's style and returns a ``Figure``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..models.toxicflow import CHOICES, COMPONENTS, KINDS
from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["pnl_split", "markout_curves", "break_even", "ChoicePanels", "SYSTEMATIC"]

_MARKERS = {"uninformed": "o", "informed": "^", "liquidation": "s"}
_KIND_STYLE = {k: (COLORS[i], LINESTYLES[i]) for i, k in enumerate(KINDS)}
_HORIZON_TICKS = [0, 1, 10, 100]


@styled
def pnl_split(table: pd.DataFrame, expected: dict[str, float], *, title: str):
    """What each choice earns per token, systematic parts and noise apart (left), and the
    spread of the runs' totals (right).

    ``table`` is :func:`toymarkets.models.toxicflow.pnl_table` output (per token of volume,
    one row per run and choice); ``expected`` maps each choice to its closed-form expected
    profit per token. Left, as in the Try-it figure (:class:`ChoicePanels`), for the mean
    over runs: the systematic parts stacked above (income) and below (losses) zero, a
    diamond at the expected total, and a vertical line from the systematic total to the
    runs' mean total (the mean hedging slippage, zero in expectation), with two standard
    errors on that mean. Right: each run's total, and its 5% quantile.
    """
    fig, (left, right) = figure(1, 2, size=(8.6, 4.8), gridspec_kw={"width_ratios": [1.4, 1]})
    grouped = table.groupby(level="choice", sort=False)
    means = grouped.mean().loc[list(CHOICES)]
    se = (grouped["total"].std(ddof=1) / np.sqrt(grouped.size())).loc[list(CHOICES)]
    bars = _ChoiceBars(left, animated=False, noise_label="hedging slippage (mean of runs)",
                       realised_label="mean total ± 2 s.e.")
    bars.show(means, expected)
    left.errorbar(np.arange(len(CHOICES)), means["total"].to_numpy(), yerr=2 * se.to_numpy(),
                  fmt="none", ecolor=PALETTE["black"], capsize=3, lw=1)
    left.relim()
    left.autoscale_view()
    label(left, x="the house's choice [-]", y="P&L per token traded [USD]", title=title)
    for i, choice in enumerate(CHOICES):
        totals = table.xs(choice, level="choice")["total"].to_numpy()
        jitter = np.linspace(-0.18, 0.18, totals.size)
        right.scatter(i + jitter, totals, s=8, alpha=0.5, color=COLORS[0], marker="o",
                      label="one run" if i == 0 else None)
        worst = np.quantile(totals, 0.05)
        right.plot([i - 0.3, i + 0.3], [worst, worst], color=PALETTE["black"], lw=1.5, ls="-",
                   label="5% quantile of runs" if i == 0 else None)
    right.axhline(0, color="grey", lw=0.8)
    right.set_xticks(range(len(CHOICES)), _TICKS)
    label(right, x="the house's choice [-]", y="total per token, each run [USD]")
    handles = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8)
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


#: The parts of a choice's P&L that are systematic (drawn as stacked bars); hedging
#: slippage has mean zero and is drawn apart, as the noise it is.
SYSTEMATIC = [k for k in COMPONENTS if k != "slippage"]
_HATCH = {"fees": "", "spread": "//", "adverse_selection": "..", "hedging_cost": "\\\\"}
_TICKS = ["A-book", "B-book", "hedge\nlater"]


class _ChoiceBars:
    """The left panel of both P&L figures: systematic parts stacked, the noise apart.

    For each choice: its systematic parts (:data:`SYSTEMATIC`) stacked above (income)
    and below (losses) zero, a vertical line from their sum to the realised total (the
    hedging slippage, whose mean is zero), a circle at the realised total and a diamond
    at the expected total. Built empty on ``ax``; :meth:`show` sets the data, so the
    Try-it figure can redraw it in place (``animated=True``).
    """

    def __init__(self, ax, *, animated: bool, noise_label: str, realised_label: str):
        self.ax = ax
        x = np.arange(len(CHOICES))
        self.bars = {key: ax.bar(x, np.zeros(len(x)), 0.6, color=COLORS[i],
                                 label=COMPONENTS[key], hatch=_HATCH[key],
                                 edgecolor="white", linewidth=0.5, animated=animated)
                     for i, key in enumerate(SYSTEMATIC)}
        self.noise = [ax.plot([], [], color=PALETTE["purple"], lw=2.4, solid_capstyle="butt",
                              animated=animated, label=noise_label if i == 0 else None)[0]
                      for i in range(len(x))]
        self.realised = ax.plot([], [], "o", color=PALETTE["black"], ms=5, mfc="white",
                                label=realised_label, animated=animated)[0]
        self.expected = ax.plot([], [], "D", color=PALETTE["black"], ms=6,
                                label="expected total", animated=animated)[0]
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xticks(x, _TICKS)
        ax.set_xlim(-0.6, len(x) - 0.4)

    def show(self, totals: pd.DataFrame, expected: dict[str, float]) -> None:
        """``totals``: one row per choice, the components and ``total`` as columns."""
        means = totals.loc[list(CHOICES)]
        up, down = np.zeros(len(CHOICES)), np.zeros(len(CHOICES))
        for key, bars in self.bars.items():
            values = means[key].to_numpy()
            base = np.where(values >= 0, up, down)
            for bar, y0, h in zip(bars, base, values, strict=True):
                bar.set_y(y0)
                bar.set_height(h)
            up, down = up + np.maximum(values, 0), down + np.minimum(values, 0)
        systematic = means[SYSTEMATIC].sum(axis=1).to_numpy()
        for i, (line, y0, y1) in enumerate(zip(self.noise, systematic, means["total"],
                                               strict=True)):
            line.set_data([i, i], [y0, y1])
        x = np.arange(len(CHOICES))
        self.realised.set_data(x, means["total"].to_numpy())
        self.expected.set_data(x, [expected[c] for c in CHOICES])


class ChoicePanels:
    """One run of Step 2 in two panels, built once and updated in place (the Try-it figure).

    Left, for each choice: the systematic parts of its P&L per token stacked above
    (income) and below (losses) zero, a diamond at the expected profit (closed
    form), and a vertical line from the systematic total to the run's total: the
    hedging slippage this run happened to draw, whose mean is zero. Right: markouts
    per client kind against the exchange's own mid, by horizon.
    """

    @styled
    def __init__(self, horizons, *, pnl_lim: tuple[float, float],
                 markout_lim: tuple[float, float]):
        self.figure, (self.left, self.right) = figure(
            1, 2, size=(8.6, 4.4), gridspec_kw={"width_ratios": [1.3, 1]})
        self.choices = _ChoiceBars(self.left, animated=True,
                                   noise_label="hedging slippage (this run)",
                                   realised_label="this run's total")
        self.left.set_ylim(*pnl_lim)
        label(self.left, x="the house's choice [-]", y="P&L per token traded [USD]")
        self.title = self.left.set_title(" ", loc="left")
        self.title.set_animated(True)
        h = np.asarray(horizons, dtype=float)
        self.curves = {}
        for kind in KINDS:
            color, ls = _KIND_STYLE[kind]
            self.curves[kind] = self.right.plot(h, np.zeros_like(h), marker=_MARKERS[kind],
                                                color=color, ls=ls, ms=5, label=kind,
                                                animated=True)[0]
        self.right.axhline(0, color="grey", lw=0.8)
        self.right.set_xscale("symlog", linthresh=1)
        self.right.set_xticks(_HORIZON_TICKS, [str(t) for t in _HORIZON_TICKS])
        self.right.set_xlim(-0.15, 1.15 * max(h.max(), 1))
        self.right.set_ylim(*markout_lim)
        handles = self.left.get_legend_handles_labels()[0] + list(self.curves.values())
        self.figure.legend(handles=handles, loc="outside lower center", ncols=5, fontsize=8)
        label(self.right, x="horizon after the trade [steps]", y="markout vs own mid [USD/token]")

    @styled
    def show(self, totals: pd.DataFrame, markouts: pd.DataFrame, expected: dict[str, float], *,
             title: str):
        """``totals``: ``run.totals(per_unit=True)``; ``markouts``: ``run.markouts(horizons,
        "exchange")``; ``expected``: the closed-form profit per token by choice."""
        self.choices.show(totals, expected)
        for kind, line in self.curves.items():
            y = markouts[kind].to_numpy()
            shown = bool(np.all(np.isfinite(y)))     # a kind with no trades has no markout
            line.set_visible(shown)
            line.set_ydata(y if shown else np.zeros_like(y))
        self.title.set_text(title)
        return self.figure
