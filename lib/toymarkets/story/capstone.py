r"""The capstone: the exchange and its trading firm through the whole story, one switch a decision.

One market path, fourteen quarters (2019Q3 to 2022Q4), two members of one group: an
exchange that holds its customers' deposits, and a trading firm that makes markets on
it. Every decision the essay describes is a **switch** (:data:`SWITCHES`); with every
switch off the firm is the hedged market maker of Step 1, and with every switch on it
is the firm that failed. The outcome a reader takes away is the **customer shortfall**
at the end: what the exchange owes its customers beyond what it can pay them.

Each mechanism comes from the model of its chapter, through that model's public
functions; this module only wires them together.

**The market** (:func:`market_path`). An index :math:`M_t` (:math:`M_0 = 1`) with
quarterly log-returns :math:`g_t + \sigma\varepsilon_t - \sigma^2/2`, drift ``boom`` up
to the peak (2021Q4) and ``bust`` after it, and the LUNA crash (Step 10) as an extra
fall ``shock`` in 2022Q2. The same seeded draws serve every scenario.

**The exchange.** Deposits grow with the business to the peak and then stay,
:math:`D_t = D_0 e^{g \min(t, t_{\text{peak}})}` (dollars; customers are paid in
dollars). The exchange keeps them as cash, :math:`L_t`, unless it lends them to the
firm. Its own profits are spent, not kept (an assumption that leaves customers only
their deposits).

**The firm, every quarter** (:func:`simulate`; in order):

1. *Prices.* Tokens move with the market: the firm's long position :math:`X` by
   :math:`M_t/M_{t-1}`, its farm tokens :math:`F` by that ratio to the power
   ``farm_beta``; venture stakes keep their cost as their mark (marks of private
   stakes are sticky) while their fair value moves with the market. The house token
   trades at :math:`H_t = H^0_t (1 + b_t/\delta)`: its price without support,
   :math:`H^0_t = h_0 M_t^{\beta_h}`, lifted by the permanent impact of the
   :math:`b_t` tokens bought to support it, a linear book
   (:class:`~toymarkets.core.impact.LinearBook`) in which :math:`\delta` tokens double
   the price (Step 3's linear impact, Step 14's linear loop).
2. *Income.* Market making (always): a share of the exchange's volume,
   :math:`s\,\tau D_t`, at the net margin per dollar traded of Step 1's model,
   :math:`\mu = 2p(\delta)q(\delta + rS_0)/(2p(\delta)qS_0) - c_h`
   (:func:`~toymarkets.models.marketmaking.expected_book_income`). Taking the
   exchange's liquidations (**take_liquidations**, Steps 2 and 11): the mean P&L of a
   backstop per dollar of open interest, from Step 11's cascade
   (:func:`~toymarkets.models.liquidation.simulate`), once a quarter at a crash of
   ``calm_crash`` and in 2022Q2 at the LUNA crash. Farming (**farm**, Steps 4 to 6): the
   yield of the symmetric equilibrium among :math:`n_t` farmers,
   :math:`y = n r/(n-1)` (:func:`~toymarkets.models.farming.equilibrium_yield`), which
   falls to the cost of capital :math:`r` as farmers arrive. Interest :math:`r` on all
   debt: paid to outside lenders, and added to what the firm owes the exchange.
3. *Decisions* (each only if its switch is on). **back_token** (Steps 3, 14, 15): hold
   the launch allocation of house tokens, and each quarter before the run buy what
   keeps the price from falling below the last quarter's, spending at most
   ``support_budget``. **farm**: bring the farm
   to ``farm_share`` of deposits in the farming seasons. **venture** (Step 8): buy
   stakes for ``venture_per_quarter`` in 2021. **directional** (Steps 7 and 9): hold the
   market long, ``leverage`` times the firm's equity at mark (so that marks fuel bets),
   instead of staying hedged. **bail_out** (Step 12):
   lend ``rescue`` to failing crypto lenders in 2022Q2.
4. *Funding.* Lenders lend against collateral at its mark, up to the borrowing
   multiple :math:`m = \ell(1-h)` of Step 14
   (:func:`~toymarkets.models.collateral.borrowing_multiple`) times the eligible
   collateral at last quarter's marks (lines are reviewed once a quarter): the long
   position and the farm tokens,
   and the house tokens only if **house_collateral** (Steps 6 and 14) is on. Outside lenders
   lend first, up to ``outside_limit``, and call what exceeds :math:`m` times the
   collateral (as Genesis recalled loans in June 2022). The exchange lends its
   customers' cash (**lend_deposits**, Steps 6 and 13) within the same collateral rule; it
   never calls, and it pays whatever the firm must pay (its bills, and outside
   lenders' calls) without asking for collateral (the firm could run a negative
   balance and was exempt from liquidation: sources.md rows 8 and 9). What the firm
   must pay comes first; a decision it cannot fund is scaled down, all decisions in
   proportion; a payment it cannot make is owed.

**The end** (2022Q4, Steps 15 to 17). The run takes the house token down by
``run_fall`` (no support holds it), every customer asks for everything, and the firm
is wound up: each holding fetches its liquidation value (the house tokens and farm
tokens sold at once under the square-root law of Step 7,
:class:`~toymarkets.core.impact.SquareRoot`; the venture stakes their fair value less
Step 8's at-the-money put over the lock-up, :func:`~toymarkets.models.venture.put_discount`;
the rescue loans the payment ratio of the rescued lenders in Step 12's clearing
network at the LUNA shock, :func:`~toymarkets.models.clearing.lenders_2022`). The estate
pays its lenders, the exchange among them, pro rata in one class
(:func:`~toymarkets.models.waterfall.class_payments`). The customers get the exchange's
cash and what the firm pays it back:

.. math::  \text{shortfall} = \max\bigl(0,\ D_T - L_T - \pi B_T\bigr),

with :math:`B_T` the firm's debt to the exchange and :math:`\pi` the estate's payout
ratio. Because the exchange's cash and its loan to the firm add up to the deposits
plus the interest it received, **with lend_deposits off the shortfall is zero on every
path**: customers can lose only what was lent (a property the tests check).

**Which decision mattered most?** With :math:`v(S)` the shortfall when the switches in
:math:`S` are on and the others off, the Shapley value (:cite:t:`shapley1953value`) of
switch :math:`i` is its marginal effect averaged over all orders in which the switches
could be turned on,

.. math::  \phi_i = \sum_{S \not\ni i} \frac{|S|!\,(k-|S|-1)!}{k!}
           \bigl(v(S \cup \{i\}) - v(S)\bigr),

computed over all :math:`2^k` combinations at once (:func:`shapley`). The values add
up to :math:`v(\text{all}) - v(\varnothing)` (efficiency), a switch that never changes
the outcome gets zero, and two switches that play the same role get the same value.

**What is calibrated and what is assumed.** Loosely calibrated to documented figures:
deposits of the order of USD 15 bn at the peak and a hole of the order of USD 8 bn
(sources.md rows 11 to 13), venture purchases of about USD 5 bn (row 19), a rescue
of the order of the BlockFi lines (row 17), the run's fall of the house token (row 4).
Everything else (the market's drift and volatility, volumes, margins, depths,
multiples) is an assumption of the book, chosen to be plausible, not fitted. Money in
USD billion, tokens in billions, time in quarters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.balancesheet import BalanceSheet, Position
from ..core.impact import LinearBook, SquareRoot
from ..core.results import Result
from ..models import clearing, collateral, farming, liquidation, venture, waterfall
from ..models import marketmaking as mm
from ..models.impact import FixedRecovery

__all__ = ["SWITCHES", "LABELS", "STEPS", "QUARTERS", "PEAK", "LUNA", "Story", "Links",
           "CapstoneRun", "FLOWS", "links", "market_path", "simulate", "shapley", "mask_of",
           "switches_of"]

#: The decisions, in the order of the story; bit i of a scenario's mask is switch i.
SWITCHES = ("take_liquidations", "back_token", "farm", "directional", "venture", "bail_out",
            "lend_deposits", "house_collateral")
#: Each switch in words.
LABELS = {
    "take_liquidations": "take the exchange's liquidations",
    "back_token": "hold and back the house token",
    "farm": "farm with borrowed money",
    "directional": "drop the hedge and hold the market",
    "venture": "buy venture stakes with borrowed money",
    "bail_out": "lend to failing lenders",
    "lend_deposits": "lend customers' deposits to the firm",
    "house_collateral": "take the house token as collateral",
}
#: The essay's steps behind each switch.
STEPS = {"take_liquidations": (2, 11), "back_token": (3, 14, 15), "farm": (4, 5, 6),
         "directional": (7, 9), "venture": (8,), "bail_out": (12,), "lend_deposits": (6, 13),
         "house_collateral": (6, 14)}
#: The quarters, from the exchange's launch to the bankruptcy; index t = 1..14 (t = 0 is
#: the start).
QUARTERS = tuple(f"{y}Q{q}" for y in (2019, 2020, 2021, 2022) for q in (1, 2, 3, 4))[2:]
T = len(QUARTERS)
PEAK = QUARTERS.index("2021Q4") + 1         #: t of the market's peak
LUNA = QUARTERS.index("2022Q2") + 1         #: t of the LUNA crash
FARMING = (QUARTERS.index("2020Q3") + 1, PEAK)      #: first and last t of the farming seasons
VENTURE = (QUARTERS.index("2021Q1") + 1, PEAK)      #: first and last t of venture buying
K = len(SWITCHES)


@dataclass(frozen=True)
class Story(v.Parameters):
    """The story's parameters (module docstring). Money in USD bn, tokens in bn."""

    # the market
    boom: float = 0.20              #: quarterly log-drift to the peak, [-0.5, 0.5]
    bust: float = -0.10             #: quarterly log-drift after the peak, [-0.5, 0.5]
    volatility: float = 0.10        #: quarterly log-volatility of the market, [0, 0.6]
    shock: float = 0.5              #: the LUNA crash: extra fall in 2022Q2, [0, 0.9]
    run_fall: float = 0.9           #: the house token's fall in the run, [0, 0.99]
    # the exchange
    deposits0: float = 0.5          #: customers' deposits at the start [USD bn], (0, 10]
    deposit_growth: float = 0.34    #: quarterly log-growth of deposits to the peak, [0, 1]
    turnover: float = 60.0          #: quarterly volume per dollar of deposits, (0, 1000]
    open_interest: float = 0.5      #: open interest per dollar of deposits, [0, 10]
    # the firm
    capital: float = 0.1            #: the firm's own capital at the start [USD bn], (0, 10]
    mm_share: float = 0.1           #: the firm's share of the exchange's volume, [0, 1]
    rate: float = 0.02              #: interest per quarter on all borrowing, [0, 0.2]
    calm_crash: float = 0.2         #: the crash a quarter brings before LUNA, [0, 0.9]
    # the house token
    house_tokens: float = 0.25      #: the launch allocation [bn tokens], (0, 1]
    house_price: float = 2.0        #: its price at the start [USD], (0, 100]
    house_beta: float = 1.5         #: its price's elasticity to the market, [0, 3]
    house_depth: float = 0.3        #: bn tokens whose purchase doubles the price, (0, 10]
    support_budget: float = 1.0     #: the most spent on support in a quarter [USD bn], [0, 10]
    house_volume: float = 0.005     #: daily volume [bn tokens], (0, 1]
    house_volatility: float = 0.08  #: daily volatility in the run, (0, 1]
    # farming
    farm_share: float = 0.15        #: the farm as a share of deposits, [0, 1]
    farm_beta: float = 2.0          #: farm tokens' elasticity to the market, [0, 4]
    farmers0: int = 2               #: farmers when the seasons open, 2 to 100
    farmer_entry: int = 4           #: farmers arriving per quarter, 0 to 100
    farm_volume: float = 0.03       #: daily volume of the farm tokens [USD bn], (0, 10]
    farm_volatility: float = 0.10   #: their daily volatility, (0, 1]
    # directional bets, venture stakes, rescues
    leverage: float = 1.0           #: the long position per dollar of trading capital, [0, 10]
    venture_per_quarter: float = 1.25   #: stakes bought each quarter of 2021 [USD bn], [0, 5]
    venture_volatility: float = 0.8     #: yearly volatility of the stakes, (0, 3]
    lockup: float = 2.0             #: years left on the stakes' lock-ups at the end, [0, 10]
    rescue: float = 0.65            #: lent to failing lenders in 2022Q2 [USD bn], [0, 5]
    # lending
    loan_to_value: float = 0.9      #: lenders' loan-to-value, (0, 1]
    haircut: float = 0.1            #: lenders' haircut on collateral, [0, 1)
    outside_limit: float = 3.0      #: the most outside lenders lend [USD bn], [0, 100]

    def __post_init__(self):
        r = v.in_range
        r("boom", self.boom, -0.5, 0.5)
        r("bust", self.bust, -0.5, 0.5)
        r("volatility", self.volatility, 0.0, 0.6)
        r("shock", self.shock, 0.0, 0.9)
        r("run_fall", self.run_fall, 0.0, 0.99)
        v.positive("deposits0", self.deposits0, 10.0)
        r("deposit_growth", self.deposit_growth, 0.0, 1.0)
        v.positive("turnover", self.turnover, 1000.0)
        r("open_interest", self.open_interest, 0.0, 10.0)
        v.positive("capital", self.capital, 10.0)
        v.probability("mm_share", self.mm_share)
        r("rate", self.rate, 0.0, 0.2)
        r("calm_crash", self.calm_crash, 0.0, 0.9)
        v.positive("house_tokens", self.house_tokens, 1.0)
        v.positive("house_price", self.house_price, 100.0)
        r("house_beta", self.house_beta, 0.0, 3.0)
        v.positive("house_depth", self.house_depth, 10.0)
        r("support_budget", self.support_budget, 0.0, 10.0)
        v.positive("house_volume", self.house_volume, 1.0)
        v.positive("house_volatility", self.house_volatility, 1.0)
        v.probability("farm_share", self.farm_share)
        r("farm_beta", self.farm_beta, 0.0, 4.0)
        v.count("farmers0", self.farmers0, 2, 100)
        v.count("farmer_entry", self.farmer_entry, 0, 100)
        v.positive("farm_volume", self.farm_volume, 10.0)
        v.positive("farm_volatility", self.farm_volatility, 1.0)
        r("leverage", self.leverage, 0.0, 10.0)
        r("venture_per_quarter", self.venture_per_quarter, 0.0, 5.0)
        v.positive("venture_volatility", self.venture_volatility, 3.0)
        r("lockup", self.lockup, 0.0, 10.0)
        r("rescue", self.rescue, 0.0, 5.0)
        r("loan_to_value", self.loan_to_value, 0.0, 1.0, lo_open=True)
        r("haircut", self.haircut, 0.0, 1.0, hi_open=True)
        r("outside_limit", self.outside_limit, 0.0, 100.0)


