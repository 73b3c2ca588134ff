"""Answer keys for Step 15 (book/15-run.ipynb). See toymarkets.checks."""

from __future__ import annotations

import numpy as np

from ...models import bankrun
from ..checks import Answer


def _tipping_share() -> float:
    return bankrun.run_threshold(1.2, 2.0)


def _reference_pro_rata(requests, reserves: float) -> np.ndarray:
    """Every request paid the same fraction, min(1, reserves / total asked)."""
    requests = np.asarray(requests, dtype=float)
    asked = float(requests.sum())
    return requests * (min(1.0, reserves / asked) if asked > 0 else 0.0)


def _pro_rata_cases() -> tuple[tuple[np.ndarray, float], ...]:
    """Requests in order of service [million USD], and the reserves [million USD]."""
    rng = np.random.default_rng(15)
    many = rng.lognormal(0.0, 1.5, 50)
    return ((np.array([400.0, 300.0, 200.0, 100.0]), 600.0),
            (np.array([400.0, 300.0, 200.0, 100.0]), 2_000.0),
            (np.array([5.0, 0.0, 7.5]), 0.0),
            (many, float(many.sum() / 3)))


ANSWERS = {
    "tipping_share": Answer(
        expected=_tipping_share, decimals=3,
        hint="set the payoff of waiting, R (1 - f r1) / (1 - f), equal to r1 and solve for f."),
    "pay_pro_rata": Answer(
        reference=_reference_pro_rata, cases=_pro_rata_cases, rtol=1e-9, atol=1e-9,
        hint="the fraction is the reserves divided by the total asked, but never more than 1; "
             "multiply every request by it."),
}
