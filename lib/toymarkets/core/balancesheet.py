r"""One balance-sheet type for every chapter: marks, liquidation values, loans and exposures.

A balance sheet lists assets and liabilities by line item. Equity is what is left
for the owners,

.. math::  E = \sum_i A_i - \sum_j L_j ,

and a firm is solvent while :math:`E \ge 0`. The book needs two measures of each
asset, because the difference between them is much of the story:

* the **mark value**, quantity times the last price, which is what a sheet
  reports;
* the **liquidation value**, what selling the holding now would fetch, through an
  impact law of :mod:`toymarkets.core.impact`, and nothing for tokens that are
  locked (or a stated share of the mark, a lock-up discount).

So the sheet has a *mark equity* and a *liquidation equity*, and the second is
never larger than the first (every holding is long, and a sale never beats the
mark). Line items are of three kinds:

* a number: cash, or any line marked and sold at its value (e.g. ``{"cash": 134}``);
* a :class:`Position`: a quantity of a token at a price, how the market would take a
  sale, what kind of exposure it is (``"market"``, ``"house"`` for the exchange's
  own token, ``"illiquid"``, ``"venture"``) and the share still locked;
* a :class:`Receivable` among assets, a loan the firm made, secured by collateral it
  does not own: marked at the principal, worth at most what the collateral would
  fetch if the borrower defaulted; a :class:`Loan` among liabilities, money the firm
  owes, optionally against one of its own asset lines, with a loan-to-value and a
  haircut.

:meth:`BalanceSheet.exposures` reads the sheet's directional risks off it: to the
market, to the house token, to illiquid holdings and to locked ones. A
:class:`Vesting` schedule says how much of a holding is locked at a given time.

The type is immutable: every operation returns a new sheet, so a chapter can keep
"before" and "after" side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import pandas as pd

from .. import _validate as v
from .impact import ImpactLaw, Liquid

__all__ = ["BalanceSheet", "Position", "Loan", "Receivable", "Vesting", "KINDS", "consolidate"]

#: The kinds of exposure a position can carry.
KINDS = ("cash", "market", "house", "illiquid", "venture")


@dataclass(frozen=True)
class Vesting(v.Parameters):
    """A lock-up with a cliff: nothing unlocks before ``cliff``, then a linear release.

    At time ``t`` (same unit as the fields, e.g. years after the purchase) the
    unlocked share is 0 before the cliff, ``cliff_share`` at it, and rises linearly
    to 1 at ``end``.
    """

    cliff: float = 1.0              #: time of the first unlock, >= 0
    end: float = 4.0                #: time everything is unlocked, >= cliff
    cliff_share: float = 0.25       #: share unlocked at the cliff, in [0, 1]

    def __post_init__(self):
        v.non_negative("cliff", self.cliff, 1e6)
        v.in_range("end", self.end, self.cliff, 1e6)
        v.probability("cliff_share", self.cliff_share)

    def unlocked(self, t: float) -> float:
        """The share unlocked at time ``t``."""
        t = v.finite("t", t)
        if t < self.cliff:
            return 0.0
        if t >= self.end or self.end == self.cliff:
            return 1.0
        return self.cliff_share + (1.0 - self.cliff_share) * (t - self.cliff) / (self.end -
                                                                                self.cliff)

    def locked(self, t: float) -> float:
        """The share still locked at time ``t``."""
        return 1.0 - self.unlocked(t)


@dataclass(frozen=True)
class Position(v.Parameters):
    """A holding: ``quantity`` units marked at ``price``, sold into ``market``.

    ``locked`` is the share of the quantity that may not be sold or hedged yet; the
    locked part counts at ``(1 - lockup_discount)`` of its mark in the liquidation
    value (by default at nothing: it cannot be sold now).
    """

    quantity: float                 #: units held, >= 0
    price: float = 1.0              #: mark price [USD per unit], >= 0
    market: ImpactLaw = field(default_factory=Liquid)   #: how a sale moves the price
    kind: str = "market"            #: one of KINDS
    locked: float = 0.0             #: share of the quantity locked, in [0, 1]
    lockup_discount: float = 1.0    #: share of a locked unit's mark lost in liquidation, [0, 1]

    def __post_init__(self):
        v.non_negative("quantity", self.quantity)
        v.non_negative("price", self.price)
        v.instance("market", self.market, ImpactLaw)
        v.choice("kind", self.kind, KINDS)
        v.probability("locked", self.locked)
        v.probability("lockup_discount", self.lockup_discount)

    @property
    def mark_value(self) -> float:
        """Quantity times price [USD]."""
        return float(self.quantity * self.price) + 0.0

    @property
    def liquidation_value(self) -> float:
        """What selling the unlocked quantity now fetches, plus the locked part at its floor."""
        free = self.quantity * (1.0 - self.locked)
        sold = self.market.proceeds(free, self.price) if free > 0 else 0.0
        kept = self.quantity * self.locked * self.price * (1.0 - self.lockup_discount)
        return float(min(sold + kept, self.mark_value)) + 0.0

    @property
    def locked_value(self) -> float:
        """The mark value of the locked quantity."""
        return float(self.quantity * self.locked * self.price) + 0.0


@dataclass(frozen=True)
class Loan(v.Parameters):
    """Money the firm owes (a liability): ``principal`` USD, optionally against an asset line.

    ``collateral`` names one of the borrower's asset lines; the lender values it at
    ``1 - haircut`` of its mark, so the firm can borrow up to that much against it.
    """

    principal: float                #: USD owed, >= 0
    collateral: str | None = None   #: the asset line pledged, or None (unsecured)
    haircut: float = 0.0            #: share of the collateral's mark the lender ignores, [0, 1)

    def __post_init__(self):
        v.non_negative("principal", self.principal)
        if self.collateral is not None and (not isinstance(self.collateral, str)
                                            or not self.collateral):
            raise ValueError(f"collateral must name an asset line or be None, "
                             f"got {self.collateral!r}")
        v.in_range("haircut", self.haircut, 0.0, 1.0, hi_open=True)


@dataclass(frozen=True)
class Receivable(v.Parameters):
    """A loan the firm made (an asset): ``principal`` USD owed to it, secured by ``collateral``.

    Marked at the principal. If the borrower defaults the firm sells the collateral,
    so the loan is worth ``min(principal, collateral's liquidation value)`` at most;
    :attr:`exposure` is what the firm stands to lose.
    """

    principal: float                #: USD owed to the firm, >= 0
    collateral: Position | None = None   #: what secures it (held by the borrower)
    haircut: float = 0.0            #: share of the collateral's mark the firm ignores, [0, 1)

    def __post_init__(self):
        v.non_negative("principal", self.principal)
        if self.collateral is not None:
            v.instance("collateral", self.collateral, Position)
        v.in_range("haircut", self.haircut, 0.0, 1.0, hi_open=True)

    @property
    def mark_value(self) -> float:
        """The principal [USD]."""
        return float(self.principal) + 0.0

    @property
    def collateral_mark(self) -> float:
        """The collateral at its mark [USD]."""
        return 0.0 if self.collateral is None else self.collateral.mark_value

    @property
    def collateral_liquidation(self) -> float:
        """The collateral at what selling it now would fetch [USD]."""
        return 0.0 if self.collateral is None else self.collateral.liquidation_value

    @property
    def liquidation_value(self) -> float:
        """What the firm recovers if the borrower defaults now: the collateral sold, capped."""
        return float(min(self.principal, self.collateral_liquidation)) + 0.0

    @property
    def exposure(self) -> float:
        """Principal less what the collateral would fetch: the loss on a default now."""
        return float(self.principal - self.liquidation_value) + 0.0

    @property
    def exposure_at_mark(self) -> float:
        """Principal less the collateral's mark: the loss a lender who trusts marks expects."""
        return float(max(0.0, self.principal - self.collateral_mark)) + 0.0

    @property
    def loan_to_value(self) -> float:
        """Principal over the collateral's mark (infinite with no collateral value)."""
        mark = self.collateral_mark
        return self.principal / mark if mark > 0 else float("inf")

    @property
    def capacity(self) -> float:
        """The most the collateral supports: ``(1 - haircut)`` times its mark [USD]."""
        return (1.0 - self.haircut) * self.collateral_mark

    @property
    def margin_call(self) -> float:
        """Cash the borrower must post to bring the loan back within capacity (>= 0)."""
        return float(max(0.0, self.principal - self.capacity)) + 0.0


def _asset(name: str, line):
    if isinstance(line, Position | Receivable):
        return line
    value = v.non_negative(f"assets[{name!r}]", line) + 0.0       # no -0.0
    return Position(value, 1.0, kind="cash")


def _liability(name: str, line):
    if isinstance(line, Loan):
        return line
    return Loan(v.non_negative(f"liabilities[{name!r}]", line) + 0.0)


def _frozen(name: str, lines: Mapping, convert) -> Mapping:
    checked = {}
    for item, line in dict(lines).items():
        if not isinstance(item, str) or not item:
            raise ValueError(f"{name} line items must be non-empty strings, got {item!r}")
        checked[item] = convert(item, line)
    return MappingProxyType(checked)


@dataclass(frozen=True)
class BalanceSheet:
    """Assets and liabilities by line item (module docstring); amounts in USD.

    ``assets`` maps names to numbers, :class:`Position` or :class:`Receivable`;
    ``liabilities`` maps names to numbers or :class:`Loan`. Read the values with
    :attr:`asset_values` (marks), :attr:`liquidation_values` and
    :attr:`liability_values`.
    """

    assets: Mapping = field(default_factory=dict)
    liabilities: Mapping = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "assets", _frozen("assets", self.assets, _asset))
        object.__setattr__(self, "liabilities", _frozen("liabilities", self.liabilities,
                                                        _liability))
        for name, loan in self.liabilities.items():
            if loan.collateral is not None and loan.collateral not in self.assets:
                raise ValueError(f"liabilities[{name!r}] is secured by {loan.collateral!r}, "
                                 f"which is not an asset line")

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_holdings(cls, quantities: Mapping[str, float], prices: Mapping[str, float],
                      liabilities: Mapping[str, float] | None = None) -> BalanceSheet:
        """Assets as liquid positions, e.g. ``{"FTT": 1e8}`` at ``{"FTT": 22.0}``."""
        missing = set(quantities) - set(prices)
        if missing:
            raise ValueError(f"prices has no entry for {sorted(missing)}")
        assets = {k: Position(v.non_negative(f"quantities[{k!r}]", q),
                              v.non_negative(f"prices[{k!r}]", prices[k]))
                  for k, q in quantities.items()}
        return cls(assets, liabilities or {})

    @classmethod
    def trading_book(cls, cash: float, tokens: float) -> BalanceSheet:
        """A trading firm's sheet from its cash and its token position's value [USD].

        Positive cash and a long position are assets; negative cash is a liability
        ("cash borrowed") and a short position is one too ("tokens owed (short)").
        """
        cash, tokens = v.finite("cash", cash), v.finite("tokens", tokens)
        return cls(
            assets={"cash": max(cash, 0.0), "token inventory": max(tokens, 0.0)},
            liabilities={"cash borrowed": max(-cash, 0.0),
                         "tokens owed (short)": max(-tokens, 0.0)},
        )

    # ------------------------------------------------------------------ values

    @property
    def asset_values(self) -> dict[str, float]:
        """Each asset line at its mark [USD]."""
        return {k: a.mark_value for k, a in self.assets.items()}

    @property
    def liquidation_values(self) -> dict[str, float]:
        """Each asset line at what selling it now would fetch [USD]."""
        return {k: a.liquidation_value for k, a in self.assets.items()}

    @property
    def liability_values(self) -> dict[str, float]:
        """Each liability line at its principal [USD]."""
        return {k: loan.principal + 0.0 for k, loan in self.liabilities.items()}

    @property
    def total_assets(self) -> float:
        """Assets at mark [USD]."""
        return float(sum(self.asset_values.values()))

    @property
    def total_liquidation_value(self) -> float:
        """Assets at what selling them now would fetch [USD]."""
        return float(sum(self.liquidation_values.values()))

    @property
    def total_liabilities(self) -> float:
        """Liabilities at their principal [USD]."""
        return float(sum(self.liability_values.values()))

    @property
    def equity(self) -> float:
        """Assets at mark less liabilities; negative means insolvent."""
        return self.total_assets - self.total_liabilities

    @property
    def liquidation_equity(self) -> float:
        """Assets at liquidation value less liabilities: what owners keep if it is sold now."""
        return self.total_liquidation_value - self.total_liabilities

    @property
    def is_solvent(self) -> bool:
        """Whether equity at mark is not negative."""
        return self.equity >= 0.0

    @property
    def leverage(self) -> float:
        """Assets over equity, :math:`A/E`; infinite when equity is zero or negative."""
        return self.total_assets / self.equity if self.equity > 0 else float("inf")

    def loan_to_value(self, name: str) -> float:
        """A secured liability's principal over its collateral's mark."""
        loan = self._loan(name)
        mark = self.assets[loan.collateral].mark_value
        return loan.principal / mark if mark > 0 else float("inf")

    def margin_call(self, name: str) -> float:
        """Cash the firm must post on a secured liability to bring it within capacity."""
        loan = self._loan(name)
        capacity = (1.0 - loan.haircut) * self.assets[loan.collateral].mark_value
        return float(max(0.0, loan.principal - capacity)) + 0.0

    def _loan(self, name: str) -> Loan:
        if name not in self.liabilities:
            raise ValueError(f"no liability line named {name!r}")
        loan = self.liabilities[name]
        if loan.collateral is None:
            raise ValueError(f"liabilities[{name!r}] is unsecured: it has no loan-to-value")
        return loan

    def exposures(self) -> pd.Series:
        """The sheet's directional risks at mark [USD].

        ``market``: every position that is not cash (what a fall of all prices hits);
        ``house token``: positions of kind ``"house"``; ``illiquid``: kinds
        ``"illiquid"`` and ``"venture"``; ``locked``: the locked part of any position;
        ``collateral lent against``: the collateral behind receivables (a risk the firm
        takes on the borrower's assets).
        """
        positions = [a for a in self.assets.values() if isinstance(a, Position)]
        receivables = [a for a in self.assets.values() if isinstance(a, Receivable)]
        out = {
            "market": sum(p.mark_value for p in positions if p.kind != "cash"),
            "house token": sum(p.mark_value for p in positions if p.kind == "house"),
            "illiquid": sum(p.mark_value for p in positions if p.kind in ("illiquid", "venture")),
            "locked": sum(p.locked_value for p in positions),
            "collateral lent against": sum(r.collateral_mark for r in receivables),
        }
        return pd.Series({k: float(x) + 0.0 for k, x in out.items()}, name="USD")

    # ------------------------------------------------------------------ new sheets

    def mark(self, **values: float) -> BalanceSheet:
        """A new sheet with the named asset lines re-marked to new USD values."""
        unknown = set(values) - set(self.assets)
        if unknown:
            raise ValueError(f"mark: no asset line named {sorted(unknown)}")
        assets = dict(self.assets)
        for name, value in values.items():
            value = v.non_negative(f"values[{name!r}]", value)
            line = assets[name]
            if isinstance(line, Receivable):
                assets[name] = replace(line, principal=value)
            elif line.kind == "cash" and line.price == 1.0:
                assets[name] = replace(line, quantity=value)
            elif line.quantity > 0:
                assets[name] = replace(line, price=value / line.quantity)
            elif value > 0:
                raise ValueError(f"mark: {name!r} holds no units, so it cannot be marked at "
                                 f"{value!r}")
        return BalanceSheet(assets, self.liabilities)

    def reprice(self, **prices: float) -> BalanceSheet:
        """A new sheet with the named positions at new prices [USD per unit]."""
        unknown = set(prices) - {k for k, a in self.assets.items() if isinstance(a, Position)}
        if unknown:
            raise ValueError(f"reprice: no position named {sorted(unknown)}")
        assets = dict(self.assets)
        for name, price in prices.items():
            assets[name] = replace(assets[name], price=v.non_negative(f"prices[{name!r}]", price))
        return BalanceSheet(assets, self.liabilities)

    def haircut(self, haircuts: Mapping[str, float]) -> BalanceSheet:
        """A new sheet with each named asset marked at ``1 - haircut`` of its value."""
        unknown = set(haircuts) - set(self.assets)
        if unknown:
            raise ValueError(f"haircut: no asset line named {sorted(unknown)}")
        cut = {k: self.assets[k].mark_value * (1.0 - v.probability(f"haircuts[{k!r}]", h))
               for k, h in haircuts.items()}
        return self.mark(**cut)

    def with_lines(self, assets: Mapping | None = None,
                   liabilities: Mapping | None = None) -> BalanceSheet:
        """A new sheet with lines added or replaced."""
        return BalanceSheet({**self.assets, **(assets or {})},
                            {**self.liabilities, **(liabilities or {})})

    # ------------------------------------------------------------------ views

    def to_frame(self, *, liquidation: bool = False) -> pd.DataFrame:
        """Two-column view (side, line item) -> USD at mark, with totals and equity.

        With ``liquidation`` a second column gives each asset at its liquidation value.
        """
        rows = [("Assets", k, x, self.assets[k].liquidation_value)
                for k, x in self.asset_values.items()]
        rows += [("Assets", "Total assets", self.total_assets, self.total_liquidation_value)]
        rows += [("Liabilities", k, x, x) for k, x in self.liability_values.items()]
        rows += [("Liabilities", "Total liabilities", self.total_liabilities,
                  self.total_liabilities),
                 ("Equity", "Assets less liabilities", self.equity, self.liquidation_equity)]
        frame = pd.DataFrame(rows, columns=["side", "line item", "USD", "USD if sold now"])
        frame = frame.set_index(["side", "line item"])
        return frame if liquidation else frame[["USD"]]


