"""Try it, Step 13: move the fall of the marks, the outside lenders' haircut and the
house token's market depth, and watch the loans move to the exchange."""

from __future__ import annotations

import ipywidgets as widgets

from ...figures.firesale import LoanPanels
from ...models import firesale as fs
from ..tryit import TryIt

#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
LOAN_LIMITS = (0.0, 2900.0)         # million USD: the largest loan, at the smallest haircut
EXPOSURE_LIMITS = (0.0, 1050.0)     # million USD: thinnest market, deepest fall


def run(fall: float = 15.0, haircut: float = 50.0, depth: float = 3.0) -> fs.Rounds:
    """The rounds with marks falling ``fall`` % a round, outside lenders lending to their
    limit at a ``haircut`` %, and the house token trading ``depth`` million tokens a day."""
    base = fs.FireSale()
    h = haircut / 100
    params = base.replace(fall=fall / 100, haircut=h, house_volume=depth,
                          loan=(1.0 - h) * base.holdings * base.price)
    return fs.solve(params)


def tryit() -> TryIt:
    controls = {
        "fall": widgets.FloatSlider(value=15.0, min=0.0, max=40.0, step=1.0,
                                    description="fall of the marks per round [%]"),
        "haircut": widgets.FloatSlider(value=50.0, min=20.0, max=80.0, step=5.0,
                                       description="outside lenders' haircut [%]"),
        "depth": widgets.FloatSlider(value=3.0, min=1.0, max=20.0, step=0.5,
                                     description="house token traded [million a day]"),
    }
    view = LoanPanels(fs.FireSale().n_rounds, loan_lim=LOAN_LIMITS,
                      exposure_lim=EXPOSURE_LIMITS)

    def update(fall: float, haircut: float, depth: float) -> None:
        r = run(fall, haircut, depth)
        view.show(r, title=(f"The exchange has lent {r.exchange_loan[-1]:,.0f} m USD; "
                            f"exposure {r.exposure[-1]:,.0f} m USD"))

    r = run()
    return TryIt(update, view.figure, controls, alt=(
        "Left: stacked bars of the outside loans and the exchange's loans over eight rounds. "
        "The total stays the same while the exchange's share grows round by round, to "
        f"{r.exchange_loan[-1]:,.0f} million USD at the default settings, and a dashed line "
        "shows the illiquid tokens' value if sold, falling below the loans. Right: bars of "
        f"the exchange's exposure, rising each round to {r.exposure[-1]:,.0f} million USD."))
