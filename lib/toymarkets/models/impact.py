r"""What a position fetches when it is sold, next to what it is marked at.

A holding of :math:`Q` tokens is *marked* at the last price, :math:`M = P_0 Q`. It can
only be *sold* into the market as it is, and every unit sold pushes the price down,
so a sale fetches the *liquidation value* :math:`L(Q) \le M`. The impact laws of
:mod:`toymarkets.core.impact` give :math:`L` for one sale; this model puts them to
three uses.

**1. Mark against sale, under three laws.** A :class:`Market` is a token with mark
:math:`P_0`, daily volatility :math:`\sigma` and daily volume :math:`V`. It is sold
into one of three markets, calibrated (the book's choice) so that a sale of one
day's volume moves the price by the same :math:`Y\sigma` in each:

* ``"square-root"``: the square-root law :math:`P(q) = P_0(1 - Y\sigma\sqrt{q/V})`
  (:cite:t:`toth2011anomalous`), with discount
  :math:`d = 1 - L/M = \tfrac{2}{3} Y\sigma\sqrt{Q/V}` up to :math:`Q^* = V/(Y\sigma)^2`;
* ``"linear"``: a book of constant depth, :math:`P(q) = P_0 - \lambda q` with
  :math:`\lambda = Y\sigma P_0/V`, so :math:`d = Y\sigma Q / (2V)` up to
  :math:`Q^* = V/(Y\sigma)`;
* ``"pool"``: a constant-product pool without fee holding :math:`x` tokens and
  :math:`P_0 x` USD, with :math:`x = V s/(1 - s)`, :math:`s = \sqrt{1 - Y\sigma}`
  (after selling :math:`V` its price is :math:`P_0 x^2/(x+V)^2 = P_0 (1 - Y\sigma)`),
  so :math:`d = Q/(x + Q)`.

In each, the discount grows with the size :math:`Q` and the volatility :math:`\sigma`
and falls with the volume :math:`V`, and :math:`L \le M` always
(:func:`liquidation_curve`; :func:`discount` gives the three closed forms). A
square-root market is the unit market in units of its own :math:`Q^*`,

.. math::  L(Q; P_0, \sigma, V) = P_0\, Q^*\, \ell(Q/Q^*), \qquad
           \ell(u) = \min(u,1) - \tfrac{2}{3}\min(u,1)^{3/2} ,

so a sheet of many positions, each in its own market, is valued in one vectorised
call (:func:`portfolio_liquidation`).

**2. Pumping a thin float** (the book's own derivation; the tests check it against
a brute-force sequence of small swaps). A firm holds :math:`H` tokens outside a
constant-product pool holding the float, :math:`x_0` tokens and :math:`y_0 = P_0 x_0`
USD, with fee :math:`f = 1 - \gamma`. It buys :math:`q` tokens from the pool,

.. math::  C(q) = \frac{y_0\, q}{\gamma\,(x_0 - q)}, \qquad
           x_1 = x_0 - q, \quad y_1 = y_0 + C, \quad P_1 = y_1 / x_1 ,

marks its :math:`H + q` tokens at the new price, :math:`M = (H+q) P_1`, and could sell
them back into the pool for :math:`S = \gamma (H+q)\, y_1 / (x_1 + \gamma (H+q))`.
The *paper value* of the holding net of the cash spent is :math:`M - C`, what a sale
would leave is :math:`S - C`, and the gap between them is

.. math::  G(q) = M - S = (H+q)\, y_1\,
           \frac{(1-\gamma)\, x_1 + \gamma (H+q)}{x_1\, (x_1 + \gamma (H+q))} .

Without a fee (:math:`\gamma = 1`) this simplifies to

.. math::  S - C = \frac{P_0\, x_0\, H}{x_0 + H} = L_0 , \qquad
           \frac{G}{M} = \frac{H + q}{x_0 + H}, \qquad
           \frac{dG}{dq} = \frac{2 P_0 x_0^2 (H+q)}{(x_0 - q)^3} > 0 :

what a sale would leave does not depend on how much was bought (the pool is path
independent, so the pump is undone by the sale), while the mark rises without
bound as :math:`q \to x_0`. Every dollar of paper gain from the pump is gap, and the
share of the mark a sale would lose is the position's share of the tokens the pool
would hold after the sale. With a fee, :math:`S - C` falls with :math:`q` (fees are
paid on the way in and out) and the gap still grows (:func:`pump`).

**3. Selling slowly** (:cite:t:`almgren2000optimal`). Sell :math:`X` units over
:math:`T` days in :math:`N` intervals of :math:`\tau = T/N`, holding :math:`x_k` at
:math:`t_k = k\tau` (:math:`x_0 = X`, :math:`x_N = 0`, :math:`n_k = x_{k-1} - x_k`).
The price is an arithmetic random walk with absolute volatility :math:`\sigma`; each
sale moves it down permanently by :math:`\gamma n_k` and fills at a temporary
discount :math:`\epsilon + \eta\, n_k/\tau`. The cost against the mark
:math:`X S_0` has

.. math::
    E = \tfrac12 \gamma X^2 + \epsilon \sum_k |n_k| + \frac{\tilde\eta}{\tau}\sum_k n_k^2,
    \qquad
    V = \sigma^2 \tau \sum_{k=1}^{N} x_k^2, \qquad \tilde\eta = \eta - \tfrac12 \gamma\tau .

Minimising :math:`E + \lambda V` (risk aversion :math:`\lambda`) gives

.. math::
    x_j = \frac{\sinh(\kappa (T - t_j))}{\sinh(\kappa T)}\, X, \qquad
    \frac{2}{\tau^2}\,(\cosh \kappa\tau - 1) = \frac{\lambda \sigma^2}{\tilde\eta},

with the closed forms

.. math::
    E^* = \tfrac12\gamma X^2 + \epsilon X + \tilde\eta X^2\,
          \frac{\tanh(\tfrac12\kappa\tau)\,(\tau\sinh 2\kappa T + 2T\sinh\kappa\tau)}
               {2\tau^2 \sinh^2 \kappa T},
    \qquad
    V^* = \tfrac12 \sigma^2 X^2\,
          \frac{\tau \sinh\kappa T \cosh\kappa(T-\tau) - T\sinh\kappa\tau}
               {\sinh^2\kappa T\, \sinh\kappa\tau} ;

as :math:`\lambda \to 0` the schedule is a straight line and
:math:`E = \tfrac12\gamma X^2 + \epsilon X + \tilde\eta X^2/T`,
:math:`V = \tfrac13 \sigma^2 X^2 T (1 - \tfrac1N)(1 - \tfrac1{2N})`. The expected
liquidation value of the schedule is :math:`X S_0 - E` (:func:`schedule`).

**Assumptions.** A sale meets the market as it is: nobody else trades while the
holder sells (in the pool and the laws), nobody front-runs a seller they can see, and
the laws are measured for orders up to a few per cent of daily volume: larger
positions are extrapolations. In Almgren and Chriss the impact is linear and the
price an arithmetic random walk without drift.

**Units.** Quantities in tokens (or units), prices in USD per token, values in USD,
time in days; :class:`Execution` takes absolute volatility in USD per unit per
:math:`\sqrt{\text{day}}`, as in the paper.

References: :cite:t:`toth2011anomalous`; :cite:t:`almgren2000optimal`;
:cite:t:`adams2020uniswapv2`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core import pool
from ..core.impact import ConstantProduct, ImpactLaw, LinearBook, SquareRoot
from ..core.results import Result

__all__ = [
    "LAWS",
    "Market",
    "LiquidationCurve",
    "liquidation_curve",
    "discount",
    "linear_slope",
    "pool_depth",
    "portfolio_liquidation",
    "FixedRecovery",
    "Pump",
    "PumpPath",
    "pump",
    "pump_price",
    "pump_cost",
    "pump_sale_value",
    "pump_gap",
    "Execution",
    "Schedule",
    "schedule",
    "kappa",
    "optimal_holdings",
    "expected_cost",
    "cost_variance",
    "optimal_expected_cost",
    "optimal_variance",
]

#: The three markets a position can be sold into, with their labels.
LAWS = {
    "square-root": "square-root law",
    "linear": "linear book",
    "pool": "constant-product pool",
}


def _array(name: str, value, *, positive: bool = False, upper=None) -> np.ndarray:
    """``value`` as a float array: finite, >= 0 (> 0 if ``positive``), below ``upper``."""
    a = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and np.any(a <= 0):
        raise ValueError(f"{name} must be in (0, inf), got {value!r}")
    if np.any(a < 0):
        raise ValueError(f"{name} must be in [0, inf), got {value!r}")
    if upper is not None and np.any(a >= upper):
        raise ValueError(f"{name} must be in [0, {upper:g}), got {value!r}")
    return a


def _out(a: np.ndarray):
    return float(a) + 0.0 if np.ndim(a) == 0 else a


# ====================================================================== 1. mark against sale


@dataclass(frozen=True)
class Market(v.Parameters):
    """A token's market: its mark, volatility and volume (module docstring, part 1)."""

    price: float = 1.0              #: P0, the mark [USD per token], > 0
    volatility: float = 0.05        #: sigma, daily volatility [fraction], (0, 1); Y sigma < 1
    daily_volume: float = 1e6       #: V, tokens traded a day, > 0
    y: float = 1.0                  #: Y, the square-root law's prefactor, in (0, 10]

    def __post_init__(self):
        v.positive("price", self.price, 1e12)
        v.positive("volatility", self.volatility, 1.0)
        v.positive("daily_volume", self.daily_volume, 1e15)
        v.positive("y", self.y, 10.0)
        if self.y * self.volatility >= 1.0:
            raise ValueError(f"y * volatility must be in (0, 1) (a day's volume may not take the "
                             f"price to zero), got {self.y * self.volatility!r}")

    def law(self, kind: str) -> ImpactLaw:
        """The market of kind ``kind`` (one of :data:`LAWS`), calibrated as the docstring says."""
        v.choice("kind", kind, LAWS)
        if kind == "square-root":
            return SquareRoot(self.volatility, self.daily_volume, self.y)
        if kind == "linear":
            return LinearBook(linear_slope(self))
        depth = pool_depth(self)
        return ConstantProduct(depth, self.price * depth, fee=0.0)


