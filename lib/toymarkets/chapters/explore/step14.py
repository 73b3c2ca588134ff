"""Try it, Step 14: move the loan-to-value, the haircut and the market's depth of the loop."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ...figures.collateral import LoopMap
from ...models import collateral
from ..tryit import TryIt

#: Axis limits over the controls' whole range (the figure drops points beyond them).
TOP = 120.0              # USD
TURNS = 25
PRICES = np.linspace(0.0, TOP, 121)


def run(loan_to_value: float = 0.8, haircut: float = 0.25, depth: float = 2_000.0):
    """The linear case at these settings: the turns, the map on a grid of prices and the
    resting price (None where the loop never rests)."""
    params = collateral.Loop(loan_to_value=loan_to_value, haircut=haircut, depth=depth)
    turns = collateral.solve_linear(params, turns=TURNS)
    rest = collateral.linear_fixed_point(params)[0] if turns.settled else None
    return params, turns, collateral.next_price(params, PRICES), rest


def tryit() -> TryIt:
    controls = {
        "loan_to_value": widgets.FloatSlider(value=0.8, min=0.1, max=1.0, step=0.05,
                                             description="loan-to-value"),
        "haircut": widgets.FloatSlider(value=0.25, min=0.0, max=0.9, step=0.05,
                                       description="haircut"),
        "depth": widgets.FloatSlider(value=2_000.0, min=500.0, max=4_000.0, step=100.0,
                                     description="depth [million USD]", readout_format=",.0f"),
    }
    view = LoopMap(top=TOP, turns=TURNS)

    def update(loan_to_value: float, haircut: float, depth: float) -> None:
        params, turns, mapped, rest = run(loan_to_value, haircut, depth)
        rho = collateral.loop_ratio(params)
        where = (f"rests at {rest:.2f} USD" if rest is not None
                 else "never rests: each turn's step is larger than the last")
        view.show(turns, PRICES, mapped, rest=rest,
                  title=f"ρ = m Q0 P0 / δ = {rho:.3f}: the loop {where}")

    params, _, _, rest = run()
    return TryIt(update, view.figure, controls, alt=(
        "Left, a cobweb diagram: the price at the next turn of the loop against the price at "
        "this turn, a straight line of slope rho, with the diagonal dotted and the turns as a "
        "staircase between them. Right, the price turn by turn. At the default settings, rho "
        f"is {collateral.loop_ratio(params):.3f}: the staircase climbs from 22 dollars in "
        f"shrinking steps and rests where the map crosses the diagonal, at {rest:.2f} dollars."))
