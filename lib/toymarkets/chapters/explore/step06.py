"""Try it, Step 6: move the haircut, the price gap at a default, and the exemption."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ...figures.farming import LoanPanels
from ...models import farming as fm
from ..tryit import TryIt

SEED = 6
N_PATHS = 200
PATH = 3                             # a path on which the farmer defaults at the defaults
#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
PRICE_LIMITS = (0.0, 45.0)           # USD: the path's range, and every call price (12.5 to 25)
LOSS_LIMITS = (0.0, 900.0)           # million USD: the largest loss on the grid is about 865


def run(haircut: float = 0.3, distress_gap: float = 0.25, exempt: bool = False) -> fm.LoanRun:
    """A seeded year of the loan at these settings, over N_PATHS paths."""
    params = fm.FarmLoan(haircut=haircut, distress_gap=distress_gap, exempt=exempt)
    return fm.simulate(params, np.random.default_rng(SEED), n_paths=N_PATHS)


def tryit() -> TryIt:
    controls = {
        "haircut": widgets.FloatSlider(value=0.3, min=0.0, max=0.5, step=0.05,
                                       description="haircut h"),
        "distress_gap": widgets.FloatSlider(value=0.25, min=0.0, max=0.5, step=0.05,
                                            description="price gap at a default g"),
        "exempt": widgets.Checkbox(value=False, description="exempt from auto-liquidation"),
    }
    view = LoanPanels(fm.FarmLoan().n_days, price_lim=PRICE_LIMITS, loss_lim=LOSS_LIMITS,
                      n_paths=N_PATHS)

    def update(haircut: float, distress_gap: float, exempt: bool) -> None:
        rule = "exempt" if exempt else "sold at default"
        view.show(run(haircut, distress_gap, exempt), PATH, title=(
            f"Haircut {haircut:.0%}, gap at a default {distress_gap:.0%}, {rule}"))

    out = run(**{name: w.value for name, w in controls.items()})
    day = out.breach_day[PATH]
    ending = (f"falls below it and the farmer cannot pay on day {int(day)}"
              if np.isfinite(day) else "and the farmer meets every call")
    return TryIt(update, view.figure, controls, alt=(
        "Left: one simulated year of the house token's price, with a dotted line at the price "
        f"below which margin calls come; at the default settings the price {ending}. Right: "
        "the exchange's loss on each of 200 paths, sorted from the largest down, as it is (a "
        "solid line well above zero on about half the paths) and as a lender who trusts "
        f"marks would see it (a dotted line at zero); the mean loss is "
        f"{out.loss_at_close().mean():,.0f} million USD."))
