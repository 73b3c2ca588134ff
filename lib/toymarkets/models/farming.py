r"""Farming capital: a farm shared pro rata, and a loan against the house token to farm it.

Units: money in **millions of USD**, token amounts in **millions of tokens**, prices
in USD per token; the farm's reward and every rate are **per year**; the loan runs
in **days** (a year has 365).

**A farm shared pro rata.** A farm pays rewards :math:`R` a year to whoever supplies
it with capital, in proportion to what each supplies. With :math:`n` farmers
supplying :math:`k_1, \dots, k_n` and :math:`K = \sum_j k_j`, farmer :math:`i` receives

.. math::  R\,\frac{k_i}{K}, \qquad\text{so every dollar earns}\quad y = \frac{R}{K},

the yield per dollar, which falls as capital piles in; the rewards paid add up to
:math:`R`. Capital costs farmer :math:`i` a rate :math:`c_i` a year (what it pays
to borrow, or what the money would earn elsewhere), so its profit is

.. math::  \pi_i = R\,\frac{k_i}{k_i + K_{-i}} - c_i\,k_i, \qquad K_{-i} = K - k_i .

This is the contest of :cite:t:`tullock1980efficient` with the success function
:math:`k_i/\sum_j k_j`: the farm is the prize, capital is the outlay.

**Best response.** Against others' capital :math:`K_{-i} > 0` the profit is concave
in :math:`k_i`; the first-order condition :math:`R K_{-i}/(k_i + K_{-i})^2 = c_i` gives

.. math::  k_i^{\mathrm{BR}} = \max\!\left(0,\ \sqrt{R K_{-i}/c_i} - K_{-i}\right),

zero once :math:`K_{-i} \ge R/c_i` (the farm already yields less than capital
costs). Against :math:`K_{-i} = 0` there is none: any sliver of capital takes all.

**Symmetric equilibrium** (every :math:`c_i = c`, :math:`n \ge 2`; Tullock, 1980):

.. math::  k^* = \frac{R\,(n-1)}{n^2 c}, \qquad K^* = \frac{R\,(n-1)}{n\,c}, \qquad
           y^* = \frac{R}{K^*} = \frac{n}{n-1}\,c, \qquad \pi^* = \frac{R}{n^2},

and the farmers together spend :math:`cK^* = R\,(n-1)/n` of the reward on capital:
the share :math:`(n-1)/n` of the rent is *dissipated*. As :math:`n \to \infty`,
:math:`K^* \to R/c`, :math:`y^* \to c` and the dissipation goes to 1: a crowded farm
yields no more than capital costs.

**Farmers with different costs** (derived in this book; it is the standard
asymmetric contest, tested against brute-force best responses). Sort the costs
:math:`c_{(1)} \le \dots \le c_{(n)}`; the :math:`m` cheapest are active, with
:math:`m` the largest number for which :math:`(m-1)\,c_{(m)} < C_m = \sum_{j \le m} c_{(j)}`.
Summing the active first-order conditions :math:`R(K - k_i) = c_i K^2`,

.. math::  K = \frac{(m-1)\,R}{C_m}, \qquad k_i = K\left(1 - \frac{(m-1)\,c_i}{C_m}\right),

and :math:`k_i = 0` for the others. A farmer whose capital is cheaper than its
rivals' deploys more of it and takes a larger share of the rewards.

**Best-response dynamics.** Iterating :math:`k \leftarrow (1-\theta)\,k + \theta\,
k^{\mathrm{BR}}(k)` from any positive start reaches the equilibrium
(:func:`best_response_dynamics`, through :func:`toymarkets.core.solvers.iterate`).
At the symmetric equilibrium the undamped map (:math:`\theta = 1`) has the
eigenvalues :math:`-(n-2)/2` and :math:`(n-2)/(2(n-1))`, so it cycles for :math:`n = 4`
and diverges for :math:`n > 4`; the damping :math:`\theta = 4(n-1)/n^2` makes both
eigenvalues equal in size, :math:`1 - 2/n`, the fastest contraction (this book's
derivation). A farmer with much cheaper capital makes the map steeper, so when costs
differ the default damping is shrunk by the ratio of the cheapest cost to the dearest
(a heuristic).

**The loan.** To farm, the farmer borrows :math:`L_0 = \ell_0\, Q P_0` from the
exchange and pledges :math:`Q` house tokens at price :math:`P_0`; the cash lent is
customer deposits. The loan has a haircut :math:`h`: the exchange counts the
collateral at :math:`(1-h)` of its mark, so the loan-to-value may not exceed
:math:`1 - h` and :math:`\ell_0 \le 1 - h`. The farmer deploys :math:`F = L_0` in a farm
yielding :math:`y` a year, pays interest :math:`r` a year on the loan, and starts with
a cash buffer :math:`B`. The token follows a geometric random walk
(:func:`toymarkets.core.prices.random_walk`, daily volatility :math:`\sigma`) times
:math:`e^{\mu t}`.

*Margin calls.* On day :math:`t` the exchange demands

.. math::  \text{call}_t = \max\!\left(0,\ L_{t-1} - (1-h)\,Q P_t\right),

the cash that brings the loan back within :math:`(1-h)` of the collateral's mark
(:attr:`toymarkets.core.balancesheet.Receivable.margin_call`): a call comes the first
day the price closes below :math:`P^\dagger = L_0 / ((1-h) Q)`
(:func:`call_price`). The farmer pays from cash,

.. math::  C_t = C_{t-1} + \frac{y F - r L_{t-1}}{365} - \text{call}_t, \qquad
           L_t = L_{t-1} - \text{call}_t ,

so while it pays, :math:`L_t = \min\!\left(L_0,\ (1-h)\,Q \min_{s \le t} P_s\right)`.

*Default.* On the first day it cannot pay (:math:`C_t` would fall below zero) the
borrower defaults. The exchange seizes the collateral and sells it into the
token's market. The news of the default knocks a share :math:`g` off the price
first (the token's largest holder is in trouble), and the sale itself moves the
price: with the square-root law of :mod:`toymarkets.core.impact`
(:cite:t:`toth2011anomalous`; the token's daily volatility :math:`\sigma`, daily
volume :math:`V`), selling :math:`Q` loses the share :math:`d = \tfrac23 Y\sigma\sqrt{Q/V}`
of the mark (:func:`liquidation_discount`). The exchange recovers
:math:`\min(L_{\tau-1},\ (1-g)(1-d)\,Q P_\tau)` and loses the rest. The loan is
non-recourse: the collateral is the exchange's only security.

*Exemption.* A borrower exempt from auto-liquidation is never sold out: at the first
call it cannot meet, the loan stays open at its size, no more calls are collected,
interest is added to the loan, and the account may run negative.

**Exposure.** The exchange's exposure to the loan is the principal less what the
collateral would fetch if sold now,

.. math::  X_t = L_t - \min\!\left(L_t,\ (1-d)\,Q P_t\right) \;\ge\;
           X^{\mathrm{mark}}_t = \max(0,\ L_t - Q P_t),

not the principal less its mark, which understates it. A loan inside its capacity
(:math:`L_t \le (1-h) Q P_t`) has :math:`X_t \le \max(0,\ d - h)\,Q P_t`: the haircut
protects the exchange only if it exceeds the loss a sale takes, and at a default
the exchange needs :math:`h \ge h^\star = 1 - (1-g)(1-d)` (:func:`break_even_haircut`).

**Assumptions.** Rewards are paid in cash at a fixed rate; the farm's capital stays
deployed for the whole horizon (calls are met from the buffer and the farm's
income, never by pulling capital or pledging more tokens); the token's path does
not respond to the calls; a default is sold at once, at the impact of one sale;
the square-root law, measured for orders of a few per cent of daily volume, is
extrapolated to a block of many days' volume.

References: :cite:t:`tullock1980efficient`; :cite:t:`toth2011anomalous`;
:cite:t:`brunnermeier2009market`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.balancesheet import BalanceSheet, Loan, Position, Receivable
from ..core.impact import SquareRoot
from ..core.prices import random_walk
from ..core.results import Result
from ..core.solvers import FixedPoint, iterate

__all__ = [
    "Farm",
    "FarmEquilibrium",
    "Crowding",
    "FarmLoan",
    "LoanRun",
    "ExposureCurve",
    "DAYS_PER_YEAR",
    "yield_per_dollar",
    "farmer_profit",
    "best_response",
    "symmetric_capital",
    "total_capital",
    "equilibrium_yield",
    "equilibrium_profit",
    "dissipation",
    "asymmetric_capital",
    "solve",
    "best_response_dynamics",
    "crowding",
    "call_price",
    "liquidation_discount",
    "break_even_haircut",
    "exposure_curve",
    "simulate",
    "open_loan",
    "receivable",
    "farmer_sheet",
    "exchange_sheet",
]

#: Days in a year: rates are quoted a year and applied a day.
DAYS_PER_YEAR = 365


# =========================================================================== the farm


def _reward(reward) -> float:
    return v.positive("reward", reward, 1e9)


def _cost(cost, name: str = "cost") -> float:
    return v.positive(name, cost, 10.0)


def _n(n, lo: int = 2) -> int:
    return v.count("n", n, lo, 10_000_000)


def yield_per_dollar(reward: float, total_capital: float) -> float:
    r"""What each dollar in the farm earns a year, :math:`R/K` (``total_capital`` > 0)."""
    return _reward(reward) / v.positive("total_capital", total_capital, 1e15)


def farmer_profit(reward: float, cost: float, capital, others: float):
    r"""A farmer's profit a year, :math:`R\,k/(k + K_{-i}) - c\,k` (``capital`` may be an array).

    ``others`` (the rivals' capital) must be positive, or the share is undefined at
    ``capital = 0``.
    """
    reward, cost = _reward(reward), _cost(cost)
    others = v.positive("others", others, 1e15)
    k = v.non_negative_array("capital", capital)
    out = reward * k / (k + others) - cost * k
    return float(out) if out.ndim == 0 else out


def best_response(reward: float, cost: float, others):
    r"""The capital that maximises :func:`farmer_profit` against ``others`` > 0:
    :math:`\max(0, \sqrt{R K_{-i}/c} - K_{-i})` (``others`` may be an array)."""
    reward, cost = _reward(reward), _cost(cost)
    o = np.asarray(others, dtype=float)
    if not np.all(np.isfinite(o)) or np.any(o <= 0):
        raise ValueError(f"others must be finite and in (0, inf), got {others!r}")
    out = np.where(o * cost >= reward, 0.0, np.maximum(0.0, np.sqrt(reward * o / cost) - o))
    return float(out) if out.ndim == 0 else out


def symmetric_capital(reward: float, cost: float, n: int) -> float:
    r"""Each farmer's capital in the symmetric equilibrium (Tullock, 1980):
    :math:`R(n-1)/(n^2 c)`."""
    n = _n(n)
    return _reward(reward) * (n - 1) / (n * n * _cost(cost))


def total_capital(reward: float, cost: float, n: int) -> float:
    r"""All capital in the farm in the symmetric equilibrium: :math:`R(n-1)/(n c)`."""
    n = _n(n)
    return _reward(reward) * (n - 1) / (n * _cost(cost))


def equilibrium_yield(cost: float, n: int) -> float:
    r"""Yield per dollar in the symmetric equilibrium, :math:`n c/(n-1)`; it falls to
    :math:`c` as :math:`n` grows."""
    n = _n(n)
    return n * _cost(cost) / (n - 1)


def equilibrium_profit(reward: float, n: int) -> float:
    r"""Each farmer's profit in the symmetric equilibrium, :math:`R/n^2`."""
    n = _n(n)
    return _reward(reward) / (n * n)


def dissipation(n: int) -> float:
    r"""Share of the reward spent on capital in the symmetric equilibrium, :math:`(n-1)/n`."""
    n = _n(n)
    return (n - 1) / n


def asymmetric_capital(reward: float, costs) -> np.ndarray:
    r"""Each farmer's equilibrium capital when costs differ (module docstring; ``costs`` has
    two or more entries, in any order; the result is in the same order)."""
    reward = _reward(reward)
    c = np.asarray(costs, dtype=float)
    if c.ndim != 1 or c.size < 2:
        raise ValueError(f"costs must list two or more costs of capital, got {costs!r}")
    if not np.all(np.isfinite(c)) or np.any(c <= 0) or np.any(c > 10.0):
        raise ValueError(f"costs must each be in (0, 10], got {costs!r}")
    ordered = np.sort(c)
    cumulative = np.cumsum(ordered)
    m = np.arange(1, c.size + 1)
    # (m - 1) c_(m) < C_m holds for m = 2 and, once it fails, fails for every larger m.
    active = int(np.max(m[(m >= 2) & ((m - 1) * ordered < cumulative)]))
    spent = cumulative[active - 1]
    total = (active - 1) * reward / spent
    capital = total * (1.0 - (active - 1) * c / spent)
    return np.where(c <= ordered[active - 1], np.maximum(capital, 0.0), 0.0)


@dataclass(frozen=True)
class Farm(v.Parameters):
    """A farm and its farmers; every field is checked on construction.

    Farmer 0 is the *insider*: its capital costs ``insider_cost`` (by default the
    same as everyone else's), the others' ``cost_of_capital``.
    """

    reward: float = 100.0               #: R, rewards the farm pays [million USD a year], (0, 1e9]
    cost_of_capital: float = 0.10       #: c, the farmers' cost of capital [per year], (0, 10]
    n_farmers: int = 5                  #: n, farmers competing, in [2, 100000]
    insider_cost: float | None = None   #: c_0, farmer 0's cost [per year], (0, c]; None: c

    def __post_init__(self):
        _reward(self.reward)
        _cost(self.cost_of_capital, "cost_of_capital")
        v.count("n_farmers", self.n_farmers, 2, 100_000)
        if self.insider_cost is not None:
            v.in_range("insider_cost", self.insider_cost, 0.0, self.cost_of_capital,
                       lo_open=True)

    @property
    def costs(self) -> np.ndarray:
        """Each farmer's cost of capital, the insider first [per year]."""
        c = np.full(self.n_farmers, float(self.cost_of_capital))
        if self.insider_cost is not None:
            c[0] = self.insider_cost
        return c

    @property
    def symmetric(self) -> bool:
        """Whether every farmer pays the same for capital."""
        return self.insider_cost is None or self.insider_cost == self.cost_of_capital


@dataclass(frozen=True)
class FarmEquilibrium(Result):
    """What :func:`solve` returns: the equilibrium, one entry per farmer (the insider first)."""

    params: Farm
    costs: np.ndarray           #: c_i [per year]
    capital: np.ndarray         #: k_i [million USD]
    rewards: np.ndarray         #: R k_i / K [million USD a year]
    profits: np.ndarray         #: rewards less c_i k_i [million USD a year]

    @property
    def total_capital(self) -> float:
        """K, all capital in the farm [million USD]."""
        return float(self.capital.sum())

    @property
    def yield_per_dollar(self) -> float:
        """R / K [per year]."""
        return self.params.reward / self.total_capital

    @property
    def spending(self) -> float:
        """What the farmers pay for their capital together, sum of c_i k_i [million USD a year]."""
        return float(self.costs @ self.capital)

    @property
    def dissipation(self) -> float:
        """The share of the reward spent on capital, spending / R."""
        return self.spending / self.params.reward

    @property
    def n_active(self) -> int:
        """Farmers with capital in the farm."""
        return int(np.count_nonzero(self.capital > 0))

    def frame(self) -> pd.DataFrame:
        """One row per farmer: cost, capital, rewards, profit and share of the rewards."""
        frame = pd.DataFrame({
            "cost of capital [per year]": self.costs,
            "capital [million USD]": self.capital,
            "rewards [million USD a year]": self.rewards,
            "profit [million USD a year]": self.profits,
            "share of rewards": self.rewards / self.params.reward,
        })
        frame.index.name = "farmer"
        return frame


def solve(farm: Farm) -> FarmEquilibrium:
    """The farm's equilibrium, from the closed forms (symmetric or with an insider)."""
    v.instance("farm", farm, Farm)
    costs = farm.costs
    capital = asymmetric_capital(farm.reward, costs)
    if farm.symmetric:        # the paper's closed form, exactly
        capital = np.full(farm.n_farmers, symmetric_capital(farm.reward, farm.cost_of_capital,
                                                            farm.n_farmers))
    rewards = farm.reward * capital / capital.sum()
    return FarmEquilibrium(farm, costs, capital, rewards, rewards - costs * capital)


def _damping(n: int, costs: np.ndarray) -> float:
    """4(n-1)/n^2, shrunk by the ratio of the cheapest to the dearest cost (a heuristic:
    a farmer with much cheaper capital makes the best-response map much steeper)."""
    return min(1.0, 4.0 * (n - 1) / (n * n)) * float(costs.min() / costs.max())


def best_response_dynamics(farm: Farm, start=None, *, damping: float | None = None,
                           tol: float = 1e-13, max_iter: int = 100_000,
                           record: bool = False) -> FixedPoint:
    r"""Iterate damped best responses, :math:`k \leftarrow (1-\theta) k + \theta\,k^{BR}(k)`, to a
    fixed point (:func:`toymarkets.core.solvers.iterate`).

    ``start``: every farmer's starting capital [million USD], each > 0 (default: uneven
    amounts around the symmetric equilibrium); ``damping`` :math:`\theta` in (0, 1]
    (default :math:`4(n-1)/n^2` times the cheapest cost over the dearest, see the module
    docstring). Raises
    :class:`~toymarkets.core.solvers.ConvergenceError` if it does not settle, and
    ``ValueError`` if every rival of a farmer drops to zero (no best response exists).
    """
    v.instance("farm", farm, Farm)
    n, costs, reward = farm.n_farmers, farm.costs, farm.reward
    theta = _damping(n, costs) if damping is None else v.positive("damping", damping, 1.0)
    if start is None:
        scale = reward / costs.mean() / n
        start = scale * (0.5 + np.arange(n) / n)
    x0 = np.asarray(start, dtype=float)
    if x0.shape != (n,) or not np.all(np.isfinite(x0)) or np.any(x0 <= 0):
        raise ValueError(f"start must hold {n} finite capitals in (0, inf), got {start!r}")

    def step(k: np.ndarray) -> np.ndarray:
        others = k.sum() - k
        if np.any(others <= 0):
            raise ValueError("every rival of a farmer has left the farm: no best response exists")
        response = np.maximum(0.0, np.sqrt(reward * others / costs) - others)
        return (1.0 - theta) * k + theta * response

    return iterate(step, x0, tol=tol, max_iter=max_iter, record=record)


@dataclass(frozen=True)
class Crowding(Result):
    """What :func:`crowding` returns: the symmetric equilibrium for each number of farmers."""

    params: Farm
    n: np.ndarray                   #: numbers of farmers
    capital: np.ndarray             #: k* per farmer, closed form [million USD]
    total: np.ndarray               #: K*, closed form [million USD]
    total_iterated: np.ndarray      #: K from best-response dynamics [million USD]
    iterations: np.ndarray          #: iterations the dynamics took
    yield_per_dollar: np.ndarray    #: R / K* [per year]
    profit: np.ndarray              #: R / n^2 per farmer [million USD a year]
    dissipation: np.ndarray         #: (n - 1) / n

    @property
    def limit_capital(self) -> float:
        """K* as n grows without bound, R / c [million USD]."""
        return self.params.reward / self.params.cost_of_capital

    def frame(self) -> pd.DataFrame:
        """One row per number of farmers."""
        return pd.DataFrame({
            "capital per farmer [million USD]": self.capital,
            "total capital [million USD]": self.total,
            "total by best responses [million USD]": self.total_iterated,
            "yield per dollar [per year]": self.yield_per_dollar,
            "profit per farmer [million USD a year]": self.profit,
            "share of reward dissipated": self.dissipation,
        }, index=pd.Index(self.n, name="farmers"))


def crowding(farm: Farm, n_values) -> Crowding:
    """The symmetric equilibrium of ``farm`` (its insider ignored) at each of ``n_values``
    farmers (each in [2, 200]), by the closed forms and by best-response dynamics."""
    v.instance("farm", farm, Farm)
    ns = np.asarray(n_values)
    if ns.ndim != 1 or ns.size == 0:
        raise ValueError(f"n_values must list numbers of farmers, got {n_values!r}")
    ns = np.array([v.count("n_values", x, 2, 200) for x in ns.tolist()], dtype=int)
    reward, cost = farm.reward, farm.cost_of_capital
    iterated, its = [], []
    for n in ns:
        point = best_response_dynamics(Farm(reward, cost, int(n)))
        iterated.append(point.x.sum())
        its.append(point.iterations)
    return Crowding(
        farm, ns,
        np.array([symmetric_capital(reward, cost, n) for n in ns]),
        np.array([total_capital(reward, cost, n) for n in ns]),
        np.array(iterated), np.array(its),
        np.array([equilibrium_yield(cost, n) for n in ns]),
        np.array([equilibrium_profit(reward, n) for n in ns]),
        np.array([dissipation(n) for n in ns]))


# =========================================================================== the loan


@dataclass(frozen=True)
class FarmLoan(v.Parameters):
    """A loan of customer deposits against the house token, to farm with; checked on creation.

    Every default is illustrative, not an estimate: a pledge of 86.4 million tokens at
    25 USD is 2,160 million USD, the size of the "FTT collateral" line of the leaked
    June 2022 sheet; the volatility, volume, rates, buffer and gap are round numbers.
    """

    tokens: float = 86.4            #: Q, house tokens pledged [million tokens], (0, 1e4]
    price: float = 25.0             #: P_0, the token's price at the start [USD], (0, 1e4]
    volatility: float = 0.04        #: sigma, the token's daily log volatility, (0, 0.5]
    drift: float = 0.0              #: mu, the token's daily log drift, [-0.05, 0.05]
    n_days: int = 365               #: T, days simulated, [1, 3650]
    loan_to_value: float = 0.5      #: l_0, the loan over the collateral's mark, (0, 1 - h]
    haircut: float = 0.3            #: h, share of the collateral's mark not lent against, [0, 0.95]
    buffer: float = 200.0           #: B, the farmer's cash at the start [million USD], [0, 1e6]
    farm_yield: float = 0.20        #: y, what the farm pays a dollar [per year], [0, 10]
    interest: float = 0.05          #: r, interest on the loan [per year], [0, 10]
    daily_volume: float = 2.0       #: V, tokens traded a day [million tokens], (0, 1e6]
    impact_y: float = 1.0           #: Y, the square-root law's prefactor, (0, 10]
    distress_gap: float = 0.25      #: g, share of the price lost when a default is known, [0, 0.95]
    exempt: bool = False            #: whether the borrower is exempt from auto-liquidation

    def __post_init__(self):
        v.positive("tokens", self.tokens, 1e4)
        v.positive("price", self.price, 1e4)
        v.positive("volatility", self.volatility, 0.5)
        v.in_range("drift", self.drift, -0.05, 0.05)
        v.count("n_days", self.n_days, 1, 3650)
        v.in_range("haircut", self.haircut, 0.0, 0.95)
        v.in_range("loan_to_value", self.loan_to_value, 0.0, 1.0 - self.haircut, lo_open=True)
        v.non_negative("buffer", self.buffer, 1e6)
        v.non_negative("farm_yield", self.farm_yield, 10.0)
        v.non_negative("interest", self.interest, 10.0)
        v.positive("daily_volume", self.daily_volume, 1e6)
        v.positive("impact_y", self.impact_y, 10.0)
        v.in_range("distress_gap", self.distress_gap, 0.0, 0.95)
        if not isinstance(self.exempt, bool | np.bool_):
            raise ValueError(f"exempt must be True or False, got {self.exempt!r}")

    @property
    def principal(self) -> float:
        """L_0, the loan [million USD]."""
        return self.loan_to_value * self.tokens * self.price

    @property
    def market(self) -> SquareRoot:
        """How a sale of the token moves its price: the square-root law at sigma and V."""
        return SquareRoot(self.volatility, self.daily_volume, self.impact_y)


def call_price(loan: FarmLoan) -> float:
    r"""The price below which the first margin call comes [USD]:
    :math:`P^\dagger = L_0/((1-h)Q)`."""
    v.instance("loan", loan, FarmLoan)
    return loan.principal / ((1.0 - loan.haircut) * loan.tokens)


def liquidation_discount(loan: FarmLoan) -> float:
    r"""The share of the collateral's mark lost by selling all of it at once,
    :math:`d = \tfrac23 Y\sigma\sqrt{Q/V}` (the square-root law; capped where the price
    would reach zero)."""
    v.instance("loan", loan, FarmLoan)
    return float(loan.market.discount(loan.tokens, loan.price))


def break_even_haircut(loan: FarmLoan) -> float:
    r"""The smallest haircut that covers a sale at a default, :math:`h^\star = 1 - (1-g)(1-d)`."""
    return 1.0 - (1.0 - loan.distress_gap) * (1.0 - liquidation_discount(loan))


@dataclass(frozen=True)
class ExposureCurve(Result):
    """What :func:`exposure_curve` returns: the exchange's exposure against the token's price."""

    params: FarmLoan
    price: np.ndarray               #: token prices [USD]
    principal: float                #: the loan [million USD]
    mark: np.ndarray                #: the collateral at its mark [million USD]
    liquidation: np.ndarray         #: what selling it fetches [million USD]
    distressed: np.ndarray          #: what selling it fetches after a default [million USD]
    exposure_at_mark: np.ndarray    #: principal less the mark, >= 0 [million USD]
    exposure: np.ndarray            #: principal less the liquidation value, >= 0 [million USD]
    exposure_at_default: np.ndarray  #: principal less the distressed sale, >= 0 [million USD]


    def break_even_prices(self) -> pd.Series:
        """The token price [USD] above which each view sees no exposure: the loan over
        what the collateral is worth per USD of price, at mark, if sold, after a default."""
        p = self.params
        per_usd = p.tokens * np.array([1.0, 1.0 - liquidation_discount(p),
                                       (1.0 - p.distress_gap) * (1.0 - liquidation_discount(p))])
        return pd.Series(self.principal / per_usd, index=["at mark", "if sold",
                                                          "if sold after a default"],
                         name="price [USD]")


def exposure_curve(loan: FarmLoan, prices) -> ExposureCurve:
    """The exchange's exposure to a loan of ``loan.principal`` at each of ``prices`` (each >= 0):
    at mark, at liquidation value and at a distressed sale after a default."""
    v.instance("loan", loan, FarmLoan)
    p = np.asarray(prices, dtype=float)
    if p.ndim != 1 or p.size == 0 or not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError(f"prices must be a list of finite prices in [0, inf), got {prices!r}")
    unit = loan.market.proceeds(loan.tokens, 1.0)         # proceeds are linear in the price
    mark, sold = loan.tokens * p, unit * p
    distressed = (1.0 - loan.distress_gap) * sold
    principal = loan.principal
    return ExposureCurve(loan, p, principal, mark, sold, distressed,
                         np.maximum(0.0, principal - mark), principal - np.minimum(principal, sold),
                         principal - np.minimum(principal, distressed))


@dataclass(frozen=True)
class LoanRun(Result):
    """What :func:`simulate` returns. Arrays have one row per path.

    Daily states (``price``, ``principal``, ``cash``, ``tokens``, ``interest_paid``) have
    ``n_days + 1`` columns, column 0 the start; daily flows (``call``, ``paid``) have
    ``n_days``, column ``t - 1`` for day ``t``. ``breach_day`` is the first day the farmer
    could not pay (NaN if none); without an exemption the loan was liquidated that day.
    """

    params: FarmLoan
    price: np.ndarray           #: P_t [USD]
    principal: np.ndarray       #: L_t, the loan outstanding [million USD] (0 once liquidated)
    cash: np.ndarray            #: C_t, the farmer's cash [million USD]
    tokens: np.ndarray          #: house tokens pledged [million tokens] (0 once sold)
    interest_paid: np.ndarray   #: interest paid to the exchange so far [million USD]
    call: np.ndarray            #: margin call demanded on each day [million USD]
    paid: np.ndarray            #: margin call paid on each day [million USD]
    breach_day: np.ndarray      #: first day a call or interest could not be paid (NaN: never)
    recovery: np.ndarray        #: what the sale of the collateral paid the exchange [million USD]
    realised_loss: np.ndarray   #: principal the sale did not cover [million USD]

    @property
    def n_paths(self) -> int:
        return self.price.shape[0]

    @property
    def days(self) -> np.ndarray:
        """0, 1, ..., n_days."""
        return np.arange(self.price.shape[1])

    def breached(self) -> np.ndarray:
        """Whether each path had a day the farmer could not pay."""
        return ~np.isnan(self.breach_day)

    def liquidated(self) -> np.ndarray:
        """Whether each path's collateral was sold (a breach without an exemption)."""
        return self.breached() & (not self.params.exempt)

    def mark(self) -> np.ndarray:
        """The collateral at its mark, Q_t P_t [million USD]."""
        return self.tokens * self.price

    def liquidation_value(self) -> np.ndarray:
        """What selling the collateral now would fetch, (1 - d) Q_t P_t [million USD]."""
        return self.params.market.proceeds(self.params.tokens, 1.0) / self.params.tokens \
            * self.tokens * self.price

    def exposure(self) -> np.ndarray:
        """Principal less the collateral's liquidation value, X_t [million USD]."""
        return self.principal - np.minimum(self.principal, self.liquidation_value())

    def exposure_at_mark(self) -> np.ndarray:
        """Principal less the collateral's mark, floored at 0 [million USD]."""
        return np.maximum(0.0, self.principal - self.mark())

    def loan_to_value(self) -> np.ndarray:
        """L_t / (Q_t P_t); NaN once the collateral is gone."""
        mark = self.mark()
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(mark > 0, self.principal / np.where(mark > 0, mark, 1.0), np.nan)

    def loss_at_close(self) -> np.ndarray:
        """What the exchange loses on each path: the realised loss where the collateral was
        sold; where the loan is still open, the loss if the borrower defaulted on the last
        day (a distressed sale at the final price) [million USD]."""
        p = self.params
        last = self.principal[:, -1]
        sale = (1.0 - p.distress_gap) * self.liquidation_value()[:, -1]
        return np.where(self.liquidated(), self.realised_loss, last - np.minimum(last, sale))

    def loss_at_close_at_mark(self) -> np.ndarray:
        """The same loss as a lender who trusts marks sees it: principal less the
        collateral's mark on the day it is sold (or the last day), floored at 0."""
        t = np.where(self.liquidated(), np.nan_to_num(self.breach_day, nan=0.0),
                     self.price.shape[1] - 1).astype(int)
        rows = np.arange(self.n_paths)
        before = np.where(self.liquidated(), self.principal[rows, np.maximum(t - 1, 0)],
                          self.principal[:, -1])
        mark = self.params.tokens * self.price[rows, t]
        return np.maximum(0.0, before - mark)

    def loss_curve(self, *, at_mark: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The losses at close sorted from the largest down, against the share of paths
        with at least that loss: ``(share, loss)``, for a plot. ``at_mark``: as a lender
        who trusts marks sees them."""
        loss = self.loss_at_close_at_mark() if at_mark else self.loss_at_close()
        share = np.arange(1, self.n_paths + 1) / self.n_paths
        return share, np.sort(loss)[::-1]

    def summary(self) -> pd.DataFrame:
        """Across paths: the share that breached, the mean calls paid and losses."""
        rows = {
            "paths": self.n_paths,
            "share with a margin call": float(np.mean(self.call.max(axis=1) > 0)),
            "share that could not pay": float(np.mean(self.breached())),
            "calls paid [million USD, mean]": float(self.paid.sum(axis=1).mean()),
            "loss at close [million USD, mean]": float(self.loss_at_close().mean()),
            "loss at close, at mark [million USD, mean]":
                float(self.loss_at_close_at_mark().mean()),
            "worst loss [million USD]": float(self.loss_at_close().max()),
        }
        return pd.Series(rows, name="value").to_frame()

    def path_frame(self, path: int = 0) -> pd.DataFrame:
        """One path, one row per day: price, loan, collateral values, exposure, cash."""
        path = self._path(path, self.n_paths)
        return pd.DataFrame({
            "price [USD]": self.price[path],
            "loan [million USD]": self.principal[path],
            "collateral at mark [million USD]": self.mark()[path],
            "collateral if sold [million USD]": self.liquidation_value()[path],
            "exposure [million USD]": self.exposure()[path],
            "exposure at mark [million USD]": self.exposure_at_mark()[path],
            "farmer's cash [million USD]": self.cash[path],
        }, index=pd.Index(self.days, name="day"))


def simulate(loan: FarmLoan, rng: np.random.Generator, n_paths: int = 1) -> LoanRun:
    """Simulate ``n_paths`` independent paths of the loan (module docstring), vectorised.

    Draws: the token's price shocks, one ``(n_paths, n_days)`` array of standard
    normals (through :func:`toymarkets.core.prices.random_walk`); nothing else is random.
    """
    v.instance("loan", loan, FarmLoan)
    v.generator(rng)
    n_paths = v.count("n_paths", n_paths, 1, 100_000)
    T = loan.n_days
    days = np.arange(T + 1)
    price = random_walk(loan.price, loan.volatility, T, rng, n_paths) * np.exp(loan.drift * days)
    L0, Q, h = loan.principal, loan.tokens, loan.haircut
    capital = L0                                       # the loan, deployed in the farm

    # As if every call were paid: L_t = min(L0, (1 - h) Q min_{s<=t} P_s).
    owed = np.minimum(L0, (1.0 - h) * Q * np.minimum.accumulate(price, axis=1))
    owed[:, 0] = L0
    income = loan.farm_yield * capital / DAYS_PER_YEAR
    interest = loan.interest * owed[:, :-1] / DAYS_PER_YEAR
    calls = owed[:, :-1] - owed[:, 1:]
    cash = loan.buffer + np.concatenate(
        [np.zeros((n_paths, 1)), np.cumsum(income - interest - calls, axis=1)], axis=1)
    paid_interest = np.concatenate([np.zeros((n_paths, 1)), np.cumsum(interest, axis=1)], axis=1)

    short = cash[:, 1:] < 0.0
    breached = short.any(axis=1)
    tau = np.where(breached, np.argmax(short, axis=1) + 1, T + 1)       # first day it cannot pay
    after = days[None, :] >= tau[:, None]                               # day >= tau
    rows = np.arange(n_paths)
    at = np.minimum(tau, T)
    before = owed[rows, at - 1]                      # the loan on the eve of the breach
    cash_before = cash[rows, at - 1]
    paid = np.where(after[:, 1:], 0.0, calls)
    call = np.where(after[:, 1:], 0.0, calls)
    call[breached, at[breached] - 1] = np.maximum(
        0.0, before - (1.0 - h) * Q * price[rows, at])[breached]
    paid_interest = np.where(after, paid_interest[rows, at - 1][:, None], paid_interest)

    recovery = np.zeros(n_paths)
    realised = np.zeros(n_paths)
    tokens = np.full((n_paths, T + 1), float(Q))
    if loan.exempt:
        # The loan stays open at its size; interest is added to it; no more calls are paid.
        since = np.maximum(days[None, :] - tau[:, None] + 1, 0)
        grown = before[:, None] * (1.0 + loan.interest / DAYS_PER_YEAR) ** since
        principal = np.where(after, grown, owed)
        cash = np.where(after, cash_before[:, None] + since * income, cash)
        demanded = np.maximum(0.0, principal[:, 1:] - (1.0 - h) * Q * price[:, 1:])
        call = np.where(after[:, 1:], demanded, call)
    else:
        # The collateral is seized and sold: the news costs g, the sale the share d.
        sale_price = (1.0 - loan.distress_gap) * price[rows, at]
        proceeds = np.asarray(loan.market.proceeds(Q, 1.0)) * sale_price
        recovery = np.where(breached, np.minimum(before, proceeds), 0.0)
        realised = np.where(breached, before - recovery, 0.0)
        surplus = np.where(breached, proceeds - recovery, 0.0)
        principal = np.where(after, 0.0, owed)
        tokens = np.where(after, 0.0, tokens)
        cash = np.where(after, (cash_before + surplus)[:, None], cash)
    breach_day = np.where(breached, tau.astype(float), np.nan)
    return LoanRun(loan, price, principal, cash, tokens, paid_interest, call, paid, breach_day,
                   recovery, realised)


# =========================================================================== the balance sheets


def _position(loan: FarmLoan, tokens: float, price: float) -> Position:
    return Position(float(tokens), float(price), market=loan.market, kind="house")


def open_loan(loan: FarmLoan) -> tuple[Receivable, BalanceSheet]:
    """The loan on day 0: the exchange's :class:`~toymarkets.core.balancesheet.Receivable`
    and the farmer's :class:`~toymarkets.core.balancesheet.BalanceSheet`."""
    v.instance("loan", loan, FarmLoan)
    claim = Receivable(loan.principal, _position(loan, loan.tokens, loan.price), loan.haircut)
    sheet = BalanceSheet(
        assets={"cash": loan.buffer, "farm": Position(loan.principal, 1.0, kind="market"),
                "house tokens": _position(loan, loan.tokens, loan.price)},
        liabilities={"loan from the exchange": Loan(loan.principal, "house tokens",
                                                    loan.haircut)})
    return claim, sheet


def _day(run: LoanRun, path: int, day: int) -> tuple[int, int]:
    if not isinstance(run, LoanRun):
        raise ValueError(f"run must be a LoanRun, got {type(run).__name__}")
    return run._path(path, run.n_paths), v.count("day", day, 0, run.price.shape[1] - 1)


def receivable(run: LoanRun, path: int = 0, day: int = 0) -> Receivable:
    """The exchange's claim on ``day`` of ``path``, as a core
    :class:`~toymarkets.core.balancesheet.Receivable` secured by the pledged tokens."""
    path, day = _day(run, path, day)
    p = run.params
    return Receivable(float(run.principal[path, day]),
                      _position(p, run.tokens[path, day], run.price[path, day]), p.haircut)


def farmer_sheet(run: LoanRun, path: int = 0, day: int = 0) -> BalanceSheet:
    """The farmer's balance sheet on ``day`` of ``path``: cash, the farm, the pledged tokens;
    the loan (secured by the tokens) and any overdraft of an exempt account."""
    path, day = _day(run, path, day)
    p = run.params
    cash = float(run.cash[path, day])
    return BalanceSheet(
        assets={"cash": max(cash, 0.0), "farm": Position(p.principal, 1.0, kind="market"),
                "house tokens": _position(p, run.tokens[path, day], run.price[path, day])},
        liabilities={"loan from the exchange": Loan(float(run.principal[path, day]),
                                                    "house tokens", p.haircut),
                     "overdraft": max(-cash, 0.0)})


def exchange_sheet(run: LoanRun, path: int = 0, day: int = 0, *,
                   deposits: float) -> BalanceSheet:
    """The exchange's balance sheet on ``day`` of ``path``, holding ``deposits`` of customers'
    money [million USD] (at least the loan): the cash not lent (with calls, interest and any
    recovery paid back) and the loan, against what it owes its customers."""
    path, day = _day(run, path, day)
    p = run.params
    deposits = v.in_range("deposits", deposits, p.principal, 1e9)
    back = float(run.paid[path, :day].sum())                   # calls paid
    if run.liquidated()[path] and day >= run.breach_day[path]:
        back += float(run.recovery[path])                      # and the sale's proceeds
    cash = deposits - p.principal + back + run.interest_paid[path, day]
    return BalanceSheet(
        assets={"cash": float(cash), "loan to the farmer": receivable(run, path, day)},
        liabilities={"customer deposits": deposits})
