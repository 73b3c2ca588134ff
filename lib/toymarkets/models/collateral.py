r"""The collateral loop (Step 14): buying the house token to borrow more against it.

A firm holds :math:`Q_0` tokens pledged to a lender and owes :math:`D_0`. The lender
values the collateral at :math:`(1 - h)` of its mark (the *haircut* :math:`h`) and
lends up to a *loan-to-value* :math:`\ell` of that, so the firm can borrow up to

.. math::  B = m\, Q\, P, \qquad m = \ell\,(1 - h) .

The loop: the firm borrows what the collateral allows and spends it on the token;
buying pushes the price up; a higher price raises the collateral's value and with
it what can be borrowed; which buys more token. Each turn is the map

.. math::  P_n \;\to\; B_n = m\,Q_n P_n \;\to\; \text{purchases } B_n - D_n
           \;\to\; P_{n+1} .

**The linear case** (:func:`solve_linear`). Only the original :math:`Q_0` tokens are
pledged, and the price rises in proportion to the dollars spent on it, :math:`P(S) =
P_0 (1 + S/\delta)`, where the *depth* :math:`\delta` is the spending that would double
the price. Then every turn's price step is the last one times

.. math::  \rho = \frac{m\, Q_0 P_0}{\delta} = \frac{m\, C_0}{\delta} ,

the borrowing the collateral supports per dollar of market depth, because the new
borrowing :math:`m Q_0 (P_n - P_{n-1})` is spent and moves the price by
:math:`P_0/\delta` per dollar. As a map from one turn's price to the next
(:func:`next_price`), the loop is the straight line

.. math::  P_{n+1} = P_0 + \frac{P_0}{\delta}\,(m\, Q_0 P_n - D_0)
           = P_0\Big(1 - \frac{D_0}{\delta}\Big) + \rho\, P_n ,

of slope :math:`\rho`, which meets the diagonal :math:`P_{n+1} = P_n` (at :math:`P^*`)
only if :math:`\rho < 1`. From the first turn's step
:math:`P_1 - P_0 = P_0 b_0/\delta`, :math:`b_0 = m Q_0 P_0 - D_0`, the steps form a
geometric series: for :math:`\rho < 1` the loop settles at

.. math::  P^* = P_0 + \frac{P_1 - P_0}{1 - \rho}, \qquad
           D^* = D_0 + \frac{b_0}{1 - \rho},

and for :math:`\rho \ge 1` it never settles: the price, the debt and the holding grow
without bound (in a real market, until the float runs out). Tokens bought by spending
:math:`S` are :math:`\int_0^S dS'/P(S') = (\delta/P_0)\ln(1 + S/\delta)`; selling
:math:`Q` tokens from a price :math:`P` in the same market (each dollar received lowers
the price by :math:`P_0/\delta`) fetches
:math:`R(Q) = (\delta P / P_0)(1 - e^{-Q P_0/\delta})`. These closed forms are the book's
own derivation, tested against the iteration turn by turn.

**The general case** (:func:`solve`). The bought tokens are pledged too, and the
price follows a non-linear impact law of :mod:`toymarkets.core.impact` (square-root,
linear book, or a constant-product pool): after buying :math:`q` tokens the
marginal price is :math:`P(q)` and they cost :math:`C(q) = \int_0^q P`. Turn by turn
the firm spends its spare capacity, :math:`C(q_{n+1}) = m\,(Q_0 + q_n)\,P(q_n) - D_0`;
the loop settles where capacity equals debt,

.. math::  F(q) = m\,(Q_0 + q)\,P(q) - D_0 - C(q) = 0 ,

at the smallest root, found by iterating the map (:func:`toymarkets.core.solvers.iterate`).
:math:`F` is the firm's *spare capacity* once it has bought :math:`q` (:func:`spare_capacity`):
the turns climb while it is positive.
It may have none: for a linear book :math:`P(q) = P_0 + \lambda q`,
:math:`F` is quadratic with leading coefficient :math:`(m - \tfrac12)\lambda`, so with
:math:`m < \tfrac12` the loop always settles, and with :math:`m \ge \tfrac12` it settles
only if :math:`F` dips to zero (:func:`linear_book_settles`, the book's derivation,
tested against iteration). :func:`solve` reports ``settled=False`` when the holding
would exceed the token's float: the firm cannot buy tokens that do not exist.

**What the loop builds.** The holding as a share of the float grows each turn, and
with it the gap between the collateral's mark :math:`Q P` and what selling it would
fetch in the same market (:meth:`LoopRun.gap`), which is what a lender who trusts the
mark does not see. With a linear book the loop creates no value at all: the firm's
equity if it sold everything, :math:`L(Q_n) - D_n` with :math:`L` the proceeds of selling
:math:`Q_n = Q_0 + q_n` from :math:`P(q_n)`, is the same at every turn,

.. math::  L(Q_n) - D_n = P_0 Q_0 - \tfrac{\lambda}{2} Q_0^2 - D_0 ,

(while selling :math:`Q_0` alone would leave a positive price, :math:`\lambda Q_0 < P_0`),
because each token is bought up the book and would be sold back down it
(:attr:`LoopRun.equity_if_sold`; the book's own derivation, tested on random loops).
Its equity at mark rises turn by turn, and by exactly the growth of the gap: the paper
gain the lender lends against (:cite:t:`brunnermeier2009market`: funding and market liquidity
feed each other; :cite:t:`geanakoplos2010leverage`: collateral values drive leverage
and leverage drives collateral values).

Units: prices in USD per token, quantities in millions of tokens, money in millions of
USD.

References: :cite:t:`brunnermeier2009market`; :cite:t:`geanakoplos2010leverage`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core import solvers
from ..core.impact import ImpactLaw, LinearBook
from ..core.results import SolverResult

__all__ = ["Loop", "LoopRun", "borrowing_multiple", "loop_ratio", "linear_fixed_point",
           "next_price", "resting_prices", "spare_capacity", "linear_book_settles",
           "solve_linear", "solve"]


@dataclass(frozen=True)
class Loop(v.Parameters):
    """Parameters of the collateral loop; every field is checked on construction.

    The defaults are FTT-like in scale and *illustrative*: a token near 22 USD, a
    float of about 134 million tokens (sources.md row 21), a firm pledging 40 million.
    """

    price: float = 22.0             #: P0, the token's price before the loop [USD], in (0, 1e6]
    holding: float = 40.0           #: Q0, tokens pledged [million], in (0, 1e6]
    debt: float = 0.0               #: D0, owed before the loop [million USD], >= 0
    loan_to_value: float = 0.8      #: l, what the lender lends on the haircut value, in (0, 1]
    haircut: float = 0.25           #: h, share of the mark the lender ignores, in [0, 1)
    depth: float = 2_000.0          #: delta, spending that doubles the price [million USD], > 0
    market: ImpactLaw = field(default_factory=lambda: LinearBook(0.05))  #: buying's impact law
    float_supply: float = 134.0     #: tokens in circulation [million], >= holding
    pledge_purchases: bool = True   #: whether tokens bought are pledged too (general case)

    def __post_init__(self):
        v.positive("price", self.price, 1e6)
        v.positive("holding", self.holding, 1e6)
        v.non_negative("debt", self.debt, 1e12)
        v.in_range("loan_to_value", self.loan_to_value, 0.0, 1.0, lo_open=True)
        v.in_range("haircut", self.haircut, 0.0, 1.0, hi_open=True)
        v.positive("depth", self.depth, 1e12)
        v.instance("market", self.market, ImpactLaw)
        v.in_range("float_supply", self.float_supply, self.holding, 1e12)
        if not isinstance(self.pledge_purchases, bool):
            raise ValueError(f"pledge_purchases must be True or False, "
                             f"got {self.pledge_purchases!r}")
        if self.debt > self.capacity0:
            raise ValueError(f"debt must be at most what the collateral supports, "
                             f"m * holding * price = {self.capacity0:g}, got {self.debt!r}")

    @property
    def multiple(self) -> float:
        """m = loan_to_value * (1 - haircut): borrowing per dollar of collateral at mark."""
        return self.loan_to_value * (1.0 - self.haircut)

    @property
    def capacity0(self) -> float:
        """What the collateral supports before the loop, m Q0 P0 [million USD]."""
        return self.multiple * self.holding * self.price


def borrowing_multiple(loan_to_value: float, haircut: float) -> float:
    """m = l (1 - h): what can be borrowed per dollar of collateral at mark."""
    return (v.in_range("loan_to_value", loan_to_value, 0.0, 1.0, lo_open=True)
            * (1.0 - v.in_range("haircut", haircut, 0.0, 1.0, hi_open=True)))


def loop_ratio(params: Loop) -> float:
    r"""The linear case's ratio per turn, :math:`\rho = m Q_0 P_0 / \delta`; settles iff < 1."""
    p = v.instance("params", params, Loop)
    return p.capacity0 / p.depth


