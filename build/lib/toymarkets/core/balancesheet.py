r"""One balance-sheet type for every chapter.

A balance sheet lists assets and liabilities by line item, each marked in USD.
Equity is what is left for the owners,

.. math::  E = \sum_i A_i - \sum_j L_j ,

and a firm is solvent while :math:`E \ge 0`. Later chapters mark illiquid
tokens down (:meth:`BalanceSheet.haircut`), re-mark a line to a new price
(:meth:`BalanceSheet.mark`) and ask for leverage :math:`A/E` and loan-to-value.

The type is immutable: every operation returns a new sheet, so a chapter can
keep "before" and "after" side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from .. import _validate as v

__all__ = ["BalanceSheet"]


def _frozen_lines(name: str, lines: Mapping[str, float]) -> Mapping[str, float]:
    checked = {}
    for item, value in dict(lines).items():
        if not isinstance(item, str) or not item:
            raise ValueError(f"{name} line items must be non-empty strings, got {item!r}")
        checked[item] = v.non_negative(f"{name}[{item!r}]", value) + 0.0   # no -0.0
    return MappingProxyType(checked)


@dataclass(frozen=True)
class BalanceSheet:
    """Assets and liabilities by line item, in USD (each a finite number >= 0)."""

    assets: Mapping[str, float] = field(default_factory=dict)
    liabilities: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "assets", _frozen_lines("assets", self.assets))
        object.__setattr__(self, "liabilities", _frozen_lines("liabilities", self.liabilities))

    @classmethod
    def from_holdings(cls, quantities: Mapping[str, float], prices: Mapping[str, float],
                      liabilities: Mapping[str, float] | None = None) -> BalanceSheet:
        """Assets as quantity times price, e.g. ``{"FTT": 1e8}`` at ``{"FTT": 22.0}``."""
        missing = set(quantities) - set(prices)
        if missing:
            raise ValueError(f"prices has no entry for {sorted(missing)}")
        assets = {
            k: v.non_negative(f"quantities[{k!r}]", q) * v.non_negative(f"prices[{k!r}]", prices[k])
            for k, q in quantities.items()
        }
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

    @property
    def total_assets(self) -> float:
        return float(sum(self.assets.values()))

    @property
    def total_liabilities(self) -> float:
        return float(sum(self.liabilities.values()))

    @property
    def equity(self) -> float:
        """Assets less liabilities; negative means insolvent."""
        return self.total_assets - self.total_liabilities

    @property
    def is_solvent(self) -> bool:
        return self.equity >= 0.0

    @property
    def leverage(self) -> float:
        """Assets over equity, :math:`A/E`; infinite when equity is zero or negative."""
        return self.total_assets / self.equity if self.equity > 0 else float("inf")

    def mark(self, **values: float) -> BalanceSheet:
        """A new sheet with the named asset lines re-marked to new USD values."""
        unknown = set(values) - set(self.assets)
        if unknown:
            raise ValueError(f"mark: no asset line named {sorted(unknown)}")
        return BalanceSheet({**self.assets, **values}, self.liabilities)

    def haircut(self, haircuts: Mapping[str, float]) -> BalanceSheet:
        """A new sheet with each named asset multiplied by ``1 - haircut`` (haircut in [0, 1])."""
        unknown = set(haircuts) - set(self.assets)
        if unknown:
            raise ValueError(f"haircut: no asset line named {sorted(unknown)}")
        cut = {k: self.assets[k] * (1.0 - v.probability(f"haircuts[{k!r}]", h))
               for k, h in haircuts.items()}
        return BalanceSheet({**self.assets, **cut}, self.liabilities)

    def to_frame(self) -> pd.DataFrame:
        """Two-column view (side, line item) -> USD, with totals and equity."""
        rows = [("Assets", k, x) for k, x in self.assets.items()]
        rows += [("Assets", "Total assets", self.total_assets)]
        rows += [("Liabilities", k, x) for k, x in self.liabilities.items()]
        rows += [("Liabilities", "Total liabilities", self.total_liabilities),
                 ("Equity", "Assets less liabilities", self.equity)]
        frame = pd.DataFrame(rows, columns=["side", "line item", "USD"])
        return frame.set_index(["side", "line item"])