@dataclass(frozen=True)
class Links(Result):
    """What the chapters' models contribute to the story, each a number (:func:`links`)."""

    mm_margin: float        #: Step 1: net income per dollar traded
    backstop_calm: float    #: Step 11: a backstop's P&L per dollar of open interest, calm crash
    backstop_luna: float    #: Step 11: the same at the LUNA crash
    multiple: float         #: Step 14: what can be borrowed per dollar of collateral at mark
    venture_recovery: float     #: Step 8: a stake's sale now, per dollar of fair value
    rescue_recovery: float      #: Step 12: the rescued lenders' payment ratio at the shock
    house_market: SquareRoot    #: Step 7: the market the house tokens are sold into
    farm_market: SquareRoot     #: Step 7: the market the farm tokens are sold into


@lru_cache(maxsize=64)
def _backstop(crash: float) -> float:
    p = liquidation.Perpetual()
    run = liquidation.simulate(p, np.random.default_rng(11), n_paths=400, crashes=[crash])
    return float(run.pnl["backstop"].mean()) / (p.open_interest * p.price)


@lru_cache(maxsize=64)
def _rescue_recovery(shock: float) -> float:
    network = clearing.lenders_2022(shock)
    paid = clearing.solve(network).payments
    owed = network.liabilities.matrix.sum(axis=1)
    rescued = [network.index(name) for name in ("Voyager", "BlockFi")]
    return float(np.mean(paid[rescued] / owed[rescued]))


