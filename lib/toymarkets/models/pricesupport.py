r"""Step 3 (reused in Steps 5, 7, 14 and 15): a market maker that defends a price floor.

Units: prices in USD per token; token amounts in **millions of tokens**; cash,
budgets and P&L in **millions of USD**. One step is one trading day.

**The exchange's business.** A proxy for how the exchange is doing (its log
volume, or a log valuation index) random-walks with growth :math:`g`:

.. math::  B_t = B_{t-1} + g + \sigma_B\, z^B_t, \qquad B_0 = 0 .

**The token's fair value** is a geometric random walk whose shocks have
correlation :math:`\rho` with the business shocks:

.. math::  \ln F_t = \ln F_{t-1} + \mu - \tfrac12\sigma^2
           + \sigma\left(\rho\, z^B_t + \sqrt{1-\rho^2}\, z^F_t\right), \qquad F_0 = S_0,

with :math:`z^B, z^F` independent standard normals, so :math:`\mathbb{E}[F_t \mid F_{t-1}]
= e^{\mu} F_{t-1}` (a martingale when :math:`\mu = 0`).

**Price impact: a linear supply curve.** Holders of the token sell into a bid
above fair value, and the higher the bid, the more they sell: to lift the day's
price to :math:`P` the house must buy :math:`y = (P - F_t)/\lambda` tokens, that is

.. math::  P = F_t + \lambda y ,

an upward-sloping supply curve whose slope :math:`\lambda` [USD per million tokens]
is the price impact of a million tokens bought. The slope is *calibrated* with the
formula of Kyle's (1985) one-auction equilibrium, :math:`\lambda = \sigma_v / (2\sigma_u)`
(:func:`kyle_lambda`), with :math:`\sigma_v` the sd of the news (a day's move in fair
value) and :math:`\sigma_u` that of the uninformed flow; Kyle calls :math:`1/\lambda`
the depth of the market. Only the number is borrowed: this model has no insider and
no Kyle pricing rule, just a supply curve of that slope. Impact is *temporary*: the
curve is drawn afresh around each day's fair value, so nothing holds the price above
fair value except a buyer, and without support :math:`P_t = F_t`.

**Price support.** The house keeps a bid at the support level :math:`L` with a
budget :math:`K_0` [million USD]. When :math:`F_t < L` it buys what it takes to
hold the price at :math:`L`,

.. math::  y_t = \frac{L - F_t}{\lambda}, \qquad P_t = L, \qquad \text{cost } y_t L ,

if the budget left :math:`K_{t-1}` covers it. Otherwise it spends exactly what is left:
:math:`y_t` solves :math:`y_t (F_t + \lambda y_t) = K_{t-1}`, i.e.
:math:`y_t = 2K_{t-1} / (F_t + \sqrt{F_t^2 + 4\lambda K_{t-1}})`, the price only reaches
:math:`P_t = F_t + \lambda y_t < L`, and support stops for good: from then on
:math:`P_t = F_t` (the price gaps to fair value). The house never sells the
tokens it bought (selling would push the price down through its own floor).
Budget never goes negative: :math:`K_t = K_{t-1} - y_t P_t \ge 0`.

**Market making.** Each step :math:`N` uninformed clients trade one clip :math:`q`
each, buying or selling with equal chance, at the house's quotes
:math:`P_t(1 \pm h)`. Their net flow to the house, :math:`\Delta_t = q\,(s_t - b_t)`
with :math:`b_t + s_t = N` client buys and sells, has mean 0 and sd :math:`q\sqrt N`
per step: the :math:`\sigma_u` that calibrates :math:`\lambda`. As in Step 1 the house
hedges a share :math:`\eta` of its *client book* :math:`J_t` each step, on an outside
venue at the market price (no cost, no impact), but never the tokens it bought
for support, which it holds. Inventory and cash (starting from zero) follow

.. math::  J_t = (1-\eta)(J_{t-1} + \Delta_t), \qquad H_t = -\eta\,(J_{t-1} + \Delta_t),

.. math::  I_t = I_{t-1} + y_t + \Delta_t + H_t, \qquad
           C_t = C_{t-1} - (I_t - I_{t-1}) P_t + h P_t q N .

With :math:`\eta = 0` the client book is a driftless random walk; with
:math:`\eta = 1` it is flat and :math:`I_t = \sum_{s \le t} y_s`. Marked at the market price,
:math:`W_t = C_t + I_t P_t`, and with the gap :math:`G_t = P_t - F_t` (:math:`G_0 = 0`)
the P&L splits exactly, path by path:

.. math::
    W_T = \underbrace{\textstyle\sum_t h P_t q N}_{\text{spread}}
        + \underbrace{\textstyle\sum_t I_{t-1}(F_t - F_{t-1})}_{\text{directional}}
        + \underbrace{\textstyle\sum_t I_{t-1}(G_t - G_{t-1})}_{\text{support premium}} .

By summation by parts the support premium equals :math:`I_T G_T - \sum_t (I_t - I_{t-1})
G_t`: the mark-up of the final inventory above fair value, less the premium paid
over fair value on every token bought. Marked at fair value instead,
:math:`W_T - I_T G_T`.

A price held above fair value is a fire-sale problem postponed: the only buyer
of last resort is the supporter itself (Shleifer & Vishny, 1992), and its
ability to keep buying is a funding constraint (Brunnermeier & Pedersen, 2009).

References: :cite:t:`kyle1985continuous`; :cite:t:`shleifer1992liquidation`;
:cite:t:`brunnermeier2009market`.
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
from ..core.results import ComponentsResult

__all__ = [
    "PriceSupport",
    "SupportRun",
    "COMPONENTS",
    "simulate",
    "kyle_lambda",
    "support_by_budget",
    "BUDGET_COLUMNS",
    "balance_sheet",
]

#: P&L sources, in the order the book plots them, with their labels.
COMPONENTS = {
    "spread": "spread income",
    "directional": "inventory: fair-value moves",
    "support": "inventory: support premium",
}


@dataclass(frozen=True)
class PriceSupport(v.Parameters):
    """Parameters of the price-support model; every field is checked on construction.

    The defaults are FTT-like in scale (a token near 25 USD, 4% daily moves) and
    make ``impact`` equal Kyle's lambda for the default client flow:
    ``kyle_lambda(s0 * volatility, clip * sqrt(client_trades)) == 1.0``.
    """

    s0: float = 25.0                    #: starting fair value and price [USD], in (0, 1e4]
    volatility: float = 0.04            #: sigma, fair-value log volatility per step, in [0, 0.2]
    drift: float = 0.0                  #: mu, fair-value log drift per step, in [-0.02, 0.02]
    n_steps: int = 365                  #: steps (days) simulated, in [1, 10000]
    rho: float = 0.7                    #: correlation of token and business shocks, in [-1, 1]
    business_growth: float = 0.002      #: g, growth of the business proxy per step, [-0.02, 0.02]
    business_volatility: float = 0.03   #: sigma_B, per step, in [0, 0.2]
    support_level: float = 22.0         #: L, the price the house defends [USD], in (0, 1e4]
    budget: float = 500.0               #: K_0, cash for support [million USD], in [0, 1e9]
    impact: float = 1.0                 #: lambda, supply-curve slope [USD per m tokens], (0, 1e4]
    half_spread: float = 0.001          #: h, quote distance from the price [fraction], [0, 0.5)
    client_trades: int = 100            #: N, client trades per step, in [0, 10000]
    clip: float = 0.05                  #: q, size of one client trade [million tokens], [0, 1e3]
    hedge_ratio: float = 1.0            #: eta, share of the client book hedged per step, [0, 1]

    def __post_init__(self):
        v.positive("s0", self.s0, 1e4)
        v.non_negative("volatility", self.volatility, 0.2)
        v.in_range("drift", self.drift, -0.02, 0.02)
        v.count("n_steps", self.n_steps, 1, 10_000)
        v.in_range("rho", self.rho, -1.0, 1.0)
        v.in_range("business_growth", self.business_growth, -0.02, 0.02)
        v.non_negative("business_volatility", self.business_volatility, 0.2)
        v.positive("support_level", self.support_level, 1e4)
        v.non_negative("budget", self.budget, 1e9)
        v.positive("impact", self.impact, 1e4)
        v.in_range("half_spread", self.half_spread, 0.0, 0.5, hi_open=True)
        v.count("client_trades", self.client_trades, 0, 10_000)
        v.non_negative("clip", self.clip, 1e3)
        v.probability("hedge_ratio", self.hedge_ratio)


@dataclass(frozen=True)
class SupportRun(ComponentsResult):
    """What :func:`simulate` returns. Arrays have one row per path.

    State arrays (``fair_value``, ``price``, ``business``, ``inventory``, ``cash``,
    ``budget_left``) have ``n_steps + 1`` columns, column 0 being the start; flows
    (``support_bought``, ``support_cost``, ``client_flow``, ``hedges``, ``components``) have
    ``n_steps``, one per step. Every trade of step ``t`` is at ``price[:, t]``.
    """

    params: PriceSupport
    fair_value: np.ndarray       #: F_t [USD]
    price: np.ndarray            #: P_t, market price [USD]
    business: np.ndarray         #: B_t, business proxy in natural log (0 at the start)
    support_bought: np.ndarray   #: y_t, tokens the supporter bought [million tokens]
    support_cost: np.ndarray     #: y_t P_t, cash it paid [million USD]
    client_flow: np.ndarray      #: Delta_t = q (s_t - b_t), tokens from clients [million tokens]
    hedges: np.ndarray           #: H_t, tokens bought (+) or sold (-) to hedge the client book
    inventory: np.ndarray        #: I_t [million tokens]
    cash: np.ndarray             #: C_t [million USD]
    budget_left: np.ndarray      #: K_t [million USD]
    components: dict             #: name -> per-step P&L [million USD], see COMPONENTS

    COMPONENTS = COMPONENTS

    @property
    def n_paths(self) -> int:
        return self.price.shape[0]

    def mark_to_market(self, step: int | None = None) -> np.ndarray:
        """Cash plus inventory at the market price after ``step`` (default: the end),
        per path [million USD]."""
        t = self._step(step)
        return self.cash[:, t] + self.inventory[:, t] * self.price[:, t]

    def mark_to_fair_value(self, step: int | None = None) -> np.ndarray:
        """Cash plus inventory at the fair value after ``step`` (default: the end),
        per path [million USD]."""
        t = self._step(step)
        return self.cash[:, t] + self.inventory[:, t] * self.fair_value[:, t]

    def _step(self, step: int | None) -> int:
        last = self.price.shape[1] - 1
        return last if step is None else v.count("step", step, 0, last)

    def budget_used(self) -> np.ndarray:
        """Support budget spent by the end, per path [million USD]."""
        return self.params.budget - self.budget_left[:, -1]

    def days_defended(self) -> np.ndarray:
        """Steps on which the supporter bought and the price closed at the support level."""
        held = (self.support_bought > 0) & (self.price[:, 1:] == self.params.support_level)
        return held.sum(axis=1)

    def exhaustion_step(self) -> np.ndarray:
        """Step at which the budget ran out (0 for no budget), NaN where it never did."""
        out = self.budget_left <= 0.0
        return np.where(out.any(axis=1), np.argmax(out, axis=1), np.nan)

    def success_correlation(self) -> float:
        """Correlation across paths of the final P&L (at market) with the business proxy B_T.

        Positive means the house is long its own exchange's success. NaN when either
        has no spread across paths; needs at least 3 paths.
        """
        if self.n_paths < 3:
            raise ValueError(f"success_correlation needs n_paths >= 3, got {self.n_paths}")
        x = self.mark_to_market() - self.mark_to_market().mean()
        b = self.business[:, -1] - self.business[:, -1].mean()
        denom = math.sqrt(float(x @ x) * float(b @ b))
        return float(x @ b) / denom if denom > 0 else math.nan

    def success_beta(self) -> float:
        """Slope across paths of the final P&L (at market) on the business proxy B_T.

        The house's exposure to its exchange's success (least squares), in million USD
        per unit of business growth in natural log, that is per 100 log points: a year
        whose business grew by 0.1 more in logs (about 10%) earns about a tenth of
        the slope more. NaN when B_T has no spread; needs 3 paths.
        """
        if self.n_paths < 3:
            raise ValueError(f"success_beta needs n_paths >= 3, got {self.n_paths}")
        x = self.mark_to_market() - self.mark_to_market().mean()
        b = self.business[:, -1] - self.business[:, -1].mean()
        bb = float(b @ b)
        return float(x @ b) / bb if bb > 0 else math.nan

    def summary(self) -> pd.DataFrame:
        """One row per path: what the house holds, spent and earned by the end."""
        frame = pd.DataFrame({
            "final price [USD]": self.price[:, -1],
            "final fair value [USD]": self.fair_value[:, -1],
            "inventory [m tokens]": self.inventory[:, -1],
            "budget used [m USD]": self.budget_used(),
            "days defended": self.days_defended(),
            "P&L at market [m USD]": self.mark_to_market(),
            "P&L at fair value [m USD]": self.mark_to_fair_value(),
            "business growth [natural log]": self.business[:, -1],
        })
        frame.index.name = "path"
        return frame

    def path_frame(self, path: int = 0) -> pd.DataFrame:
        """One path step by step: prices, inventory, budget and cumulative P&L by source."""
        path = self._path(path, self.n_paths)
        frame = pd.DataFrame({
            "fair value": self.fair_value[path],
            "price": self.price[path],
            "business": self.business[path],
            "inventory": self.inventory[path],
            "cash": self.cash[path],
            "budget left": self.budget_left[path],
        })
        start = pd.DataFrame(0.0, index=[-1], columns=[*COMPONENTS, "total"])
        cumulative = pd.concat([start, self.cumulative(path)]).reset_index(drop=True)
        frame = pd.concat([frame, cumulative], axis=1)
        frame.index.name = "step"
        return frame


def kyle_lambda(value_sd: float, noise_sd: float) -> float:
    r"""Kyle's (1985) price impact in one auction, :math:`\lambda = \sigma_v / (2\sigma_u)`.

    In Kyle's Theorem 1 (one auction) the insider trades :math:`\beta (v - p_0)` with
    :math:`\beta = \sigma_u / \sigma_v`, the market maker's pricing rule is
    :math:`p = p_0 + \lambda (x + u)`, and the price reveals half of the insider's
    information, :math:`\mathrm{Var}(v \mid p) = \sigma_v^2 / 2`. Kyle's *depth* is
    :math:`1/\lambda`, the order flow that moves the price by one unit. This model uses
    :math:`\lambda` only as the slope of its supply curve (module docstring).
    ``value_sd`` > 0 [USD], ``noise_sd`` > 0 [million tokens]; the result is in USD per
    million tokens.
    """
    sv = v.positive("value_sd", value_sd, 1e9)
    su = v.positive("noise_sd", noise_sd, 1e9)
    return sv / (2.0 * su)


def simulate(params: PriceSupport, rng: np.random.Generator, n_paths: int = 1) -> SupportRun:
    """Simulate ``n_paths`` independent paths (vectorised over paths, a loop over steps).

    All random draws are made before the loop and do not depend on the support
    level, budget or impact, so two runs with the same seed share their fair-value,
    business and client-flow paths and differ only by the support.
    """
    v.instance("params", params, PriceSupport)
    v.generator(rng)
    n_paths = v.count("n_paths", n_paths, 1, 100_000)
    p = params
    shape = (n_paths, p.n_steps)
    z_b = rng.standard_normal(shape)
    z_f = rng.standard_normal(shape)
    client_buys = rng.binomial(p.client_trades, 0.5, shape)

    start = np.zeros((n_paths, 1))
    business = np.hstack([start, np.cumsum(p.business_growth + p.business_volatility * z_b, 1)])
    shocks = p.rho * z_b + math.sqrt(max(0.0, 1.0 - p.rho**2)) * z_f
    log_f = np.cumsum(p.drift - 0.5 * p.volatility**2 + p.volatility * shocks, axis=1)
    fair_value = p.s0 * np.exp(np.hstack([start, log_f]))
    client_flow = p.clip * (p.client_trades - 2.0 * client_buys)

    # The support: a loop over time (the budget is a state), vectorised over paths.
    level, lam = p.support_level, p.impact
    price = fair_value.copy()
    bought = np.zeros(shape)
    cost = np.zeros(shape)
    budget_left = np.empty((n_paths, p.n_steps + 1))
    budget_left[:, 0] = p.budget
    left = np.full(n_paths, float(p.budget))
    for t in range(p.n_steps):
        f = fair_value[:, t + 1]
        need = (left > 0.0) & (f < level)
        full_y = np.where(need, (level - f) / lam, 0.0)
        full = need & (full_y * level <= left)
        part = need & ~full
        part_y = np.where(part, 2.0 * left / (f + np.sqrt(f * f + 4.0 * lam * left)), 0.0)
        y = np.where(full, full_y, part_y)
        price[:, t + 1] = np.where(full, level, f + lam * y)
        cost[:, t] = np.where(full, full_y * level, np.where(part, left, 0.0))
        left = np.where(part, 0.0, left - cost[:, t])
        bought[:, t] = y
        budget_left[:, t + 1] = left

    # The client book J_t = (1 - eta)(J_{t-1} + Delta_t), as in Step 1; the support stock is kept.
    _, hedges = proportional_hedge(client_flow, p.hedge_ratio)
    delta_inventory = bought + (client_flow + hedges)
    inventory = np.hstack([start, np.cumsum(delta_inventory, axis=1)])
    traded = price[:, 1:]
    spread = p.half_spread * traded * p.clip * p.client_trades
    cash = np.hstack([start, np.cumsum(spread - delta_inventory * traded, axis=1)])
    gap = price - fair_value
    held = inventory[:, :-1]
    components = {
        "spread": spread,
        "directional": held * np.diff(fair_value, axis=1),
        "support": held * np.diff(gap, axis=1),
    }
    return SupportRun(p, fair_value, price, business, bought, cost, client_flow, hedges,
                      inventory, cash, budget_left, components)


#: The columns of :func:`support_by_budget`, with their units.
BUDGET_COLUMNS = {
    "exhausted": "budget ran out [share of paths]",
    "days": "days defended [mean]",
    "tokens": "tokens held at the end [million, mean]",
    "pnl_mean": "profit [million USD, mean]",
    "pnl_sd": "profit [million USD, sd]",
    "beta": "exposure [million USD per unit of log growth]",
}


def support_by_budget(params: PriceSupport, budgets, rng: np.random.Generator,
                      n_paths: int = 400) -> pd.DataFrame:
    """What a bigger support budget buys: one row per budget [million USD], n_paths each.

    Every budget is simulated from its own copy of ``rng`` in its current state, so all
    budgets share the fair-value, business and client paths (common random numbers) and
    ``rng`` itself is not advanced. The columns (:data:`BUDGET_COLUMNS`): the share of
    paths on which the budget ran out, the mean days defended, the mean tokens held at the
    end, the mean and standard deviation of the profit marked at market, and the exposure
    to the business (:meth:`SupportRun.success_beta`). ``n_paths`` >= 3.
    """
    v.instance("params", params, PriceSupport)
    v.generator(rng)
    n_paths = v.count("n_paths", n_paths, 3, 100_000)
    values = v.numbers("budgets", budgets)
    rows = {}
    for budget in values:
        budget = v.non_negative("budgets", budget, 1e9)
        run = simulate(params.replace(budget=budget), copy.deepcopy(rng), n_paths)
        pnl = run.mark_to_market()
        rows[budget] = {
            "exhausted": np.mean(~np.isnan(run.exhaustion_step())),
            "days": run.days_defended().mean(),
            "tokens": run.inventory[:, -1].mean(),
            "pnl_mean": pnl.mean(),
            "pnl_sd": pnl.std(ddof=1),
            "beta": run.success_beta(),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index").rename(columns=BUDGET_COLUMNS)
    frame.index.name = "budget [million USD]"
    return frame


def balance_sheet(run: SupportRun, capital: float, path: int = 0, *,
                  mark: str = "market") -> BalanceSheet:
    """The house's balance sheet at the end of a run [million USD].

    It starts from ``capital`` (>= 0, million USD) of cash, which pays for the
    support; the token inventory is marked at the final market price
    (``mark="market"``) or at fair value (``mark="fair"``). A short token position
    is a liability (tokens owed); negative cash is borrowed USD
    (:meth:`~toymarkets.core.balancesheet.BalanceSheet.trading_book`).
    """
    capital = v.non_negative("capital", capital)
    path = run._path(path, run.n_paths)
    px = (run.price if v.choice("mark", mark, ("market", "fair")) == "market"
          else run.fair_value)[path, -1]
    return BalanceSheet.trading_book(capital + run.cash[path, -1], run.inventory[path, -1] * px)
