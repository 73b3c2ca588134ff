"""Try it, Step 9: hit the Step 1 firm and the June 2022 sheet with the same fall in prices."""

from __future__ import annotations

from functools import cache

import ipywidgets as widgets
import numpy as np

from ...figures.directional import EquityBars
from ...models import marketmaking as mm
from ...story import directional as d
from ..tryit import TryIt

SEED = 1
CAPITAL = 100_000.0                   # USD, the Step 1 firm's capital (as in Chapter 1)
#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
PERCENT_LIMITS = (-80.0, 110.0)       # % of equity at mark before the shock


@cache
def _step1_run() -> mm.MarketMakerRun:
    return mm.simulate(mm.MarketMaker(), np.random.default_rng(SEED))


def run(house_fall: float = 0.6, market_fall: float = 0.3,
        house_volume: float = 50.0) -> d.Stress:
    """Both firms under this shock, the house token trading ``house_volume`` a day."""
    liquidity = d.Liquidity(house_volume=house_volume)
    sheets = {"Step 1 firm": d.step1_sheet(_step1_run(), CAPITAL, liquidity),
              "Step 9 firm": d.june2022_sheet(liquidity)}
    return d.stress(sheets, d.Shock(market_fall=market_fall, house_fall=house_fall))


def tryit() -> TryIt:
    controls = {
        "house_fall": widgets.FloatSlider(value=0.6, min=0.0, max=0.9, step=0.05,
                                          description="house token falls by"),
        "market_fall": widgets.FloatSlider(value=0.3, min=0.0, max=0.9, step=0.05,
                                           description="other tokens fall by"),
        "house_volume": widgets.FloatSlider(value=50.0, min=10.0, max=500.0, step=10.0,
                                            description="house token volume [USD m a day]"),
    }
    view = EquityBars(d.FIRMS, percent_lim=PERCENT_LIMITS)

    def update(house_fall: float, market_fall: float, house_volume: float) -> None:
        view.show(run(house_fall, market_fall, house_volume), title=(
            f"House token −{house_fall:.0%}, others −{market_fall:.0%}, "
            f"house volume {house_volume:.0f} m USD a day"))

    return TryIt(update, view.figure, controls, alt=(
        "Bars of each firm's equity as a percentage of its equity at mark before the shock. "
        "The Step 1 firm's four bars all stand at 100%. The Step 9 firm's equity is 30% if "
        "its holdings were sold before the shock, 26% at mark after it, and below zero, "
        "about minus 18%, if sold after it."))
