"""Try it, Step 3: move the support level, the budget and the token's link to the exchange."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ...figures.pricesupport import SupportPanels
from ...models import pricesupport as ps
from ..tryit import TryIt

SEED = 3
N_PATHS = 150
#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
PRICE_LIMITS = (4.0, 42.0)          # USD
GROWTH_LIMITS = (-0.8, 2.3)         # natural log
PNL_LIMITS = (-1000.0, 5600.0)      # million USD


def run(support_level: float = 22.0, budget: float = 500.0, rho: float = 0.7) -> ps.SupportRun:
    """A seeded year of price support at these settings, over N_PATHS paths."""
    params = ps.PriceSupport(support_level=support_level, budget=budget, rho=rho)
    return ps.simulate(params, np.random.default_rng(SEED), n_paths=N_PATHS)


def tryit() -> TryIt:
    controls = {
        "support_level": widgets.FloatSlider(value=22.0, min=10.0, max=30.0, step=1.0,
                                             description="support level [USD]"),
        "budget": widgets.FloatSlider(value=500.0, min=0.0, max=1000.0, step=50.0,
                                      description="support budget [million USD]",
                                      readout_format=",.0f"),
        "rho": widgets.FloatSlider(value=0.7, min=-1.0, max=1.0, step=0.1,
                                   description="token-business correlation ρ"),
    }
    view = SupportPanels(ps.PriceSupport().n_steps, price_lim=PRICE_LIMITS,
                         growth_lim=GROWTH_LIMITS, pnl_lim=PNL_LIMITS)

    def update(support_level: float, budget: float, rho: float) -> None:
        view.show(run(support_level, budget, rho), 0, title=(
            f"Support at {support_level:.0f} USD, budget {budget:,.0f} m USD, "
            f"ρ = {rho:+.1f}"))

    out = run(**{name: w.value for name, w in controls.items()}).exhaustion_step()[0]
    ending = ("then falls to fair value when the budget runs out on day "
              f"{int(out)}" if np.isfinite(out) else "and the budget lasts the year")
    return TryIt(update, view.figure, controls, alt=(
        "Left: one simulated year of the token's fair value and market price with the support "
        "level as a dotted line; at the default settings the price dips to the support level, "
        f"is held there while the house buys, {ending}. Right: each path's final profit "
        "against the growth of the exchange's business, a cloud that slopes upwards."))