def links(story: Story) -> Links:
    """The numbers each chapter's model gives the story (module docstring)."""
    s = v.instance("story", story, Story)
    maker = mm.MarketMaker()
    fill = mm.fill_probability(maker.half_spread, maker.fill_prob_at_mid, maker.fill_decay)
    margin = (mm.expected_book_income(maker) / (2.0 * fill * maker.clip * maker.s0)
              - maker.hedge_cost * maker.hedge_ratio)
    return Links(
        mm_margin=margin,
        backstop_calm=_backstop(s.calm_crash),
        backstop_luna=_backstop(s.shock),
        multiple=collateral.borrowing_multiple(s.loan_to_value, s.haircut),
        venture_recovery=1.0 - venture.put_discount(s.venture_volatility, s.lockup),
        rescue_recovery=_rescue_recovery(s.shock),
        house_market=SquareRoot(s.house_volatility, s.house_volume),
        farm_market=SquareRoot(s.farm_volatility, s.farm_volume),
    )


def market_path(story: Story, rng: np.random.Generator) -> np.ndarray:
    """The market index :math:`M_0, \\dots, M_T` (module docstring): ``T + 1`` values."""
    s = v.instance("story", story, Story)
    v.generator(rng)
    eps = rng.standard_normal(T)
    t = np.arange(1, T + 1)
    drift = np.where(t <= PEAK, s.boom, s.bust)
    log_m = np.cumsum(drift + s.volatility * eps - 0.5 * s.volatility ** 2)
    log_m[LUNA - 1:] += math.log1p(-s.shock)
    return np.concatenate([[1.0], np.exp(log_m)])


