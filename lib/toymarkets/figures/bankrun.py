"""Figures of the run (Step 15).

Each function takes what the model returns (a :class:`~toymarkets.models.bankrun.RunResult`,
a :class:`~toymarkets.models.bankrun.Threshold`, or arrays of its closed forms:
:func:`~toymarkets.models.bankrun.withdrawing_share`,
:func:`~toymarkets.models.bankrun.diamond_dybvig_payoff`), draws in the book's style and
returns a ``Figure``. Units follow the model: money in millions of USD, prices in USD, time
in days. :class:`RunDays` is also the chapter's Try-it figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..models.bankrun import RunResult, Threshold
from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["cascades", "waiting_payoff", "RunDays", "run_days", "shortfall_against_defence"]


def _result(run) -> RunResult:
    if not isinstance(run, RunResult):
        raise ValueError(f"run must be a RunResult, got {type(run).__name__}")
    return run


def _steps(rounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cascade's path: from (r_k, r_k) up to the curve, (r_k, r_{k+1}), across, and on."""
    r = np.asarray(rounds, dtype=float)
    return np.repeat(r, 2)[:-1], np.concatenate([[r[0]], np.repeat(r[1:], 2)])


@styled
def cascades(panels: dict[str, tuple[np.ndarray, np.ndarray, Threshold]]):
    """Granovetter's cascade, one panel per entry of ``panels``:
    ``title -> (shares, curve, cascade)``, with ``curve`` the share that withdraws when the
    alarm is ``share + w * fall`` (:func:`~toymarkets.models.bankrun.withdrawing_share`) at
    ``shares`` and ``cascade`` the :class:`~toymarkets.models.bankrun.Threshold` reached."""
    fig, axes = figure(1, len(panels), size=(8.2, 4.3), squeeze=False)
    for ax, (title, (shares, curve, cascade)) in zip(axes[0], panels.items(), strict=True):
        if not isinstance(cascade, Threshold):
            raise ValueError(f"cascade must be a Threshold, got {type(cascade).__name__}")
        ax.plot([0, 1], [0, 1], color="grey", lw=0.9, ls=":", label="no one new joins")
        ax.plot(shares, curve, color=COLORS[0], lw=1.8, drawstyle="steps-post",
                label="share who would withdraw")
        x, y = _steps(cascade.rounds)
        ax.plot(x, y, color=COLORS[3], ls="-", lw=1.2, label="rounds of the cascade")
        ax.plot([cascade.share], [cascade.share], ls="none", marker="o", ms=7,
                color=COLORS[3], label="where it stops")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_aspect("equal", adjustable="box")
        label(ax, x="share of deposits asked for so far [fraction]",
              y="share whose threshold is reached [fraction]", title=title)
    axes[0][0].legend(loc="upper left", fontsize=8)
    for ax in axes[0][1:]:
        ax.set_ylabel("")
    return fig


@styled
def waiting_payoff(share: np.ndarray, wait: np.ndarray, *, r1: float, switch: float,
                   title: str):
    """Diamond and Dybvig: what a depositor who waits gets (``wait``) against the share of
    depositors who run (``share``), beside the ``r1`` each runner is promised; the dotted
    line marks ``switch``, the share beyond which running pays more."""
    fig, ax = figure(size=(7.2, 3.8))
    ax.plot(share, wait, color=COLORS[0], lw=1.8, label="wait: share of what is left")
    ax.axhline(r1, color=COLORS[3], ls="--", lw=1.4, label=f"run: paid r1 = {r1:g} while it lasts")
    ax.axvline(switch, color=PALETTE["black"], ls=":", lw=1.2,
               label=f"running pays more beyond {switch:.2f}")
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(ax, x="share of depositors who run early, f [fraction]",
          y="payoff per unit deposited [USD]", title=title)
    return fig


