"""Try it, Step 1: move the half-spread, the hedge ratio and the OTC flow of the market maker."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ...figures.marketmaking import CumulativePnl
from ...models import marketmaking as mm
from ..tryit import TryIt

SEED = 1
#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
PNL_LIMITS = (-1150.0, 550.0)            # USD
INVENTORY_LIMITS = (-200.0, 300.0)       # tokens


def run(half_spread: float = 0.05, hedge_ratio: float = 1.0,
        otc_prob: float = 0.02) -> mm.MarketMakerRun:
    """One simulated day of the market maker at these settings (seeded)."""
    params = mm.MarketMaker(half_spread=half_spread, hedge_ratio=hedge_ratio, otc_prob=otc_prob)
    return mm.simulate(params, np.random.default_rng(SEED))


def tryit() -> TryIt:
    controls = {
        "half_spread": widgets.FloatSlider(value=0.05, min=0.0, max=0.30, step=0.01,
                                           description="half-spread [USD]"),
        "hedge_ratio": widgets.FloatSlider(value=1.0, min=0.0, max=1.0, step=0.05,
                                           description="hedge ratio"),
        "otc_prob": widgets.FloatSlider(value=0.02, min=0.0, max=0.05, step=0.005,
                                        description="OTC requests per step",
                                        readout_format=".3f"),
    }
    view = CumulativePnl(mm.COMPONENTS, mm.MarketMaker().n_steps, pnl_lim=PNL_LIMITS,
                         inventory_lim=INVENTORY_LIMITS)

    def update(half_spread: float, hedge_ratio: float, otc_prob: float) -> None:
        day = run(half_spread, hedge_ratio, otc_prob)
        view.show(day.cumulative(0), inventory=day.inventory[0], title=(
            f"Half-spread {half_spread:.2f} USD, hedge ratio {hedge_ratio:.2f}, "
            f"OTC {otc_prob:.3f}"))

    return TryIt(update, view.figure, controls, alt=(
        "Cumulative profit by source over one simulated day, with the inventory below it. "
        "At the default settings the inventory stays at zero and profit grows steadily from "
        "spreads, rebates and OTC blocks, less a steady hedging cost."))
