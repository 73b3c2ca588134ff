"""Try it, Step 3: move the support level, the budget and the token's link to the exchange."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import pricesupport as ps
from ..plots_pricesupport import explore_figure
from ..tryit import TryIt

SEED = 3
N_PATHS = 150


def draw(support_level: float = 22.0, budget: float = 500.0, rho: float = 0.7):
    """A year of price support at these settings: one path's prices, and P&L across paths."""
    params = ps.PriceSupport(support_level=support_level, budget=budget, rho=rho)
    run = ps.simulate(params, np.random.default_rng(SEED), n_paths=N_PATHS)
    title = f"Support at {support_level:.0f} USD, budget {budget:,.0f} m USD, ρ = {rho:+.1f}"
    return explore_figure(run, 0, title=title)


def tryit() -> TryIt:
    style = {"description_width": "initial"}
    controls = {
        "support_level": widgets.FloatSlider(value=22.0, min=10.0, max=30.0, step=1.0,
                                             description="support level [USD]", style=style),
        "budget": widgets.FloatSlider(value=500.0, min=0.0, max=2000.0, step=50.0,
                                      description="support budget [million USD]", style=style,
                                      readout_format=",.0f"),
        "rho": widgets.FloatSlider(value=0.7, min=-1.0, max=1.0, step=0.1,
                                   description="token-business correlation ρ", style=style),
    }
    return TryIt(draw, controls, alt=(
        "Left: one simulated year of the token's fair value and market price with the support "
        "level as a dotted line; at the default settings the price dips to the support level, "
        "is held there for a few weeks while the house buys, then falls to fair value when "
        "the budget runs out on day 88. Right: each path's final profit against the growth "
        "of the exchange's business, a cloud that slopes upwards."))