def mask_of(switches) -> int:
    """The mask of a set of switch names (bit i for :data:`SWITCHES` [i])."""
    names = list(switches)
    for name in names:
        v.choice("switches", name, SWITCHES)
    return sum(1 << SWITCHES.index(name) for name in set(names))


def switches_of(mask: int) -> tuple[str, ...]:
    """The switch names that are on in ``mask`` (0 to 2^k - 1)."""
    mask = v.count("mask", mask, 0, 2 ** K - 1)
    return tuple(name for i, name in enumerate(SWITCHES) if mask >> i & 1)


def shapley(outcomes) -> np.ndarray:
    r"""Shapley values of the :math:`k` players of a game given on all :math:`2^k` coalitions.

    ``outcomes[m]`` is the game's value :math:`v(S)` for the coalition whose members are
    the set bits of ``m``; the result's entry ``i`` is
    :math:`\sum_{S \not\ni i} |S|!(k-|S|-1)!/k!\,(v(S \cup i) - v(S))`, computed for
    every player at once.
    """
    v_ = np.asarray(outcomes, dtype=float)
    n = v_.size
    k = n.bit_length() - 1
    if v_.ndim != 1 or k < 1 or n != 1 << k:
        raise ValueError(f"outcomes must be a 1-d array of length 2^k (k >= 1), got shape "
                         f"{v_.shape}")
    if not np.all(np.isfinite(v_)):
        raise ValueError("outcomes must be finite")
    masks = np.arange(n)
    bits = (masks[:, None] >> np.arange(k)) & 1                     # (2^k, k)
    size = bits.sum(axis=1)
    fact = np.array([math.factorial(j) for j in range(k + 1)], dtype=float)
    weight = fact[size] * fact[np.maximum(k - size - 1, 0)] / fact[k]    # for S without i
    gain = v_[masks[:, None] | (1 << np.arange(k))] - v_[:, None]         # v(S+i) - v(S)
    return ((bits == 0) * weight[:, None] * gain).sum(axis=0)


