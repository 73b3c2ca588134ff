r"""Loans that pile up: falling marks, margin calls that selling cannot meet, and a lender
of last resort that takes the house token as collateral.

Units: token amounts in **millions of tokens**, money in **millions of USD**, prices
in USD per token. One round is one margin call (a week, a month: the model has no
clock).

**The firm.** A trading firm holds :math:`X` illiquid tokens marked at :math:`p_n`
in round :math:`n`, and :math:`F_{\max}` units of the exchange's house token marked
at :math:`f`. Outside lenders lent it :math:`D_0` against the illiquid tokens, at a
haircut :math:`h`: they lend at most :math:`C_n = (1 - h)\, X p_n`, and call for
margin whenever the loan exceeds that.

**Falling marks.** Each round the marks fall by a share :math:`\delta_n` (a constant
:math:`\delta` by default): :math:`p_n = p_{n-1}(1 - \delta_n)`.

**Selling does not help.** The firm could meet a call by selling tokens, but a sale
of :math:`q` fetches only the liquidation value :math:`L_{p}(q) \le p\,q` of
:mod:`toymarkets.core.impact` (the square-root law, :cite:p:`toth2011anomalous`), and
moves the mark of what it keeps to :math:`p(1 - Y\sigma\sqrt{q/V})`, which raises
the call again: Brunnermeier and Pedersen's *loss spiral* and *margin spiral*
:cite:p:`brunnermeier2009market`. After selling :math:`q` and repaying with the
proceeds, the call left is

.. math::  M(q) = \Big(D - L_{p}(q) - (1 - h)(X - q)\, p\big(1 - Y\sigma\sqrt{q/V}\big)\Big)^+ .

:func:`spiral` follows a firm that sells, each step, what would cover the call left
at the current price, :math:`q_{k+1} = \min(X, q_k + M(q_k)/p(q_k))`, to its fixed
point (:func:`toymarkets.core.solvers.iterate`): either the call is met, or the firm
has sold everything and still owes :math:`D - L_{p}(X)`. Because the square-root
law moves the price fastest for the first tokens sold, a small sale *raises* the
call; selling can meet it only if selling everything repays the loan,
:math:`L_{p_n}(X) \ge D_{n-1}` (``could_sell``). (The book's own result, for holdings
within the law's limit, :math:`X \le V/(Y\sigma)^2`: what a sale of :math:`q` covers,
:math:`L_p(q) + (1-h)(X-q)\,p(q)`, has second derivative
:math:`\tfrac{p Y\sigma}{\sqrt{qV}}\big[\tfrac12 - h + (1-h)\tfrac{X-q}{4q}\big]`, so it is
convex for :math:`h \le \tfrac12` and largest at :math:`q = 0` or :math:`q = X`; for
larger haircuts the tests check the same by brute force.) This is the fire sale of
:cite:t:`shleifer1992liquidation`: the natural buyers are absent, so the seller
takes whatever the thin market pays :cite:p:`shleifer2011fire`.

**The exchange lends again.** Instead, each round the exchange lends the firm the
call, against the house token at its own haircut :math:`h_F`:

.. math::
    M_n = \big(D_{n-1} - C_n\big)^+, \qquad D_n = D_{n-1} - M_n = \min(D_{n-1}, C_n),
    \qquad E_n = E_{n-1} + M_n ,

and the firm pledges :math:`F_n = \min\!\big(F_{\max},\ E_n / ((1 - h_F) f)\big)`
house tokens. The exchange's *exposure* is its loan less what the collateral would
fetch if it had to sell it, :math:`\mathcal E_n = E_n - \min(E_n, L_f(F_n))`, on the
book's one balance-sheet type (:class:`~toymarkets.core.balancesheet.Receivable`);
at the marks it looks like zero.

**Closed forms** (the book's own; the tests check them against the rounds). The
calls telescope: :math:`\sum_{k \le n} M_k = D_0 - D_n` and
:math:`D_n = \min(D_0, \min_{k \le n} C_k)`, so

.. math::  E_n = E_0 + \big(D_0 - \min_{k \le n} C_k\big)^+ .

With a constant fall the capacities form a geometric sequence,
:math:`C_n = C_0 (1-\delta)^n`, and a loan drawn to capacity (:math:`D_0 = C_0`) is
handed over to the exchange as a geometric sum,

.. math::  E_n = E_0 + \sum_{k=1}^n \delta (1-\delta)^{k-1} C_0
           = E_0 + D_0\,\big(1 - (1-\delta)^n\big) \;\to\; E_0 + D_0 :

in the end the exchange holds the outside lenders' whole loan. With no haircut on
the house token (:math:`h_F = 0`) and while :math:`F_n < F_{\max}` and :math:`F_n`
is below the law's limit, the collateral fetches
:math:`f F_n\,(1 - \tfrac23 Y\sigma_F\sqrt{F_n/V_F})` with :math:`f F_n = E_n`, so

.. math::  \mathcal E_n = \tfrac23\, Y\sigma_F\, \frac{E_n^{3/2}}{\sqrt{f V_F}} :

the exposure grows as the loan to the power three halves.

**Assumptions.** The marks' fall is given, not caused by the firm (it never sells);
the house token's mark and market do not move (Step 14 lets them); the outside
lenders call exactly the excess over capacity and never lend more when marks rise;
the exchange meets every call in full; no interest, no fees, no other assets or
debts.

References: :cite:t:`shleifer1992liquidation`; :cite:t:`shleifer2011fire`;
:cite:t:`brunnermeier2009market`; :cite:t:`toth2011anomalous`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.balancesheet import BalanceSheet, Loan, Position, Receivable
from ..core.impact import SquareRoot
from ..core.results import Result, SolverResult
from ..core.solvers import iterate

__all__ = [
    "FireSale",
    "Rounds",
    "Spiral",
    "solve",
    "spiral",
    "exchange_loan",
    "exposure",
]


@dataclass(frozen=True)
class FireSale(v.Parameters):
    """A firm with illiquid tokens, outside loans against them, and the house token.

    Every field is checked on construction (the outside loan may not exceed what
    the illiquid tokens support at the start).
    """

    holdings: float = 3370.0        #: X, illiquid tokens [million tokens], (0, 1e9]
    price: float = 1.0              #: p_0, their mark at the start [USD per token], (0, 1e6]
    fall: float = 0.15              #: delta, fall of the mark per round [fraction], [0, 1)
    n_rounds: int = 8               #: rounds of margin calls, in [1, 1000]
    haircut: float = 0.5            #: h, outside lenders' haircut on the tokens, [0, 1)
    loan: float = 1685.0            #: D_0, outside loans [million USD], [0, (1 - h) X p_0]
    volatility: float = 0.08        #: sigma, daily volatility of the tokens, (0, 5]
    daily_volume: float = 34.0      #: V, tokens traded a day [million tokens], (0, 1e12]
    house_price: float = 22.0       #: f, the house token's mark [USD per token], (0, 1e6]
    house_holdings: float = 166.0   #: F_max, house tokens the firm can pledge [million], [0, 1e9]
    house_haircut: float = 0.0      #: h_F, the exchange's haircut on the house token, [0, 1)
    house_volatility: float = 0.05  #: sigma_F, daily volatility of the house token, (0, 5]
    house_volume: float = 3.0       #: V_F, house tokens traded a day [million tokens], (0, 1e12]
    exchange_loan: float = 0.0      #: E_0, the exchange's loan at the start [million USD], >= 0
    impact_y: float = 1.0           #: Y, prefactor of the square-root law, in (0, 10]

    def __post_init__(self):
        v.positive("holdings", self.holdings, 1e9)
        v.positive("price", self.price, 1e6)
        v.in_range("fall", self.fall, 0.0, 1.0, hi_open=True)
        v.count("n_rounds", self.n_rounds, 1, 1000)
        v.in_range("haircut", self.haircut, 0.0, 1.0, hi_open=True)
        v.in_range("loan", self.loan, 0.0, self.capacity * (1.0 + 1e-12))
        v.positive("volatility", self.volatility, 5.0)
        v.positive("daily_volume", self.daily_volume, 1e12)
        v.positive("house_price", self.house_price, 1e6)
        v.non_negative("house_holdings", self.house_holdings, 1e9)
        v.in_range("house_haircut", self.house_haircut, 0.0, 1.0, hi_open=True)
        v.positive("house_volatility", self.house_volatility, 5.0)
        v.positive("house_volume", self.house_volume, 1e12)
        v.non_negative("exchange_loan", self.exchange_loan, 1e12)
        v.positive("impact_y", self.impact_y, 10.0)

    @property
    def capacity(self) -> float:
        """C_0 = (1 - h) X p_0, the most the outside lenders lend at the start [million USD]."""
        return (1.0 - self.haircut) * self.holdings * self.price

    @property
    def market(self) -> SquareRoot:
        """The illiquid tokens' impact law."""
        return SquareRoot(self.volatility, self.daily_volume, self.impact_y)

    @property
    def house_market(self) -> SquareRoot:
        """The house token's impact law."""
        return SquareRoot(self.house_volatility, self.house_volume, self.impact_y)

    def falls(self) -> np.ndarray:
        """The fall of each round, delta_1 ... delta_N (constant)."""
        return np.full(self.n_rounds, self.fall)


