"""Answer keys for Step 7 (book/07-low-float.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

from ...models import impact as im
from ..checks import Answer


def _thin_token_discount() -> float:
    """Square-root discount of 15 days of volume of a token moving 8% a day."""
    market = im.Market(volatility=0.08, daily_volume=2e6)
    return float(im.liquidation_curve(market, [15 * 2e6]).discount["square-root"][0])


def _ten_day_proceeds() -> float:
    """Expected proceeds of the paper's example sold over 10 days in 10 intervals at 1e-6."""
    return im.schedule(im.Execution(horizon=10.0, n_intervals=10)).expected_proceeds


def _reference_dump(params: im.Pump, bought: float, followers: float) -> float:
    """What selling H + q leaves, net of the pump's cost, after followers spend F on the token."""
    g = 1.0 - params.fee
    cost = im.pump_cost(params, bought)
    x1, y1 = params.float_tokens - bought, params.reserve_cash + cost
    got = g * followers * x1 / (y1 + g * followers)
    x2, y2 = x1 - got, y1 + followers
    held = params.holding + bought
    return g * held * y2 / (x2 + g * held) - cost


@cache
def _dump_cases() -> tuple[tuple[im.Pump, float, float], ...]:
    return (
        (im.Pump(), 3.0, 0.0),
        (im.Pump(), 3.0, 20.0),
        (im.Pump(fee=0.0, holding=0.0), 5.0, 10.0),
        (im.Pump(float_tokens=4.0, price=2.5, holding=30.0, fee=0.01), 1.0, 50.0),
        (im.Pump(float_tokens=50.0), 0.0, 5.0),
    )


ANSWERS = {
    "thin_discount": Answer(
        expected=_thin_token_discount, decimals=3,
        hint="build a Market with volatility 0.08 and daily_volume 2e6, ask liquidation_curve "
             "for a sale of 15 days of volume, and read the square-root discount, a fraction."),
    "ten_day_proceeds": Answer(
        expected=_ten_day_proceeds, decimals=0, rtol=0.0,
        hint="change horizon and n_intervals of the default Execution to 10, keep the rest, "
             "and read expected_proceeds of its schedule (USD, not thousands)."),
    "dump": Answer(
        reference=_reference_dump, cases=_dump_cases, rtol=1e-9, atol=1e-9,
        hint="after the pump the pool holds x0 - q tokens and y0 + C dollars; the followers "
             "put F dollars in and take tokens out at the constant-product rule with the fee; "
             "then the firm sells H + q tokens into what is left, and you subtract C."),
}