@dataclass(frozen=True)
class CapstoneRun(Result):
    """What :func:`simulate` returns: every scenario's path, one row per mask ``0 .. 2^k - 1``.

    Arrays of shape ``(2^k, T + 1)`` hold a quantity at the end of each quarter (column 0
    is the start); the run's end (column T) is valued after the run.
    """

    story: Story
    links: Links
    market: np.ndarray              #: M_t, (T + 1,)
    deposits: np.ndarray            #: D_t [USD bn], (T + 1,)
    house_price: np.ndarray         #: H_t [USD], (2^k, T + 1)
    cash: np.ndarray                #: the firm's cash [USD bn]
    long: np.ndarray                #: X, its long market position [USD bn]
    farm: np.ndarray                #: F, its farm tokens [USD bn]
    house: np.ndarray               #: its house tokens [bn tokens]
    venture_cost: np.ndarray        #: its venture stakes at cost (their mark) [USD bn]
    venture_fair: np.ndarray        #: their fair value [USD bn]
    rescue: np.ndarray              #: its loans to the lenders, at face [USD bn]
    outside_debt: np.ndarray        #: owed to outside lenders (and unpaid bills) [USD bn]
    exchange_debt: np.ndarray       #: B, owed to the exchange [USD bn]
    exchange_cash: np.ndarray       #: L, the exchange's cash [USD bn]
    flows: np.ndarray               #: the group's cash flows with the outside world [USD bn],
    #: (2^k, T + 1, len(FLOWS)), one column per :data:`FLOWS` (column t = 0 is zero)
    estate: np.ndarray              #: the firm's assets at liquidation value at the end, (2^k,)
    payout: np.ndarray              #: the estate's payout ratio to lenders, (2^k,)
    shortfall: np.ndarray           #: the customers' shortfall at the end [USD bn], (2^k,)

    @property
    def all_on(self) -> int:
        return 2 ** K - 1

    def assets_at_mark(self) -> np.ndarray:
        """The firm's assets at their marks, (2^k, T + 1) [USD bn]."""
        return (np.maximum(self.cash, 0.0) + self.long + self.farm
                + self.house * self.house_price + self.venture_cost + self.rescue)

    def assets_if_sold(self) -> np.ndarray:
        """What the firm's assets would fetch if sold at the end of each quarter [USD bn]."""
        ln = self.links
        tokens = self.house
        house = ln.house_market.proceeds(tokens, 1.0) * self.house_price
        farm = ln.farm_market.proceeds(self.farm, 1.0)
        return (np.maximum(self.cash, 0.0) + self.long + farm + house
                + np.minimum(self.venture_cost, self.venture_fair * ln.venture_recovery)
                + self.rescue * ln.rescue_recovery)

    def liabilities(self) -> np.ndarray:
        """The firm's debts, (2^k, T + 1) [USD bn]: outside lenders, unpaid bills, the exchange."""
        return self.outside_debt + np.maximum(-self.cash, 0.0) + self.exchange_debt

    def equity(self, valued: str = "mark") -> np.ndarray:
        """The group's equity, (2^k, T + 1) [USD bn]: the firm's, plus the exchange's
        (its cash and its loan to the firm less the deposits), at mark or ``"if sold"``."""
        v.choice("valued", valued, ("mark", "if sold"))
        assets = self.assets_at_mark() if valued == "mark" else self.assets_if_sold()
        firm = assets - self.liabilities()
        exchange = self.exchange_cash + self.exchange_debt - self.deposits
        return firm + exchange

    def path(self, mask: int) -> pd.DataFrame:
        """One scenario quarter by quarter: prices, holdings, debts and equity [USD bn]."""
        m = v.count("mask", mask, 0, self.all_on)
        frame = pd.DataFrame({
            "market": self.market, "house token price": self.house_price[m],
            "deposits": self.deposits, "exchange cash": self.exchange_cash[m],
            "owed to the exchange": self.exchange_debt[m],
            "owed to outside lenders": self.outside_debt[m] + np.maximum(-self.cash[m], 0.0),
            "equity at mark": self.equity("mark")[m],
            "equity if sold": self.equity("if sold")[m],
        }, index=pd.Index(("start", *QUARTERS), name="quarter"))
        return frame

    def attribution(self) -> pd.DataFrame:
        """Each switch's Shapley value and counterfactuals [USD bn] (module docstring).

        Columns: the shortfall with every switch on but this one, the change that makes,
        the shortfall with this switch alone on, and the Shapley value with its share of
        the total.
        """
        phi = shapley(self.shortfall)
        full = self.shortfall[self.all_on]
        alone_off = np.array([self.shortfall[self.all_on & ~(1 << i)] for i in range(K)])
        alone_on = np.array([self.shortfall[1 << i] for i in range(K)])
        total = full - self.shortfall[0]
        share = phi / total if total > 0 else np.zeros(K)
        return pd.DataFrame({
            "decision": [LABELS[n] for n in SWITCHES],
            "steps": [", ".join(map(str, STEPS[n])) for n in SWITCHES],
            "shortfall without it": alone_off, "change": alone_off - full,
            "shortfall with it alone": alone_on, "Shapley value": phi, "share": share,
        }, index=pd.Index(SWITCHES, name="switch"))

    def by_number_on(self) -> pd.DataFrame:
        """For each number of switches on (0 to k): the largest shortfall among those
        combinations, the combination that gives it, how many combinations leave customers
        short, and how many there are [USD bn]."""
        masks = np.arange(2 ** K)
        size = np.array([bin(m).count("1") for m in masks])
        rows = []
        for n in range(K + 1):
            these = masks[size == n]
            worst = int(these[np.argmax(self.shortfall[these])])
            rows.append({"largest shortfall": float(self.shortfall[worst]),
                         "combinations that leave one": int((self.shortfall[these] > 0).sum()),
                         "combinations": int(these.size),
                         "worst combination": "; ".join(LABELS[s] for s in switches_of(worst))
                         or "(none)"})
        return pd.DataFrame(rows, index=pd.Index(range(K + 1), name="decisions on"))

    def sheet(self, mask: int, t: int | None = None) -> BalanceSheet:
        """The group's balance sheet in scenario ``mask`` at the end of quarter ``t``
        (default: the end, after the run) [USD bn]: one line per holding, each with its
        mark and what a sale now fetches; the loan inside the group nets out (it is an
        asset of the exchange and a debt of the firm), so the sheet's equities equal
        :meth:`equity` at mark and if sold."""
        m = v.count("mask", mask, 0, self.all_on)
        t = T if t is None else v.count("t", t, 0, T)
        ln = self.links
        cost = float(self.venture_cost[m, t])
        venture_share = 0.0 if cost == 0 else float(self.venture_fair[m, t]) / cost
        assets = {
            "exchange cash": float(self.exchange_cash[m, t]),
            "firm cash": max(float(self.cash[m, t]), 0.0),
            "long position": Position(float(self.long[m, t]), 1.0, kind="market"),
            "farm tokens": Position(float(self.farm[m, t]), 1.0, ln.farm_market,
                                    kind="illiquid"),
            "house tokens": Position(float(self.house[m, t]), float(self.house_price[m, t]),
                                     ln.house_market, kind="house"),
            "venture stakes": Position(cost, 1.0, FixedRecovery(
                min(1.0, venture_share * ln.venture_recovery)), kind="venture"),
            "loans to lenders": Position(float(self.rescue[m, t]), 1.0,
                                         FixedRecovery(ln.rescue_recovery), kind="illiquid"),
        }
        liabilities = {
            "customer deposits": float(self.deposits[t]),
            "outside lenders and bills": float(self.outside_debt[m, t]
                                               + max(-float(self.cash[m, t]), 0.0)),
        }
        return BalanceSheet(assets, liabilities)


