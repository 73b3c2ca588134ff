"""Answer keys for Step 6 (book/06-farming.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

import numpy as np

from ...core.impact import ConstantProduct, LinearBook, SquareRoot
from ...models import farming as fm
from ..checks import Answer


def _insider_share() -> float:
    out = fm.solve(fm.Farm(insider_cost=0.03))
    return float(out.rewards[0] / out.params.reward)


@cache
def _mean_loss() -> float:
    loan = fm.FarmLoan()
    loan = loan.replace(haircut=fm.break_even_haircut(loan))
    return float(fm.simulate(loan, np.random.default_rng(11), n_paths=1000).loss_at_close().mean())


def _reference_staged(law, quantity: float, price: float, days: int) -> float:
    """Sell quantity / days on each of ``days`` days, each day from the same price."""
    return days * law.proceeds(quantity / days, price)


def _staged_cases() -> tuple[tuple, ...]:
    """The chapter's token sold at once and over 10 and 43 days; a thin book; a pool."""
    token = fm.FarmLoan().market
    return ((token, 86.4, 25.0, 1), (token, 86.4, 25.0, 10), (token, 86.4, 25.0, 43),
            (SquareRoot(0.1, 5.0), 300.0, 2.0, 7), (LinearBook(0.05), 150.0, 10.0, 3),
            (ConstantProduct(1000.0, 5000.0), 400.0, 5.0, 4))


ANSWERS = {
    "insider_share": Answer(
        expected=_insider_share, decimals=2,
        hint="solve a Farm whose insider_cost is 0.03 and divide the insider's rewards "
             "(farmer 0) by the farm's reward; give a fraction, not a percentage."),
    "mean_loss": Answer(
        expected=_mean_loss, decimals=1,
        hint="replace the default loan's haircut by fm.break_even_haircut(loan), simulate "
             "1,000 paths with np.random.default_rng(11), and average loss_at_close()."),
    "staged_proceeds": Answer(
        reference=_reference_staged, cases=_staged_cases, rtol=1e-9, atol=1e-9,
        hint="each day sells quantity / days from the same starting price: call "
             "law.proceeds once for one day's sale and multiply by the number of days."),
}