def linear_slope(market: Market) -> float:
    r"""The linear book's slope :math:`\lambda = Y\sigma P_0 / V` [USD per token per token]."""
    v.instance("market", market, Market)
    return market.y * market.volatility * market.price / market.daily_volume


def pool_depth(market: Market) -> float:
    r"""The pool's token reserve :math:`x = V s/(1-s)`, :math:`s = \sqrt{1 - Y\sigma}` [tokens]."""
    v.instance("market", market, Market)
    s = math.sqrt(1.0 - market.y * market.volatility)
    return market.daily_volume * s / (1.0 - s)


def discount(market: Market, kind: str, quantity):
    r"""The share of the mark a sale of ``quantity`` loses, closed form for each law.

    ``"square-root"``: :math:`\tfrac23 Y\sigma\sqrt{Q/V}` up to :math:`Q^*`, then
    :math:`1 - Q^*/(3Q)`; ``"linear"``: :math:`Y\sigma Q/(2V)` up to
    :math:`Q^* = V/(Y\sigma)`, then :math:`1 - Q^*/(2Q)`; ``"pool"``: :math:`Q/(x+Q)`.
    """
    v.instance("market", market, Market)
    v.choice("kind", kind, LAWS)
    q = _array("quantity", quantity)
    ys, vol = market.y * market.volatility, market.daily_volume
    safe = np.where(q > 0, q, 1.0)
    if kind == "square-root":
        limit = vol / ys**2
        d = np.where(q <= limit, (2.0 / 3.0) * ys * np.sqrt(q / vol), 1.0 - limit / (3.0 * safe))
    elif kind == "linear":
        limit = vol / ys
        d = np.where(q <= limit, ys * q / (2.0 * vol), 1.0 - limit / (2.0 * safe))
    else:
        d = q / (pool_depth(market) + q)
    return _out(np.where(q > 0, d, 0.0))


