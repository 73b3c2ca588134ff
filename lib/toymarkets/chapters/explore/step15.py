"""Try it, Step 15: move the defence budget, the reserves and how jumpy the depositors are."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ...core.impact import LinearBook
from ...figures.bankrun import RunDays
from ...models import bankrun
from ..tryit import TryIt

SEED = 2022

#: The chapter's loose calibration to November 2022 (illustrative). Calibrated: the sale
#: (23 million tokens, over two days), the price path's scale (a book that takes the sale
#: from 25 to about 22 USD, and the firm's own 130 million tokens down to about 5 USD) and
#: the withdrawals' scale (about six billion paid in three days, a hole of about eight).
#: Assumed: the deposits' size and spread, the thresholds, the reserves, the weight on the
#: price and the firm's token holding.
NOVEMBER = bankrun.Run(
    n_depositors=10_000, deposits=14_000.0, deposit_spread=1.5,
    threshold_mean=0.25, threshold_sd=0.12, price_weight=1.0,
    reserves=4_500.0, defence_budget=0.0, token_holdings=130.0,
    price=25.0, market=LinearBook(0.132), sale=23.0, sale_days=2, n_days=7)

#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
PRICE_LIMITS = (0.0, 26.5)               # USD
MONEY_LIMITS = (0.0, 14_800.0)           # million USD, asked and paid
CASH_LIMITS = (0.0, 8_400.0)             # million USD, reserves left


def runs(defence_budget: float = 400.0, threshold_mean: float = 0.25,
         reserves: float = 4_500.0) -> tuple[bankrun.RunResult, bankrun.RunResult]:
    """The run at these settings without a defence of the price, and with one (seeded)."""
    base = NOVEMBER.replace(threshold_mean=threshold_mean, reserves=reserves)
    budget = min(defence_budget, reserves)
    return (bankrun.simulate(base, np.random.default_rng(SEED)),
            bankrun.simulate(base.replace(defence_budget=budget), np.random.default_rng(SEED)))


def tryit() -> TryIt:
    controls = {
        "defence_budget": widgets.FloatSlider(value=400.0, min=0.0, max=1_000.0, step=50.0,
                                              description="defence [million USD]",
                                              readout_format=",.0f"),
        "threshold_mean": widgets.FloatSlider(value=0.25, min=0.10, max=0.40, step=0.01,
                                              description="mean threshold"),
        "reserves": widgets.FloatSlider(value=4_500.0, min=1_000.0, max=8_000.0, step=250.0,
                                        description="reserves [million USD]",
                                        readout_format=",.0f"),
    }
    view = RunDays(["no defence", "defended"], NOVEMBER.n_days, money_lim=MONEY_LIMITS,
                   cash_lim=CASH_LIMITS, price_lim=PRICE_LIMITS)

    def update(defence_budget: float, threshold_mean: float, reserves: float) -> None:
        calm, defended = runs(defence_budget, threshold_mean, reserves)
        view.show([calm, defended], title=(
            f"Shortfall {calm.shortfall:,.0f} m USD undefended, {defended.shortfall:,.0f} "
            f"defended with {defended.defence[-1]:,.0f}"))

    calm, defended = runs()
    return TryIt(update, view.figure, controls, alt=(
        "Three panels over a week, for a run with no defence of the token's price and one "
        "with a defence budget. Top, the token's price; middle, deposits asked for and paid, "
        "cumulative; bottom, the reserves left. At the default settings the undefended price "
        "falls from 25 to about 22 dollars in two days and then to about 5 as the firm sells "
        "its own tokens; withdrawals stop when the reserves run out, leaving "
        f"{calm.shortfall:,.0f} million dollars unpaid. The defence of "
        f"{defended.defence[-1]:,.0f} million holds the price near 24 dollars for a few days "
        f"and moves the day the reserves run out from day {calm.halted_day:.0f} to day "
        f"{defended.halted_day:.0f}; then the price falls all the same, and the shortfall is "
        f"{defended.shortfall:,.0f} million."))
