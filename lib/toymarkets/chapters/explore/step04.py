"""Try it, Step 4: move the drift of the outside price, the house's sale and the pool's depth."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ...figures.amm import LaunchPanels
from ...models import amm
from ..tryit import TryIt

SEED = 4
N_PATHS = 60
#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
PRICE_LIMITS = (0.0, 1.4)           # USD per token
PNL_LIMITS = (-30.0, 25.0)          # million USD


def run(drift: float = -0.01, house_sale: float = 20.0, pool_tokens: float = 10.0
        ) -> amm.LaunchRun:
    """N_PATHS seeded launches at these settings (the other parameters at their defaults)."""
    params = amm.Launch(drift=drift, house_sale=house_sale, pool_tokens=pool_tokens)
    return amm.simulate(params, np.random.default_rng(SEED), n_paths=N_PATHS)


def tryit() -> TryIt:
    controls = {
        "drift": widgets.FloatSlider(value=-0.01, min=-0.02, max=0.005, step=0.0025,
                                     description="drift of the price [per day]",
                                     readout_format=".4f"),
        "house_sale": widgets.FloatSlider(value=20.0, min=0.0, max=30.0, step=5.0,
                                          description="house's sale [million tokens]",
                                          readout_format=".0f"),
        "pool_tokens": widgets.FloatSlider(value=10.0, min=2.0, max=30.0, step=2.0,
                                           description="pool depth [million tokens]",
                                           readout_format=".0f"),
    }
    defaults = amm.Launch()
    view = LaunchPanels(defaults.n_days, price_lim=PRICE_LIMITS, pnl_lim=PNL_LIMITS,
                        listing_price=defaults.listing_price,
                        presale_price=defaults.presale_price)

    def update(drift: float, house_sale: float, pool_tokens: float) -> None:
        view.show(run(drift, house_sale, pool_tokens), 0, title=(
            f"Drift {100 * drift:+.2f}% a day, {house_sale:.0f} m tokens sold into a pool "
            f"of {pool_tokens:.0f} m"))

    pnl = run().pnl().mean()
    return TryIt(update, view.figure, controls, alt=(
        "Left: one simulated launch, the outside price drifting down from the listing price "
        "of 1 USD, with the pool's price dipping below it each day the house sells. Right: "
        "each party's mean profit against holding over 60 launches; at the default settings "
        f"the house's sales gain about {pnl['house_sales']:.0f} million USD and the late "
        f"buyers lose about {-pnl['late_buyers']:.0f} million, with small losses for the "
        "liquidity providers and a small gain for the arbitrageurs."))
