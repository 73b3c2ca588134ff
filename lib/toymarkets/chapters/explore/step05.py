"""Try it, Step 5: move the rescue's budget, the level it defends and the depth of the pool."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ...figures.rescue import RescuePanels
from ...models import amm
from ...story import rescue
from ..tryit import TryIt

SEED = 5
N_PATHS = 200
PATH = 26                            # a path that dips below every support level, then recovers
SUPPORT, POOL = rescue.illustrative()
#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
PRICE_LIMITS = (0.0, 3.0)            # USD per token
RECOVERY_LIMITS = (0.03, 8.0)        # final / starting fair value
PNL_LIMITS = (-65.0, 340.0)          # million USD


def run(budget: float = 20.0, support_level: float = 1.2, pool_tokens: float = 20.0
        ) -> rescue.RescueRun:
    """N_PATHS seeded rescues at these settings."""
    support = SUPPORT.replace(budget=budget, support_level=support_level)
    return rescue.simulate(support, amm.Pool.at_price(POOL.price, pool_tokens, POOL.fee),
                           np.random.default_rng(SEED), n_paths=N_PATHS)


def tryit() -> TryIt:
    controls = {
        "budget": widgets.FloatSlider(value=20.0, min=0.0, max=60.0, step=5.0,
                                      description="budget [million USD]", readout_format=".0f"),
        "support_level": widgets.FloatSlider(value=1.2, min=0.8, max=1.5, step=0.05,
                                             description="support level [USD]"),
        "pool_tokens": widgets.FloatSlider(value=20.0, min=5.0, max=60.0, step=5.0,
                                           description="pool depth [million tokens]",
                                           readout_format=".0f"),
    }
    view = RescuePanels(SUPPORT.n_steps, price_lim=PRICE_LIMITS, recovery_lim=RECOVERY_LIMITS,
                        pnl_lim=PNL_LIMITS)

    def update(budget: float, support_level: float, pool_tokens: float) -> None:
        view.show(run(budget, support_level, pool_tokens), PATH, title=(
            f"Budget {budget:.0f} m USD defending {support_level:.2f} USD in a pool of "
            f"{pool_tokens:.0f} m tokens"))

    out = run()
    share, day = out.win_share(), int(out.run.exhaustion_step()[PATH])
    return TryIt(update, view.figure, controls, alt=(
        "Left: one simulated rescue over 120 days, the fair value of a token starting at "
        "1.5 USD falling well below the 1.2 USD support level, the market price held there "
        f"until the budget runs out on day {day}, then a recovery to about 2.5 USD. Right: "
        "for every path on which the floor was defended, the defence's final profit "
        "against the token's recovery on a log scale: a hockey stick, never below minus "
        "the budget of 20 million USD and rising steeply with the recovery; "
        f"{share:.0%} of the defended paths end in profit."))
