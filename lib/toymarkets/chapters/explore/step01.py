"""Try it, Step 1: move the half-spread, the hedge ratio and the OTC flow of the market maker."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ...figures.marketmaking import cumulative_pnl
from ...models import marketmaking as mm
from ..tryit import TryIt

SEED = 1


def draw(half_spread: float = 0.05, hedge_ratio: float = 1.0, otc_prob: float = 0.02):
    """One day of the market maker at these settings: cumulative P&L by source, and inventory."""
    params = mm.MarketMaker(half_spread=half_spread, hedge_ratio=hedge_ratio, otc_prob=otc_prob)
    run = mm.simulate(params, np.random.default_rng(SEED))
    title = f"Half-spread {half_spread:.2f} USD, hedge ratio {hedge_ratio:.2f}, OTC {otc_prob:.3f}"
    return cumulative_pnl(run.cumulative(0), mm.COMPONENTS, title=title,
                          inventory=run.inventory[0])


def tryit() -> TryIt:
    controls = {
        "half_spread": widgets.FloatSlider(value=0.05, min=0.0, max=0.30, step=0.01,
                                           description="half-spread [USD]"),
        "hedge_ratio": widgets.FloatSlider(value=1.0, min=0.0, max=1.0, step=0.05,
                                           description="hedge ratio"),
        "otc_prob": widgets.FloatSlider(value=0.02, min=0.0, max=0.10, step=0.005,
                                        description="OTC requests per step",
                                        readout_format=".3f"),
    }
    return TryIt(draw, controls, alt=(
        "Cumulative profit by source over one simulated day, with the inventory below it. "
        "At the default settings the inventory stays at zero and profit grows steadily from "
        "spreads, rebates and OTC blocks, less a steady hedging cost."))