#: The group's cash flows with the outside world, one column each in ``CapstoneRun.flows``.
FLOWS = ("new deposits", "market making", "liquidations", "farming", "interest paid",
         "borrowed outside", "repaid outside", "house tokens bought", "farm tokens bought",
         "stakes bought", "long bought", "long sold", "lent to lenders")


def simulate(story: Story, rng: np.random.Generator) -> CapstoneRun:
    """Run every combination of the switches on one market path (module docstring)."""
    s = v.instance("story", story, Story)
    market = market_path(s, rng)
    ln = links(s)
    n = 2 ** K
    masks = np.arange(n)
    on = {name: (masks >> i & 1).astype(bool) for i, name in enumerate(SWITCHES)}
    t_all = np.arange(T + 1)
    deposits = s.deposits0 * np.exp(s.deposit_growth * np.minimum(t_all, PEAK))
    base_price = s.house_price * market ** s.house_beta         # H0_t, without support

    keys = ("price", "cash", "long", "farm", "house", "vcost", "vfair", "rescue", "outside",
            "owed", "xcash")
    rec = {key: np.zeros((n, T + 1)) for key in keys}
    flows = np.zeros((n, T + 1, len(FLOWS)))
    cash = np.full(n, s.capital)          # negative: bills the firm could not pay
    house = np.where(on["back_token"], s.house_tokens, 0.0)
    bought = np.zeros(n)                  # tokens bought in support: their impact is permanent
    long_, farm, vcost, vfair, rescue = (np.zeros(n) for _ in range(5))
    outside = np.zeros(n)                 # owed to outside lenders
    owed = np.zeros(n)                    # B, owed to the exchange
    xcash = np.full(n, deposits[0])       # L, the exchange's cash
    price = np.full(n, base_price[0])

    def record(t, house_price):
        state = (house_price, cash, long_, farm, house, vcost, vfair, rescue, outside, owed,
                 xcash)
        for key, value in zip(keys, state, strict=True):
            rec[key][:, t] = value

    record(0, price)
    for t in range(1, T + 1):
        flow = dict.fromkeys(FLOWS, 0.0)
        # lines are set on last quarter's marks: what the firm pledged before prices move
        pledged = long_ + farm + np.where(on["house_collateral"], house * price, 0.0)
        # 1. prices
        ratio = market[t] / market[t - 1]
        long_, farm, vfair = long_ * ratio, farm * ratio ** s.farm_beta, vfair * ratio
        last_price = price
        price = base_price[t] * (1.0 + bought / s.house_depth)
        flow["new deposits"] = deposits[t] - deposits[t - 1]
        xcash = xcash + flow["new deposits"]
        # 2. income; the exchange's interest is added to what the firm owes it
        flow["market making"] = s.mm_share * s.turnover * deposits[t] * ln.mm_margin
        backstop = ln.backstop_luna if t == LUNA else ln.backstop_calm
        flow["liquidations"] = np.where(on["take_liquidations"],
                                        s.open_interest * deposits[t] * backstop, 0.0)
        farmers = s.farmers0 + s.farmer_entry * max(0, t - FARMING[0])
        flow["farming"] = farm * farming.equilibrium_yield(s.rate, farmers)
        flow["interest paid"] = -s.rate * (outside + np.maximum(-cash, 0.0))
        owed = owed * (1.0 + s.rate)
        cash = (cash + flow["market making"] + flow["liquidations"] + flow["farming"]
                + flow["interest paid"])
        # 3. decisions: what the firm would like to spend; sales come in as cash at once
        book = LinearBook(slope=base_price[t] / s.house_depth)
        floor = np.where(on["back_token"] & (t < T), np.maximum(last_price, price), price)
        support_tokens = np.maximum(s.house_depth * (floor / base_price[t] - 1.0) - bought, 0.0)
        support = np.minimum(book.cost(support_tokens, price), s.support_budget)
        in_farming = FARMING[0] <= t <= FARMING[1]
        farm_buy = np.where(on["farm"] & in_farming,
                            np.maximum(s.farm_share * deposits[t] - farm, 0.0), 0.0)
        venture_buy = np.where(on["venture"] & (VENTURE[0] <= t <= VENTURE[1]),
                               s.venture_per_quarter, 0.0)
        equity = (cash + long_ + farm + house * price + vcost + rescue - outside - owed)
        change = np.where(on["directional"], s.leverage * np.maximum(equity, 0.0) - long_, 0.0)
        sold = np.maximum(-change, 0.0)
        flow["long sold"] = sold
        cash, long_ = cash + sold, long_ - sold
        long_buy = np.maximum(change, 0.0)
        rescue_buy = np.where(on["bail_out"] & (t == LUNA), s.rescue, 0.0)
        wanted = support + farm_buy + venture_buy + long_buy + rescue_buy
        # 4. funding. What the firm must pay (bills, outside lenders' calls) comes from its
        # cash, then from the exchange, which never asks for collateral to cover it (the
        # exemption); what it would like to spend comes from what cash is left, then outside
        # lenders, then the exchange, all within m times the collateral pledged.
        capacity = ln.multiple * pledged
        outside_cap = np.minimum(s.outside_limit, capacity)
        call = np.maximum(outside - outside_cap, 0.0)
        bills = np.maximum(-cash, 0.0)
        cash_free = np.maximum(cash, 0.0)
        from_cash = np.minimum(cash_free, bills + call)
        from_x = np.where(on["lend_deposits"], np.minimum(xcash, bills + call - from_cash), 0.0)
        paid = from_cash + from_x
        bills_left = bills - np.minimum(bills, paid)                  # bills are paid first
        repaid = paid - np.minimum(bills, paid)
        flow["repaid outside"] = -repaid
        outside, owed, xcash = outside - repaid, owed + from_x, xcash - from_x
        cash_free = cash_free - from_cash
        room_out = np.maximum(outside_cap - outside, 0.0)
        room_x = np.where(on["lend_deposits"],
                          np.clip(np.minimum(xcash, capacity - outside - owed), 0.0, None), 0.0)
        funds = cash_free + room_out + room_x
        scale = np.divide(funds, wanted, out=np.ones(n), where=funds < wanted)
        use = scale * wanted
        use_cash = np.minimum(cash_free, use)
        use_out = np.minimum(room_out, use - use_cash)
        use_x = np.minimum(room_x, np.maximum(use - use_cash - use_out, 0.0))    # rounding
        flow["borrowed outside"] = use_out
        cash = cash_free - bills_left + use_out + use_x       # the spending is paid below
        outside, owed, xcash = outside + use_out, owed + use_x, xcash - use_x
        # 5. the spending, scaled to what could be funded
        tokens = book.bought_with(scale * support, price)
        house, bought = house + tokens, bought + tokens
        price = base_price[t] * (1.0 + bought / s.house_depth)
        spent = {"house tokens bought": scale * support, "farm tokens bought": scale * farm_buy,
                 "stakes bought": scale * venture_buy, "long bought": scale * long_buy,
                 "lent to lenders": scale * rescue_buy}
        for key, amount in spent.items():
            flow[key] = -amount
            cash = cash - amount
        farm = farm + spent["farm tokens bought"]
        vcost = vcost + spent["stakes bought"]
        vfair = vfair + spent["stakes bought"]
        long_ = long_ + spent["long bought"]
        rescue = rescue + spent["lent to lenders"]
        flows[:, t] = np.column_stack([np.broadcast_to(flow[k], (n,)) for k in FLOWS])
        record(t, price if t < T else price * (1.0 - s.run_fall))

    # the end: the run, then the estate pays its lenders pro rata in one class
    end = rec["price"][:, T]
    estate = (np.maximum(cash, 0.0) + long_ + ln.farm_market.proceeds(farm, 1.0)
              + ln.house_market.proceeds(house, 1.0) * end
              + np.minimum(vcost, vfair * ln.venture_recovery) + rescue * ln.rescue_recovery)
    debts = outside + np.maximum(-cash, 0.0) + owed
    paid = np.array([waterfall.class_payments(e, [d])[0] for e, d in zip(estate, debts,
                                                                          strict=True)])
    payout = np.divide(paid, debts, out=np.ones(n), where=debts > 0)
    shortfall = np.maximum(deposits[T] - xcash - payout * owed, 0.0)
    return CapstoneRun(s, ln, market, deposits, rec["price"], rec["cash"], rec["long"],
                       rec["farm"], rec["house"], rec["vcost"], rec["vfair"], rec["rescue"],
                       rec["outside"], rec["owed"], rec["xcash"], flows, estate, payout,
                       shortfall)
