"""Figures of the capstone: the group's equity over the story, and which decision mattered.

Each function takes what :func:`toymarkets.story.capstone.simulate` returns (a
:class:`~toymarkets.story.capstone.CapstoneRun`), draws in the book's style and returns a
``Figure``. Money in USD billion. :class:`StoryView` is the capstone's Try-it figure and
its two main pictures side by side.
"""

from __future__ import annotations

import numpy as np

from ..story import capstone as cs
from .style import PALETTE, figure, label, styled

__all__ = ["StoryView", "equity_paths", "attribution_bars"]

_ACTUAL = {"color": PALETTE["vermillion"], "lw": 2.2}
_NEUTRAL = {"color": PALETTE["blue"], "lw": 2.2}
_TICKS = [2, 6, 10, 14]                      # 2019Q4, 2020Q4, 2021Q4, 2022Q4


def _run(run) -> cs.CapstoneRun:
    if not isinstance(run, cs.CapstoneRun):
        raise ValueError(f"run must be a CapstoneRun, got {type(run).__name__}")
    return run


def _mark_events(ax) -> None:
    for t, name in ((cs.LUNA, "LUNA"), (cs.T, "run")):
        ax.axvline(t, color=PALETTE["black"], ls=":", lw=1.0)
        ax.annotate(name, (t, 1.0), xycoords=("data", "axes fraction"), xytext=(-3, -2),
                    textcoords="offset points", ha="right", va="top", fontsize=8)


class StoryView:
    """Left: the group's equity quarter by quarter for one scenario and for the delta-neutral
    firm, at mark and if sold. Right: each switch's Shapley value and the change that
    switching it off alone makes.

    Built once with fixed limits (``equity`` and ``value``, pairs in USD bn); what
    :meth:`show` changes is animated when ``live``.
    """

    @styled
    def __init__(self, *, equity: tuple[float, float], value: tuple[float, float],
                 live: bool = False):
        self.figure, (left, right) = figure(1, 2, size=(10.0, 4.4),
                                            gridspec_kw={"width_ratios": [1.15, 1.0]})
        self.left, self.right = left, right
        x = np.arange(cs.T + 1)
        empty = np.full(x.size, np.nan)
        self.mark = left.plot(x, empty, ls="-", label="this scenario, at mark", animated=live,
                              **_ACTUAL)[0]
        self.sold = left.plot(x, empty, ls="--", label="this scenario, if sold", animated=live,
                              **_ACTUAL)[0]
        self.neutral = left.plot(x, empty, ls="-", label="delta-neutral firm (all off)",
                                 animated=live, **_NEUTRAL)[0]
        left.axhline(0.0, color=PALETTE["black"], lw=0.8)
        _mark_events(left)
        left.set_xlim(0, cs.T)
        left.set_ylim(*equity)
        left.set_xticks(_TICKS, [cs.QUARTERS[t - 1] for t in _TICKS])
        label(left, x="quarter [end of]", y="group's equity [USD bn]")
        left.legend(loc="lower left", fontsize=8)
        self.left_title = left.set_title(" ", loc="left", fontsize=10)
        self.left_title.set_animated(live)

        y = np.arange(cs.K)
        names = [cs.LABELS[n] for n in cs.SWITCHES]
        self.bars = right.barh(y, np.zeros(cs.K), color=PALETTE["orange"], animated=live,
                               label="Shapley value")
        self.alone = right.plot(np.zeros(cs.K), y, "D", color=PALETTE["black"], ms=5,
                                animated=live, label="switched off alone")[0]
        right.axvline(0.0, color=PALETTE["black"], lw=0.8)
        right.set_yticks(y, names, fontsize=8)
        right.invert_yaxis()
        right.set_xlim(*value)
        label(right, x="share of the shortfall [USD bn]", y="decision [–]")
        right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2, fontsize=8)
        self.right_title = right.set_title(" ", loc="left", fontsize=10)
        self.right_title.set_animated(live)

    @styled
    def show(self, run: cs.CapstoneRun, mask: int, *, title: str = ""):
        """Draw scenario ``mask`` of ``run`` and the run's attribution."""
        run = _run(run)
        mark, sold = run.equity("mark"), run.equity("if sold")
        self.mark.set_ydata(mark[mask])
        self.sold.set_ydata(sold[mask])
        self.neutral.set_ydata(mark[0])
        table = run.attribution()
        for bar, value in zip(self.bars, table["Shapley value"], strict=True):
            bar.set_width(value)
        self.alone.set_xdata(-table["change"].to_numpy())
        self.left_title.set_text(title or f"customers' shortfall: {run.shortfall[mask]:.1f} bn")
        self.right_title.set_text(
            f"all on: {run.shortfall[run.all_on]:.1f} bn, split by Shapley")
        return self.figure


def _limits(run: cs.CapstoneRun) -> tuple[tuple[float, float], tuple[float, float]]:
    eq = np.concatenate([run.equity("mark").ravel(), run.equity("if sold").ravel()])
    table = run.attribution()
    vals = np.concatenate([table["Shapley value"], -table["change"], [0.0]])
    pad = 0.08 * (eq.max() - eq.min())
    vpad = 0.08 * (vals.max() - vals.min() + 1e-9)
    return (eq.min() - pad, eq.max() + pad), (vals.min() - vpad, vals.max() + vpad)


def equity_paths(run: cs.CapstoneRun, mask: int | None = None, *, title: str = ""):
    """:class:`StoryView` fitted to ``run``, showing ``mask`` (default: every switch on)."""
    run = _run(run)
    equity, value = _limits(run)
    view = StoryView(equity=equity, value=value)
    return view.show(run, run.all_on if mask is None else mask, title=title)


@styled
def attribution_bars(run: cs.CapstoneRun, *, title: str):
    """Shapley values of the switches as bars, largest first, with each one's share."""
    run = _run(run)
    table = run.attribution().sort_values("Shapley value", ascending=False)
    fig, ax = figure(size=(7.6, 3.8))
    y = np.arange(len(table))
    ax.barh(y, table["Shapley value"], color=PALETTE["orange"])
    for yi, (value, share) in enumerate(zip(table["Shapley value"], table["share"],
                                            strict=True)):
        ax.annotate(f"{share:.0%}", (max(value, 0.0), yi), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.axvline(0.0, color=PALETTE["black"], lw=0.8)
    ax.set_yticks(y, table["decision"], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(min(0.0, float(table["Shapley value"].min())) * 1.1,
                float(table["Shapley value"].max()) * 1.18)
    label(ax, x="Shapley value: share of the customers' shortfall [USD bn]", y="decision [–]",
          title=title)
    return fig
