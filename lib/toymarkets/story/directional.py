r"""Two firms, one shock: the delta-neutral market maker of Step 1 against the firm of Step 9.

The story puts two balance sheets (:mod:`toymarkets.core.balancesheet`) side by side
and hits both with the same fall in prices:

* **the Step 1 firm**, the hedged market maker of :mod:`toymarkets.models.marketmaking`
  at the close of a simulated day (:func:`step1_sheet`): its capital and the day's
  cash, and whatever token inventory it is left with, sold into a deep square-root
  market;
* **the Step 9 firm**, an *illustrative calibration* to the balance sheet of Alameda
  Research "as of June 30" 2022 reported by :cite:t:`allison2022divisions`
  (:func:`june2022_sheet`). The sheet covered a subset of the group's entities and was,
  by later testimony, one of several versions prepared for a lender; the calibration
  describes what that sheet showed, not the firm's true position.

A :class:`Shock` lowers every token's price by ``market_fall`` and the house token's
by ``house_fall``. Prices scale each line's mark; a sale's discount under the
square-root law of :mod:`toymarkets.models.impact` does not depend on the price, so
the shock scales each token line's liquidation value too. For each firm, before and
after the shock, :func:`stress` reports

.. math::  E_{\text{mark}} = \sum_i M_i - D, \qquad
           E_{\text{sale}} = \sum_i L_i - D \;\le\; E_{\text{mark}},

with :math:`M_i` each asset at mark, :math:`L_i` what selling it now would fetch and
:math:`D` the liabilities, and the sheet's exposures
(:meth:`~toymarkets.core.balancesheet.BalanceSheet.exposures`). Because every term is
linear in the house token's price, the fall of the house token that takes an equity
to zero has a closed form (:func:`breakeven_house_fall`):

.. math::  f^* = \frac{E^{(0)}}{H}, \qquad
           E^{(0)} = \text{equity after the market fall alone},\;
           H = \text{the house token's value after it} ,

at mark (:math:`H` its mark) or at liquidation value (:math:`H` what it would fetch).

**The calibration** (USD million, as reported; :data:`REPORTED`): unlocked FTT 3,660
and FTT collateral 2,160 (one line here, since a sale of either meets the same
market); SOL 292 unlocked, 863 locked and 41 as collateral; other crypto 3,370; equity
stakes 2,000; cash 134 (one copy of the report says 1,340: the sources disagree);
total assets 14,600. Liabilities 8,000, of which loans 7,400 and "locked FTT" 292.
What the reported items do not account for is kept as two lines, "other assets" and
"other liabilities", at mark, untouched by the shock and sold at their mark: a choice
that flatters the Step 9 firm. Locked tokens were already valued at half the
exchange's price on the sheet; here they cannot be sold now (they count at
``locked_recovery`` of that mark). The markets the holdings would be sold into
(:class:`Liquidity`) are *assumptions*: the sources give no volumes.

References: :cite:t:`allison2022divisions`; :cite:t:`toth2011anomalous`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.balancesheet import BalanceSheet, Position
from ..core.impact import SquareRoot
from ..core.results import Result
from ..models import marketmaking as mm
from ..models.impact import FixedRecovery

__all__ = ["REPORTED", "CASH_FIGURES", "FIRMS", "COLUMNS", "SHORT_LINES", "Liquidity", "Shock",
           "Stress", "reported", "june2022_sheet", "step1_sheet", "shocked", "stress",
           "breakeven_house_fall"]

#: Alameda's balance sheet "as of June 30" 2022 as reported (USD million), items in order.
REPORTED = {
    "assets": {
        "FTT (unlocked)": 3660.0,
        "FTT (collateral)": 2160.0,
        "SOL (unlocked)": 292.0,
        "SOL (locked)": 863.0,
        "SOL (collateral)": 41.0,
        "other crypto": 3370.0,
        "equity stakes": 2000.0,
    },
    "total assets": 14600.0,
    "liabilities": {"loans": 7400.0, '"locked FTT"': 292.0},
    "total liabilities": 8000.0,
}
#: The two reported cash figures (USD million): the article, and one copy of it.
CASH_FIGURES = (134.0, 1340.0)
#: The two firms, in the order the book shows them.
FIRMS = ("Step 1 firm", "Step 9 firm")
#: The four measures of equity, in the order the book shows them: (shock, valued).
COLUMNS = (("before", "at mark"), ("before", "if sold"), ("after", "at mark"),
           ("after", "if sold"))
#: Liability lines that are short token positions: a fall in prices lowers what is owed.
SHORT_LINES = ("tokens owed (short)",)


@dataclass(frozen=True)
class Liquidity(v.Parameters):
    """How the holdings would sell: assumptions of the book, not documented figures.

    Volumes are in USD million of June 2022 marks traded a day (so a position of the
    sheet is its mark value in those units); the Step 1 token's is in tokens.
    """

    house_volume: float = 50.0      #: V of the house token (FTT) [USD million a day], > 0
    sol_volume: float = 1000.0      #: V of SOL [USD million a day], > 0
    crypto_volume: float = 100.0    #: V of the other crypto, as one basket [USD million a day], > 0
    volatility: float = 0.05        #: sigma, daily volatility of every token [fraction], (0, 1]
    y: float = 1.0                  #: Y, the square-root law's prefactor, in (0, 10]
    venture_recovery: float = 0.5   #: share of the mark a quick sale of stakes fetches, [0, 1]
    locked_recovery: float = 0.0    #: share of a locked token's mark a sale now fetches, [0, 1]
    token_volume: float = 1e6       #: V of the Step 1 firm's token [tokens a day], > 0

    def __post_init__(self):
        for name in ("house_volume", "sol_volume", "crypto_volume", "token_volume"):
            v.positive(name, getattr(self, name), 1e12)
        v.positive("volatility", self.volatility, 1.0)
        v.positive("y", self.y, 10.0)
        v.probability("venture_recovery", self.venture_recovery)
        v.probability("locked_recovery", self.locked_recovery)

    def market(self, volume: float) -> SquareRoot:
        """A square-root market with this volume and the common volatility."""
        return SquareRoot(self.volatility, volume, self.y)


@dataclass(frozen=True)
class Shock(v.Parameters):
    """A fall in prices: every token by ``market_fall``, the house token by ``house_fall``."""

    market_fall: float = 0.3        #: share by which every token's price falls, [0, 1]
    house_fall: float = 0.6         #: share by which the house token's price falls, [0, 1]

    def __post_init__(self):
        v.probability("market_fall", self.market_fall)
        v.probability("house_fall", self.house_fall)

    def factor(self, kind: str) -> float:
        """What a price of a position of this kind is multiplied by."""
        if kind == "house":
            return 1.0 - self.house_fall
        if kind in ("market", "illiquid"):
            return 1.0 - self.market_fall
        return 1.0                  # cash, and venture stakes (not marked to a market)


def reported() -> pd.DataFrame:
    """The June 2022 sheet as reported, one column per cash figure [USD million].

    The rows the sources do not itemise are what the reported totals leave.
    """
    rows = []
    for figure in CASH_FIGURES:
        a = dict(REPORTED["assets"])
        a["cash"] = figure
        a["not itemised (the rest)"] = REPORTED["total assets"] - sum(a.values())
        a["Total assets"] = REPORTED["total assets"]
        li = dict(REPORTED["liabilities"])
        li["not itemised (the rest)"] = REPORTED["total liabilities"] - sum(li.values())
        li["Total liabilities"] = REPORTED["total liabilities"]
        column = {("Assets", k): x for k, x in a.items()}
        column |= {("Liabilities", k): x for k, x in li.items()}
        column[("Equity", "Assets less liabilities")] = (REPORTED["total assets"]
                                                         - REPORTED["total liabilities"])
        rows.append(pd.Series(column, name=f"with cash of {figure:,.0f}"))
    frame = pd.concat(rows, axis=1)
    frame.index.names = ["side", "line item"]
    return frame


def june2022_sheet(liquidity: Liquidity = Liquidity(), cash: float = CASH_FIGURES[0]
                   ) -> BalanceSheet:
    """The Step 9 firm: the June 2022 sheet as an illustrative calibration (module docstring).

    Amounts in USD million; each position holds its mark in units priced at 1.0, so a
    price of 0.7 means the mark fell by 30%. ``cash`` is one of :data:`CASH_FIGURES`.
    """
    v.instance("liquidity", liquidity, Liquidity)
    if isinstance(cash, bool) or cash not in CASH_FIGURES:
        raise ValueError(f"cash must be one of {list(CASH_FIGURES)} (USD million), got {cash!r}")
    cash = float(cash)
    a, lq = REPORTED["assets"], liquidity
    sol = lq.market(lq.sol_volume)
    assets = {
        "FTT (unlocked and collateral)": Position(
            a["FTT (unlocked)"] + a["FTT (collateral)"], 1.0, lq.market(lq.house_volume),
            kind="house"),
        "SOL (unlocked and collateral)": Position(
            a["SOL (unlocked)"] + a["SOL (collateral)"], 1.0, sol, kind="market"),
        "SOL (locked)": Position(a["SOL (locked)"], 1.0, sol, kind="market", locked=1.0,
                                 lockup_discount=1.0 - lq.locked_recovery),
        "other crypto": Position(a["other crypto"], 1.0, lq.market(lq.crypto_volume),
                                 kind="market"),
        "equity stakes": Position(a["equity stakes"], 1.0, FixedRecovery(lq.venture_recovery),
                                  kind="venture"),
        "cash": cash,
    }
    assets["other assets (not itemised)"] = REPORTED["total assets"] - sum(a.values()) - cash
    liabilities = dict(REPORTED["liabilities"])
    liabilities["other liabilities (not itemised)"] = (REPORTED["total liabilities"]
                                                       - sum(liabilities.values()))
    return BalanceSheet(assets, liabilities)


def step1_sheet(run: mm.MarketMakerRun, capital: float, liquidity: Liquidity = Liquidity(),
                path: int = 0) -> BalanceSheet:
    """The Step 1 firm at the close of ``run``, from its model's own sheet.

    Starts from :func:`toymarkets.models.marketmaking.balance_sheet`; the token
    inventory, if long, becomes a position of ``kind="market"`` at the final price,
    sold into a square-root market of ``liquidity.token_volume`` tokens a day (a short
    one stays a liability, "tokens owed (short)").
    """
    v.instance("liquidity", liquidity, Liquidity)
    sheet = mm.balance_sheet(run, capital, path)
    path = run._path(path, run.n_paths)
    held, price = run.inventory[path, -1], run.prices[path, -1]
    line = Position(max(held, 0.0), price, liquidity.market(liquidity.token_volume),
                    kind="market")
    return sheet.with_lines(assets={"token inventory": line})


def shocked(sheet: BalanceSheet, shock: Shock) -> BalanceSheet:
    """``sheet`` after ``shock``: each position repriced by its kind's factor, and each short
    token line (:data:`SHORT_LINES`) re-marked by the market's."""
    v.instance("sheet", sheet, BalanceSheet)
    v.instance("shock", shock, Shock)
    prices = {name: line.price * shock.factor(line.kind) for name, line in sheet.assets.items()
              if isinstance(line, Position) and line.kind != "cash"}
    out = sheet.reprice(**prices)
    shorts = {name: replace(loan, principal=loan.principal * (1.0 - shock.market_fall))
              for name, loan in sheet.liabilities.items() if name in SHORT_LINES}
    return out.with_lines(liabilities=shorts) if shorts else out


