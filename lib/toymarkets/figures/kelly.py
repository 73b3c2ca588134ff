"""Figures of the Kelly model (the epilogue).

Each function takes what :mod:`toymarkets.models.kelly` returns (a
:class:`~toymarkets.models.kelly.BetRun`, or a table of
:func:`~toymarkets.models.kelly.growth_table`), draws in the book's style and returns a
``Figure``. Wealth is a multiple of the starting wealth, stakes are fractions of wealth,
growth rates are natural-log growth per round, time is in rounds of the bet.
:class:`BetPanels` is the epilogue's Try-it figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _validate as v
from ..models import kelly as kk
from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["growth_curves", "wealth_fan", "halving_chance", "levered_against_kelly",
           "BetPanels"]

#: Multiples of Kelly on the halving curve's axis.
_MULTIPLES = np.linspace(0.2, 3.5, 166)


def _run(run, name: str = "run") -> kk.BetRun:
    if not isinstance(run, kk.BetRun):
        raise ValueError(f"{name} must be a BetRun, got {type(run).__name__}")
    return run


def _table(table, name: str = "table") -> pd.DataFrame:
    needed = {"multiple of Kelly", "fraction", "growth rate", "mean return",
              "growth relative to Kelly", "continuous approximation"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise ValueError(f"{name} must be a growth_table() DataFrame")
    return table


@styled
def growth_curves(table: pd.DataFrame, comparison: dict[str, pd.DataFrame], *, kelly: float,
                  zero: float, title: str):
    """Left: one bet's growth rate and average return per round against the fraction staked
    (a :func:`~toymarkets.models.kelly.growth_table`), with the Kelly fraction ``kelly`` and
    the zero-growth stake ``zero`` marked and the stakes past it shaded. Right: growth
    relative to Kelly's against the stake in multiples of Kelly, one line per table of
    ``comparison`` (label -> table), beside the continuous parabola :math:`c(2 - c)`."""
    table = _table(table)
    fig, (left, right) = figure(1, 2, size=(8.8, 3.9))
    f = table["fraction"]
    left.axvspan(zero, f.max(), color=PALETTE["vermillion"], alpha=0.12, lw=0,
                 label="stakes that shrink wealth")
    left.plot(f, table["mean return"], color=COLORS[1], ls="--", lw=1.8,
              label="average return per round")
    left.plot(f, table["growth rate"], color=COLORS[0], ls="-", lw=2.2,
              label="growth rate g(f)")
    left.axvline(kelly, color=PALETTE["black"], ls=":", lw=1.2, label="Kelly fraction f*")
    left.axvline(zero, color=PALETTE["vermillion"], ls=":", lw=1.2,
                 label="zero-growth stake f₀")
    left.axhline(0, color="grey", lw=0.8)
    top = max(table["mean return"].max(), table["growth rate"].max())
    left.set_xlim(0, f.max())
    left.set_ylim(min(table["growth rate"].min(), 0) * 1.05, 1.6 * top)
    left.legend(loc="upper left", fontsize=8, frameon=True, framealpha=0.95, edgecolor="none")
    label(left, x="fraction of wealth staked each round [fraction]",
          y="per round [fraction of wealth]", title=title)
    for i, (name, rows) in enumerate(comparison.items()):
        rows = _table(rows, "comparison")
        right.plot(rows["multiple of Kelly"], rows["growth relative to Kelly"],
                   color=COLORS[i % 6], ls=LINESTYLES[i % 6], lw=1.8, label=name)
    if comparison:
        first = next(iter(comparison.values()))
        right.plot(first["multiple of Kelly"], first["continuous approximation"],
                   color=PALETTE["black"], ls=":", lw=1.6, label="c (2 − c), small edges")
    right.axhline(0, color="grey", lw=0.8)
    right.axvline(1, color=PALETTE["black"], ls=":", lw=0.8)
    right.axvline(2, color=PALETTE["vermillion"], ls=":", lw=0.8)
    right.set_ylim(-1.6, 1.2)
    right.legend(loc="lower left", fontsize=8)
    label(right, x="stake [multiple of the Kelly fraction]",
          y="growth rate [share of Kelly's]")
    return fig


@styled
def wealth_fan(runs: dict[str, kk.BetRun], *, title: str, level: float = 0.01):
    """Top: each run's median wealth against the round on a log scale (lines), beside the
    closed form :math:`e^{t\\,g(f)}` for its stake (thin dotted). Bottom: the share of
    bettors whose wealth has fallen to ``level`` of the start or below, by each round."""
    fig, (top, bottom) = figure(2, 1, size=(7.6, 5.6), sharex=True,
                                gridspec_kw={"height_ratios": [2.4, 1.3]})
    n = 0
    for i, (name, run) in enumerate(runs.items()):
        run = _run(run)
        t = np.arange(run.wealth.shape[1])
        n = max(n, t[-1])
        colour, ls = COLORS[i % 6], LINESTYLES[i % 6]
        top.plot(t, run.percentiles((50,))[50], color=colour, ls=ls, lw=2.0, label=name)
        p = run.params
        top.plot(t, np.exp(t * kk.growth_rate(p.fraction, p.p, p.b)), color=PALETTE["black"],
                 ls=":", lw=0.9)
        bottom.plot(t, run.ruined(level), color=colour, ls=ls, lw=1.8, label=name)
    top.plot([], [], color=PALETTE["black"], ls=":", lw=0.9, label="closed form exp(t g(f))")
    top.axhline(1.0, color="grey", lw=0.8)
    top.set_yscale("log")
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
               title="median bettor, stake", title_fontsize=8)
    label(top, x="round [rounds]", y="median wealth [multiple of start, log]", title=title)
    bottom.set_ylim(0, 1)
    bottom.set_xlim(0, n)
    label(bottom, x="round [rounds]", y=f"fell to {level:.0%} [share]")
    top.label_outer()
    return fig


@styled
def halving_chance(simulated: pd.DataFrame, *, title: str):
    """The chance of halving before doubling against the stake in multiples of Kelly: the
    continuous closed form (line) and simulated shares with two standard errors (dots).
    ``simulated`` has columns ``multiple of Kelly``, ``share`` and ``se``."""
    if not isinstance(simulated, pd.DataFrame) or not {"multiple of Kelly", "share", "se"} <= \
            set(simulated.columns):
        raise ValueError("simulated must be a DataFrame with columns 'multiple of Kelly', "
                         "'share' and 'se'")
    fig, ax = figure(size=(7.0, 3.8))
    ax.plot(_MULTIPLES, kk.half_before_double(_MULTIPLES), color=COLORS[0], lw=2.0,
            label="closed form 1 / (1 + 2^(2/c − 1))")
    ax.errorbar(simulated["multiple of Kelly"], simulated["share"], yerr=2 * simulated["se"],
                fmt="o", color=COLORS[1], ms=5, capsize=3, label="simulated, ± 2 s.e.")
    ax.axhline(0.5, color="grey", ls=":", lw=1.0, label="even odds")
    ax.axvline(2.0, color=PALETTE["vermillion"], ls=":", lw=1.0)
    ax.set_xlim(0, _MULTIPLES[-1])
    ax.set_ylim(0, 0.75)
    ax.legend(loc="upper left", fontsize=8)
    label(ax, x="stake [multiple of the Kelly fraction]",
          y="chance of halving first [probability]", title=title)
    return fig


@styled
def levered_against_kelly(hot: kk.BetRun, kelly: kk.BetRun, path: int, *, title: str,
                          level: float = 0.01):
    """The bettor who levers up after wins (``hot``) against fixed Kelly on the same flips.
    Top: wealth along one ``path`` (log scale). Middle: the fraction the levered bettor
    stakes on that path, with Kelly's dotted. Bottom: across all paths, the share on which
    the levered bettor is ahead of Kelly, and the share of levered bettors who have fallen
    to ``level`` of the start, by round."""
    hot, kelly = _run(hot, "hot"), _run(kelly, "kelly")
    ahead = hot.ahead_share(kelly)            # checks the flips are the same
    path = v.count("path", path, 0, hot.wealth.shape[0] - 1)
    t = np.arange(hot.wealth.shape[1])
    fig, (top, mid, low) = figure(3, 1, size=(7.6, 6.4), sharex=True,
                                  gridspec_kw={"height_ratios": [2.2, 1.2, 1.2]})
    top.plot(t, kelly.wealth[path], color=PALETTE["black"], ls="--", lw=1.8,
             label="fixed Kelly stake")
    top.plot(t, hot.wealth[path], color=PALETTE["vermillion"], lw=1.8,
             label="levers up after each win")
    top.axhline(1.0, color="grey", lw=0.8)
    top.set_yscale("log")
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(top, x="round [rounds]", y="wealth [multiple, log]", title=title)
    mid.step(t[1:], hot.fraction[path], where="pre", color=PALETTE["vermillion"], lw=1.0)
    mid.axhline(kelly.params.fraction, color=PALETTE["black"], ls=":", lw=1.2)
    mid.set_ylim(0, 1.15 * hot.params.max_fraction)
    label(mid, x="round [rounds]", y="stake [fraction]")
    low.plot(t, ahead, color=COLORS[0], lw=1.8, label="levered bettor ahead of Kelly")
    low.plot(t, hot.ruined(level), color=PALETTE["vermillion"], ls="--", lw=1.8,
             label=f"levered bettor has fallen to {level:.0%}")
    low.set_ylim(0, 1)
    low.set_xlim(0, t[-1])
    low.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(low, x="round [rounds]", y="bettors [share]")
    for ax in (top, mid):
        ax.label_outer()
    return fig


class BetPanels:
    """The epilogue's Try-it figure, built once and updated in place.

    Left: the median wealth of the bettors at fixed Kelly and of the bettors following the
    reader's rule, with the rule's 10th and 90th percentiles, on a log scale fixed by the
    caller (``wealth_lim``). Right: for each of the two, the share of bettors who ever fell
    to ``level`` of their start and the share who end above it.
    """

    @styled
    def __init__(self, n_rounds: int, *, wealth_lim: tuple[float, float], level: float = 0.01):
        self.level = v.in_range("level", level, 0.0, 1.0, lo_open=True, hi_open=True)
        self.figure, (self.left, self.right) = figure(
            1, 2, size=(8.6, 4.4), gridspec_kw={"width_ratios": [1.6, 1]})
        self.kelly = self.left.plot([], [], color=PALETTE["black"], ls="--", lw=2.0,
                                    label="fixed Kelly: median", animated=True)[0]
        self.rule = self.left.plot([], [], color=PALETTE["vermillion"], lw=2.2,
                                   label="your rule: median", animated=True)[0]
        self.spread = [self.left.plot([], [], color=PALETTE["vermillion"], ls=":", lw=1.2,
                                      label="your rule: 10th and 90th percentiles" if i == 0
                                      else None, animated=True)[0] for i in range(2)]
        self.left.axhline(1.0, color="grey", lw=0.8)
        self.left.set_yscale("log")
        self.left.set_xlim(0, n_rounds)
        self.left.set_ylim(*wealth_lim)
        label(self.left, x="round [rounds]", y="wealth [multiple of start, log]")
        self.left_title = self.left.set_title(" ", loc="left")
        self.left_title.set_animated(True)
        x = np.arange(2)
        width = 0.36
        self.bars = {
            "kelly": self.right.bar(x - width / 2, np.zeros(2), width, color=PALETTE["black"],
                                    label="fixed Kelly", animated=True),
            "rule": self.right.bar(x + width / 2, np.zeros(2), width,
                                   color=PALETTE["vermillion"], hatch="//", edgecolor="white",
                                   label="your rule", animated=True),
        }
        self.right.set_xticks(x, [f"ever fell\nto {self.level:.0%}", "ended above\nthe start"])
        self.right.set_xlim(-0.6, 1.6)
        self.right.set_ylim(0, 1)
        label(self.right, x="outcome [-]", y="bettors [share]")
        handles = self.left.get_legend_handles_labels()[0]
        self.figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8)
        self.suptitle = self.figure.suptitle(" ", fontweight="bold", fontsize=11, animated=True)

    @styled
    def show(self, rule: kk.BetRun, kelly: kk.BetRun, *, title: str):
        """Draw the reader's ``rule`` against fixed ``kelly`` (run on the same flips)."""
        rule, kelly = _run(rule, "rule"), _run(kelly, "kelly")
        t = np.arange(rule.wealth.shape[1])
        bands = rule.percentiles((10, 50, 90))
        self.kelly.set_data(t, kelly.percentiles((50,))[50])
        self.rule.set_data(t, bands[50])
        self.spread[0].set_data(t, bands[10])
        self.spread[1].set_data(t, bands[90])
        for key, run in (("kelly", kelly), ("rule", rule)):
            values = (run.ruined(self.level)[-1], float(np.mean(run.wealth[:, -1] > 1.0)))
            for bar, h in zip(self.bars[key], values, strict=True):
                bar.set_height(h)
        ends = (np.median(rule.wealth[:, -1]), np.median(kelly.wealth[:, -1]))
        self.left_title.set_text(f"Median wealth at the end: yours {ends[0]:.3g}, "
                                 f"Kelly's {ends[1]:.3g}")
        self.suptitle.set_text(title)
        return self.figure
