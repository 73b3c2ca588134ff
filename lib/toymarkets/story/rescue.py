r"""Step 5: a rescue as price support in a thin market, and why it is an option-like bet.

This story composes two models. The *defence* is Step 3's price support
(:mod:`toymarkets.models.pricesupport`): a buyer with a budget :math:`K` holds a floor
:math:`L` under a token whose fair value :math:`F_t` wanders, buying what informed sellers
offer below it and never selling. The *thin market* is a constant-product pool
(:mod:`toymarkets.models.amm`) holding :math:`x` tokens at price :math:`p`: the token trades
there and nowhere deeper.

**Depth from the pool.** Step 3 prices each day's purchase with Kyle's linear impact
:math:`P = F + \lambda y`. A purchase from a pool raises its spot price by
:math:`(1+1/\gamma)\,p/x` per token, at the first token
(:func:`toymarkets.models.amm.marginal_impact`), so the story sets

.. math::  \lambda = \frac{(1+1/\gamma)\, p}{x}, \qquad S_0 = p ,

the depth a buyer meets in a pool of that size (a linear approximation: the pool's own
curve is convex, so large purchases cost a little less than the line says).

**The exit.** The support stock :math:`I_T = \sum_t y_t` is marked at the market price
by the defence. To turn it into cash the buyer must sell it into the same thin market:
a pool with the same liquidity :math:`\sqrt{k}` quoting the final fair value,
:math:`x_T = \sqrt{k/F_T}`, :math:`y_T = \sqrt{k F_T}`, which pays
:math:`\gamma I_T y_T / (x_T + \gamma I_T)` (:meth:`RescueRun.exit_value`).

**An option-like payoff.** The buyer hedges its client book (``hedge_ratio`` = 1) and
pays at most its budget, and tokens are never worth less than nothing, so its profit is
bounded below, :math:`W_T \ge -K`, while it grows without bound with the recovery
:math:`F_T / F_0`: the payoff of a call option bought for (at most) the budget. Like a
call bought out of the money, it loses most of the time and now and then wins big; one
good outcome, seen alone, says little about the bet.

Units as in the models: tokens in millions, cash in millions of USD, prices in USD per
token, time in days.

References: :cite:t:`kyle1985continuous`; :cite:t:`adams2020uniswapv2`;
:cite:t:`shleifer1992liquidation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.results import Result
from ..models import amm
from ..models import pricesupport as ps

__all__ = ["RescueRun", "defence", "simulate", "illustrative"]


def illustrative() -> tuple[ps.PriceSupport, amm.Pool]:
    """The book's illustrative rescue (Step 5), not a calibration: a token worth 1.5 USD that
    moves 8% a day, defended at 1.2 USD with 20 million USD for 120 days, in a pool of 20
    million tokens and 30 million USD with the Uniswap v2 fee. Returns ``(support, pool)``."""
    support = ps.PriceSupport(volatility=0.08, n_steps=120, support_level=1.2, budget=20.0,
                              rho=0.0)
    return support, amm.Pool.at_price(1.5, 20.0)


def defence(support: ps.PriceSupport, pool: amm.Pool) -> ps.PriceSupport:
    """The defence's parameters in this pool: ``support`` with its starting price set to the
    pool's price and its depth to the pool's marginal impact on a purchase. The client book
    must be fully hedged (``hedge_ratio`` 1), so that the support stock is all the buyer
    holds."""
    support = v.instance("support", support, ps.PriceSupport)
    pool = v.instance("pool", pool, amm.Pool)
    if support.hedge_ratio != 1.0:
        raise ValueError(f"support.hedge_ratio must be 1 (a hedged client book), "
                         f"got {support.hedge_ratio!r}")
    v.positive("pool price", pool.price, 1e4)
    impact = v.positive("pool marginal impact", amm.marginal_impact(pool, "buy"), 1e4)
    return support.replace(s0=pool.price, impact=impact)


@dataclass(frozen=True)
class RescueRun(Result):
    """What :func:`simulate` returns: the pool, and the defence's run in it."""

    pool: amm.Pool
    run: ps.SupportRun

    @property
    def n_paths(self) -> int:
        return self.run.n_paths

    @property
    def budget(self) -> float:
        """K, the defence's budget [million USD]."""
        return self.run.params.budget

    def recovery(self) -> np.ndarray:
        """F_T / F_0, how far the token's fair value ended from where it started, per path."""
        return self.run.fair_value[:, -1] / self.run.fair_value[:, 0]

    def stock(self) -> np.ndarray:
        """I_T, tokens bought to hold the floor, per path [million tokens]."""
        return self.run.support_bought.sum(axis=1)

    def pnl(self) -> np.ndarray:
        """The defence's profit marked at the final market price, per path [million USD]."""
        return self.run.mark_to_market()

    def exit_pool(self) -> amm.PoolState:
        """The thin market at the end, one pool per path: the starting pool's liquidity
        sqrt(k) quoting the final fair value."""
        root_k = math.sqrt(self.pool.reserve_token * self.pool.reserve_cash)
        f = self.run.fair_value[:, -1]
        x, y = root_k / np.sqrt(f), root_k * np.sqrt(f)
        return amm.PoolState(x, y, np.full(f.shape, root_k), self.pool.fee)

    def exit_value(self) -> np.ndarray:
        """The defence's profit if it sells its whole stock into :meth:`exit_pool` at the
        end, per path [million USD]."""
        sale = amm.swap(self.exit_pool(), self.stock(), "token")
        return self.run.cash[:, -1] - sale.cash_in

    def payoff(self) -> pd.DataFrame:
        """One row per path: recovery, stock, budget spent, and profit at market and on exit."""
        frame = pd.DataFrame({
            "recovery [F_T / F_0]": self.recovery(),
            "tokens held [million]": self.stock(),
            "budget spent [million USD]": self.run.budget_used(),
            "profit at market [million USD]": self.pnl(),
            "profit on exit [million USD]": self.exit_value(),
        })
        frame.index.name = "path"
        return frame

    def by_outcome(self) -> pd.DataFrame:
        """The paths on which the floor was defended, split by whether the token ended above
        where it started: their share of those paths and their mean stock and profits."""
        needed = self.stock() > 0
        recovered = self.recovery() >= 1.0
        frame = self.payoff()
        rows = {}
        for name, mask in (("recovered", needed & recovered), ("did not recover",
                                                              needed & ~recovered),
                           ("all defended", needed)):
            part = frame[mask]
            rows[name] = {
                "share of defended paths": mask.sum() / max(needed.sum(), 1),
                "tokens held [million]": part["tokens held [million]"].mean(),
                "profit at market [million USD]": part["profit at market [million USD]"].mean(),
                "profit on exit [million USD]": part["profit on exit [million USD]"].mean(),
            }
        return pd.DataFrame(rows).T

    def win_share(self) -> float:
        """The share of defended paths that end in profit (marked at market)."""
        needed = self.stock() > 0
        return float(np.mean(self.pnl()[needed] > 0)) if needed.any() else math.nan


def simulate(support: ps.PriceSupport, pool: amm.Pool, rng: np.random.Generator,
             n_paths: int = 1) -> RescueRun:
    """Defend ``support``'s floor in ``pool``: :func:`defence`, then
    :func:`toymarkets.models.pricesupport.simulate` (its draws, in its order)."""
    params = defence(support, pool)
    return RescueRun(pool, ps.simulate(params, rng, n_paths))