# ------------------------------------------------------------------------------ closed forms


def exchange_loan(params: FireSale, n: int) -> float:
    r"""The exchange's loan after round ``n`` under a constant fall (module docstring):
    :math:`E_n = E_0 + (D_0 - C_0 (1-\delta)^n)^+`."""
    v.instance("params", params, FireSale)
    n = v.count("n", n, 0)
    return params.exchange_loan + max(0.0, params.loan - params.capacity * (1.0 - params.fall) ** n)


def exposure(params: FireSale, loan: float) -> float:
    r"""The exchange's exposure on a loan of ``loan`` million USD secured by house tokens,
    written out from the square-root law (module docstring):
    :math:`E - \min\big(E,\ f F (1 - \tfrac23 Y\sigma_F \sqrt{F/V_F})\big)` with
    :math:`F = \min(F_{\max}, E/((1-h_F) f))`, capped at the law's limit."""
    v.instance("params", params, FireSale)
    e = v.non_negative("loan", loan)
    f = params.house_price
    pledged = min(params.house_holdings, e / ((1.0 - params.house_haircut) * f))
    c = params.impact_y * params.house_volatility / math.sqrt(params.house_volume)
    sold = min(pledged, 1.0 / c**2)                     # beyond the limit a sale fetches nothing
    fetched = f * (sold - (2.0 / 3.0) * c * sold**1.5)
    return e - min(e, fetched)