def linear_fixed_point(params: Loop) -> tuple[float, float]:
    r"""The linear case's resting point ``(P*, D*)``; raises for :math:`\rho \ge 1` (no rest)."""
    p = v.instance("params", params, Loop)
    rho = loop_ratio(p)
    if rho >= 1.0:
        raise ValueError(f"the loop does not settle: its ratio m Q0 P0 / depth is {rho:.3g} "
                         ">= 1 (raise depth or lower loan_to_value)")
    b0 = p.capacity0 - p.debt
    first = p.price * b0 / p.depth
    return p.price + first / (1.0 - rho), p.debt + b0 / (1.0 - rho)


def next_price(params: Loop, price):
    r"""The linear case's map from one turn's price to the next (module docstring):
    :math:`P_{n+1} = P_0 + (P_0/\delta)(m Q_0 P_n - D_0)`, for ``price`` (>= 0, array
    allowed) [USD]."""
    p = v.instance("params", params, Loop)
    a = v.non_negative_array("price", price)
    out = p.price + p.price / p.depth * (p.multiple * p.holding * a - p.debt)
    return float(out) if out.ndim == 0 else out


def resting_prices(params: Loop, loan_to_value, depth) -> np.ndarray:
    r"""The linear case's resting price :math:`P^*` over arrays of loan-to-values and depths.

    ``loan_to_value`` (in (0, 1]) and ``depth`` (> 0) broadcast against each other (for
    example a column and a row for a grid); the other parameters come from ``params``.
    Where the loop does not settle (:math:`\rho \ge 1`) the result is ``inf``.
    """
    p = v.instance("params", params, Loop)
    ltv = np.asarray(loan_to_value, dtype=float)
    delta = np.asarray(depth, dtype=float)
    if not np.all((ltv > 0) & (ltv <= 1)):
        raise ValueError(f"loan_to_value must be in (0, 1], got {loan_to_value!r}")
    if not np.all(np.isfinite(delta) & (delta > 0)):
        raise ValueError(f"depth must be in (0, inf), got {depth!r}")
    m = ltv * (1.0 - p.haircut)
    rho = m * p.holding * p.price / delta
    b0 = m * p.holding * p.price - p.debt
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = p.price * (1.0 + b0 / delta / (1.0 - rho))
    return np.where(rho < 1.0, rest, np.inf)


