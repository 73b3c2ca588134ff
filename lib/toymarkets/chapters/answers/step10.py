"""Answer keys for Step 10 (book/10-terra.ipynb). See toymarkets.checks."""

from __future__ import annotations

from ...models import peg
from ..checks import Answer


def _cp_break() -> float:
    return peg.break_size_constant_product(600.0, 50.0, 0.0, 0.98)


def _capacity_cases() -> tuple[tuple[float, float, float], ...]:
    """Base pool [million USD], recovery period [blocks], spread."""
    return ((50.0, 36.0, 0.02), (100.0, 18.0, 0.02), (50.0, 36.0, 0.10), (1.0, 14_400.0, 0.5))


ANSWERS = {
    "cp_break": Answer(
        expected=_cp_break, decimals=1,
        hint="the venue absorbs (D/2)(1/sqrt(p) - 1), the module B(1/sqrt(p) - 1) when the "
             "floor is well below 1 - min_spread; with no reserve there is no third term."),
    "capacity": Answer(
        reference=peg.daily_capacity, cases=_capacity_cases, rtol=1e-9,
        hint="find the imbalance at which the marginal rate B^2/(B + delta)^2 equals 1 - s; "
             "the pool recovers that imbalance divided by R each block, 14,400 blocks a day."),
}
