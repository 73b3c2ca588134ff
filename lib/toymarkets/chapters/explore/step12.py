"""Try it, Step 12: move the LUNA shock, the rescue loan and the cost of default."""

from __future__ import annotations

import ipywidgets as widgets

from ...figures.clearing import ContagionPanels
from ...models import clearing as cl
from ..tryit import TryIt


def run(shock: float = 0.5, rescue: float = 0.0, default_cost: float = 0.2) -> cl.Rescue:
    """The illustrative 2022 network after a shock, cleared without and with the rescue."""
    return cl.rescue(cl.lenders_2022(shock, default_cost), cl.rescue_2022(rescue))


def tryit() -> TryIt:
    controls = {
        "shock": widgets.FloatSlider(value=0.5, min=0.0, max=0.9, step=0.05,
                                     description="LUNA shock [share lost]"),
        "rescue": widgets.FloatSlider(value=0.0, min=0.0, max=1000.0, step=25.0,
                                      description="rescue loan [million USD]",
                                      readout_format=",.0f"),
        "default_cost": widgets.FloatSlider(value=0.2, min=0.0, max=0.5, step=0.05,
                                            description="cost of default [share]"),
    }
    view = ContagionPanels(run().after, waves=(0, 1, 2))   # no path here is 3 deep

    def update(shock: float, rescue: float, default_cost: float) -> None:
        view.show(run(shock, rescue, default_cost), title=(
            f"Shock {shock:.0%}, rescue loan {rescue:,.0f} m USD, "
            f"cost of default {default_cost:.0%}"))

    first = run()
    waves = first.after.waves()
    told = "; ".join(f"wave {k}: {', '.join(names)}" for k, names in enumerate(waves, 1))
    return TryIt(update, view.figure, controls, alt=(
        "Left: the network of debts among a fund, three lenders, the trading firm, the "
        "exchange and the depositors, each node marked by whether and in which wave it "
        f"defaults. At the default settings, with no rescue loan, {told}. Right: the share "
        "of its debts each node pays, one bar per node."))
