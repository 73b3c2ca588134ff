"""Try it, Step 8: move the venture book's tail, its borrowing and its tokens' volatility."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ...figures.venture import VenturePanels
from ...models import venture as vt
from ..tryit import TryIt

SEED = 8
N_PATHS = 200
#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
BOOK_LIMITS = (0.0, 9500.0)         # million USD


def run(tail_index: float = 1.5, borrowed_share: float = 0.5,
        token_volatility: float = 0.8) -> vt.VentureRun:
    """N_PATHS seeded venture books at these settings (the other parameters at defaults)."""
    params = vt.VentureBook(tail_index=tail_index, borrowed_share=borrowed_share,
                            token_volatility=token_volatility)
    return vt.simulate(params, np.random.default_rng(SEED), n_paths=N_PATHS)


def tryit() -> TryIt:
    controls = {
        "tail_index": widgets.FloatSlider(value=1.5, min=1.1, max=3.0, step=0.1,
                                          description="tail index α"),
        "borrowed_share": widgets.FloatSlider(value=0.5, min=0.0, max=0.9, step=0.05,
                                              description="share borrowed"),
        "token_volatility": widgets.FloatSlider(value=0.8, min=0.2, max=2.0, step=0.1,
                                                description="token volatility σ [per year]"),
    }
    view = VenturePanels(vt.VentureBook().horizon, book_lim=BOOK_LIMITS)

    def update(tail_index: float, borrowed_share: float, token_volatility: float) -> None:
        view.show(run(tail_index, borrowed_share, token_volatility), 0, title=(
            f"α = {tail_index:.1f}, {borrowed_share:.0%} borrowed, "
            f"token volatility {token_volatility:.0%} a year"))

    default = run(**{name: w.value for name, w in controls.items()})
    short = default.shortfall_share("cash")[-1]
    return TryIt(update, view.figure, controls, alt=(
        "Left: one simulated book of 500 stakes, the share of its value held by its best "
        "stakes on a log scale, beside the dashed large-book formula; the best tenth of the "
        "stakes holds about half of the value. Right: over five years, the median book at its "
        "marks and at its cash value, against a rising debt line; the cash value starts well "
        f"below the mark and joins it when the lock-ups end, and {short:.0%} of the books end "
        "worth less than the debt."))
