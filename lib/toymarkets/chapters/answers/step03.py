"""Answer keys for Step 3 (book/03-own-token.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

import numpy as np

from ...models import pricesupport as ps
from ..checks import Answer


def _exhausted_share() -> float:
    run = ps.simulate(ps.PriceSupport(budget=1000.0), np.random.default_rng(3), n_paths=500)
    return float(np.mean(~np.isnan(run.exhaustion_step())))


def _reference_liquidation(run: ps.SupportRun) -> np.ndarray:
    """Cash plus the final inventory sold at once, down a curve of slope lambda: at
    max(F_T - lambda I_T, 0)."""
    stock = run.inventory[:, -1]
    price = np.maximum(run.fair_value[:, -1] - run.params.impact * stock, 0.0)
    return run.cash[:, -1] + stock * price


@cache
def _liquidation_cases() -> tuple[tuple[ps.SupportRun], ...]:
    """Three runs: support held, long and deep underwater, a short or long client book."""
    cases = (
        ps.PriceSupport(n_steps=200),
        ps.PriceSupport(n_steps=200, drift=-0.005, impact=3.0),
        ps.PriceSupport(n_steps=100, budget=0.0, hedge_ratio=0.0),
    )
    return tuple((ps.simulate(params, np.random.default_rng(11), n_paths=30),)
                 for params in cases)


ANSWERS = {
    "exhausted_share": Answer(
        expected=_exhausted_share, decimals=2,
        hint="a path's budget ran out when its exhaustion_step() is a number, not NaN; "
             "give the share of the 500 paths as a fraction to two decimals, not a "
             "percentage."),
    "liquidation": Answer(
        reference=_reference_liquidation, cases=_liquidation_cases, rtol=1e-9, atol=1e-9,
        hint="sell run.inventory[:, -1] at the fair value minus impact times the inventory, "
             "never below zero, and add run.cash[:, -1]; return one number per path."),
}