@dataclass(frozen=True)
class LiquidationCurve(Result):
    """What :func:`liquidation_curve` returns: mark and sale values over a grid of sizes."""

    market: Market
    quantity: np.ndarray        #: Q, the sizes [tokens]
    mark: np.ndarray            #: P0 Q [USD]
    proceeds: dict              #: law -> L(Q) [USD]
    discount: dict              #: law -> 1 - L/M (0 for an empty sale)

    def frame(self) -> pd.DataFrame:
        """One row per size: the mark and each law's proceeds and discount."""
        out = {"quantity": self.quantity, "mark [USD]": self.mark}
        for kind in self.proceeds:
            out[f"{kind} proceeds [USD]"] = self.proceeds[kind]
            out[f"{kind} discount"] = self.discount[kind]
        return pd.DataFrame(out)

    def days_of_volume(self) -> np.ndarray:
        """The sizes in days of volume, :math:`Q/V`."""
        return self.quantity / self.market.daily_volume


def liquidation_curve(market: Market, quantity) -> LiquidationCurve:
    """Mark value and liquidation value of positions of ``quantity`` tokens under each law."""
    v.instance("market", market, Market)
    q = np.atleast_1d(_array("quantity", quantity)).copy()
    proceeds, discounts = {}, {}
    for kind in LAWS:
        law = market.law(kind)
        proceeds[kind] = np.asarray(law.proceeds(q, market.price), dtype=float)
        discounts[kind] = np.asarray(law.discount(q, market.price), dtype=float)
    return LiquidationCurve(market, q, market.price * q, proceeds, discounts)


