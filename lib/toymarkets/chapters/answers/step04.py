"""Answer keys for Step 4 (book/04-pools.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

from ...models import amm
from ..checks import Answer

#: The exercise's perpetual: as deep as a pool of 2 million tokens at 1 USD, fee 0.05%.
PERP = amm.Pool.at_price(1.0, 2.0, fee=0.0005)
#: The exercise's hedge: the house's presale tokens at the chapter's default settings.
HEDGE = amm.Launch().house_tokens


def _perp_price() -> float:
    state = amm.open_pool(PERP).after
    return float(amm.swap(state, HEDGE, "token").execution_price())


def _reference_clips(state: amm.PoolState, quantity: float, clips: int) -> float:
    """Cash from selling ``quantity`` tokens in ``clips`` equal swaps, one after another."""
    cash = 0.0
    for _ in range(clips):
        trade = amm.swap(state, quantity / clips, "token")
        cash -= float(trade.cash_in)
        state = trade.after
    return cash


@cache
def _clip_cases() -> tuple[tuple[amm.PoolState, float, int], ...]:
    """A fee-free pool, the Uniswap fee, a high fee; one clip, a few, many."""
    return tuple((amm.open_pool(amm.Pool(x, y, fee)).after, q, n)
                 for x, y, fee, q, n in ((10.0, 10.0, 0.0, 5.0, 10), (10.0, 10.0, 0.003, 5.0, 1),
                                         (10.0, 10.0, 0.003, 5.0, 10),
                                         (2.0, 50.0, 0.03, 7.0, 25)))


ANSWERS = {
    "perp_price": Answer(
        expected=_perp_price, decimals=3,
        hint="open the pool with amm.open_pool(...).after, swap the hedge into it as tokens "
             "and read the trade's execution_price(); give USD per token."),
    "clips": Answer(
        reference=_reference_clips, cases=_clip_cases, rtol=1e-9, atol=1e-12,
        hint="swap quantity / clips tokens, take the cash out (minus the trade's cash_in), "
             "and sell the next clip into the trade's after state; return the total cash."),
}
