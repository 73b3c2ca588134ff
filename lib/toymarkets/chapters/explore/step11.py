"""Try it, Step 11: move the longs' leverage, the book's depth and the size of the crash."""

from __future__ import annotations

import ipywidgets as widgets

from ...figures.liquidation import CascadePanels
from ...models import liquidation as lq
from ..tryit import TryIt

#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
PRICE_LIMITS = (0.0, 102.0)         # USD: the liquidation prices run from P0 down to zero


def run(leverage: float = 5.0, depth: float = 1.5, crash: float = 10.0) -> lq.Cascade:
    """The cascade at these settings: median leverage [times], the book's daily volume
    [million tokens] and the outside crash [%]."""
    params = lq.Perpetual(leverage=leverage, daily_volume=depth * 1e6, crash=crash / 100)
    return lq.solve(params)


def tryit() -> TryIt:
    controls = {
        "leverage": widgets.FloatSlider(value=5.0, min=1.0, max=20.0, step=0.5,
                                        description="median leverage [x]"),
        "depth": widgets.FloatSlider(value=1.5, min=0.25, max=5.0, step=0.25,
                                     description="book depth [million tokens a day]"),
        "crash": widgets.FloatSlider(value=10.0, min=0.0, max=40.0, step=1.0,
                                     description="outside crash [%]"),
    }
    params = lq.Perpetual()
    view = CascadePanels(params.open_interest, params.n_positions, price_lim=PRICE_LIMITS)

    def update(leverage: float, depth: float, crash: float) -> None:
        c = run(leverage, depth, crash)
        view.show(c, title=f"Price ends at {c.final_price:.1f} USD after {c.iterations} rounds")

    c = run()
    return TryIt(update, view.figure, controls, alt=(
        "Left: the liquidation prices of the accounts, a curve falling from 98 USD to zero "
        "across the open interest, the book's price curve falling gently from the crash "
        "price, and the rounds of the cascade stepping between them. At the default settings "
        f"the price ends at {c.final_price:.1f} USD after {c.iterations} rounds. Right: bars of "
        f"the open interest sold into the book ({100 * c.book_sold / 1e6:.0f}%), taken by the "
        f"backstop ({100 * c.to_backstop / 1e6:.0f}%) and still open "
        f"({100 - 100 * c.triggered / 1e6:.0f}%)."))