_UNIT = SquareRoot(volatility=1.0, daily_volume=1.0, y=1.0)     # Q* = 1, c = 1


def portfolio_liquidation(quantity, price, volatility, daily_volume, y=1.0):
    r"""Liquidation values of many positions, each sold into its own square-root market.

    Arrays broadcast against each other (one entry per position). Uses the scaling
    :math:`L = P_0\, Q^*\, \ell(Q/Q^*)` of the module docstring, with :math:`\ell`
    the unit market's proceeds, so a sheet of any size is one vectorised call.
    """
    q = _array("quantity", quantity)
    p = _array("price", price)
    sigma = _array("volatility", volatility, positive=True)
    vol = _array("daily_volume", daily_volume, positive=True)
    limit = vol / (sigma * _array("y", y, positive=True)) ** 2
    return _out(p * limit * np.asarray(_UNIT.proceeds(q / limit, 1.0)))


@dataclass(frozen=True)
class FixedRecovery(ImpactLaw, v.Parameters):
    """A market that takes any sale at a fixed share ``recovery`` of the mark.

    For holdings with no market to speak of (private stakes sold in a hurry to the
    few buyers there are): :math:`L(Q) = r P_0 Q` whatever the size.
    """

    recovery: float = 0.5           #: r, share of the mark a sale fetches, in [0, 1]

    def __post_init__(self):
        v.probability("recovery", self.recovery)

    def _proceeds(self, q, p):
        return self.recovery * p * q


# ====================================================================== 2. pumping a thin float


