r"""The hole (Step 16): an exchange and its trading firm, consolidated, against the house token.

**Two sheets and one loan.** The exchange owes its customers their deposits :math:`D`
and holds liquid assets :math:`L_x` and a loan :math:`R` to its sister trading firm,
secured by house tokens the firm pledged. The firm holds liquid assets :math:`L_f`,
:math:`q` house tokens marked at the price :math:`p`, illiquid holdings :math:`I`
(venture stakes, locked tokens) and owes the exchange :math:`R` and outside lenders
:math:`B`. Each sheet is a :class:`~toymarkets.core.balancesheet.BalanceSheet`
(:func:`exchange_sheet`, :func:`firm_sheet`).

**Consolidation.** The group's sheet (:func:`combined_sheet`, through
:func:`~toymarkets.core.balancesheet.consolidate`) lists every line of both and takes out
the loan, which is an asset of one member and a liability of the other: the group owes
the outside world :math:`D + B` and owns :math:`L_x + L_f + qp + I`. Because the loan
appears once on each side, consolidation keeps the group's equity at mark equal to the
sum of the members' equities.

**The hole** is what the group owes the outside world beyond what it owns. At mark,

.. math::  H_m(p) = \max\bigl(0,\ K_m - q\,p\bigr), \qquad K_m = D + B - L_x - L_f - I ,

and if everything were sold now, with the illiquid holdings losing a share
:math:`\delta` of their mark and the tokens sold at once into a market that follows the
square-root law of :mod:`toymarkets.core.impact`,

.. math::  H_\ell(p) = \max\bigl(0,\ K_\ell - \varphi\, q\,p\bigr), \qquad
           K_\ell = D + B - L_x - L_f - (1 - \delta) I ,

where :math:`\varphi` is the share of the tokens' mark that the sale fetches. Under the
square-root law with daily volatility :math:`\sigma` and daily volume :math:`V`
(:cite:t:`toth2011anomalous`; the book's prefactor :math:`Y = 1`) the proceeds are
proportional to the price, so :math:`\varphi` does not depend on :math:`p`:

.. math::  \varphi = 1 - \tfrac{2}{3}\,\sigma\sqrt{q/V} \quad (q \le Q^* = V/\sigma^2),
           \qquad \varphi = \frac{Q^*}{3q} \quad (q > Q^*).

**Closed forms (the book's own derivation, tested against the balance sheets).** Both
holes are piecewise linear in the token's price. At mark the slope is

.. math::  \frac{dH_m}{dp} = -q \ \text{ for } p < p_m^* = K_m / q, \qquad 0 \text{ above},

so every dollar off the token's price adds :math:`q` dollars to the hole while the group
is insolvent; at liquidation value the slope is :math:`-\varphi q`, flatter, and the
break-even price :math:`p_\ell^* = K_\ell/(\varphi q)` higher. Since
:math:`K_\ell \ge K_m` and :math:`\varphi \le 1`, :math:`H_\ell(p) \ge H_m(p)` at every
price, and neither hole ever shrinks when the token falls. Customers' deposits against
the liquid assets, :math:`(L_x + L_f)/D` (:func:`liquid_coverage`), say how much of a
run the group can pay without selling anything.

**A rescue.** A buyer who takes over the group with its debts gains the franchise's
value :math:`F` (its customers, brand and technology) and inherits the hole: the most it
would pay is :math:`F - H` (:func:`rescue_surplus`), and it walks away when that is
negative. What it finds in due diligence is which :math:`H` applies.

Assumptions: one house token and one market for it; the illiquid holdings lose a fixed
share; liquid assets sell at their marks; every claim is due in full; the loan is the
group's only claim on itself. Money in millions of USD, tokens in millions, prices in
USD per token.

References: :cite:t:`toth2011anomalous` (the square-root law); :cite:t:`shleifer1992liquidation`
(why a forced sale fetches less than the mark).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.balancesheet import BalanceSheet, Loan, Position, Receivable, consolidate
from ..core.impact import Liquid, SquareRoot
from ..core.results import Result

__all__ = ["Group", "Shortfall", "EXCHANGE", "FIRM", "BASES", "exchange_sheet", "firm_sheet",
           "combined_sheet", "liquidation_fraction", "hole_at_mark", "hole_at_liquidation",
           "hole_slope", "breakeven_price", "liquid_coverage", "rescue_surplus", "solve"]

#: The members' names, as the consolidated sheet prefixes their lines.
EXCHANGE, FIRM = "exchange", "trading firm"
#: The two values of every hole: at mark, and if everything were sold now.
BASES = ("mark", "liquidation")
_LOAN_ASSET, _LOAN_LIABILITY = "loan to the trading firm", "loan from the exchange"
_MAX = 1e7      # million USD or million tokens: far above anything the book needs


@dataclass(frozen=True)
class Group(v.Parameters):
    """An exchange and its trading firm (module docstring). The defaults are illustrative."""

    deposits: float = 12_000.0          #: D, owed to customers [million USD], (0, 1e7]
    exchange_liquid: float = 2_000.0    #: L_x, exchange's liquid assets [million USD], [0, 1e7]
    loan: float = 10_000.0              #: R, exchange's loan to the firm [million USD], [0, 1e7]
    firm_liquid: float = 1_000.0        #: L_f, the firm's liquid assets [million USD], [0, 1e7]
    token_held: float = 180.0           #: q, house tokens the firm holds [million], [0, 1e7]
    pledged: float = 1.0                #: share of q pledged to the exchange for the loan, [0, 1]
    token_price: float = 22.0           #: p, the house token's mark [USD per token], [0, 1e4]
    token_volume: float = 20.0          #: V, tokens traded a day [million], (0, 1e7]
    token_volatility: float = 0.3       #: sigma, the token's daily volatility, (0, 5]
    illiquid: float = 2_500.0           #: I, illiquid holdings at mark [million USD], [0, 1e7]
    illiquid_discount: float = 0.5      #: delta, share of I lost in a sale now, [0, 1]
    external_debt: float = 2_500.0      #: B, owed to outside lenders [million USD], [0, 1e7]

    def __post_init__(self):
        v.positive("deposits", self.deposits, _MAX)
        for name in ("exchange_liquid", "loan", "firm_liquid", "token_held", "illiquid",
                     "external_debt"):
            v.non_negative(name, getattr(self, name), _MAX)
        v.probability("pledged", self.pledged)
        v.non_negative("token_price", self.token_price, 1e4)
        v.positive("token_volume", self.token_volume, _MAX)
        v.positive("token_volatility", self.token_volatility, 5.0)
        v.probability("illiquid_discount", self.illiquid_discount)

    @property
    def market(self) -> SquareRoot:
        """The house token's market: the square-root law with Y = 1."""
        return SquareRoot(self.token_volatility, self.token_volume)

    @property
    def owed(self) -> float:
        """What the group owes the outside world, D + B [million USD]."""
        return self.deposits + self.external_debt

    @property
    def gap_at_mark(self) -> float:
        """K_m = D + B - L_x - L_f - I: the hole at mark if the token were worth nothing."""
        return self.owed - self.exchange_liquid - self.firm_liquid - self.illiquid

    @property
    def gap_at_liquidation(self) -> float:
        """K_l = D + B - L_x - L_f - (1 - delta) I: the same, sold now."""
        return (self.owed - self.exchange_liquid - self.firm_liquid
                - (1.0 - self.illiquid_discount) * self.illiquid)