# ------------------------------------------------------------------------------ the rounds


@dataclass(frozen=True)
class Rounds(Result):
    """What :func:`solve` returns: the state after each round, ``n = 0 .. N`` (index 0 is
    the start). Money in million USD, tokens in millions."""

    params: FireSale
    mark: np.ndarray                    #: p_n [USD per token]
    capacity: np.ndarray                #: C_n = (1 - h) X p_n
    margin_call: np.ndarray             #: M_n (0 at the start)
    outside_loan: np.ndarray            #: D_n
    exchange_loan: np.ndarray           #: E_n
    pledged: np.ndarray                 #: F_n, house tokens pledged to the exchange
    needed: np.ndarray                  #: E_n / ((1 - h_F) f), house tokens the loan calls for
    holdings_mark: np.ndarray           #: X p_n
    holdings_liquidation: np.ndarray    #: L_{p_n}(X): what selling all the tokens would fetch
    collateral_mark: np.ndarray         #: f F_n
    collateral_liquidation: np.ndarray  #: L_f(F_n)
    exposure: np.ndarray                #: E_n - min(E_n, L_f(F_n))
    could_sell: np.ndarray              #: L_{p_n}(X) >= D_{n-1}: a fire sale could repay

    def sheet(self, n: int) -> BalanceSheet:
        """The firm's balance sheet after round ``n`` (core's one sheet type)."""
        n = v.count("n", n, 0, self.params.n_rounds)
        p = self.params
        return BalanceSheet(
            assets={"illiquid tokens": Position(p.holdings, float(self.mark[n]), p.market,
                                                kind="illiquid"),
                    "house token": Position(p.house_holdings, p.house_price, p.house_market,
                                            kind="house")},
            liabilities={"outside loans": Loan(float(self.outside_loan[n]), "illiquid tokens",
                                               p.haircut),
                         "exchange loans": Loan(float(self.exchange_loan[n]), "house token",
                                                p.house_haircut)})

    def receivable(self, n: int) -> Receivable:
        """The exchange's loan to the firm after round ``n``, with the house tokens pledged."""
        n = v.count("n", n, 0, self.params.n_rounds)
        return _receivable(self.params, float(self.exchange_loan[n]), float(self.pledged[n]))

    def runs_out(self) -> int | None:
        """The first round whose loan calls for more house tokens than the firm holds, or None."""
        short = np.flatnonzero(self.needed > self.params.house_holdings * (1.0 + 1e-12))
        return int(short[0]) if short.size else None

    def frame(self) -> pd.DataFrame:
        """One row per round: marks, loans, collateral and the exchange's exposure."""
        frame = pd.DataFrame({
            "mark [USD]": self.mark,
            "tokens at mark": self.holdings_mark,
            "tokens if sold": self.holdings_liquidation,
            "margin call": self.margin_call,
            "outside loans": self.outside_loan,
            "exchange loans": self.exchange_loan,
            "house tokens pledged [m]": self.pledged,
            "collateral at mark": self.collateral_mark,
            "collateral if sold": self.collateral_liquidation,
            "exchange's exposure": self.exposure,
            "a fire sale could repay": self.could_sell,
        })
        frame.index.name = "round"
        return frame


