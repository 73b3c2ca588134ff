"""Try it, Step 10: move the pool's depth, the defender's reserve and StableSwap's amplification."""

from __future__ import annotations

import ipywidgets as widgets

from ...figures.peg import BreakCurves
from ...models import peg
from ..tryit import TryIt

#: Axis limit over the controls' whole range (the widget sweep checks the data stay inside).
SOLD_MAX = 1600.0          # million UST
POINTS = 60


def curves(depth: float = 300.0, reserve: float = 300.0, amplification: float = 100.0):
    """The sale curves and break sizes of both invariants at these settings."""
    base = peg.Peg(depth=depth, reserve=reserve, amplification=amplification)
    out, breaks = {}, {}
    for invariant in peg.INVARIANTS:
        params = base.replace(invariant=invariant)
        out[invariant] = peg.sale_curve(params, points=POINTS)
        breaks[invariant] = peg.break_size(params)
    return out, breaks


def tryit() -> TryIt:
    controls = {
        "depth": widgets.FloatSlider(value=300.0, min=100.0, max=1000.0, step=50.0,
                                     description="pool liquidity [million USD]",
                                     readout_format=",.0f"),
        "reserve": widgets.FloatSlider(value=300.0, min=0.0, max=600.0, step=50.0,
                                       description="reserve [million USD]",
                                       readout_format=",.0f"),
        "amplification": widgets.FloatSlider(value=100.0, min=10.0, max=500.0, step=10.0,
                                             description="StableSwap A", readout_format=".0f"),
    }
    view = BreakCurves(floor=peg.Peg().floor, sold_max=SOLD_MAX)

    def update(depth: float, reserve: float, amplification: float) -> None:
        out, breaks = curves(depth, reserve, amplification)
        view.show(out, breaks, title=(
            f"Pool {depth:,.0f} m USD, reserve {reserve:,.0f} m USD, A = {amplification:.0f}: "
            f"breaks at {breaks['stableswap']:,.0f} and {breaks['constant_product']:,.0f} m UST"))

    _, breaks = curves()
    return TryIt(update, view.figure, controls, alt=(
        "UST's price against the UST sold into the system in small pieces, for a StableSwap "
        "pool and a constant-product pool of the same liquidity. The constant-product price "
        "falls at once to the floor of 0.98 dollars; the StableSwap price stays close to one "
        "dollar far longer. Both then sit on the floor while the reserve buys, and fall off "
        "it when the reserve is spent: at the default settings after about "
        f"{breaks['stableswap']:,.0f} million UST for StableSwap and "
        f"{breaks['constant_product']:,.0f} million for constant product, StableSwap's fall "
        "being the steeper."))