@dataclass(frozen=True)
class Pump(v.Parameters):
    """A thin float in a constant-product pool and a firm holding tokens outside it."""

    float_tokens: float = 10.0      #: x0, tokens in the pool, the float [million tokens], > 0
    price: float = 1.0              #: P0, the pool's price before the pump [USD per token], > 0
    holding: float = 20.0           #: H, tokens the firm holds outside the pool [million], >= 0
    fee: float = 0.003              #: f = 1 - gamma, the pool's fee on each swap's input, [0, 0.1]

    def __post_init__(self):
        v.positive("float_tokens", self.float_tokens, 1e15)
        v.positive("price", self.price, 1e12)
        v.non_negative("holding", self.holding, 1e15)
        v.in_range("fee", self.fee, 0.0, 0.1)

    @property
    def reserve_cash(self) -> float:
        """y0 = P0 x0, the pool's cash before the pump [million USD]."""
        return self.price * self.float_tokens

    @property
    def mark_before(self) -> float:
        """H P0, the holding at the mark before the pump [million USD]."""
        return self.holding * self.price

    @property
    def sale_before(self) -> float:
        """L0, what selling the holding into the pool before the pump fetches [million USD]."""
        return float(pool.amount_out(self.holding, self.float_tokens, self.reserve_cash,
                                     self.fee))


def _bought(params: Pump, bought) -> np.ndarray:
    v.instance("params", params, Pump)
    return _array("bought", bought, upper=params.float_tokens)


def pump_cost(params: Pump, bought):
    r"""USD paid to buy ``bought`` tokens from the pool: :math:`y_0 q / (\gamma (x_0 - q))`."""
    q = _bought(params, bought)
    return _out(params.reserve_cash * q / ((1.0 - params.fee) * (params.float_tokens - q)))


def pump_price(params: Pump, bought):
    r"""The pool's price after the purchase, :math:`P_1 = (y_0 + C)/(x_0 - q)`, the new mark."""
    q = _bought(params, bought)
    return _out((params.reserve_cash + pump_cost(params, q)) / (params.float_tokens - q))


def pump_sale_value(params: Pump, bought):
    r"""What selling all :math:`H + q` tokens back into the pool fetches,
    :math:`S = \gamma (H+q) y_1 / (x_1 + \gamma (H+q))`."""
    q = _bought(params, bought)
    g, held = 1.0 - params.fee, params.holding + q
    y1 = params.reserve_cash + pump_cost(params, q)
    return _out(g * held * y1 / (params.float_tokens - q + g * held))


def pump_gap(params: Pump, bought):
    r"""Mark less sale value of the pumped holding,
    :math:`G = (H+q) y_1 \frac{(1-\gamma) x_1 + \gamma(H+q)}{x_1 (x_1 + \gamma(H+q))}`."""
    q = _bought(params, bought)
    g, held, x1 = 1.0 - params.fee, params.holding + q, params.float_tokens - q
    y1 = params.reserve_cash + pump_cost(params, q)
    return _out(held * y1 * ((1.0 - g) * x1 + g * held) / (x1 * (x1 + g * held)))


@dataclass(frozen=True)
class PumpPath(Result):
    """What :func:`pump` returns: the holding's marks and sale values as the firm buys more.

    Values in the units of :class:`Pump` (million USD with the defaults). ``paper_value``
    is the holding at the new mark less the cash spent; ``sale_value`` what selling it
    all would fetch less the cash spent.
    """

    params: Pump
    bought: np.ndarray          #: q, tokens bought from the pool
    price: np.ndarray           #: P1, the mark after the purchase
    cost: np.ndarray            #: C, cash spent
    mark: np.ndarray            #: M = (H + q) P1
    sale: np.ndarray            #: S, what selling H + q into the pool fetches

    @property
    def paper_value(self) -> np.ndarray:
        """M - C: the holding at mark, net of the cash spent on the pump."""
        return self.mark - self.cost

    @property
    def sale_value(self) -> np.ndarray:
        """S - C: what a sale would leave, net of the cash spent on the pump."""
        return self.sale - self.cost

    @property
    def paper_gain(self) -> np.ndarray:
        """M - C - H P0: the pump's gain at mark, against the mark before it."""
        return self.paper_value - self.params.mark_before

    @property
    def gap(self) -> np.ndarray:
        """M - S: the mark a sale would not realise."""
        return self.mark - self.sale

    @property
    def sale_discount(self) -> np.ndarray:
        """G / M, the share of the mark a sale would lose."""
        return np.where(self.mark > 0, self.gap / np.where(self.mark > 0, self.mark, 1.0), 0.0)

    @property
    def float_share(self) -> np.ndarray:
        """q / x0, the purchase as a share of the float."""
        return self.bought / self.params.float_tokens

    def frame(self) -> pd.DataFrame:
        """One row per purchase size."""
        return pd.DataFrame({"bought": self.bought, "price": self.price, "cost": self.cost,
                             "mark": self.mark, "sale": self.sale,
                             "paper value": self.paper_value, "sale value": self.sale_value,
                             "gap": self.gap})