def _receivable(params: FireSale, loan: float, pledged: float) -> Receivable:
    collateral = Position(pledged, params.house_price, params.house_market, kind="house")
    return Receivable(loan, collateral, params.house_haircut)


def solve(params: FireSale, falls=None) -> Rounds:
    """Run the rounds (module docstring). ``falls`` overrides the constant fall with one
    share per round, each in [0, 1)."""
    v.instance("params", params, FireSale)
    if falls is None:
        falls = params.falls()
    else:
        falls = np.array([v.in_range("falls", d, 0.0, 1.0, hi_open=True)
                          for d in np.atleast_1d(falls)])
        if falls.size != params.n_rounds:
            raise ValueError(f"falls must hold n_rounds={params.n_rounds} shares, "
                             f"got {falls.size}")
    n = params.n_rounds
    mark = params.price * np.concatenate([[1.0], np.cumprod(1.0 - falls)])
    cols = {k: np.zeros(n + 1) for k in ("call", "outside", "exchange", "pledged", "needed",
                                         "held_liq", "col_mark", "col_liq", "exposure")}
    could = np.zeros(n + 1, dtype=bool)
    outside, lent = params.loan, params.exchange_loan
    unit = (1.0 - params.house_haircut) * params.house_price
    sheet = None
    for r in range(n + 1):
        tokens = Position(params.holdings, float(mark[r]), params.market, kind="illiquid")
        call = 0.0
        if r > 0:
            sheet = BalanceSheet({"illiquid tokens": tokens},
                                 {"outside loans": Loan(outside, "illiquid tokens",
                                                        params.haircut)})
            call = sheet.margin_call("outside loans")
            could[r] = tokens.liquidation_value >= outside
            outside -= call
            lent += call
        needed = lent / unit
        pledged = min(params.house_holdings, needed)
        claim = _receivable(params, lent, pledged)
        for key, value in (("call", call), ("outside", outside), ("exchange", lent),
                           ("pledged", pledged), ("needed", needed),
                           ("held_liq", tokens.liquidation_value),
                           ("col_mark", claim.collateral_mark),
                           ("col_liq", claim.collateral_liquidation),
                           ("exposure", claim.exposure)):
            cols[key][r] = value
    could[0] = False
    return Rounds(params, mark, (1.0 - params.haircut) * params.holdings * mark, cols["call"],
                  cols["outside"], cols["exchange"], cols["pledged"], cols["needed"],
                  params.holdings * mark, cols["held_liq"], cols["col_mark"], cols["col_liq"],
                  cols["exposure"], could)


