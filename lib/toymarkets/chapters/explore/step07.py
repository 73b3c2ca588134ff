"""Try it, Step 7: buy up a thin float and compare the holding's mark with what a sale fetches."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ...figures.impact import PumpPanels
from ...models import impact as im
from ..tryit import TryIt

#: The purchases drawn: up to this share of the float.
X_MAX = 0.5
#: Axis limits over the controls' whole range (the widget sweep checks the data stay inside).
VALUE_LIMITS = (-10.0, 270.0)        # million USD


def run(float_tokens: float = 10.0, holding: float = 20.0, fee: float = 0.003) -> im.PumpPath:
    """The pump at these settings: purchases from 0 to X_MAX of the float."""
    params = im.Pump(float_tokens=float_tokens, holding=holding, fee=fee)
    return im.pump(params, np.linspace(0.0, X_MAX, 101) * float_tokens)


def tryit() -> TryIt:
    controls = {
        "float_tokens": widgets.FloatSlider(value=10.0, min=2.0, max=50.0, step=1.0,
                                            description="float in the pool [million tokens]"),
        "holding": widgets.FloatSlider(value=20.0, min=0.0, max=50.0, step=1.0,
                                       description="tokens held [million]"),
        "fee": widgets.FloatSlider(value=0.003, min=0.0, max=0.03, step=0.001,
                                   description="pool fee", readout_format=".3f"),
    }
    view = PumpPanels(x_max=X_MAX, value_lim=VALUE_LIMITS)

    def update(float_tokens: float, holding: float, fee: float) -> None:
        view.show(run(float_tokens, holding, fee), title=(
            f"Float {float_tokens:.0f} m tokens, {holding:.0f} m held, fee {fee:.1%}"))

    return TryIt(update, view.figure, controls, alt=(
        "Left: the holding's value at mark, net of the cash spent on the pump, rises steeply "
        "as the firm buys up to half of the float, while what a sale would leave stays flat "
        "near 7 million USD, below the 20 million USD mark before the pump. Right: the share "
        "of the mark a sale would lose rises from about two thirds to over four fifths."))