def pump(params: Pump, bought) -> PumpPath:
    """The firm buys ``bought`` tokens from the pool (an array of sizes, each < the float)."""
    q = np.atleast_1d(_bought(params, bought)).copy()
    x1 = params.float_tokens - q
    cost = np.asarray(pool.amount_in(q, params.reserve_cash, params.float_tokens, params.fee))
    y1 = params.reserve_cash + cost
    price = np.asarray(pool.spot_price(x1, y1))
    held = params.holding + q
    sale = np.asarray(pool.amount_out(held, x1, y1, params.fee))
    return PumpPath(params, q, price, cost, held * price, sale)


# ====================================================================== 3. selling slowly


@dataclass(frozen=True)
class Execution(v.Parameters):
    """Almgren and Chriss's liquidation problem; defaults are the paper's example."""

    quantity: float = 1e6           #: X, units to sell, > 0
    horizon: float = 5.0            #: T, time allowed [days], > 0
    n_intervals: int = 5            #: N, trading intervals, in [1, 10000]
    volatility: float = 0.95        #: sigma, absolute volatility [USD per unit per sqrt(day)], >= 0
    half_spread: float = 0.0625     #: epsilon, fixed cost of selling [USD per unit], >= 0
    temporary: float = 2.5e-6       #: eta, temporary impact [USD per unit per (unit/day)], > 0
    permanent: float = 2.5e-7       #: gamma, permanent impact [USD per unit per unit], >= 0
    risk_aversion: float = 1e-6     #: lambda, aversion to the variance of the cost [1/USD], >= 0
    price: float = 50.0             #: S0, the mark [USD per unit], > 0

    def __post_init__(self):
        v.positive("quantity", self.quantity, 1e15)
        v.positive("horizon", self.horizon, 1e4)
        v.count("n_intervals", self.n_intervals, 1, 10_000)
        v.non_negative("volatility", self.volatility, 1e9)
        v.non_negative("half_spread", self.half_spread, 1e9)
        v.positive("temporary", self.temporary, 1e9)
        v.non_negative("permanent", self.permanent, 1e9)
        v.non_negative("risk_aversion", self.risk_aversion, 1e3)
        v.positive("price", self.price, 1e12)
        if self.eta_tilde <= 0:
            raise ValueError(f"temporary must exceed permanent * tau / 2 = "
                             f"{0.5 * self.permanent * self.tau!r} (eta_tilde > 0), "
                             f"got {self.temporary!r}")

    @property
    def tau(self) -> float:
        """tau = T / N, the length of an interval [days]."""
        return self.horizon / self.n_intervals

    @property
    def eta_tilde(self) -> float:
        r""":math:`\tilde\eta = \eta - \tfrac12\gamma\tau`."""
        return self.temporary - 0.5 * self.permanent * self.tau

    @classmethod
    def from_market(cls, quantity: float, price: float, daily_volatility: float,
                    daily_volume: float, spread: float, **kwargs) -> Execution:
        r"""Coefficients by the rules of thumb of the paper's example.

        :math:`\epsilon` is half the ``spread`` [USD]; selling 1% of the daily volume in a
        day costs one spread of temporary impact, :math:`\eta = s/(0.01 V)`; selling 10%
        of it moves the price permanently by one spread, :math:`\gamma = s/(0.1 V)`; and
        the absolute volatility is :math:`\sigma = \sigma_{\text{daily}} S_0`. Other
        fields (``horizon``, ``n_intervals``, ``risk_aversion``) pass through.
        """
        s = v.positive("spread", spread, 1e9)
        vol = v.positive("daily_volume", daily_volume, 1e15)
        sigma = v.non_negative("daily_volatility", daily_volatility, 10.0)
        p = v.positive("price", price, 1e12)
        return cls(quantity=quantity, price=p, volatility=sigma * p, half_spread=s / 2.0,
                   temporary=s / (0.01 * vol), permanent=s / (0.1 * vol), **kwargs)


