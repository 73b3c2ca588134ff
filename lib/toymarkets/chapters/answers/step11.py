"""Answer keys for Step 11 (book/11-falling-knives.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

import numpy as np

from ...models import liquidation as lq
from ..checks import Answer

#: The crashes the exercise scans, in whole per cent.
CRASHES = np.arange(0, 41)


def _ftx_liquidation() -> float:
    return lq.liquidation_price(10_000.0, 20.0, 0.03)


def _first_backstop_crash() -> float:
    table = lq.sweep(lq.Perpetual(), "crash", CRASHES / 100)
    handed = table["to the backstop [tokens]"].to_numpy() > 0
    return float(CRASHES[np.argmax(handed)])


def _reference_rebound(cascade: lq.Cascade, rebound: float) -> float:
    """The backstop's P&L if the price climbs back ``rebound`` of the way to the crash
    price before it sells: fee + L_{P_R}(B) - B P*."""
    p = cascade.params
    back = cascade.final_price + rebound * (p.crash_price - cascade.final_price)
    b = cascade.to_backstop
    return cascade.backstop_fee() + p.market.proceeds(b, back) - b * cascade.final_price


@cache
def _rebound_cases() -> tuple[tuple[lq.Cascade, float], ...]:
    cascades = [lq.solve(lq.Perpetual(crash=s)) for s in (0.1, 0.2, 0.3)]
    return tuple((c, r) for c in cascades for r in (0.0, 0.5, 1.0))


ANSWERS = {
    "ftx_liquidation": Answer(
        expected=_ftx_liquidation, decimals=2,
        hint="use lq.liquidation_price(entry, leverage, margin) with the page's numbers: "
             "the margin is a fraction (0.03), not a percentage."),
    "first_crash": Answer(
        expected=_first_backstop_crash, decimals=0,
        hint="sweep the crash from 0 to 40% in steps of 1% (lq.sweep with 'crash' and "
             "shares, not percentages), and find the first row whose 'to the backstop' is "
             "positive; answer in per cent."),
    "rebound": Answer(
        reference=_reference_rebound, cases=_rebound_cases, rtol=1e-9, atol=1e-6,
        hint="the rebound price is P* + rebound (P_s - P*), with P_s = params.crash_price; "
             "sell cascade.to_backstop tokens from it with params.market.proceeds and add "
             "cascade.backstop_fee()."),
}
