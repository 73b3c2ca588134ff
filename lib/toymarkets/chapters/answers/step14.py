"""Answer keys for Step 14 (book/14-collateral-loop.ipynb). See toymarkets.checks."""

from __future__ import annotations

import numpy as np

from ...models import collateral
from ..checks import Answer


def _rest_price() -> float:
    return collateral.linear_fixed_point(collateral.Loop(
        price=22.0, holding=40.0, debt=100.0, loan_to_value=0.5, haircut=0.3,
        depth=1_500.0))[0]


def _reference_liquidation_ratio(params: collateral.Loop) -> float:
    """rho' = m (1 - exp(-Q0 P0 / depth)): the ratio per turn of a lender who lends on the
    liquidation value of the pledged tokens (the exercise's derivation)."""
    return params.multiple * -np.expm1(-params.holding * params.price / params.depth)


def _liquidation_cases() -> tuple[tuple[collateral.Loop], ...]:
    base = collateral.Loop()
    return ((base,), (base.replace(depth=500.0),), (base.replace(loan_to_value=1.0, haircut=0.0,
                                                                 depth=100.0),),
            (base.replace(price=3.0, holding=5.0, debt=1.0, depth=40.0),))


ANSWERS = {
    "rest_price": Answer(
        expected=_rest_price, decimals=2,
        hint="m = loan_to_value * (1 - haircut); the first step is P0 (m Q0 P0 - D0) / depth, "
             "and the steps shrink by rho = m Q0 P0 / depth each turn."),
    "liquidation_ratio": Answer(
        reference=_reference_liquidation_ratio, cases=_liquidation_cases, rtol=1e-9,
        hint="the borrowing is m times the liquidation value, which is linear in the price: "
             "find how much one dollar of price step adds to it, then multiply by P0 / depth."),
}
