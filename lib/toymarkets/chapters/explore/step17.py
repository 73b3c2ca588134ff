"""Try it, Step 17: move the estate, the secured lender's collateral and the customers' rank.

:func:`estate` builds the chapter's illustrative estate (million USD), which the chapter
itself uses too: fees and costs of the case come first, a lender secured by collateral
next, then the customers, the other unsecured creditors and, last, subordinated claims.
With ``customers_first`` off, the customers share the general unsecured class with the
other creditors (pro rata) instead of ranking ahead of them.
"""

from __future__ import annotations

import ipywidgets as widgets

from ...figures.waterfall import ClaimBars
from ...models import waterfall as w
from ..tryit import TryIt

#: The classes, most senior first.
ORDER = ("administrative", "secured", "customers", w.UNSECURED, "subordinated")
#: The claims [million USD]: (name, class, amount).
CLAIMS = (("fees and costs", "administrative", 500.0),
          ("secured lender", "secured", 1_500.0),
          ("customers", "customers", 11_000.0),
          ("outside lenders", w.UNSECURED, 2_000.0),
          ("subordinated claims", "subordinated", 3_000.0))
#: Axis limit over the controls' whole range: the largest claim, with room for its label.
AMOUNT_MAX = 13_000.0       # million USD


def estate(value: float = 12_000.0, collateral: float = 1_000.0,
           customers_first: bool = True) -> w.Estate:
    """The chapter's illustrative estate: unencumbered ``value`` and the secured lender's
    ``collateral`` [million USD]."""
    claims = []
    for name, cls, amount in CLAIMS:
        if name == "customers" and not customers_first:
            cls = w.UNSECURED
        claims.append(w.Claim(name, cls, amount,
                              collateral if name == "secured lender" else 0.0))
    return w.Estate(value, tuple(claims), ORDER)


def tryit() -> TryIt:
    controls = {
        "value": widgets.FloatSlider(value=12_000.0, min=0.0, max=20_000.0, step=250.0,
                                     description="estate [million USD]", readout_format=",.0f"),
        "collateral": widgets.FloatSlider(value=1_000.0, min=0.0, max=3_000.0, step=100.0,
                                          description="collateral [million USD]",
                                          readout_format=",.0f"),
        "customers_first": widgets.Checkbox(value=True,
                                            description="customers ahead of other lenders"),
    }
    view = ClaimBars([name for name, _, _ in CLAIMS], amount_max=AMOUNT_MAX, live=True)

    def update(value: float, collateral: float, customers_first: bool) -> None:
        d = w.distribute(estate(value, collateral, customers_first))
        rank = "customers first" if customers_first else "customers pari passu"
        view.show(d, title=(f"Estate {value:,.0f}, collateral {collateral:,.0f} [million USD]\n"
                            f"{rank}; left for the owners: {d.residual:,.0f}"))

    d = w.distribute(estate())
    return TryIt(update, view.figure, controls, alt=(
        "One horizontal bar per claim, most senior first: fees and costs, the secured lender, "
        "the customers, outside lenders and subordinated claims. Each outlined bar is the "
        "claim; the filled part is what it is paid, hatched where it comes from collateral. "
        f"At the default settings the fees and the customers are paid in full, the secured "
        f"lender {d.rate('secured lender'):.0%} (its collateral and a share of the unsecured "
        f"class), the outside lenders {d.rate('outside lenders'):.0%} and the subordinated "
        "claims nothing."))
