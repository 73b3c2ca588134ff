r"""What a sale fetches: impact laws and the proceeds of selling a quantity.

A position is *marked* at the last price :math:`P_0`; it can be *sold* only into
the market as it is, and each unit sold pushes the price down. If the price at
which the :math:`q`-th unit sells is :math:`P(q)`, selling :math:`Q` units brings

.. math::  L(Q) = \int_0^Q P(q)\, dq \;\le\; P_0\, Q ,

the position's *liquidation value*, against its *mark value* :math:`P_0 Q`. The
marginal price never goes below zero: past the quantity at which it reaches zero a
sale brings nothing more, so :math:`L` is increasing, concave and never negative.
Three laws for :math:`P(q)`, each a small frozen class with the same methods:

* :class:`SquareRoot`, the square-root law of market impact
  (:cite:t:`toth2011anomalous`): :math:`P(q) = P_0\,(1 - Y \sigma \sqrt{q/V})`, with
  :math:`\sigma` the daily volatility, :math:`V` the daily volume and :math:`Y` of
  order one. Integrating,

  .. math::  L(Q) = P_0 \left(Q - \tfrac{2}{3}\, Y\sigma\, Q^{3/2} / \sqrt{V}\right)
             \quad\text{for } Q \le Q^* = V / (Y\sigma)^2 ,

  and :math:`L(Q^*)` beyond. The law is measured for orders well below the daily
  volume (a few per cent of it); applied to a position many times the daily volume
  it is an extrapolation, which the book says where it uses it. The discount
  :math:`1 - L/(P_0 Q) = \tfrac{2}{3} Y\sigma\sqrt{Q/V}` grows with size and
  volatility and falls with volume.
* :class:`LinearBook`, an order book with the same depth at every price, as in the
  linear impact of :cite:t:`kyle1985continuous` and the permanent impact of
  :cite:t:`almgren2000optimal`: :math:`P(q) = P_0 - \lambda q`, so
  :math:`L(Q) = P_0 Q - \lambda Q^2/2` up to :math:`Q^* = P_0/\lambda`.
* :class:`ConstantProduct`, selling into a Uniswap-v2 pool holding :math:`x` tokens and
  :math:`y` USD (:mod:`toymarkets.core.pool`): :math:`L(Q) = \gamma Q y/(x + \gamma Q)`,
  which never reaches :math:`y`.

Buying is the mirror image: the :math:`q`-th unit bought costs :math:`P^+(q) \ge P_0`
and buying :math:`Q` costs :math:`C(Q) = \int_0^Q P^+(q)\, dq \ge P_0 Q`
(:meth:`ImpactLaw.cost`, :meth:`ImpactLaw.marginal`). The square-root law and the
linear book are taken symmetric; a pool's cost is the input its curve asks for, which
grows without bound as the pool's tokens run out.

Units: quantities in tokens, prices in USD per token, proceeds in USD.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from . import pool

__all__ = ["ImpactLaw", "SquareRoot", "LinearBook", "ConstantProduct", "Liquid", "discount"]


def _quantity(q) -> np.ndarray:
    return v.non_negative_array("quantity", q)


def _price(p):
    """A mark price (>= 0), or an array of them that broadcasts with the quantity."""
    return v.non_negative("price", p) if np.ndim(p) == 0 else v.non_negative_array("price", p)


def _out(a):
    a = np.asarray(a, dtype=float)
    return float(a) if a.ndim == 0 else a


class ImpactLaw:
    """Base of the impact laws: a subclass defines ``_proceeds(q, price)`` for arrays of
    quantities, and inherits :meth:`proceeds`, :meth:`average_price` and :meth:`discount`."""

    def proceeds(self, quantity, price):
        """USD a sale of ``quantity`` (>= 0) fetches from the mark ``price`` (>= 0); either
        may be an array, and they broadcast."""
        p = _price(price)
        return _out(self._proceeds(_quantity(quantity), p))

    def cost(self, quantity, price):
        """USD that buying ``quantity`` (>= 0) costs from the mark ``price`` (>= 0); either
        may be an array, and they broadcast."""
        p = _price(price)
        return _out(self._cost(_quantity(quantity), p))

    def marginal(self, quantity, price: float, side: str = "sell"):
        """The price of the next unit after selling (``side="sell"``) or buying ``quantity``."""
        p = v.non_negative("price", price)
        q = _quantity(quantity)
        side = v.choice("side", side, ("sell", "buy"))
        return _out(self._marginal_sell(q, p) if side == "sell" else self._marginal_buy(q, p))

    def average_price(self, quantity, price: float):
        """Proceeds per unit sold (the mark price for an empty sale)."""
        q = _quantity(quantity)
        p = v.non_negative("price", price)
        sold = self._proceeds(q, p)
        return _out(np.where(q > 0, sold / np.where(q > 0, q, 1.0), p))

    def discount(self, quantity, price: float):
        """``1 - proceeds / (price * quantity)``: the share of the mark a sale loses, in [0, 1]."""
        q = _quantity(quantity)
        p = v.positive("price", price)
        mark = p * q                # may underflow to 0 for a tiny q: no discount then
        lost = 1.0 - np.divide(self._proceeds(q, p), mark, out=np.ones_like(mark),
                               where=mark > 0)
        return _out(lost)


@dataclass(frozen=True)
class Liquid(ImpactLaw, v.Parameters):
    """A market deep enough to take any sale at the mark: ``L(Q) = P0 Q``."""

    def _proceeds(self, q, p):
        return p * q

    def _cost(self, q, p):
        return p * q

    def _marginal_sell(self, q, p):
        return np.full_like(q, p)

    def _marginal_buy(self, q, p):
        return np.full_like(q, p)


@dataclass(frozen=True)
class SquareRoot(ImpactLaw, v.Parameters):
    """The square-root impact law (module docstring)."""

    volatility: float               #: sigma, daily volatility of the price [fraction], (0, 5]
    daily_volume: float             #: V, tokens traded a day, > 0
    y: float = 1.0                  #: Y, the law's prefactor (of order one), in (0, 10]

    def __post_init__(self):
        v.positive("volatility", self.volatility, 5.0)
        v.positive("daily_volume", self.daily_volume, 1e15)
        v.positive("y", self.y, 10.0)

    @property
    def limit(self) -> float:
        """Q*, the quantity at which the marginal price reaches zero [tokens]."""
        return self.daily_volume / (self.y * self.volatility) ** 2

    def impact(self, quantity):
        r"""The fractional price move after selling ``quantity``:
        :math:`\min(1, Y\sigma\sqrt{Q/V})`."""
        q = _quantity(quantity)
        return _out(np.minimum(1.0, self.y * self.volatility * np.sqrt(q / self.daily_volume)))

    def _proceeds(self, q, p):
        c = self.y * self.volatility / np.sqrt(self.daily_volume)
        sold = np.minimum(q, self.limit)
        return p * (sold - (2.0 / 3.0) * c * sold ** 1.5)

    def _cost(self, q, p):
        c = self.y * self.volatility / np.sqrt(self.daily_volume)
        return p * (q + (2.0 / 3.0) * c * q ** 1.5)

    def _marginal_sell(self, q, p):
        return p * (1.0 - self.impact(q))

    def _marginal_buy(self, q, p):
        return p * (1.0 + self.y * self.volatility * np.sqrt(q / self.daily_volume))


@dataclass(frozen=True)
class LinearBook(ImpactLaw, v.Parameters):
    """A book whose price falls by ``slope`` USD per token sold (module docstring)."""

    slope: float                    #: lambda [USD per token], > 0

    def __post_init__(self):
        v.positive("slope", self.slope, 1e12)

    def _proceeds(self, q, p):
        sold = np.minimum(q, p / self.slope)
        return p * sold - 0.5 * self.slope * sold ** 2

    def _cost(self, q, p):
        return p * q + 0.5 * self.slope * q ** 2

    def bought_with(self, budget, price):
        r"""Tokens a ``budget`` (USD, >= 0) buys from the mark ``price`` (>= 0), the inverse
        of :meth:`ImpactLaw.cost`: the root of :math:`P_0 Q + \lambda Q^2/2 = c`, written
        :math:`Q = 2c / (P_0 + \sqrt{P_0^2 + 2\lambda c})` so that it stays exact for a
        small budget. Either argument may be an array."""
        c = v.non_negative_array("budget", budget)
        p = _price(price)
        root = p + np.sqrt(p * p + 2.0 * self.slope * c)
        return _out(np.divide(2.0 * c, root, out=np.zeros(np.broadcast(c, root).shape),
                              where=root > 0))

    def _marginal_sell(self, q, p):
        return np.maximum(p - self.slope * q, 0.0)

    def _marginal_buy(self, q, p):
        return p + self.slope * q


@dataclass(frozen=True)
class ConstantProduct(ImpactLaw, v.Parameters):
    """Selling into a constant-product pool of ``reserve_token`` tokens and ``reserve_cash`` USD.

    The pool's own price ``reserve_cash / reserve_token`` is what a sale meets, whatever
    the mark: ``proceeds(Q, price)`` ignores ``price`` except through :meth:`discount`.
    """

    reserve_token: float            #: x [tokens], > 0
    reserve_cash: float             #: y [USD], > 0
    fee: float = 0.003              #: 1 - gamma, the pool's fee on the input, in [0, 1)

    def __post_init__(self):
        v.positive("reserve_token", self.reserve_token, 1e18)
        v.positive("reserve_cash", self.reserve_cash, 1e18)
        v.in_range("fee", self.fee, 0.0, 1.0, hi_open=True)

    def _proceeds(self, q, p):
        return np.asarray(pool.amount_out(q, self.reserve_token, self.reserve_cash, self.fee))

    def _cost(self, q, p):
        if np.any(q >= self.reserve_token):
            raise ValueError(f"quantity must be in [0, reserve_token), got {q!r} against "
                             f"{self.reserve_token!r} tokens in the pool")
        return np.asarray(pool.amount_in(q, self.reserve_cash, self.reserve_token, self.fee))

    def _marginal_sell(self, q, p):
        g, x, y = 1.0 - self.fee, self.reserve_token, self.reserve_cash
        return g * x * y / (x + g * q) ** 2

    def _marginal_buy(self, q, p):
        if np.any(q >= self.reserve_token):
            raise ValueError(f"quantity must be in [0, reserve_token), got {q!r}")
        g, x, y = 1.0 - self.fee, self.reserve_token, self.reserve_cash
        return x * y / (g * (x - q) ** 2)


def discount(law, quantity, price: float):
    """The share of the mark value a sale of ``quantity`` loses under ``law`` (in [0, 1])."""
    if not isinstance(law, ImpactLaw):
        raise ValueError(f"law must be an impact law (SquareRoot, LinearBook, ConstantProduct, "
                         f"Liquid), got {type(law).__name__}")
    return law.discount(quantity, price)