def _params(params) -> Group:
    return v.instance("params", params, Group)


def _price(params: Group, price) -> float:
    return params.token_price if price is None else v.non_negative("price", price, 1e4)


def _prices(price) -> np.ndarray:
    return v.non_negative_array("price", price, 1e4)


def _out(a: np.ndarray):
    return float(a) + 0.0 if a.ndim == 0 else a + 0.0


def _basis(basis: str) -> str:
    return v.choice("basis", basis, BASES)


# ------------------------------------------------------------------ the sheets


def _tokens(params: Group, quantity: float, price: float) -> Position:
    return Position(quantity, price, market=params.market, kind="house")


def exchange_sheet(params: Group, price: float | None = None) -> BalanceSheet:
    """The exchange alone: liquid assets and the loan to the firm against customers' deposits.

    The loan is a :class:`~toymarkets.core.balancesheet.Receivable` secured by the pledged
    tokens: marked at its principal, worth at most what the pledged tokens would fetch.
    """
    p = _params(params)
    price = _price(p, price)
    collateral = _tokens(p, p.pledged * p.token_held, price)
    return BalanceSheet(
        assets={"liquid assets": Position(p.exchange_liquid, 1.0, kind="cash"),
                _LOAN_ASSET: Receivable(p.loan, collateral)},
        liabilities={"customer deposits": p.deposits})


