"""Answer keys for Step 1 (book/01-market-maker.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

import numpy as np

from ...models import marketmaking as mm
from ..checks import Answer


@cache
def _otc_share() -> float:
    run = mm.simulate(mm.MarketMaker(), np.random.default_rng(2022), n_paths=200)
    totals = run.totals()
    return float(totals["spread_otc"].mean() / totals["total"].mean())


def _reference_ticket_fee(run: mm.MarketMakerRun, fee: float) -> np.ndarray:
    """Total P&L per path after a fixed fee on every non-zero hedge trade."""
    return run.totals()["total"].to_numpy() - fee * np.count_nonzero(run.hedges, axis=1)


@cache
def _ticket_fee_cases() -> tuple[tuple[mm.MarketMakerRun, float], ...]:
    """Runs at three hedge ratios, each with a ticket fee [USD]."""
    return tuple((mm.simulate(mm.MarketMaker(hedge_ratio=eta, n_steps=300),
                              np.random.default_rng(7), n_paths=20), fee)
                 for eta, fee in ((1.0, 0.5), (0.3, 0.2), (0.0, 1.0)))


ANSWERS = {
    "otc_share": Answer(
        expected=_otc_share, decimals=2,
        hint="average the OTC spread column and the total column over all 200 days first, "
             "then divide; give a fraction to two decimals, not a percentage."),
    "ticket_fee": Answer(
        reference=_reference_ticket_fee, cases=_ticket_fee_cases, rtol=1e-9, atol=1e-6,
        hint="count the steps with a non-zero hedge on each path (run.hedges), and return "
             "one number per path."),
}