class RunDays:
    """Runs day by day in three panels, one line per run: the house token's price; what
    depositors asked for (dotted) and were paid (solid), both cumulative; the liquid reserves
    left.

    Built once for ``labels`` (one per run, in order) over ``n_days`` days; with
    ``money_lim`` and ``cash_lim`` [million USD] (the middle and the bottom panel) and
    ``price_lim`` [USD] the limits are fixed and what
    :meth:`show` changes is animated, for a live control. Without them, each :meth:`show`
    fits the axes to the data (a static figure).
    """

    @styled
    def __init__(self, labels: list[str], n_days: int, *,
                 money_lim: tuple[float, float] | None = None,
                 cash_lim: tuple[float, float] | None = None,
                 price_lim: tuple[float, float] | None = None):
        self.figure, axes = figure(3, 1, size=(8.2, 6.6), sharex=True,
                                   gridspec_kw={"height_ratios": [1.4, 1.6, 1.2]})
        self.price_ax, self.paid_ax, self.cash_ax = axes
        self.fixed = live = money_lim is not None
        self.lines = []
        for i, name in enumerate(labels):
            c = COLORS[[0, 3, 2, 1][i % 4]]
            ls = LINESTYLES[[0, 1, 2, 4][i % 4]]
            self.lines.append({
                "price": self.price_ax.plot([], [], color=c, ls=ls, lw=1.8, marker="o", ms=3,
                                            label=name, animated=live)[0],
                "paid": self.paid_ax.plot([], [], color=c, ls=ls, lw=1.8, marker="o", ms=3,
                                          label=f"{name}: paid", animated=live)[0],
                "asked": self.paid_ax.plot([], [], color=c, ls=":", lw=1.4,
                                           label=f"{name}: asked for", animated=live)[0],
                "cash": self.cash_ax.plot([], [], color=c, ls=ls, lw=1.8, marker="o", ms=3,
                                          label=name, animated=live)[0],
            })
        label(self.price_ax, x="day [days]", y="token price [USD]")
        label(self.paid_ax, x="day [days]", y="cumulative [million USD]")
        label(self.cash_ax, x="day [days]", y="reserves left [million USD]")
        for ax in axes:
            ax.set_xlim(0, n_days)
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        if live:
            self.price_ax.set_ylim(*price_lim)
            self.paid_ax.set_ylim(*money_lim)
            self.cash_ax.set_ylim(*cash_lim)
        self.price_ax.label_outer()
        self.paid_ax.label_outer()
        self.title = self.price_ax.set_title(" ", loc="left")
        self.title.set_animated(live)

    @styled
    def show(self, runs: list[RunResult], *, title: str):
        """Draw ``runs``, one per label, in order."""
        if len(runs) != len(self.lines):
            raise ValueError(f"runs must hold {len(self.lines)} runs, got {len(runs)}")
        for lines, run in zip(self.lines, runs, strict=True):
            run = _result(run)
            days = np.arange(run.price.size)
            lines["price"].set_data(days, run.price)
            lines["paid"].set_data(days, run.paid_out)
            lines["asked"].set_data(days, run.asked)
            lines["cash"].set_data(days, run.reserves)
        self.title.set_text(title)
        if not self.fixed:
            self.price_ax.set_ylim(0, 1.05 * max(float(r.price.max()) for r in runs))
            top = 1.05 * max(max(float(r.asked.max()), float(r.reserves.max())) for r in runs)
            self.paid_ax.set_ylim(0, top)
            self.cash_ax.set_ylim(0, 1.05 * max(float(r.reserves.max()) for r in runs))
        return self.figure


def run_days(runs: dict[str, RunResult], *, title: str):
    """Runs day by day (:class:`RunDays`, axes fitted to the runs), labelled by the keys."""
    view = RunDays(list(runs), max(_result(r).params.n_days for r in runs.values()))
    return view.show(list(runs.values()), title=title)


@styled
def shortfall_against_defence(table: pd.DataFrame, *, title: str):
    """The shortfall at the end of the run against the budget spent defending the token's
    price, one line per column of ``table`` (indexed by the defence budget)."""
    fig, ax = figure(size=(7.6, 3.8))
    for i, col in enumerate(table.columns):
        ax.plot(table.index, table[col], color=COLORS[i], ls=LINESTYLES[i], lw=1.8,
                marker="o", ms=3, label=col)
    ax.set_xlim(table.index.min(), table.index.max())
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(ax, x="defence budget [million USD]",
          y="deposits asked for, not paid [million USD]", title=title)
    return fig
