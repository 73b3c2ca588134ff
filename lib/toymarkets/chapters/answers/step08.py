"""Answer keys for Step 8 (book/08-venture.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

import numpy as np

from ...core.balancesheet import Vesting
from ...core.solvers import bisect
from ...models import venture as vt
from ..checks import Answer

#: The estate's sale of locked SOL (Bloomberg, 5 Apr 2024): USD 64 a token while SOL
#: traded at about USD 172, for tokens that unlock over about four years.
SALE_PRICE, MARKET_PRICE, UNLOCK_YEARS = 64.0, 172.0, 4.0


def _implied_volatility() -> float:
    """The volatility at which the put proxy, averaged over an even four-year unlock,
    equals the estate's discount."""
    target = 1.0 - SALE_PRICE / MARKET_PRICE
    even = Vesting(cliff=0.0, end=UNLOCK_YEARS, cliff_share=0.0)
    return bisect(lambda s: vt.lockup_discount(even, 0.0, s, "put") - target, 0.01, 5.0).x


def _reference_hedged_mark(run: vt.VentureRun, hedge_ratio: float) -> np.ndarray:
    """The mark plus the cumulative gain of a short in the market factor on ``hedge_ratio``
    of the unlocked part of the book, reset at each date."""
    short = hedge_ratio * run.unlocked[:-1] * run.mark[:, :-1]
    gain = -short * (run.market[:, 1:] / run.market[:, :-1] - 1.0)
    return run.mark + np.hstack([np.zeros((run.n_paths, 1)), np.cumsum(gain, axis=1)])


@cache
def _hedge_cases() -> tuple[tuple[vt.VentureRun, float], ...]:
    """Runs at default settings and with a short vesting, each with a hedge ratio."""
    default = vt.simulate(vt.VentureBook(), np.random.default_rng(5), n_paths=20)
    short = vt.simulate(vt.VentureBook(vesting=Vesting(0.25, 1.0, 0.5), n_bets=50),
                        np.random.default_rng(6), n_paths=10)
    return ((default, 1.0), (default, 0.5), (short, 1.0), (short, 0.0))


ANSWERS = {
    "implied_volatility": Answer(
        expected=_implied_volatility, decimals=2,
        hint="the discount is 1 - 64/172; use Vesting(cliff=0.0, end=4.0, cliff_share=0.0), "
             "vt.lockup_discount(..., 0.0, sigma, 'put') and bisect on sigma between "
             "0.01 and 5; give sigma as a fraction per year (0.8, not 80)."),
    "hedged_mark": Answer(
        reference=_reference_hedged_mark, cases=_hedge_cases, rtol=1e-9, atol=1e-6,
        hint="at each date the short is hedge_ratio * run.unlocked[k] * run.mark[:, k]; it "
             "gains minus that times the market factor's return to the next date; add the "
             "running total to run.mark, starting from zero at column 0."),
}