def firm_sheet(params: Group, price: float | None = None) -> BalanceSheet:
    """The trading firm alone: liquid assets, house tokens and illiquid holdings against
    the exchange's loan (secured by the tokens) and outside lenders."""
    p = _params(params)
    price = _price(p, price)
    return BalanceSheet(
        assets={"liquid assets": Position(p.firm_liquid, 1.0, kind="cash"),
                "house token": _tokens(p, p.token_held, price),
                "illiquid holdings": Position(p.illiquid, 1.0, market=Liquid(), kind="illiquid",
                                              locked=1.0, lockup_discount=p.illiquid_discount)},
        liabilities={_LOAN_LIABILITY: Loan(p.loan, collateral="house token"),
                     "outside lenders": p.external_debt})


def combined_sheet(params: Group, price: float | None = None) -> BalanceSheet:
    """The group's sheet: both members' lines, with the loan between them taken out."""
    return consolidate({EXCHANGE: exchange_sheet(params, price), FIRM: firm_sheet(params, price)},
                       {(EXCHANGE, _LOAN_ASSET): (FIRM, _LOAN_LIABILITY)})


# ------------------------------------------------------------------ closed forms


def liquidation_fraction(params: Group) -> float:
    r"""phi: the share of the tokens' mark a sale of all :math:`q` at once fetches,
    :math:`1 - \tfrac{2}{3}\sigma\sqrt{q/V}` up to :math:`Q^* = V/\sigma^2`,
    then :math:`Q^*/(3q)`."""
    p = _params(params)
    q, limit = p.token_held, p.token_volume / p.token_volatility ** 2
    if q == 0.0:
        return 1.0
    if q <= limit:
        return 1.0 - (2.0 / 3.0) * p.token_volatility * float(np.sqrt(q / p.token_volume))
    return limit / (3.0 * q)


def hole_at_mark(params: Group, price):
    r"""The group's hole at mark, :math:`H_m(p) = \max(0, K_m - q p)` [million USD]."""
    p = _params(params)
    return _out(np.maximum(0.0, p.gap_at_mark - p.token_held * _prices(price)))


def hole_at_liquidation(params: Group, price):
    r"""The hole if everything were sold now, :math:`H_\ell(p) = \max(0, K_\ell - \varphi q p)`."""
    p = _params(params)
    phi = liquidation_fraction(p)
    return _out(np.maximum(0.0, p.gap_at_liquidation - phi * p.token_held * _prices(price)))


def hole_slope(params: Group, price, basis: str = "mark"):
    r"""dH/dp: :math:`-q` (at mark) or :math:`-\varphi q` (sold now) where the hole is open,
    0 where the group is solvent [million USD per USD of token price]."""
    p, basis = _params(params), _basis(basis)
    hole = hole_at_mark(p, price) if basis == "mark" else hole_at_liquidation(p, price)
    slope = p.token_held * (1.0 if basis == "mark" else liquidation_fraction(p))
    return _out(np.where(np.asarray(hole) > 0.0, -slope, 0.0))