def kappa(ex: Execution) -> float:
    r"""The urgency :math:`\kappa` [1/day]: :math:`\tfrac{2}{\tau^2}(\cosh\kappa\tau - 1)
    = \lambda\sigma^2/\tilde\eta`, so :math:`\kappa = \operatorname{arccosh}(1 +
    \tfrac12\tilde\kappa^2\tau^2)/\tau`. Its inverse is the trade's half-life."""
    v.instance("ex", ex, Execution)
    k = math.acosh(1.0 + 0.5 * ex.risk_aversion * ex.volatility**2 / ex.eta_tilde * ex.tau**2)
    if not math.isfinite(k / ex.tau):
        raise ValueError("risk_aversion * volatility**2 / eta_tilde is too large: the schedule "
                         "would sell everything at once")
    return k / ex.tau


def optimal_holdings(ex: Execution) -> np.ndarray:
    r"""The optimal trajectory :math:`x_j = X\sinh(\kappa(T - t_j))/\sinh(\kappa T)`,
    :math:`j = 0 \dots N` (a straight line when :math:`\kappa = 0`)."""
    k = kappa(ex)
    t = ex.tau * np.arange(ex.n_intervals + 1)
    if k * ex.horizon < 1e-8:
        x = ex.quantity * (1.0 - t / ex.horizon)
    elif k * ex.horizon > 700.0:               # sinh overflows: use exp, sell almost at once
        x = ex.quantity * np.exp(-k * t) * (1.0 - np.exp(-2.0 * k * (ex.horizon - t))) / (
            1.0 - np.exp(-2.0 * k * ex.horizon))
    else:
        x = ex.quantity * np.sinh(k * (ex.horizon - t)) / np.sinh(k * ex.horizon)
    x[0], x[-1] = ex.quantity, 0.0
    return x


def _holdings(ex: Execution, holdings) -> np.ndarray:
    x = np.asarray(holdings, dtype=float)
    if x.shape != (ex.n_intervals + 1,) or not np.all(np.isfinite(x)):
        raise ValueError(f"holdings must be {ex.n_intervals + 1} finite numbers, got {holdings!r}")
    if x[0] != ex.quantity or x[-1] != 0.0:
        raise ValueError(f"holdings must start at quantity {ex.quantity!r} and end at 0, "
                         f"got {x[0]!r} ... {x[-1]!r}")
    return x


def expected_cost(ex: Execution, holdings) -> float:
    r"""Expected cost of any schedule: :math:`\tfrac12\gamma X^2 + \epsilon\sum|n_k|
    + (\tilde\eta/\tau)\sum n_k^2` [USD] (the paper's eq. for linear impact)."""
    v.instance("ex", ex, Execution)
    n = -np.diff(_holdings(ex, holdings))
    return float(0.5 * ex.permanent * ex.quantity**2 + ex.half_spread * np.abs(n).sum()
                 + ex.eta_tilde / ex.tau * np.sum(n**2))


