"""Answer keys for Step 13 (book/13-loans-pile-up.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

from ...models import firesale as fs
from ..checks import Answer


def _exposure_thin() -> float:
    return float(fs.solve(fs.FireSale(house_volume=1.0)).exposure[-1])


def _reference_house_falls(rounds: fs.Rounds, house_fall: float) -> float:
    """The exchange's exposure after the last round if the house token's mark falls by
    ``house_fall`` (a share) before the exchange sells the pledged tokens."""
    p = rounds.params
    loan = float(rounds.exchange_loan[-1])
    fetched = p.house_market.proceeds(float(rounds.pledged[-1]),
                                      p.house_price * (1.0 - house_fall))
    return loan - min(loan, fetched)


@cache
def _house_falls_cases() -> tuple[tuple[fs.Rounds, float], ...]:
    runs = (fs.solve(fs.FireSale()), fs.solve(fs.FireSale(house_volume=1.0, fall=0.25)),
            fs.solve(fs.FireSale(house_holdings=30.0)))
    return tuple((r, f) for r in runs for f in (0.0, 0.5, 0.8))


ANSWERS = {
    "exposure_thin": Answer(
        expected=_exposure_thin, decimals=1,
        hint="change only house_volume (to 1.0, in million tokens a day), solve, and read "
             "the last entry of the exposure; the answer is in million USD."),
    "house_falls": Answer(
        reference=_reference_house_falls, cases=_house_falls_cases, rtol=1e-9, atol=1e-9,
        hint="sell rounds.pledged[-1] house tokens from the fallen price "
             "house_price * (1 - house_fall) with params.house_market.proceeds, and compare "
             "with the last exchange loan; the exposure is never negative."),
}