def spare_capacity(params: Loop, bought):
    r"""The general case's spare capacity :math:`F(q) = m (Q_0 + q) P(q) - D_0 - C(q)`
    [million USD] after buying ``bought`` (:math:`q`, >= 0, array allowed) [million tokens]:
    what the collateral would still support beyond what the purchases cost. The turns
    climb while it is positive and rest where it first reaches zero."""
    p = v.instance("params", params, Loop)
    q = v.non_negative_array("bought", bought)
    price = np.asarray(p.market.marginal(q, p.price, "buy"), dtype=float)
    cost = np.asarray(p.market.cost(q, p.price), dtype=float)
    out = p.multiple * (p.holding + q) * price - p.debt - cost
    return float(out) if out.ndim == 0 else out


def linear_book_settles(multiple: float, holding: float, price: float, slope: float,
                        debt: float = 0.0) -> bool:
    r"""Whether the general loop settles with a linear book :math:`P(q) = P_0 + \lambda q`.

    It settles iff :math:`F(q) = a q^2 + b q + c`, with :math:`a = (m - \tfrac12)\lambda`,
    :math:`b = m P_0 + m \lambda Q_0 - P_0`, :math:`c = m Q_0 P_0 - D_0 \ge 0`, reaches
    zero at some :math:`q > 0` (or :math:`c = 0`): always if :math:`a < 0`; if
    :math:`a = 0`, iff :math:`b < 0`; if :math:`a > 0`, iff :math:`b < 0` and
    :math:`b^2 \ge 4ac`. The book's own derivation (module docstring).
    """
    m = v.in_range("multiple", multiple, 0.0, 1.0, lo_open=True)
    q0, p0 = v.positive("holding", holding), v.positive("price", price)
    lam, d0 = v.positive("slope", slope), v.non_negative("debt", debt)
    a = (m - 0.5) * lam
    b = m * p0 + m * lam * q0 - p0
    c = m * q0 * p0 - d0
    if c < 0:
        raise ValueError(f"debt must be at most m * holding * price = {m * q0 * p0:g}, "
                         f"got {debt!r}")
    if c == 0 or a < 0:
        return True
    if a == 0:
        return b < 0
    return b < 0 and b * b >= 4 * a * c


