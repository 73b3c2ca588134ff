"""Try it, Step 2: move the toxic share, the hedging delay and the fee of the B-book."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ...figures.toxicflow import ChoicePanels
from ...models import toxicflow as tf
from ..tryit import TryIt

SEED = 2
N_TRADES = 4_000
HORIZONS = (0, 1, 2, 5, 10, 20, 50, 100)
#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
PNL_LIMITS = (-0.24, 0.15)          # USD per token
MARKOUT_LIMITS = (-0.32, 0.04)      # USD per token


def run(toxic_share: float = 0.3, hedge_delay: int = 10, fee_bp: float = 2.0) -> tf.ToxicFlowRun:
    """One seeded run of the B-book at these settings."""
    params = tf.ToxicFlow(hedge_delay=hedge_delay, fee=fee_bp / 1e4).with_toxic_share(toxic_share)
    return tf.simulate(params, np.random.default_rng(SEED), N_TRADES)


def tryit() -> TryIt:
    controls = {
        "toxic_share": widgets.FloatSlider(value=0.3, min=0.0, max=0.8, step=0.05,
                                           description="toxic share of volume"),
        "hedge_delay": widgets.IntSlider(value=10, min=0, max=100, step=5,
                                         description="hedge after [steps]"),
        "fee_bp": widgets.FloatSlider(value=2.0, min=0.0, max=10.0, step=0.5,
                                      description="fee [bp]"),
    }
    view = ChoicePanels(HORIZONS, pnl_lim=PNL_LIMITS, markout_lim=MARKOUT_LIMITS)

    def update(toxic_share: float, hedge_delay: int, fee_bp: float) -> None:
        out = run(toxic_share, hedge_delay, fee_bp)
        expected = {c: tf.expected_pnl_per_unit(out.params, c) for c in tf.CHOICES}
        view.show(out.totals(per_unit=True), out.markouts(HORIZONS, "exchange"), expected,
                  title=f"Toxic share {toxic_share:.2f}, hedge after {hedge_delay} steps, "
                        f"fee {fee_bp:.1f} bp")

    return TryIt(update, view.figure, controls, alt=(
        "Left: profit per token traded for the A-book, the B-book and the B-book that hedges "
        "later. Bars stack fees and spread above zero and adverse selection and hedging cost "
        "below it; a diamond marks each choice's expected total and a red line runs from the "
        "stacked total to this run's total, the hedging slippage of this one run. At the "
        "default settings all three expected totals sit slightly below zero, and the B-book's "
        "slippage line is by far the longest. Right: markouts against the exchange's own mid; "
        "uninformed trades stay near the half-spread, while informed and liquidation trades "
        "fall below zero within a few steps as the mid catches up."))