@dataclass(frozen=True)
class Stress(Result):
    """What :func:`stress` returns: each firm's sheet before and after the shock."""

    shock: Shock
    before: dict                #: firm -> BalanceSheet
    after: dict                 #: firm -> BalanceSheet

    @property
    def firms(self) -> tuple[str, ...]:
        return tuple(self.before)

    def equity_values(self, *, share: bool = False) -> np.ndarray:
        """Equity as an array, one row per firm and one column per :data:`COLUMNS`
        [sheet units], or as a share of the firm's equity at mark before the shock."""
        out = np.array([[self.before[f].equity, self.before[f].liquidation_equity,
                         self.after[f].equity, self.after[f].liquidation_equity]
                        for f in self.firms])
        return out / out[:, :1] if share else out

    def equity(self, *, share: bool = False) -> pd.DataFrame:
        """Equity at mark and at liquidation value, before and after the shock [sheet units];
        with ``share``, as a share of each firm's equity at mark before the shock."""
        return pd.DataFrame(self.equity_values(share=share), index=pd.Index(self.firms),
                            columns=pd.MultiIndex.from_tuples(COLUMNS, names=["shock", "valued"]))

    def equity_share(self) -> pd.DataFrame:
        """:meth:`equity` as a share of each firm's equity at mark before the shock."""
        return self.equity(share=True)

    def exposures(self, *, after: bool = False, relative: bool = True) -> pd.DataFrame:
        """Each firm's exposures (rows: firms), as multiples of its equity at mark if
        ``relative``; before the shock unless ``after``."""
        sheets = self.after if after else self.before
        frame = pd.DataFrame({f: sheets[f].exposures() for f in self.firms}).T
        if relative:
            frame = frame.div(pd.Series({f: sheets[f].equity for f in self.firms}), axis=0)
        return frame

    def lines(self, firm: str) -> pd.DataFrame:
        """One firm's asset lines at mark and at liquidation value, before and after."""
        v.choice("firm", firm, self.firms)
        b, a = self.before[firm], self.after[firm]
        return pd.DataFrame({"before, at mark": b.asset_values,
                             "before, if sold": b.liquidation_values,
                             "after, at mark": a.asset_values,
                             "after, if sold": a.liquidation_values})