@dataclass(frozen=True)
class LoopRun(SolverResult):
    """What :func:`solve_linear` and :func:`solve` return: the loop turn by turn.

    Arrays have one entry per turn, turn 0 being the start: ``price`` (P_n, the
    marginal price), ``holding`` (tokens pledged, Q_n), ``debt`` (D_n),
    ``capacity`` (m Q_n P_n), ``collateral_mark`` (Q_n P_n) and
    ``collateral_liquidation`` (what selling Q_n from P_n fetches in the same market).
    ``settled`` is False when the loop has no resting point (it then stops where it
    would exceed the float, or after ``turns`` turns in the linear case), and
    ``converged`` says whether the turns reached the resting point: a loop that does
    not settle is a finding, reported, not an error.
    """

    params: Loop
    price: np.ndarray
    holding: np.ndarray
    debt: np.ndarray
    capacity: np.ndarray
    collateral_mark: np.ndarray
    collateral_liquidation: np.ndarray
    settled: bool
    iterations: int
    converged: bool

    @property
    def concentration(self) -> np.ndarray:
        """The holding as a share of the float, turn by turn."""
        return self.holding / self.params.float_supply

    @property
    def gap(self) -> np.ndarray:
        """Collateral at mark less what selling it would fetch [million USD], turn by turn."""
        return self.collateral_mark - self.collateral_liquidation

    @property
    def steps(self) -> np.ndarray:
        """The price's step at each turn, :math:`P_n - P_{n-1}` [USD] (one fewer than turns)."""
        return np.diff(self.price)

    @property
    def equity_at_mark(self) -> np.ndarray:
        """Collateral at mark less the debt [million USD], turn by turn."""
        return self.collateral_mark - self.debt

    @property
    def equity_if_sold(self) -> np.ndarray:
        """What selling the whole holding would fetch, less the debt [million USD], turn by
        turn; constant for a linear book in the general case (module docstring)."""
        return self.collateral_liquidation - self.debt

    @property
    def bought(self) -> float:
        """Tokens bought by the loop [million]."""
        return float(self.holding[-1] - self.holding[0])

    def frame(self) -> pd.DataFrame:
        """One row per turn: price, holding, debt, capacity, marks, gap and concentration."""
        frame = pd.DataFrame({
            "price [USD]": self.price, "holding [m tokens]": self.holding,
            "debt [m USD]": self.debt, "capacity [m USD]": self.capacity,
            "collateral at mark [m USD]": self.collateral_mark,
            "collateral if sold [m USD]": self.collateral_liquidation,
            "gap [m USD]": self.gap, "share of float": self.concentration})
        frame.index.name = "turn"
        return frame


