"""Figures of the hole (Step 16) and of a rescuer's decision (Step 17).

Each function takes what :mod:`toymarkets.models.shortfall` returns (a
:class:`~toymarkets.models.shortfall.Shortfall`, or holes it computed), draws in the book's
style and returns a ``Figure``. Money in millions of USD, token prices in USD.
:class:`HoleCurves` is the Step 16 Try-it figure and the chapter's main picture.
"""

from __future__ import annotations

import numpy as np

from ..models.shortfall import Shortfall
from .style import COLORS, PALETTE, figure, label, styled

__all__ = ["sheet_bars", "hole_against_price", "HoleCurves", "rescue_decision"]

#: Colours of the balance sheet's lines, liabilities first.
_LINES = {"customer deposits": PALETTE["vermillion"], "outside lenders": PALETTE["purple"],
          "liquid assets": PALETTE["green"], "house token": PALETTE["orange"],
          "illiquid holdings": PALETTE["sky"]}
_HATCH = {"customer deposits": "", "outside lenders": "//", "liquid assets": "",
          "house token": "..", "illiquid holdings": "xx"}
#: The two holes' look: at mark solid blue, sold now dashed vermillion.
_MARK = {"color": COLORS[0], "ls": "-", "lw": 2.2, "label": "hole at mark"}
_SOLD = {"color": PALETTE["vermillion"], "ls": "--", "lw": 2.2, "label": "hole if sold now"}


def _result(result) -> Shortfall:
    if not isinstance(result, Shortfall):
        raise ValueError(f"result must be a Shortfall, got {type(result).__name__}")
    return result


@styled
def sheet_bars(result: Shortfall, prices: dict[str, float], *, title: str):
    """The group's sheet as stacked bars, one panel per labelled token price: what it owes,
    its assets at mark and its assets sold now (:meth:`Shortfall.breakdown`)."""
    result = _result(result)
    fig, axes = figure(1, len(prices), size=(8.6, 3.6), sharey=True, squeeze=False)
    rows = ["owed", "at mark", "sold now"]
    top = 0.0
    for ax, (name, price) in zip(axes[0], prices.items(), strict=True):
        frame = result.breakdown(price)
        left = np.zeros(len(rows))
        for line, colour in _LINES.items():
            width = frame.loc[rows, line].to_numpy()
            ax.barh(rows, width, left=left, color=colour, hatch=_HATCH[line], edgecolor="white",
                    label=line if ax is axes[0][0] else None)
            left += width
        top = max(top, float(left.max()))
        ax.axvline(left[0], color=PALETTE["black"], ls=":", lw=1.2)
        ax.invert_yaxis()
        label(ax, x="USD [million]", y="side of the sheet [–]", title=name)
    for ax in axes[0]:
        ax.set_xlim(0.0, 1.05 * top)
        ax.label_outer()
    fig.suptitle(title, fontweight="bold", fontsize=11, x=0.01, ha="left")
    fig.legend(loc="outside lower center", ncols=5, fontsize=8)
    return fig


class HoleCurves:
    """The hole against the house token's price, at mark and sold now; optionally with the
    documented estimates of the hole as a band, a band of prices and marked prices.

    Built once with fixed limits (``price_max`` USD, ``hole_max`` million USD); what
    :meth:`show` changes (the two lines, the break-even marker, the title) is animated
    when ``live``.
    """

    @styled
    def __init__(self, *, price_max: float, hole_max: float, live: bool = False,
                 hole_band: tuple[float, float] | None = None, hole_band_label: str = "",
                 price_band: tuple[float, float] | None = None, price_band_label: str = "",
                 marks: dict[str, float] | None = None):
        self.figure, self.ax = figure(size=(7.6, 4.2))
        ax = self.ax
        if hole_band is not None:
            ax.axhspan(*hole_band, color=PALETTE["black"], alpha=0.12, lw=0,
                       label=hole_band_label)
        if price_band is not None:
            ax.axvspan(*price_band, color=PALETTE["yellow"], alpha=0.35, lw=0,
                       label=price_band_label)
        for i, (name, price) in enumerate((marks or {}).items()):
            ax.axvline(price, color=PALETTE["black"], ls=[":", "-."][i % 2], lw=1.2, label=name)
        self.mark = ax.plot([], [], animated=live, **_MARK)[0]
        self.sold = ax.plot([], [], animated=live, **_SOLD)[0]
        self.kink = ax.plot([], [], "o", color=COLORS[0], ms=6, animated=live,
                            label="break-even price at mark")[0]
        ax.set_xlim(0.0, price_max)
        ax.set_ylim(0.0, hole_max)
        label(ax, x="house token's price [USD]", y="group's hole [million USD]")
        self.title = ax.set_title(" ", loc="left")
        self.title.set_animated(live)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)

    @styled
    def show(self, result: Shortfall, *, title: str):
        """Draw the holes of ``result``."""
        result = _result(result)
        self.mark.set_data(result.prices, result.mark)
        self.sold.set_data(result.prices, result.liquidation)
        kink = result.breakeven("mark")
        inside = 0.0 < kink <= float(result.prices[-1])
        self.kink.set_data([kink] if inside else [], [0.0] if inside else [])
        self.title.set_text(title)
        return self.figure


def hole_against_price(result: Shortfall, *, title: str, **bands):
    """The hole against the token's price (:class:`HoleCurves`, fitted to ``result``);
    ``bands`` are :class:`HoleCurves`' documented bands and marks."""
    result = _result(result)
    top = float(max(result.mark.max(), result.liquidation.max(),
                    (bands.get("hole_band") or (0.0, 0.0))[1]))
    view = HoleCurves(price_max=float(result.prices[-1]), hole_max=1.12 * max(top, 1.0), **bands)
    return view.show(result, title=title)


@styled
def rescue_decision(franchise: np.ndarray, holes: dict[str, float], *, title: str):
    """What a rescuer gains, franchise less hole, against the franchise's value: one line
    per hole (label -> million USD); below zero it walks away."""
    franchise = np.asarray(franchise, dtype=float)
    fig, ax = figure(size=(7.6, 3.8))
    styles = ["-", "--", "-.", ":"]
    for i, (name, hole) in enumerate(holes.items()):
        ax.plot(franchise, franchise - hole, color=COLORS[i % 6], ls=styles[i % 4], lw=2.0,
                label=name)
    ax.axhline(0.0, color=PALETTE["black"], lw=1.0)
    low = float(franchise.min() - max(holes.values()))
    ax.axhspan(min(low, 0.0) * 1.1, 0.0, color=PALETTE["vermillion"], alpha=0.08, lw=0,
               label="walks away")
    ax.set_xlim(float(franchise.min()), float(franchise.max()))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    label(ax, x="franchise's value to the rescuer [million USD]",
          y="rescuer's gain, franchise less hole [million USD]", title=title)
    return fig
