"""Answer keys for Step 9 (book/09-balance-sheet.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

from ...story import directional as d
from ..checks import Answer


def _breakeven() -> float:
    """The house token's fall that takes the June sheet's liquidation equity to zero
    when every other token falls by 30%."""
    return d.breakeven_house_fall(d.june2022_sheet(), 0.3, liquidation=True)


def _reference_split_gain(liquidity: d.Liquidity) -> float:
    """What the two FTT lines fetch sold each as if alone, less what they fetch together."""
    market = liquidity.market(liquidity.house_volume)
    a, b = d.REPORTED["assets"]["FTT (unlocked)"], d.REPORTED["assets"]["FTT (collateral)"]
    return market.proceeds(a, 1.0) + market.proceeds(b, 1.0) - market.proceeds(a + b, 1.0)


@cache
def _split_cases() -> tuple[tuple[d.Liquidity], ...]:
    return ((d.Liquidity(),), (d.Liquidity(house_volume=10.0),),
            (d.Liquidity(house_volume=500.0, volatility=0.1),), (d.Liquidity(volatility=0.3),))


ANSWERS = {
    "breakeven": Answer(
        expected=_breakeven, decimals=2,
        hint="hold the other tokens' fall at 0.3 and raise the house token's fall until the "
             "Step 9 firm's equity if sold, after the shock, reaches zero; give a fraction."),
    "split_gain": Answer(
        reference=_reference_split_gain, cases=_split_cases, rtol=1e-9, atol=1e-9,
        hint="liquidity.market(liquidity.house_volume) is the house token's market; ask its "
             "proceeds for each FTT line alone and for both together, at price 1.0."),
}
