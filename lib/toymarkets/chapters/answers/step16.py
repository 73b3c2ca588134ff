"""Answer keys for Step 16 (book/16-the-hole.ipynb). See toymarkets.checks."""

from __future__ import annotations

from ...core.impact import LinearBook
from ...models import shortfall as sf
from ..checks import Answer


def _breakeven_sold() -> float:
    return sf.breakeven_price(sf.Group(), "liquidation")


def _hole_linear_book(price: float, slope: float) -> float:
    """The default group's hole sold now, its tokens sold into a linear book of ``slope``
    USD per million tokens instead of the square-root law."""
    g = sf.Group()
    proceeds = LinearBook(slope).proceeds(g.token_held, price)
    return max(0.0, g.gap_at_liquidation - proceeds)


def _linear_cases() -> tuple[tuple[float, float], ...]:
    """(price [USD], slope [USD per million tokens]): shallow, deep, and books the sale
    exhausts (the marginal price reaches zero before the holding is sold)."""
    return ((22.0, 0.05), (22.0, 0.2), (3.0, 0.05), (50.0, 0.01), (10.0, 1.0), (0.0, 0.1))


ANSWERS = {
    "breakeven_sold": Answer(
        expected=_breakeven_sold, decimals=2,
        hint="the hole sold now closes where K_l = phi q p; sf.breakeven_price takes a basis, "
             "or compute K_l = Group().gap_at_liquidation and phi = "
             "sf.liquidation_fraction(Group())."),
    "hole_linear_book": Answer(
        reference=_hole_linear_book, cases=_linear_cases, rtol=1e-9, atol=1e-6,
        hint="the proceeds are LinearBook(slope).proceeds(q, price) with q = Group().token_held; "
             "subtract them from Group().gap_at_liquidation and floor the result at zero."),
}
