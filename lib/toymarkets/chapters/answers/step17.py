"""Answer keys for Step 17 (book/17-bankruptcy.ipynb). See toymarkets.checks."""

from __future__ import annotations

import numpy as np

from ...models import waterfall as w
from ..checks import Answer

#: Bitcoin on the petition date (about 17,000 USD, the plan's figure as reported) and on
#: Coinbase late on 30 May 2025, the day of the second distribution (about 104,834 USD).
PETITION_BTC, PAID_BTC = 17_000.0, 104_834.0


def _coins_119() -> float:
    return w.coins_recovered(1.19, PETITION_BTC, PAID_BTC)


def _priority(value: float, totals) -> np.ndarray:
    return w.class_payments(value, totals)


def _priority_cases() -> tuple[tuple[float, list[float]], ...]:
    """(estate [million USD], class totals in order of seniority)."""
    return ((150.0, [100.0, 80.0, 20.0]), (0.0, [5.0, 5.0]), (1_000.0, [100.0, 80.0, 20.0]),
            (12_000.0, [500.0, 11_000.0, 2_500.0, 3_000.0]), (99.0, [100.0]),
            (30.0, [0.0, 10.0, 0.0, 40.0]))


ANSWERS = {
    "coins_119": Answer(
        expected=_coins_119, decimals=3,
        hint="a claim of one coin is worth the petition-date price in dollars; 119% of that, "
             "divided by the later price, is what the dollars buy back (w.coins_recovered)."),
    "priority": Answer(
        reference=_priority, cases=_priority_cases, rtol=1e-12, atol=1e-9,
        hint="what is left for class k is the estate less the claims of every class before "
             "it (np.cumsum), never below zero and never more than the class's own claims "
             "(np.clip)."),
}
