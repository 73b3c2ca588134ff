"""Figures of the liquidation-value model (Step 7; :mod:`toymarkets.models.impact`).

Each function takes the model's results (:class:`~toymarkets.models.impact.PumpPath`,
:class:`~toymarkets.models.impact.LiquidationCurve`,
:class:`~toymarkets.models.impact.Schedule`), draws in the book's style and returns a
``Figure``. :class:`PumpPanels` is the Step 7 Try-it figure: built once, updated in
place with fixed limits. Money in the units of the results (million USD for a
:class:`~toymarkets.models.impact.Pump`).
"""

from __future__ import annotations

import numpy as np

from ..models.impact import LAWS, LiquidationCurve, PumpPath, Schedule
from .style import COLORS, LINESTYLES, PALETTE, figure, label, styled

__all__ = ["pump_values", "discount_curves", "schedules", "PumpPanels"]


def _check(name: str, value, cls):
    if not isinstance(value, cls):
        raise ValueError(f"{name} must be a {cls.__name__}, got {type(value).__name__}")
    return value


class PumpPanels:
    """A pump in two panels: the holding's paper value and sale value, net of the cash
    spent (left), and the share of the mark a sale would lose (right), against the
    share of the float bought.

    With limits (``value_lim`` [million USD], ``x_max`` [share of the float]) the
    artists are animated for a live control; without, :meth:`show` rescales.
    """

    @styled
    def __init__(self, *, x_max: float = 0.5, value_lim: tuple[float, float] | None = None):
        self.figure, (self.left, self.right) = figure(1, 2, size=(8.6, 4.0))
        self.fixed = live = value_lim is not None
        self.paper = self.left.plot([], [], color=COLORS[1], lw=2.0, label="at mark",
                                    animated=live)[0]
        self.sale = self.left.plot([], [], color=COLORS[0], ls="--", lw=2.0,
                                   label="if sold now", animated=live)[0]
        self.before = self.left.plot([], [], color=PALETTE["black"], ls=":", lw=1.2,
                                     label="mark before the pump", animated=live)[0]
        self.share = self.right.plot([], [], color=COLORS[3], lw=2.0, animated=live)[0]
        self.left.axhline(0, color="grey", lw=0.8)
        label(self.left, x="tokens bought [share of the float]",
              y="value net of cash spent [million USD]")
        label(self.right, x="tokens bought [share of the float]",
              y="share of the mark a sale loses [fraction]")
        for ax in (self.left, self.right):
            ax.set_xlim(0, x_max)
        self.right.set_ylim(0, 1)
        if value_lim is not None:
            self.left.set_ylim(*value_lim)
        self.figure.legend(handles=[self.paper, self.sale, self.before], loc="outside lower center",
                           ncols=3)
        self.title = self.figure.suptitle(" ", fontweight="bold", fontsize=11, animated=live)

    @styled
    def show(self, path: PumpPath, *, title: str):
        """Draw one :class:`~toymarkets.models.impact.PumpPath`."""
        _check("path", path, PumpPath)
        x = path.float_share
        self.paper.set_data(x, path.paper_value)
        self.sale.set_data(x, path.sale_value)
        self.before.set_data([x[0], x[-1]], [path.params.mark_before] * 2)
        self.share.set_data(x, path.sale_discount)
        self.title.set_text(title)
        if not self.fixed:
            self.left.relim()
            self.left.autoscale_view(scalex=False)
        return self.figure


def pump_values(path: PumpPath, *, title: str):
    """The pump's paper value against its sale value, and the share a sale loses."""
    _check("path", path, PumpPath)
    view = PumpPanels(x_max=float(path.float_share[-1]))
    view.show(path, title=title)
    view.left.fill_between(path.float_share, path.sale_value, path.paper_value,
                           color=COLORS[1], alpha=0.15, lw=0)
    return view.figure


@styled
def discount_curves(by_law: LiquidationCurve, by_volatility: dict[str, LiquidationCurve], *,
                    title: str):
    """Left: the share of the mark a sale loses under each law, against the size sold in
    days of volume. Right: the square-root law's discount at several volatilities."""
    _check("by_law", by_law, LiquidationCurve)
    if not by_volatility:
        raise ValueError("by_volatility must name at least one curve")
    fig, (left, right) = figure(1, 2, size=(8.6, 3.8), sharey=True)
    days = by_law.days_of_volume()
    for i, (kind, name) in enumerate(LAWS.items()):
        left.plot(days, by_law.discount[kind], color=COLORS[i], ls=LINESTYLES[i], lw=1.8,
                  label=name)
    left.legend(loc="upper left")
    label(left, x="size sold [days of volume]", y="share of the mark a sale loses [fraction]",
          title="Three markets")
    for i, (name, curve) in enumerate(by_volatility.items()):
        _check(f"by_volatility[{name!r}]", curve, LiquidationCurve)
        right.plot(curve.days_of_volume(), curve.discount["square-root"], color=COLORS[i + 3],
                   ls=LINESTYLES[i], lw=1.8, label=name)
    right.legend(loc="upper left")
    label(right, x="size sold [days of volume]", y="share of the mark a sale loses [fraction]",
          title="Square-root law, three volatilities")
    right.tick_params(labelleft=True)
    fig.suptitle(title, fontweight="bold", fontsize=11)
    return fig


@styled
def schedules(chosen: dict[str, Schedule], frontier: list[Schedule], *, title: str):
    """Left: units still held over time under each chosen schedule. Right: the efficient
    frontier (expected cost against its standard deviation), with the chosen ones marked."""
    if not chosen or not frontier:
        raise ValueError("chosen and frontier must each hold at least one Schedule")
    fig, (left, right) = figure(1, 2, size=(8.6, 3.8))
    markers = ["o", "^", "s", "D"]
    sd = np.array([_check("frontier", s, Schedule).cost_sd for s in frontier]) / 1e3
    cost = np.array([s.expected_cost for s in frontier]) / 1e3
    right.plot(sd, cost, color=PALETTE["black"], lw=1.2, label="efficient frontier")
    for i, (name, s) in enumerate(chosen.items()):
        _check(f"chosen[{name!r}]", s, Schedule)
        left.plot(s.times, s.holdings / 1e3, color=COLORS[i], ls=LINESTYLES[i], lw=1.8,
                  marker=markers[i % 4], ms=4, label=name)
        right.plot(s.cost_sd / 1e3, s.expected_cost / 1e3, color=COLORS[i], marker=markers[i % 4],
                   ms=7, ls="none")
    left.legend(loc="upper right")
    label(left, x="time [days]", y="units still held [thousands]", title="Selling schedules")
    label(right, x="standard deviation of the cost [thousand USD]",
          y="expected cost [thousand USD]", title="Cost against risk")
    fig.suptitle(title, fontweight="bold", fontsize=11)
    return fig