def breakeven_price(params: Group, basis: str = "mark") -> float:
    r"""The token price that closes the hole: :math:`K_m/q` or :math:`K_\ell/(\varphi q)`;
    0 if the group is solvent with worthless tokens, infinite if no price is enough."""
    p, basis = _params(params), _basis(basis)
    gap = p.gap_at_mark if basis == "mark" else p.gap_at_liquidation
    slope = p.token_held * (1.0 if basis == "mark" else liquidation_fraction(p))
    if gap <= 0.0:
        return 0.0
    return float(gap / slope) if slope * 1e300 > gap else float("inf")


def liquid_coverage(params: Group) -> float:
    r"""Liquid assets per dollar of customers' deposits, :math:`(L_x + L_f)/D`."""
    p = _params(params)
    return (p.exchange_liquid + p.firm_liquid) / p.deposits


def rescue_surplus(franchise, hole):
    r"""What a rescuer gains by taking the group over with its debts, :math:`F - H`
    [million USD]: the most it would pay; it walks away when this is negative."""
    f = v.non_negative_array("franchise", franchise)
    h = v.non_negative_array("hole", hole)
    return _out(f - h)


# ------------------------------------------------------------------ the entry point


@dataclass(frozen=True)
class Shortfall(Result):
    """What :func:`solve` returns: both holes over a grid of token prices, and the sheets.

    ``prices`` is the grid [USD per token]; ``mark`` and ``liquidation`` the holes on it
    [million USD]; ``exchange``, ``firm`` and ``group`` the sheets at ``params.token_price``.
    """

    params: Group
    prices: np.ndarray
    mark: np.ndarray
    liquidation: np.ndarray
    exchange: BalanceSheet
    firm: BalanceSheet
    group: BalanceSheet

    def breakeven(self, basis: str = "mark") -> float:
        """The token price that closes the hole (:func:`breakeven_price`)."""
        return breakeven_price(self.params, basis)

    def hole(self, price: float | None = None, basis: str = "mark") -> float:
        """The hole at one price (default: the params' price)."""
        price = _price(self.params, price)
        basis = _basis(basis)
        f = hole_at_mark if basis == "mark" else hole_at_liquidation
        return f(self.params, price)

    def members(self) -> pd.DataFrame:
        """Each member's and the group's equity, at mark and sold now [million USD]."""
        rows = {name: (sheet.equity, sheet.liquidation_equity)
                for name, sheet in ((EXCHANGE, self.exchange), (FIRM, self.firm),
                                    ("group", self.group))}
        return pd.DataFrame.from_dict(rows, orient="index", columns=["at mark", "sold now"])

    def breakdown(self, price: float | None = None) -> pd.DataFrame:
        """The group's sheet at one price by line, for a picture [million USD].

        Rows: ``owed`` (liabilities), ``at mark`` and ``sold now`` (assets); columns:
        customer deposits, outside lenders, liquid assets, house token, illiquid holdings
        (zero where a line is on the other side).
        """
        p = self.params
        price = _price(p, price)
        tokens = p.token_held * price
        liquid = p.exchange_liquid + p.firm_liquid
        frame = pd.DataFrame(
            [[p.deposits, p.external_debt, 0.0, 0.0, 0.0],
             [0.0, 0.0, liquid, tokens, p.illiquid],
             [0.0, 0.0, liquid, liquidation_fraction(p) * tokens,
              (1.0 - p.illiquid_discount) * p.illiquid]],
            index=["owed", "at mark", "sold now"],
            columns=["customer deposits", "outside lenders", "liquid assets", "house token",
                     "illiquid holdings"])
        return frame + 0.0


def solve(params: Group, prices=None) -> Shortfall:
    """Both holes over ``prices`` (default: 0 to 60 USD in 241 steps) and the three sheets
    at the params' price."""
    p = _params(params)
    grid = np.linspace(0.0, 60.0, 241) if prices is None else _prices(prices)
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError("prices must be a non-empty 1-d array of prices")
    return Shortfall(p, grid.copy(), np.atleast_1d(hole_at_mark(p, grid)),
                     np.atleast_1d(hole_at_liquidation(p, grid)), exchange_sheet(p),
                     firm_sheet(p), combined_sheet(p))
