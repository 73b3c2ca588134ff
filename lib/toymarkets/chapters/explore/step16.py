"""Try it, Step 16: move the house token's market and the group's holding of it."""

from __future__ import annotations

import ipywidgets as widgets

from ...figures.shortfall import HoleCurves
from ...models import shortfall as sf
from ..tryit import TryIt

#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside):
#: no control moves K_m = 9,000 or K_l = 10,250 million USD, the holes at a zero price.
PRICE_MAX = 60.0            # USD per token
HOLE_MAX = 11_500.0         # million USD


def run(token_volume: float = 20.0, token_volatility: float = 0.3,
        token_held: float = 180.0) -> sf.Shortfall:
    """Both holes at these settings (the other parameters at their defaults)."""
    params = sf.Group(token_volume=token_volume, token_volatility=token_volatility,
                      token_held=token_held)
    return sf.solve(params)


def tryit() -> TryIt:
    controls = {
        "token_volume": widgets.FloatSlider(value=20.0, min=2.0, max=100.0, step=2.0,
                                            description="tokens traded a day [million]",
                                            readout_format=".0f"),
        "token_volatility": widgets.FloatSlider(value=0.3, min=0.05, max=1.0, step=0.05,
                                                description="daily volatility σ",
                                                readout_format=".2f"),
        "token_held": widgets.FloatSlider(value=180.0, min=60.0, max=300.0, step=10.0,
                                          description="tokens held [million]",
                                          readout_format=".0f"),
    }
    view = HoleCurves(price_max=PRICE_MAX, hole_max=HOLE_MAX, live=True)

    def update(token_volume: float, token_volatility: float, token_held: float) -> None:
        result = run(token_volume, token_volatility, token_held)
        phi = sf.liquidation_fraction(result.params)
        view.show(result, title=(f"{token_held:.0f} m tokens, {token_volume:.0f} m a day, "
                                 f"σ = {token_volatility:.2f}: a sale fetches {phi:.1%} of "
                                 "the mark"))

    default = run()
    phi = sf.liquidation_fraction(default.params)
    return TryIt(update, view.figure, controls, alt=(
        "The group's hole in million USD against the house token's price from 0 to 60 USD. "
        "The hole at mark falls in a straight line from 9,000 million at a zero price to "
        f"zero at the break-even price of {default.breakeven():.0f} USD. The hole if "
        f"everything were sold now starts higher, at 10,250 million, and falls much more "
        f"slowly, because selling the whole holding at once fetches only {phi:.0%} of its "
        "mark: it stays above 5,000 million across the whole range."))