# ------------------------------------------------------------------------------ the spiral


@dataclass(frozen=True)
class Spiral(SolverResult):
    """What :func:`spiral` returns: a firm that tries to meet one margin call by selling."""

    params: FireSale
    round: int                  #: the round whose call the firm tries to meet
    loan: float                 #: D_{n-1}, the outside loan when the call arrives [million USD]
    price: float                #: p_n, the mark before any sale [USD per token]
    sold: np.ndarray            #: q_k, tokens sold after each step [million]
    mark: np.ndarray            #: the mark after each step [USD per token]
    call_left: np.ndarray       #: M(q_k), the call still open after each step [million USD]
    proceeds: np.ndarray        #: L(q_k), cash raised [million USD]
    met: bool                   #: the call was met
    sold_out: bool              #: the firm sold every token
    iterations: int
    converged: bool

    @property
    def shortfall(self) -> float:
        """The call still open at the end [million USD] (0 if met)."""
        return float(self.call_left[-1]) + 0.0

    def after_sale(self, quantity) -> pd.DataFrame:
        """The mark, the cash raised and the call still open after selling each of
        ``quantity`` (million tokens, in [0, X]) at once: :math:`M(q)` of the docstring."""
        q = np.atleast_1d(v.non_negative_array("quantity", quantity, self.params.holdings))
        mark, cash, left = _after_sale(self.params, self.loan, self.price, q)
        return pd.DataFrame({"mark": mark, "cash raised": cash, "call left": left},
                            index=pd.Index(q, name="tokens sold")) + 0.0


def _after_sale(params: FireSale, loan: float, price: float, q: np.ndarray):
    """Mark, cash and call left after selling ``q`` tokens from ``price`` (module docstring)."""
    law = params.market
    mark = price * (1.0 - np.asarray(law.impact(q)))
    cash = np.asarray(law.proceeds(q, price))
    left = np.maximum(0.0, loan - cash - (1.0 - params.haircut) * (params.holdings - q) * mark)
    return mark, cash, left


def spiral(params: FireSale, n: int = 1) -> Spiral:
    """The firm tries to meet round ``n``'s margin call by selling (module docstring)."""
    v.instance("params", params, FireSale)
    n = v.count("n", n, 1, params.n_rounds)
    before = solve(params)
    loan = float(before.outside_loan[n - 1])     # owed when the round's call arrives
    p = float(before.mark[n])
    x = params.holdings

    def step(share: np.ndarray) -> np.ndarray:
        q = float(share) * x
        mark, _, left = (float(a) for a in _after_sale(params, loan, p, np.array(q)))
        more = left / mark if mark > 0 else x
        return np.array(min(1.0, (q + more) / x))

    fixed = iterate(step, 0.0, tol=1e-12, max_iter=100_000, record=True)
    sold = np.minimum(fixed.history * x, x)
    mark, cash, left = _after_sale(params, loan, p, sold)
    met = bool(left[-1] <= 1e-9 * max(loan, 1.0))
    return Spiral(params, n, loan, p, sold, mark, left, cash, met,
                  bool(sold[-1] >= x * (1.0 - 1e-12)), fixed.iterations, True)
