r"""Step 1: a delta-neutral market maker with an OTC desk.

The house quotes a bid and an ask :math:`\delta` either side of the reference
price :math:`S_t` on the exchange's book. Following Avellaneda & Stoikov (2008),
a quote at distance :math:`\delta` is hit with probability

.. math::  p(\delta) = A\, e^{-k \delta}

per step and per side (:math:`0 < A \le 1`, :math:`k > 0` per USD), each fill
of one clip :math:`q`. An OTC client asks for a block of size :math:`Q` with
probability :math:`\pi` per step, buying or selling with equal chance, and the
desk fills it :math:`\delta_{\mathrm{OTC}}` away from the mid. Both desks share
one inventory :math:`I_t` ("using market-making infrastructure to hedge").
At the end of each step the house hedges a share :math:`\eta` of it on an outside
venue, paying :math:`c` of the notional (taker fee plus half-spread there):

.. math::  I_t = (1-\eta)\,(I_{t-1} + \Delta_t), \qquad H_t = -\eta\,(I_{t-1} + \Delta_t).

Marked at the mid, profit splits exactly into five sources, path by path:

.. math::
    \Pi_T = \underbrace{\textstyle\sum_t q\,\delta\, n_t}_{\text{spread (book)}}
          + \underbrace{\textstyle\sum_t Q\,\delta_{\mathrm{OTC}}\, m_t}_{\text{spread (OTC)}}
          + \underbrace{\textstyle\sum_t r\, S_t\, q\, n_t}_{\text{maker rebates}}
          - \underbrace{\textstyle\sum_t c\, S_t\, |H_t|}_{\text{hedging cost}}
          + \underbrace{\textstyle\sum_t I_t\,(S_{t+1} - S_t)}_{\text{inventory}}

where :math:`n_t` counts book fills and :math:`m_t` OTC fills in step :math:`t`.
With :math:`\eta = 1` the inventory term is zero on every path: the house is
*delta neutral*, and what it earns does not depend on where the price goes.

Closed forms (the tests check the simulation against them): the expected book
income per step is :math:`2\,p(\delta)\,q\,(\delta + r S_0)`, largest at
:math:`\delta^* = 1/k - r S_0`; with :math:`r = 0` this is the risk-neutral limit
:math:`\gamma \to 0` of Avellaneda and Stoikov's optimal spread
:math:`\gamma\sigma_S^2\tau + \tfrac{2}{\gamma}\ln(1 + \gamma/k) \to 2/k`, where
:math:`\sigma_S` is the volatility of the price in USD (here :math:`\sigma_S = \sigma S_0`
per step, :math:`\sigma` being the log-volatility of the simulation).

**When a risk-averse maker quotes wider** (derived for this book, not a result stated
in the paper). With :math:`x = \gamma/k`, the Avellaneda–Stoikov spread exceeds its
risk-neutral limit :math:`2/k` exactly when (:func:`widening_threshold`)

.. math::  \sigma_S^2\tau > \theta(\gamma, k) = \frac{2}{k^2}\,\frac{x - \ln(1 + x)}{x^2} .

Since :math:`\ln(1 + x) > x - x^2/2` for :math:`x > 0`, :math:`\theta < 1/k^2`, and
:math:`\theta \to 1/k^2` as :math:`\gamma \to 0` (it falls as :math:`\gamma` grows).
So every risk-averse maker quotes wider than a risk-neutral one if and only if
:math:`\sigma_S^2\tau \ge 1/k^2`; below that, a slightly risk-averse maker quotes
*narrower* (:math:`\text{spread} = 2/k + \gamma(\sigma_S^2\tau - 1/k^2) + O(\gamma^2)`),
and only one risk-averse enough that :math:`\theta(\gamma, k) < \sigma_S^2\tau` quotes wider.

References: :cite:t:`ho1981optimal`; :cite:t:`avellaneda2008high`.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.balancesheet import BalanceSheet
from ..core.hedging import proportional_hedge
from ..core.prices import random_walk
from ..core.results import ComponentsResult

__all__ = [
    "MarketMaker",
    "MarketMakerRun",
    "COMPONENTS",
    "simulate",
    "fill_probability",
    "expected_book_income",
    "optimal_half_spread",
    "avellaneda_stoikov",
    "widening_threshold",
    "widening_horizon",
    "simulated_book_income",
    "balance_sheet",
]

#: P&L sources, in the order the book plots them, with their labels.
COMPONENTS = {
    "spread_book": "spread (book)",
    "spread_otc": "spread (OTC)",
    "rebates": "maker rebates",
    "hedging": "hedging cost",
    "inventory": "inventory",
}


@dataclass(frozen=True)
class MarketMaker(v.Parameters):
    """Parameters of the Step 1 market maker; every field is checked on construction."""

    s0: float = 100.0               #: starting mid price [USD], > 0
    volatility: float = 0.001       #: log-price volatility per step, in [0, 0.1]
    n_steps: int = 2_000            #: steps simulated, >= 1
    half_spread: float = 0.05       #: delta, quote distance from the mid [USD], in [0, s0)
    fill_prob_at_mid: float = 0.9   #: A, chance per step a quote at the mid is hit, in [0, 1]
    fill_decay: float = 10.0        #: k, decay of the fill chance with distance [1/USD], > 0
    clip: float = 1.0               #: size of one book fill [tokens], > 0
    rebate: float = 1e-4            #: maker rebate r [fraction of notional], in [0, 0.01]
    hedge_cost: float = 3e-4        #: c, cost of hedging [fraction of notional], in [0, 0.01]
    hedge_ratio: float = 1.0        #: eta, share of inventory hedged each step, in [0, 1]
    otc_prob: float = 0.02          #: pi, chance per step of an OTC request, in [0, 1]
    otc_size: float = 25.0          #: Q, OTC block size [tokens], >= 0
    otc_half_spread: float = 0.15   #: OTC quote distance from the mid [USD], in [0, s0)

    def __post_init__(self):
        v.positive("s0", self.s0)
        v.non_negative("volatility", self.volatility, 0.1)
        v.count("n_steps", self.n_steps, 1, 1_000_000)
        v.in_range("half_spread", self.half_spread, 0.0, self.s0, hi_open=True)
        v.probability("fill_prob_at_mid", self.fill_prob_at_mid)
        v.positive("fill_decay", self.fill_decay, 1e6)
        v.positive("clip", self.clip, 1e9)
        v.non_negative("rebate", self.rebate, 0.01)
        v.non_negative("hedge_cost", self.hedge_cost, 0.01)
        v.probability("hedge_ratio", self.hedge_ratio)
        v.probability("otc_prob", self.otc_prob)
        v.non_negative("otc_size", self.otc_size, 1e9)
        v.in_range("otc_half_spread", self.otc_half_spread, 0.0, self.s0, hi_open=True)


@dataclass(frozen=True)
class MarketMakerRun(ComponentsResult):
    """What :func:`simulate` returns. Arrays have one row per path.

    ``prices`` has ``n_steps + 1`` columns; the others ``n_steps``, one per step.
    ``inventory`` is held *after* the step's hedge, over the next price move.
    ``cash`` is an independent ledger of every trade's cash leg, so that
    ``cash[:, -1] + inventory[:, -1] * prices[:, -1]`` must equal the summed components.
    """

    params: MarketMaker
    prices: np.ndarray
    client_flow: np.ndarray     #: Delta_t, tokens the house received from clients
    hedges: np.ndarray          #: H_t, tokens the house bought (+) or sold (-) to hedge
    inventory: np.ndarray       #: I_t, tokens held after the hedge
    cash: np.ndarray            #: USD after each step's trades
    components: dict            #: name -> per-step P&L [USD], see COMPONENTS

    COMPONENTS = COMPONENTS

    def mark_to_market(self) -> np.ndarray:
        """Final cash plus final inventory at the final mid, per path [USD]."""
        return self.cash[:, -1] + self.inventory[:, -1] * self.prices[:, -1]


def fill_probability(half_spread: float, fill_prob_at_mid: float, fill_decay: float) -> float:
    r"""Avellaneda-Stoikov fill chance per step and side, :math:`A e^{-k\delta}`."""
    delta = v.non_negative("half_spread", half_spread)
    a = v.probability("fill_prob_at_mid", fill_prob_at_mid)
    k = v.positive("fill_decay", fill_decay, 1e6)
    return a * math.exp(-k * delta)


def expected_book_income(mm: MarketMaker) -> float:
    r"""Expected spread plus rebate income per step on the book.

    .. math::  2\,p(\delta)\,q\,(\delta + r S_0)
    """
    p = fill_probability(mm.half_spread, mm.fill_prob_at_mid, mm.fill_decay)
    return 2.0 * p * mm.clip * (mm.half_spread + mm.rebate * mm.s0)


def optimal_half_spread(mm: MarketMaker) -> float:
    r"""The half-spread that maximises :func:`expected_book_income`: :math:`\max(0, 1/k - rS_0)`."""
    return max(0.0, 1.0 / mm.fill_decay - mm.rebate * mm.s0)


def avellaneda_stoikov(mid: float, inventory: float, gamma: float, sigma: float, tau: float,
                       fill_decay: float) -> tuple[float, float]:
    r"""Avellaneda & Stoikov (2008), eqs. (29)-(30): reservation price and optimal spread.

    .. math::
        r = s - q\gamma\sigma^2\tau, \qquad
        \delta^a + \delta^b = \gamma\sigma^2\tau
                              + \tfrac{2}{\gamma}\ln\!\left(1 + \tfrac{\gamma}{k}\right)

    ``sigma`` is the volatility of the price in USD [USD per sqrt(time)], not the
    log-volatility (for this module's walk, ``volatility * s0`` per step); ``tau`` the
    time left, ``gamma`` > 0 the risk aversion [1/USD]. Returns
    ``(reservation_price, total_spread)``.
    """
    s = v.positive("mid", mid)
    q = v.finite("inventory", inventory)
    g = v.positive("gamma", gamma, 1e6)
    sig = v.non_negative("sigma", sigma, 1e6)
    t = v.non_negative("tau", tau, 1e6)
    k = v.positive("fill_decay", fill_decay, 1e6)
    reservation = s - q * g * sig**2 * t
    spread = g * sig**2 * t + (2.0 / g) * math.log1p(g / k)
    return reservation, spread


def widening_threshold(gamma: float, fill_decay: float) -> float:
    r"""The price variance over the horizon above which a risk-averse maker quotes wider.

    Avellaneda and Stoikov's total spread at risk aversion :math:`\gamma` exceeds its
    risk-neutral limit :math:`2/k` exactly when :math:`\sigma_S^2 \tau` exceeds

    .. math::  \theta(\gamma, k) = \frac{2}{k^2}\,\frac{x - \ln(1 + x)}{x^2},
               \qquad x = \gamma / k ,

    which lies in :math:`(0, 1/k^2)` and rises to :math:`1/k^2` as :math:`\gamma \to 0`
    (derivation in the module docstring). ``gamma`` > 0 [1/USD], ``fill_decay`` = k > 0
    [1/USD]; the result is in USD squared, comparable with :math:`\sigma_S^2\tau`.
    """
    g = v.positive("gamma", gamma, 1e6)
    k = v.positive("fill_decay", fill_decay, 1e6)
    x = g / k
    if x < 1e-4:        # x - ln(1 + x) loses its digits to cancellation: use the series
        ratio = 0.5 - x / 3.0 + x * x / 4.0 - x**3 / 5.0
    else:
        ratio = (x - math.log1p(x)) / (x * x)
    return 2.0 * ratio / (k * k)


def widening_horizon(mm: MarketMaker) -> float:
    r"""The horizon from which every risk-averse maker quotes wider, :math:`1/(k\sigma_S)^2`.

    :math:`\sigma_S^2\tau \ge 1/k^2` holds from :math:`\tau = 1/(k\sigma_S)^2` on, with
    :math:`\sigma_S = \sigma S_0` the price's volatility in USD per step [steps]; infinite
    when the price does not move. See :func:`widening_threshold`.
    """
    v.instance("mm", mm, MarketMaker)
    sigma_usd = mm.volatility * mm.s0
    return math.inf if sigma_usd == 0.0 else 1.0 / (mm.fill_decay * sigma_usd) ** 2


def simulated_book_income(mm: MarketMaker, half_spreads, rng: np.random.Generator,
                          n_paths: int = 40) -> pd.DataFrame:
    """Simulated book income per step (spread plus rebates) at each half-spread [USD].

    Every half-spread is simulated on ``n_paths`` paths (at least 2) from its own copy
    of ``rng`` in its current state, so all half-spreads share the same random draws
    (common random numbers) and ``rng`` itself is not advanced. Each path's income is
    averaged over its steps; the columns are ``half_spread``, ``mean`` (over paths) and
    ``se`` (its standard error, the paths being independent). Compare ``mean`` with
    :func:`expected_book_income`.
    """
    v.instance("mm", mm, MarketMaker)
    v.generator(rng)
    n_paths = v.count("n_paths", n_paths, 2, 100_000)
    deltas = v.numbers("half_spreads", half_spreads)
    rows = []
    for delta in deltas:
        v.in_range("half_spreads", delta, 0.0, mm.s0, hi_open=True)
        run = simulate(mm.replace(half_spread=float(delta)), copy.deepcopy(rng), n_paths)
        income = (run.components["spread_book"] + run.components["rebates"]).mean(axis=1)
        rows.append((float(delta), income.mean(), income.std(ddof=1) / math.sqrt(income.size)))
    return pd.DataFrame(rows, columns=["half_spread", "mean", "se"])


def simulate(mm: MarketMaker, rng: np.random.Generator, n_paths: int = 1) -> MarketMakerRun:
    """Simulate ``n_paths`` independent days of the market maker (vectorised over paths)."""
    v.instance("mm", mm, MarketMaker)
    n_paths = v.count("n_paths", n_paths, 1, 100_000)
    shape = (n_paths, mm.n_steps)
    prices = random_walk(mm.s0, mm.volatility, mm.n_steps, rng, n_paths)
    s = prices[:, :-1]

    p = fill_probability(mm.half_spread, mm.fill_prob_at_mid, mm.fill_decay)
    client_buys = rng.random(shape) < p       # a client lifts the house's ask
    client_sells = rng.random(shape) < p      # a client hits the house's bid
    otc = rng.random(shape) < mm.otc_prob
    otc_side = np.where(rng.random(shape) < 0.5, 1.0, -1.0)   # +1: OTC client buys

    book_fills = client_buys.astype(float) + client_sells
    flow = mm.clip * (client_sells.astype(float) - client_buys) - mm.otc_size * otc * otc_side

    # Inventory recursion I_t = (1 - eta)(I_{t-1} + Delta_t), see toymarkets.hedging.
    pre_hedge, hedges = proportional_hedge(flow, mm.hedge_ratio)
    inventory = pre_hedge + hedges

    # Cash ledger, trade by trade: clients pay the ask / receive the bid, the hedge pays c.
    cash_flow = (
        mm.clip * (client_buys * (s + mm.half_spread) - client_sells * (s - mm.half_spread))
        + otc * mm.otc_size * (otc_side * s + mm.otc_half_spread)
        + mm.rebate * s * mm.clip * book_fills
        - hedges * s - mm.hedge_cost * s * np.abs(hedges)
    )
    components = {
        "spread_book": mm.clip * mm.half_spread * book_fills,
        "spread_otc": mm.otc_size * mm.otc_half_spread * otc,
        "rebates": mm.rebate * s * mm.clip * book_fills,
        "hedging": -mm.hedge_cost * s * np.abs(hedges),
        "inventory": inventory * np.diff(prices, axis=1),
    }
    return MarketMakerRun(mm, prices, flow, hedges, inventory, np.cumsum(cash_flow, axis=1),
                          components)


def balance_sheet(run: MarketMakerRun, capital: float, path: int = 0) -> BalanceSheet:
    """The house's balance sheet at the end of a run, starting from ``capital`` USD of cash.

    A short token position is a liability (tokens owed); negative cash is borrowed USD
    (:meth:`~toymarkets.core.balancesheet.BalanceSheet.trading_book`).
    """
    capital = v.non_negative("capital", capital)
    path = run._path(path, run.n_paths)
    return BalanceSheet.trading_book(capital + run.cash[path, -1],
                                     run.inventory[path, -1] * run.prices[path, -1])
