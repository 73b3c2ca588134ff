"""Try it, the capstone: turn the decisions on and off, and move the two shocks."""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from ...figures.capstone import StoryView
from ...story import capstone as cs
from ..tryit import TryIt

#: The seed of the market path the chapter uses.
SEED = 2019
#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside):
#: over every scenario and every shock and run on the sliders' grids, the group's equity
#: stays within -11.5 and 13.1 bn, and the Shapley values and counterfactual changes
#: within -0.8 and 10.1 bn.
EQUITY = (-13.0, 14.5)      # USD bn
VALUE = (-1.0, 11.0)        # USD bn


@lru_cache(maxsize=32)
def run(shock: float = 0.5, run_fall: float = 0.9) -> cs.CapstoneRun:
    """Every scenario on the chapter's market path with these shocks (the rest at defaults)."""
    story = cs.Story(shock=shock, run_fall=run_fall)
    return cs.simulate(story, np.random.default_rng(SEED))


def tryit() -> TryIt:
    controls = {name: widgets.Checkbox(value=True, description=cs.LABELS[name],
                                       indent=False) for name in cs.SWITCHES}
    controls["shock"] = widgets.FloatSlider(value=0.5, min=0.0, max=0.9, step=0.05,
                                            description="LUNA crash: market falls by",
                                            readout_format=".0%")
    controls["run_fall"] = widgets.FloatSlider(value=0.9, min=0.0, max=0.95, step=0.05,
                                               description="run: house token falls by",
                                               readout_format=".0%")
    view = StoryView(equity=EQUITY, value=VALUE, live=True)

    def update(shock: float, run_fall: float, **switches: bool) -> None:
        result = run(round(shock, 2), round(run_fall, 2))
        mask = cs.mask_of(name for name, on in switches.items() if on)
        view.show(result, mask)

    default = run()
    table = default.attribution()
    top = table["Shapley value"].idxmax()
    return TryIt(update, view.figure, controls, alt=(
        "Left: the group's equity in USD billion, quarter by quarter from mid-2019 to the end "
        "of 2022, with every decision on, at mark (solid) and if everything were sold "
        "(dashed), against the delta-neutral firm with every decision off (a flat line just "
        f"above zero, ending at {default.equity('mark')[0, -1]:.1f} bn). With every decision "
        f"on, equity at mark climbs to {default.equity('mark')[-1].max():.0f} bn at the end "
        f"of 2021, is down to {default.equity('mark')[-1, cs.LUNA]:.1f} bn after the LUNA "
        f"quarter ({default.equity('if sold')[-1, cs.LUNA]:.1f} bn if sold) and ends at "
        f"{default.equity('mark')[-1, -1]:.1f} bn after the run; the customers' shortfall is "
        f"{default.shortfall[-1]:.1f} bn. Right: each decision's Shapley value, its share of "
        f"that shortfall, as bars; the largest is '{cs.LABELS[top]}' at "
        f"{table.loc[top, 'Shapley value']:.1f} bn. A diamond on each row marks how much "
        "the shortfall falls when that decision alone is switched off."))
