r"""Glosten & Milgrom (1985): zero-profit quotes when some traders know the value.

A token is worth :math:`V_H` with probability :math:`\theta \in (0, 1)`, else
:math:`V_L`. Each trader is informed with probability :math:`\mu`: an informed
trader buys when :math:`V = V_H` and sells otherwise; an uninformed one buys or
sells with equal chance, whatever the value. A competitive, risk-neutral market
maker who trades one unit with each arrival sets her quotes so that she expects
to break even on every trade, given what the trade reveals:

.. math::
    a = \mathbb{E}[V \mid \text{buy}], \qquad b = \mathbb{E}[V \mid \text{sell}] .

By Bayes' rule, with :math:`P(\text{buy} \mid V_H) = \tfrac{1+\mu}{2}` and
:math:`P(\text{buy} \mid V_L) = \tfrac{1-\mu}{2}`, this gives the closed forms of
:func:`glosten_milgrom_quotes`. The spread :math:`a - b` is zero when no trader is
informed (:math:`\mu = 0`) and grows to :math:`V_H - V_L` as :math:`\mu \to 1`: the
uninformed pay for what the market maker loses to the informed.

**The zero-profit spread and the break-even toxic share.** With :math:`\theta = 1/2`
the quotes are symmetric around the mid :math:`(V_L + V_H)/2`, and the half-spread is
:math:`h = \mu A` with :math:`A = (V_H - V_L)/2`, what an informed trader gains against
the mid. A market maker quoting the mid :math:`\pm h` earns :math:`h` from every trade
and loses :math:`A` to every informed one, :math:`h - \mu A` per trade, so it breaks even
at the informed share :math:`\mu^* = h / A` (:func:`break_even_informed_share`): the
Glosten–Milgrom half-spread is the one for which the actual informed share is exactly
the break-even share. Step 2's :math:`s^* = F/A` is the same condition read with the
spread (and fees) given.

Assumptions: one trade per arrival, one unit each; the value is drawn afresh for
every trade in :func:`simulate_glosten_milgrom` (the one-shot game, so that the
zero-profit property can be checked by averaging); no fees, no inventory costs.

References: :cite:t:`glosten1985bid`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from ..core.results import Result

__all__ = ["glosten_milgrom_quotes", "break_even_informed_share", "GlostenMilgromRun",
           "simulate_glosten_milgrom"]


def _gm_checked(v_low, v_high, theta, mu):
    lo, hi = v.finite("v_low", v_low), v.finite("v_high", v_high)
    if not hi > lo:
        raise ValueError(f"v_high must be greater than v_low, got v_low={lo!r}, v_high={hi!r}")
    theta = v.in_range("theta", theta, 0.0, 1.0, lo_open=True, hi_open=True)
    return lo, hi, theta, v.probability("mu", mu)


def glosten_milgrom_quotes(v_low: float, v_high: float, theta: float, mu: float):
    r"""Glosten & Milgrom's (1985) zero-profit quotes, binary-value case: ``(bid, ask)``.

    The value is :math:`V_H` with probability :math:`\theta \in (0, 1)`, else :math:`V_L`.
    A trader is informed with probability :math:`\mu` (buys if :math:`V = V_H`, sells
    otherwise); an uninformed one buys or sells with equal chance. A competitive
    market maker quotes the conditional expectations

    .. math::
        a = \mathbb{E}[V \mid \text{buy}]
          = \frac{\theta\,\frac{1+\mu}{2}\,V_H + (1-\theta)\,\frac{1-\mu}{2}\,V_L}
                 {\theta\,\frac{1+\mu}{2} + (1-\theta)\,\frac{1-\mu}{2}}, \qquad
        b = \mathbb{E}[V \mid \text{sell}]
          = \frac{\theta\,\frac{1-\mu}{2}\,V_H + (1-\theta)\,\frac{1+\mu}{2}\,V_L}
                 {\theta\,\frac{1-\mu}{2} + (1-\theta)\,\frac{1+\mu}{2}} .
    """
    lo, hi, theta, mu = _gm_checked(v_low, v_high, theta, mu)
    up, down = 0.5 * (1.0 + mu), 0.5 * (1.0 - mu)
    ask = (theta * up * hi + (1 - theta) * down * lo) / (theta * up + (1 - theta) * down)
    bid = (theta * down * hi + (1 - theta) * up * lo) / (theta * down + (1 - theta) * up)
    return bid, ask


def break_even_informed_share(half_spread: float, v_low: float, v_high: float) -> float:
    r"""The informed share at which quotes at the mid :math:`\pm h` break even, for theta = 1/2.

    The market maker earns :math:`h` per trade and loses :math:`A = (V_H - V_L)/2` to each
    informed trader, so its expected profit per trade is :math:`h - \mu A`, zero at
    :math:`\mu^* = h / A`; capped at 1 (a half-spread of :math:`A` or more pays even if
    every trader is informed). ``half_spread`` >= 0 [USD]; ``v_high`` > ``v_low``.
    """
    lo, hi, _, _ = _gm_checked(v_low, v_high, 0.5, 0.0)
    h = v.non_negative("half_spread", half_spread)
    return min(1.0, h / (0.5 * (hi - lo)))


@dataclass(frozen=True)
class GlostenMilgromRun(Result):
    """Simulated one-shot Glosten-Milgrom trades: each a fresh value and a fresh trader."""

    bid: float
    ask: float
    value: np.ndarray       #: V for each trade [USD]
    informed: np.ndarray    #: whether the trader knew V
    buy: np.ndarray         #: whether the trader bought (at the ask)
    pnl: np.ndarray         #: the market maker's profit on each trade [USD]

    def mean(self) -> float:
        return float(self.pnl.mean())

    def standard_error(self) -> float:
        return float(self.pnl.std(ddof=1) / math.sqrt(self.pnl.size))


def simulate_glosten_milgrom(v_low: float, v_high: float, theta: float, mu: float,
                             rng: np.random.Generator, n_trades: int = 100_000,
                             quotes: tuple[float, float] | None = None) -> GlostenMilgromRun:
    """Trades against a market maker quoting ``quotes`` (default: the zero-profit quotes)."""
    lo, hi, theta, mu = _gm_checked(v_low, v_high, theta, mu)
    rng = v.generator(rng)
    n = v.count("n_trades", n_trades, 2, 100_000_000)
    bid, ask = glosten_milgrom_quotes(lo, hi, theta, mu) if quotes is None else (
        v.finite("bid", quotes[0]), v.finite("ask", quotes[1]))
    high = rng.random(n) < theta
    informed = rng.random(n) < mu
    buy = np.where(informed, high, rng.random(n) < 0.5)
    value = np.where(high, hi, lo)
    pnl = np.where(buy, ask - value, value - bid)
    return GlostenMilgromRun(bid, ask, value, informed, buy, pnl)