def _liquidation(p: Loop, holding: np.ndarray, price: np.ndarray) -> np.ndarray:
    return np.array([p.market.proceeds(q, px) for q, px in zip(holding, price, strict=True)])


def solve_linear(params: Loop, turns: int = 40) -> LoopRun:
    """The linear case turn by turn (only Q0 pledged, price linear in dollars spent).

    Runs ``turns`` turns (in [1, 10000]); ``settled`` says whether the ratio is below
    one, and ``converged`` whether the last step is below 1e-9 of the price.
    """
    p = v.instance("params", params, Loop)
    turns = v.count("turns", turns, 1, 10_000)
    m, q0 = p.multiple, p.holding
    price, debt, spent = [p.price], [p.debt], [0.0]
    for _ in range(turns):
        new = m * q0 * price[-1] - debt[-1]          # spare capacity, spent on the token
        debt.append(debt[-1] + new)
        spent.append(spent[-1] + new)
        price.append(p.price * (1.0 + spent[-1] / p.depth))
        if not math.isfinite(price[-1]):
            break
    price, debt, spent = map(np.array, (price, debt, spent))
    holding = q0 + (p.depth / p.price) * np.log1p(spent / p.depth)
    rho = loop_ratio(p)
    converged = rho < 1 and abs(price[-1] - price[-2]) <= 1e-9 * price[-1]
    mark = q0 * price
    sold = p.depth * price / p.price * -np.expm1(-q0 * p.price / p.depth)
    return LoopRun(p, price, holding, debt, m * mark, mark, sold, bool(rho < 1),
                   len(price) - 1, bool(converged))


def _spend(p: Loop, budget: float) -> float:
    """Tokens q whose cost C(q) equals ``budget`` (>= 0), by bisection on [0, float]."""
    room = p.float_supply - p.holding
    if budget <= 0.0:
        return 0.0
    top = room * (1 - 1e-12)
    if p.market.cost(top, p.price) <= budget:
        return math.inf                               # it would buy the whole float
    return solvers.bisect(lambda q: p.market.cost(q, p.price) - budget, 0.0, top,
                          tol=1e-13).x


def solve(params: Loop, max_turns: int = 10_000) -> LoopRun:
    """The general case turn by turn (module docstring), until it settles or runs out of float.

    Each turn the firm spends its spare capacity: ``C(q_{n+1}) = m (Q0 + q_n) P(q_n) - D0``.
    The turns rise monotonically to the smallest resting point when there is one;
    ``settled`` is False when the purchases would exceed the float first.
    ``converged`` is True when the last turn moved the holding by less than 1e-12 of
    it; a loop that neither settles nor runs out within ``max_turns`` raises
    ``ConvergenceError``.
    """
    p = v.instance("params", params, Loop)
    max_turns = v.count("max_turns", max_turns, 1, 1_000_000)
    if not p.pledge_purchases:
        raise ValueError("pledge_purchases must be True for solve(); use solve_linear() for "
                         "the linear case with only Q0 pledged")
    m, q0 = p.multiple, p.holding
    bought = [0.0]
    settled = True
    for _ in range(max_turns):
        q = bought[-1]
        capacity = m * (q0 + q) * p.market.marginal(q, p.price, "buy")
        nxt = _spend(p, capacity - p.debt)
        if not math.isfinite(nxt):
            settled = False
            break
        bought.append(max(nxt, q))
        if bought[-1] - q <= 1e-12 * (q0 + bought[-1]):
            break
    else:
        raise solvers.ConvergenceError(f"the loop neither settled nor ran out of float within "
                                       f"max_turns={max_turns} turns")
    q = np.array(bought)
    price = np.asarray(p.market.marginal(q, p.price, "buy"), dtype=float)
    holding = q0 + q
    debt = p.debt + np.asarray(p.market.cost(q, p.price), dtype=float)
    mark = holding * price
    return LoopRun(p, price, holding, debt, m * mark, mark, _liquidation(p, holding, price),
                   settled, len(q) - 1, settled)