def stress(sheets: Mapping[str, BalanceSheet], shock: Shock = Shock()) -> Stress:
    """Apply the same ``shock`` to every sheet (``{firm: sheet}``, e.g. :data:`FIRMS`)."""
    v.instance("shock", shock, Shock)
    if not isinstance(sheets, Mapping) or not sheets:
        raise ValueError(f"sheets must be a non-empty mapping of firm -> BalanceSheet, "
                         f"got {sheets!r}")
    for firm, sheet in sheets.items():
        v.instance(f"sheets[{firm!r}]", sheet, BalanceSheet)
        if sheet.equity <= 0:
            raise ValueError(f"sheets[{firm!r}] must have positive equity at mark, "
                             f"got {sheet.equity!r}")
    return Stress(shock, dict(sheets), {f: shocked(s, shock) for f, s in sheets.items()})


def breakeven_house_fall(sheet: BalanceSheet, market_fall: float, *,
                         liquidation: bool = True) -> float:
    r"""The fall of the house token that takes equity to zero, :math:`f^* = E^{(0)}/H`.

    ``market_fall`` applies to every other token. Returns a share in [0, 1], ``0.0`` if
    equity is not positive even with the house token untouched, and ``inf`` if no fall
    of the house token alone can exhaust it.
    """
    v.instance("sheet", sheet, BalanceSheet)
    base = shocked(sheet, Shock(market_fall=v.probability("market_fall", market_fall),
                                house_fall=0.0))
    values = base.liquidation_values if liquidation else base.asset_values
    house = sum(values[k] for k, line in base.assets.items()
                if isinstance(line, Position) and line.kind == "house")
    equity = base.liquidation_equity if liquidation else base.equity
    if equity <= 0:
        return 0.0
    return float(equity / house) if house > equity else float(np.inf)

