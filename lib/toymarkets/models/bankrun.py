r"""A run on an exchange (Step 15): thresholds, a falling token, and reserves that run out.

**Depositors with thresholds** (:cite:t:`granovetter1978threshold`). Depositor
:math:`i` holds :math:`d_i` on the exchange and withdraws once the *alarm* she sees
reaches her threshold :math:`\theta_i`. The alarm mixes what others do and what the
house token does,

.. math::  a = r + w\, \Delta, \qquad r = \frac{\text{deposits withdrawn or asked for}}
                                               {\text{all deposits}}, \quad
           \Delta = 1 - \frac{P}{P_0} ,

with a weight :math:`w \ge 0` on the token's fall from its price :math:`P_0` before the
run. For a fixed fall :math:`\Delta`, the share that ends up withdrawing is the least
solution of

.. math::  r = G(r + w\Delta), \qquad G(a) = \frac{\sum_i d_i\,[\theta_i \le a]}{\sum_i d_i} ,

reached by iterating from :math:`r = 0` (each round, those whose threshold the last
round's alarm reached join in): :func:`threshold_outcome`, with :math:`G` itself
:func:`withdrawing_share`. Because :math:`G` is
increasing, the iteration rises to the *least* fixed point, and a small change in the
thresholds can move it from a trickle to everyone: a cascade.

**The run, day by day** (:func:`simulate`). A large holder announces a sale of the
house token and sells :math:`S` tokens a day into a market with impact law
:math:`\mathcal{L}` (:mod:`toymarkets.core.impact`); the firm may defend the price,
buying back what is sold while its defence budget lasts (spent from the same liquid
reserves that pay withdrawals). Each day the alarm is computed from the run so far
and the day's price; every depositor whose threshold it reaches asks for her deposit;
requests join a queue in a random order drawn up front, and are paid from liquid
reserves **in order** (sequential service, :cite:t:`diamond1983bank`): each request in
full while reserves last, the one that exhausts them in part, the rest not at all.
When cash runs short the firm sells its own holding of the house token into the same
market to pay, which pushes the price down and the alarm up: withdrawals feed on the
falling price and on each other. When cash and tokens are gone, withdrawals stop,
and what is still asked for is the *shortfall*. Reserves never go below zero and
nothing is paid that was not asked for.

**Why waiting does not pay once the run starts** (:func:`diamond_dybvig_payoff`). In
:cite:t:`diamond1983bank` a bank pays :math:`r_1` to each early withdrawer and
invests the rest at a return :math:`R`; if a fraction :math:`f` withdraws early, a
depositor who waits gets :math:`R\,(1 - f r_1)/(1 - f)` while :math:`f r_1 < 1`, and
nothing after. Once enough others run that this falls below :math:`r_1`, running is
each depositor's best reply: the run equilibrium.

Units: money in millions of USD, tokens in millions, prices in USD, time in days.

References: :cite:t:`diamond1983bank`; :cite:t:`granovetter1978threshold`;
:cite:t:`morris1998unique`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core import solvers
from ..core.impact import ImpactLaw, SquareRoot
from ..core.results import Result, SolverResult

__all__ = ["Run", "RunResult", "Threshold", "simulate", "threshold_outcome",
           "withdrawing_share", "diamond_dybvig_payoff", "run_threshold", "pay_in_order",
           "EMPTY"]


@dataclass(frozen=True)
class Run(v.Parameters):
    """Parameters of the run; every field is checked on construction.

    The defaults are an *illustrative* calibration to November 2022 (sources.md rows
    3–5): a house token near 25 USD, a holder selling about 23 million tokens over a
    few days, and customers asking for billions within three days against normal days
    of tens of millions. Deposits, reserves and thresholds are assumptions.
    """

    n_depositors: int = 20_000          #: depositors, in [1, 10_000_000]
    deposits: float = 10_000.0          #: all deposits [million USD], > 0
    deposit_spread: float = 1.5         #: sigma of log deposit sizes (lognormal), in [0, 4]
    threshold_mean: float = 0.25        #: mean alarm at which a depositor runs, in [0, 2]
    threshold_sd: float = 0.12          #: spread of thresholds, in [0, 2]
    price_weight: float = 0.5           #: w, alarm per unit fall of the token, in [0, 5]
    reserves: float = 2_500.0           #: liquid reserves [million USD], >= 0
    defence_budget: float = 0.0         #: part of reserves spent buying the token, >= 0
    token_holdings: float = 0.0         #: house tokens the firm can sell to pay [million]
    price: float = 25.0                 #: P0, the house token's price before the run [USD]
    market: ImpactLaw = field(default_factory=lambda: SquareRoot(0.05, 5.0))  #: sale impact
    sale: float = 23.0                  #: tokens the large holder sells [million], >= 0
    sale_days: int = 3                  #: days over which it sells, in [1, 365]
    n_days: int = 7                     #: days simulated, in [1, 365]

    def __post_init__(self):
        v.count("n_depositors", self.n_depositors, 1, 10_000_000)
        v.positive("deposits", self.deposits, 1e9)
        v.non_negative("deposit_spread", self.deposit_spread, 4.0)
        v.in_range("threshold_mean", self.threshold_mean, 0.0, 2.0)
        v.non_negative("threshold_sd", self.threshold_sd, 2.0)
        v.non_negative("price_weight", self.price_weight, 5.0)
        v.non_negative("reserves", self.reserves, 1e9)
        v.in_range("defence_budget", self.defence_budget, 0.0, self.reserves)
        v.non_negative("token_holdings", self.token_holdings, 1e9)
        v.positive("price", self.price, 1e6)
        v.instance("market", self.market, ImpactLaw)
        v.non_negative("sale", self.sale, 1e9)
        v.count("sale_days", self.sale_days, 1, 365)
        v.count("n_days", self.n_days, 1, 365)


#: Reserves at or below this [million USD], one dollar, count as run out.
EMPTY = 1e-6


@dataclass(frozen=True)
class Threshold(SolverResult):
    """What :func:`threshold_outcome` returns: the least fixed point and how it was reached."""

    share: float                #: r*, the share of deposits that ends up withdrawn
    rounds: np.ndarray          #: r after each round of the cascade, from 0
    iterations: int
    converged: bool


@dataclass(frozen=True)
class RunResult(Result):
    """What :func:`simulate` returns: the depositors, and the run day by day.

    Per depositor (arrays of ``n_depositors``): ``deposit``, ``threshold``,
    ``queue`` (her place in the order of service, 0 first), ``asked_day`` (the day she
    asked, -1 if never) and ``paid``. Per day (arrays of ``n_days + 1``, day 0 the
    start): ``price``, ``reserves`` (liquid reserves left at the end of the day),
    ``asked`` and ``paid_out`` (cumulative), ``defence`` (cumulative spent buying the
    token), ``tokens_sold`` and ``token_proceeds`` (cumulative: what the firm sold of
    its own tokens to pay, and the cash it raised) and ``alarm``.
    """

    params: Run
    deposit: np.ndarray
    threshold: np.ndarray
    queue: np.ndarray
    asked_day: np.ndarray
    paid: np.ndarray
    price: np.ndarray
    reserves: np.ndarray
    asked: np.ndarray
    paid_out: np.ndarray
    defence: np.ndarray
    tokens_sold: np.ndarray
    token_proceeds: np.ndarray
    alarm: np.ndarray

    @property
    def shortfall(self) -> float:
        """Deposits asked for and not paid at the end [million USD]; a difference of a
        dollar or less (a rounding remainder of the two sums) counts as none."""
        gap = float(self.asked[-1] - self.paid_out[-1])
        return gap if gap > EMPTY else 0.0

    @property
    def halted_day(self) -> float:
        """The first day reserves ran out (NaN if they never did): below one dollar, so that
        a remainder of rounding (``1e-12``) counts as out."""
        out = np.flatnonzero(self.reserves[1:] <= EMPTY)
        return float(out[0] + 1) if out.size else math.nan

    @property
    def share_asked(self) -> float:
        """The share of all deposits asked for by the end."""
        return float(self.asked[-1] / self.deposit.sum())

    def days(self) -> pd.DataFrame:
        """One row per day: price, alarm, asked, paid, reserves left, defence spent."""
        frame = pd.DataFrame({
            "price [USD]": self.price, "alarm": self.alarm,
            "asked, cumulative [m USD]": self.asked, "paid, cumulative [m USD]": self.paid_out,
            "reserves left [m USD]": self.reserves, "defence spent [m USD]": self.defence,
            "tokens sold by the firm [m]": self.tokens_sold})
        frame.index.name = "day"
        return frame


def _share_by_alarm(deposit: np.ndarray, threshold: np.ndarray):
    """G(a): the deposit-weighted share of depositors whose threshold is <= a."""
    order = np.argsort(threshold, kind="stable")
    sorted_thresholds = threshold[order]
    cumulative = np.cumsum(deposit[order])
    cumulative = cumulative / cumulative[-1]

    def share(alarm: float) -> float:
        k = np.searchsorted(sorted_thresholds, alarm, side="right")
        return float(cumulative[k - 1]) if k > 0 else 0.0

    return share


def _depositors(deposit, threshold) -> tuple[np.ndarray, np.ndarray]:
    deposit = np.asarray(deposit, dtype=float)
    threshold = np.asarray(threshold, dtype=float)
    if deposit.ndim != 1 or deposit.shape != threshold.shape or deposit.size == 0:
        raise ValueError("deposit and threshold must be 1-d arrays of the same, non-zero "
                         f"length, got shapes {deposit.shape} and {threshold.shape}")
    if not np.all(np.isfinite(deposit)) or np.any(deposit <= 0):
        raise ValueError("deposit must hold finite numbers in (0, inf)")
    if not np.all(np.isfinite(threshold)):
        raise ValueError("threshold must hold finite numbers")
    return deposit, threshold


def withdrawing_share(deposit, threshold, alarm):
    r""":math:`G(a)`, the deposit-weighted share of depositors whose threshold is at most the
    alarm ``alarm`` (a number or an array of them, finite): the curve the cascade climbs.

    ``deposit`` (> 0) and ``threshold`` are arrays of one entry per depositor.
    """
    deposit, threshold = _depositors(deposit, threshold)
    a = np.asarray(alarm, dtype=float)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"alarm must be finite, got {alarm!r}")
    order = np.argsort(threshold, kind="stable")
    cumulative = np.cumsum(deposit[order])
    cumulative = np.concatenate([[0.0], cumulative / cumulative[-1]])
    out = cumulative[np.searchsorted(threshold[order], a, side="right")]
    return float(out) if out.ndim == 0 else out


def threshold_outcome(deposit, threshold, fall: float = 0.0, price_weight: float = 0.5,
                      max_iter: int = 100_000) -> Threshold:
    r"""The least share :math:`r^*` with :math:`r = G(r + w \Delta)`, by the cascade from 0.

    ``deposit`` (> 0) and ``threshold`` are arrays of one entry per depositor; ``fall``
    is :math:`\Delta` in [0, 1], the token's fall; ``price_weight`` is :math:`w`.
    """
    deposit, threshold = _depositors(deposit, threshold)
    fall = v.probability("fall", fall)
    w = v.non_negative("price_weight", price_weight, 5.0)
    share = _share_by_alarm(deposit, threshold)
    rounds = [0.0]
    for n in range(1, v.count("max_iter", max_iter, 1) + 1):
        rounds.append(share(rounds[-1] + w * fall))
        if rounds[-1] == rounds[-2]:
            return Threshold(rounds[-1], np.array(rounds), n, True)
    raise solvers.ConvergenceError(f"the cascade did not stop within max_iter={max_iter} rounds")


def pay_in_order(requests: np.ndarray, reserves: float) -> np.ndarray:
    """Pay ``requests`` (in order of service) from ``reserves``: in full while they last,
    the one that exhausts them in part, the rest nothing. Returns what each is paid."""
    requests = v.non_negative_array("requests", requests)
    if requests.ndim != 1:
        raise ValueError(f"requests must be a 1-d array of amounts, got shape {requests.shape}")
    reserves = v.non_negative("reserves", reserves)
    before = np.concatenate([[0.0], np.cumsum(requests)[:-1]])
    return np.clip(reserves - before, 0.0, requests)


def run_threshold(r1: float, R: float) -> float:
    r"""The early share above which waiting pays less than running in Diamond–Dybvig:
    :math:`\hat f = (R - r_1) / (r_1 (R - 1))` (the book's rearrangement of
    :func:`diamond_dybvig_payoff` :math:`< r_1`), for :math:`1 \le r_1 < R`."""
    R = v.in_range("R", R, 1.0, 100.0, lo_open=True)
    r1 = v.in_range("r1", r1, 1.0, R, hi_open=True)
    return (R - r1) / (r1 * (R - 1.0))


def diamond_dybvig_payoff(r1: float, R: float, f: float) -> float:
    r"""What a depositor who waits gets when a share ``f`` withdraws early at ``r1``.

    :math:`R (1 - f r_1) / (1 - f)` while :math:`f r_1 < 1`, else 0 (``f`` in [0, 1),
    ``r1`` >= 1, ``R`` > 1): :cite:t:`diamond1983bank`.
    """
    r1 = v.in_range("r1", r1, 1.0, 100.0)
    R = v.in_range("R", R, 1.0, 100.0, lo_open=True)
    f = v.in_range("f", f, 0.0, 1.0, hi_open=True)
    return max(0.0, R * (1.0 - f * r1) / (1.0 - f))


def _tokens_to_raise(law: ImpactLaw, p0: float, sold: float, tokens: float,
                     need: float) -> float:
    """The tokens to sell, after ``sold`` already sold, to raise ``need`` (at most ``tokens``)."""
    base = float(law.proceeds(sold, p0))
    return solvers.bisect(lambda q: float(law.proceeds(sold + q, p0)) - base - need,
                          0.0, tokens, tol=1e-12).hi


def simulate(params: Run, rng: np.random.Generator) -> RunResult:
    """Simulate the run day by day (module docstring), vectorised over depositors.

    Random numbers are drawn up front, in this order: deposit sizes (lognormal),
    thresholds (normal), the order of service (a permutation); so two runs from one
    seed share their depositors and differ only where the parameters make them.
    """
    p = v.instance("params", params, Run)
    rng = v.generator(rng)
    n = p.n_depositors
    sizes = np.exp(p.deposit_spread * rng.standard_normal(n))
    deposit = p.deposits * sizes / sizes.sum()
    threshold = p.threshold_mean + p.threshold_sd * rng.standard_normal(n)
    queue = np.empty(n, dtype=np.int64)
    queue[rng.permutation(n)] = np.arange(n)

    total = deposit.sum()
    days = p.n_days
    law, p0 = p.market, p.price
    price, reserves, asked, paid_out, defence, tokens_sold, raised, alarm = (
        np.zeros(days + 1) for _ in range(8))
    price[0], reserves[0] = p0, p.reserves
    asked_day = np.full(n, -1, dtype=np.int64)
    paid = np.zeros(n)
    by_queue = np.argsort(queue)
    sold = 0.0                      # net tokens sold into the market since the start
    left, budget, tokens = float(p.reserves), float(p.defence_budget), float(p.token_holdings)
    for day in range(1, days + 1):
        # 1. the holder sells; the firm buys the day's sale back while its budget lasts
        selling = p.sale / p.sale_days if day <= p.sale_days else 0.0
        cost = float(law.cost(sold + selling, p0) - law.cost(sold, p0)) if selling else 0.0
        spend = min(cost, budget, left)
        bought = selling * (spend / cost) if cost > 0 else 0.0
        budget, left = budget - spend, left - spend
        sold += selling - bought
        # 2. depositors whose threshold the alarm reaches ask for their deposits
        fall = 1.0 - float(law.marginal(sold, p0, "sell")) / p0
        alarm[day] = asked[day - 1] / total + p.price_weight * fall
        new = (asked_day < 0) & (threshold <= alarm[day])
        asked_day[new] = day
        asked[day] = asked[day - 1] + deposit[new].sum()
        # 3. pay in the order of the queue: cash first, then the firm's tokens, sold
        waiting = by_queue[asked_day[by_queue] >= 0]
        owed = deposit[waiting] - paid[waiting]
        short = float(owed.sum()) - left
        if short > 0 and tokens > 0:
            base = float(law.proceeds(sold, p0))
            most = float(law.proceeds(sold + tokens, p0)) - base
            if most <= short:
                sell = tokens
            else:
                sell = _tokens_to_raise(law, p0, sold, tokens, short)
            cash = float(law.proceeds(sold + sell, p0)) - base
            left += cash
            raised[day] = cash
            tokens -= sell
            sold += sell
        pay = pay_in_order(owed, left)
        paid[waiting] += pay
        left = max(0.0, left - float(pay.sum()))
        price[day] = float(law.marginal(sold, p0, "sell"))
        reserves[day], paid_out[day] = left, paid.sum()
        defence[day] = p.defence_budget - budget
        tokens_sold[day] = p.token_holdings - tokens
    return RunResult(p, deposit, threshold, queue, asked_day, paid, price, reserves, asked,
                     paid_out, defence, tokens_sold, np.cumsum(raised), alarm)