def cost_variance(ex: Execution, holdings) -> float:
    r"""Variance of the cost of any schedule: :math:`\sigma^2\tau\sum_{k=1}^N x_k^2` [USD²]."""
    v.instance("ex", ex, Execution)
    x = _holdings(ex, holdings)
    return float(ex.volatility**2 * ex.tau * np.sum(x[1:] ** 2))


def optimal_expected_cost(ex: Execution) -> float:
    r""":math:`E^*`, the closed form of the module docstring (the linear limit when
    :math:`\kappa = 0`; summed over the trajectory when :math:`\sinh^2\kappa T` would
    overflow)."""
    k, x, t, tau = kappa(ex), ex.quantity, ex.horizon, ex.tau
    fixed = 0.5 * ex.permanent * x**2 + ex.half_spread * x
    if k * t < 1e-8:
        return float(fixed + ex.eta_tilde * x**2 / t)
    if k * t > 350.0:                          # sinh^2 overflows: sum over the trajectory
        return expected_cost(ex, optimal_holdings(ex))
    ratio = (math.tanh(0.5 * k * tau) * (tau * math.sinh(2 * k * t) + 2 * t * math.sinh(k * tau))
             / (2 * tau**2 * math.sinh(k * t) ** 2))
    return float(fixed + ex.eta_tilde * x**2 * ratio)


def optimal_variance(ex: Execution) -> float:
    r""":math:`V^*`, the closed form of the module docstring.

    When :math:`\kappa T < 10^{-2}` the numerator cancels to a few digits (and above
    350 the sinh overflows), so the same variance is summed over the trajectory
    instead (:func:`cost_variance`).
    """
    k, x, t, tau = kappa(ex), ex.quantity, ex.horizon, ex.tau
    if ex.n_intervals == 1:
        return 0.0
    if k * t < 1e-2 or k * t > 350.0:
        return cost_variance(ex, optimal_holdings(ex))
    num = tau * math.sinh(k * t) * math.cosh(k * (t - tau)) - t * math.sinh(k * tau)
    den = math.sinh(k * t) ** 2 * math.sinh(k * tau)
    return float(0.5 * ex.volatility**2 * x**2 * num / den)


@dataclass(frozen=True)
class Schedule(Result):
    """What :func:`schedule` returns: the optimal trajectory and its cost."""

    params: Execution
    times: np.ndarray           #: t_j [days], j = 0..N
    holdings: np.ndarray        #: x_j, units still held at t_j
    trades: np.ndarray          #: n_k = x_{k-1} - x_k, units sold in interval k
    kappa: float                #: the urgency [1/day]
    expected_cost: float        #: E* [USD]
    variance: float             #: V* [USD^2]

    @property
    def half_life(self) -> float:
        """1 / kappa [days] (infinite for the straight line)."""
        return 1.0 / self.kappa if self.kappa > 0 else math.inf

    @property
    def cost_sd(self) -> float:
        """The standard deviation of the cost [USD]."""
        return math.sqrt(self.variance)

    @property
    def mark(self) -> float:
        """X S0, the position at its mark [USD]."""
        return self.params.quantity * self.params.price

    @property
    def expected_proceeds(self) -> float:
        """X S0 - E*: the schedule's expected liquidation value [USD]."""
        return self.mark - self.expected_cost

    def frame(self) -> pd.DataFrame:
        """One row per time: holdings and the units sold in the interval ending there."""
        return pd.DataFrame({"time [days]": self.times, "holdings": self.holdings,
                             "sold": np.concatenate([[0.0], self.trades])})


def schedule(ex: Execution) -> Schedule:
    """The optimal liquidation schedule and its expected cost and variance."""
    v.instance("ex", ex, Execution)
    x = optimal_holdings(ex)
    return Schedule(ex, ex.tau * np.arange(ex.n_intervals + 1), x, -np.diff(x), kappa(ex),
                    optimal_expected_cost(ex), optimal_variance(ex))