def consolidate(sheets: Mapping[str, BalanceSheet],
                intragroup: Mapping[tuple[str, str], tuple[str, str]] | None = None
                ) -> BalanceSheet:
    """One sheet for a group of firms: every line, named ``"<firm>: <line>"``, with the
    group's claims on itself taken out.

    ``sheets`` maps each firm's name to its sheet. ``intragroup`` lists the claims
    between members: ``{(lender, asset line): (borrower, liability line)}``. Each pair
    is removed from both sides, so a loan from the exchange to its trading firm is
    neither an asset nor a liability of the group; what remains is what the group owns
    and owes to the outside world. The two lines must have the same principal (they are
    one loan seen from both sides); a mismatch raises ``ValueError``.
    """
    if not sheets:
        raise ValueError("sheets must name at least one firm")
    for name, sheet in sheets.items():
        v.instance(f"sheets[{name!r}]", sheet, BalanceSheet)
    drop_assets, drop_liabilities = set(), set()
    for (lender, asset), (borrower, liability) in (intragroup or {}).items():
        for firm, line, side in ((lender, asset, "assets"), (borrower, liability,
                                                             "liabilities")):
            if firm not in sheets or line not in getattr(sheets[firm], side):
                raise ValueError(f"intragroup names {firm!r}: {line!r}, which is not among "
                                 f"the {side} of the sheets given")
        lent = sheets[lender].assets[asset].mark_value
        owed = sheets[borrower].liabilities[liability].principal
        if abs(lent - owed) > 1e-9 * max(1.0, abs(lent), abs(owed)):
            raise ValueError(f"intragroup claim {lender}: {asset!r} ({lent!r}) and "
                             f"{borrower}: {liability!r} ({owed!r}) must be equal")
        drop_assets.add((lender, asset))
        drop_liabilities.add((borrower, liability))
    assets, liabilities = {}, {}
    for firm, sheet in sheets.items():
        assets.update({f"{firm}: {k}": a for k, a in sheet.assets.items()
                       if (firm, k) not in drop_assets})
        liabilities.update({f"{firm}: {k}": (replace(loan, collateral=f"{firm}: {loan.collateral}")
                                             if loan.collateral is not None else loan)
                            for k, loan in sheet.liabilities.items()
                            if (firm, k) not in drop_liabilities})
    return BalanceSheet(assets, liabilities)
