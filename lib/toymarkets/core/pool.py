r"""Constant-product swap arithmetic (Uniswap v2), shared by every model with a pool.

A pool holds reserves :math:`x` of one token and :math:`y` of another. A swap of
:math:`\Delta x` in pays a fee :math:`1 - \gamma` on the input (Uniswap v2:
:math:`\gamma = 0.997`), and the rest must keep the product of the reserves,

.. math::  (x + \gamma \Delta x)(y - \Delta y) = x y
           \quad\Longrightarrow\quad
           \Delta y = \frac{\gamma\, \Delta x\, y}{x + \gamma \Delta x} ,

while the whole :math:`\Delta x`, fee included, joins the reserves, so the product
:math:`k = xy` never falls on a swap and rises when :math:`\gamma < 1`. The input
needed for a desired output inverts it,
:math:`\Delta x = x\, \Delta y / (\gamma\, (y - \Delta y))` (:cite:t:`adams2020uniswapv2`,
``getAmountOut`` and ``getAmountIn`` in real numbers, without the contract's
integer rounding).

The pool's marginal (spot) price of :math:`x` in units of :math:`y` is :math:`y/x`.
With an outside market price :math:`m`, no arbitrage is possible while

.. math::  \gamma\, \frac{y}{x} \;\le\; m \;\le\; \frac{1}{\gamma}\, \frac{y}{x}

(:cite:t:`angeris2019analysis`); outside this band an arbitrageur trades the pool
back to its edge. Every function works elementwise on numpy arrays, so a million
independent swaps are one call.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v

__all__ = ["amount_out", "amount_in", "spot_price", "execution_price", "no_arbitrage_band",
           "arbitrage_input", "arbitrage_inputs"]


def _array(name: str, value, *, positive: bool = False) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    # array methods rather than np.all/np.any: this check runs on every call of the hot loops
    if not np.isfinite(a).all():
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and (a <= 0).any():
        raise ValueError(f"{name} must be in (0, inf), got {value!r}")
    if not positive and (a < 0).any():
        raise ValueError(f"{name} must be in [0, inf), got {value!r}")
    return a


def _gamma(fee) -> float:
    return 1.0 - v.in_range("fee", fee, 0.0, 1.0, hi_open=True)


def amount_out(amount_in, reserve_in, reserve_out, fee: float = 0.003):
    r"""Tokens out for ``amount_in`` tokens in: :math:`\gamma \Delta x\, y / (x + \gamma \Delta x)`.

    ``amount_in`` >= 0, reserves > 0 (same units as their tokens), ``fee`` in [0, 1).
    """
    dx = _array("amount_in", amount_in)
    x, y = _array("reserve_in", reserve_in, positive=True), _array("reserve_out", reserve_out,
                                                                     positive=True)
    g = _gamma(fee)
    out = g * dx * y / (x + g * dx)
    return float(out) if out.ndim == 0 else out


def amount_in(amount_out, reserve_in, reserve_out, fee: float = 0.003):
    r"""Tokens in needed for ``amount_out`` out: :math:`x\,\Delta y / (\gamma (y - \Delta y))`.

    ``amount_out`` must be in [0, reserve_out): the pool can never be emptied.
    """
    dy = _array("amount_out", amount_out)
    x, y = _array("reserve_in", reserve_in, positive=True), _array("reserve_out", reserve_out,
                                                                     positive=True)
    if np.any(dy >= y):
        raise ValueError(f"amount_out must be in [0, reserve_out), got {amount_out!r} "
                         f"against reserve_out {reserve_out!r}")
    result = x * dy / (_gamma(fee) * (y - dy))
    return float(result) if result.ndim == 0 else result


def spot_price(reserve_x, reserve_y):
    """The pool's marginal price of x in units of y, ``y / x``."""
    x, y = _array("reserve_x", reserve_x, positive=True), _array("reserve_y", reserve_y,
                                                                  positive=True)
    p = y / x
    return float(p) if p.ndim == 0 else p


def execution_price(amount_in, reserve_in, reserve_out, fee: float = 0.003):
    """Average price of a swap, tokens out per token in (``amount_in`` > 0)."""
    dx = _array("amount_in", amount_in, positive=True)
    return amount_out(dx, reserve_in, reserve_out, fee) / dx


def no_arbitrage_band(reserve_x, reserve_y, fee: float = 0.003) -> tuple[float, float]:
    r"""The outside prices of x (in y) at which no arbitrage pays:
    :math:`[\gamma y/x, y/(\gamma x)]`."""
    p, g = spot_price(reserve_x, reserve_y), _gamma(fee)
    return g * p, p / g


def arbitrage_inputs(reserve_x, reserve_y, market_price, fee: float = 0.003):
    r"""The arbitrage of :func:`arbitrage_input`, elementwise over arrays of pools and prices.

    Returns ``(dx, dy)``, arrays of the broadcast shape: ``dx`` > 0 where x is sold into
    the pool (its price is above :math:`m/\gamma`), ``dy`` > 0 where y is sold (its price
    is below :math:`\gamma m`), both 0 inside the band; never both positive.
    """
    x = _array("reserve_x", reserve_x, positive=True)
    y = _array("reserve_y", reserve_y, positive=True)
    m = _array("market_price", market_price, positive=True)
    g = _gamma(fee)
    k = x * y
    sell_x = y / x * g > m     # pool overprices x: sell x into it until g*y'/x' = m
    sell_y = y / x < g * m     # pool underprices x: sell y into it until y'/(g x') = m
    dx = np.where(sell_x, (np.sqrt(g * k / m) - x) / g, 0.0)
    dy = np.where(sell_y, (np.sqrt(g * k * m) - y) / g, 0.0)
    return dx, dy


def arbitrage_input(reserve_x, reserve_y, market_price: float, fee: float = 0.003):
    r"""The arbitrage that moves a pool back into its band around ``market_price`` (of x in y).

    Returns ``(token, amount)``: ``("x", dx)`` sells ``dx`` of x into the pool when the
    pool's price is above :math:`m/\gamma`; ``("y", dy)`` sells ``dy`` of y when it is
    below :math:`\gamma m`; ``(None, 0.0)`` inside the band. The trade is the one whose
    marginal price after the fee equals the market price, so the trader's profit
    :math:`m\,\Delta x_{\text{out}} - \Delta y_{\text{in}}` is largest there (and
    positive), and afterwards the band contains ``market_price``. For arrays of pools,
    :func:`arbitrage_inputs`.
    """
    x = float(v.positive("reserve_x", reserve_x))
    y = float(v.positive("reserve_y", reserve_y))
    m = float(v.positive("market_price", market_price))
    dx, dy = arbitrage_inputs(x, y, m, fee)
    if dx > 0:
        return "x", float(dx)
    if dy > 0:
        return "y", float(dy)
    return None, 0.0
