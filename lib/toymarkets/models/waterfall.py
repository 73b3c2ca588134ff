r"""The recovery waterfall (Step 17): who is paid what from a bankrupt estate.

**Absolute priority.** Claims sit in classes ranked by seniority (for example
administrative claims, secured claims, customers, general unsecured creditors,
subordinated claims, and equity last). A class is paid in full before the next one is
paid anything; within a class every claim is paid at the same rate (*pro rata*). With
an estate worth :math:`E` and classes of total claims :math:`C_1, C_2, \dots` in order,
class :math:`k` receives

.. math::  X_k = \min\Bigl(C_k,\ \max\bigl(0,\ E - \textstyle\sum_{j<k} C_j\bigr)\Bigr),
           \qquad \text{rate}_k = X_k / C_k ,

and what is left after the last class, :math:`E - \sum_k X_k`, goes to the owners.

**Secured claims.** A claim secured by collateral is paid first from that collateral,
up to the collateral's value; if the collateral is worth less than the claim, the
shortfall (the *deficiency*) joins the general unsecured class; if it is worth more,
the surplus returns to the estate. This is the rule of U.S. bankruptcy law in its
simplest form (11 U.S.C. §506(a) values a secured claim at the collateral; §1129(b)'s
absolute-priority rule orders the classes); plans often depart from it by agreement,
which the model leaves out.

**Dollars at the petition date.** Claims are fixed in dollars at the prices of the day
the case was filed. A creditor owed :math:`n` coins worth :math:`p_0` each that day holds
a claim of :math:`n p_0`; a recovery rate :math:`\rho` pays :math:`\rho\, n p_0` dollars, which
at a later coin price :math:`p_1` buys back :math:`\rho\, n p_0 / p_1` coins
(:func:`coins_recovered`). A recovery above 100% of the claim can be far less than the
coins: whenever :math:`p_1 > \rho\, p_0`.

Units: money in millions of USD unless a function says otherwise.

References: the model follows the priority rules as textbooks state them; the FTX
plan's figures are cited in the chapter. :cite:t:`shleifer1992liquidation` discuss why
assets sold in a distressed estate fetch less than their value in use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.results import Result

__all__ = ["Claim", "Estate", "Distribution", "distribute", "class_payments", "coins_recovered",
           "recovery_rates", "UNSECURED"]

#: The class a secured claim's deficiency joins.
UNSECURED = "general unsecured"


@dataclass(frozen=True)
class Claim(v.Parameters):
    """One claim on the estate: ``amount`` USD in class ``cls``, secured by ``collateral``."""

    name: str                       #: who holds it
    cls: str                        #: its class (a name in the estate's ``order``)
    amount: float                   #: the claim [million USD], >= 0
    collateral: float = 0.0         #: value of the collateral securing it [million USD], >= 0

    def __post_init__(self):
        for field_name in ("name", "cls"):
            text = getattr(self, field_name)
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{field_name} must be a non-empty string, got {text!r}")
        v.non_negative("amount", self.amount, 1e12)
        v.non_negative("collateral", self.collateral, 1e12)


@dataclass(frozen=True)
class Estate(v.Parameters):
    """The estate: unencumbered assets ``value``, the ``claims``, and the class ``order``.

    ``order`` lists the classes from most senior to most junior; the class
    :data:`UNSECURED` must be among them when any claim is secured (deficiencies join it).
    Collateral is counted on top of ``value``: it belongs to the estate but is pledged.
    """

    value: float                    #: unencumbered assets [million USD], >= 0
    claims: tuple[Claim, ...]       #: the claims
    order: tuple[str, ...]          #: classes, most senior first

    def __post_init__(self):
        v.non_negative("value", self.value, 1e12)
        object.__setattr__(self, "claims", tuple(self.claims))
        object.__setattr__(self, "order", tuple(self.order))
        for claim in self.claims:
            v.instance("claims", claim, Claim)
        if len(set(self.order)) != len(self.order) or not self.order:
            raise ValueError(f"order must list each class once, got {self.order!r}")
        unknown = {c.cls for c in self.claims} - set(self.order)
        if unknown:
            raise ValueError(f"claims name classes missing from order: {sorted(unknown)}")
        if any(c.collateral > 0 for c in self.claims) and UNSECURED not in self.order:
            raise ValueError(f"order must include {UNSECURED!r}, where secured claims' "
                             "deficiencies go")
        names = [c.name for c in self.claims]
        if len(set(names)) != len(names):
            raise ValueError("claims must have distinct names")

    @property
    def total(self) -> float:
        """Everything the estate holds: unencumbered value plus collateral [million USD]."""
        return self.value + sum(c.collateral for c in self.claims)

    def with_value(self, value: float) -> Estate:
        """The same claims with another unencumbered value."""
        return self.replace(value=value)


@dataclass(frozen=True)
class Distribution(Result):
    """What :func:`distribute` returns.

    ``paid`` maps each claim's name to what it receives [million USD] (from its
    collateral and from the estate); ``by_class`` gives each class's claims, payments
    and rate (NaN for a class with no claims); ``residual`` is what is left for the owners.
    """

    estate: Estate
    paid: dict
    from_collateral: dict
    by_class: pd.DataFrame
    residual: float

    def rate(self, name: str) -> float:
        """What the claim called ``name`` receives per dollar of its claim."""
        claim = next((c for c in self.estate.claims if c.name == name), None)
        if claim is None:
            raise ValueError(f"no claim named {name!r}")
        return self.paid[name] / claim.amount if claim.amount > 0 else 1.0

    def table(self) -> pd.DataFrame:
        """One row per claim: class, claim, from collateral, paid in total, rate."""
        rows = [(c.name, c.cls, c.amount, self.from_collateral[c.name], self.paid[c.name],
                 self.paid[c.name] / c.amount if c.amount > 0 else 1.0)
                for c in self.estate.claims]
        return pd.DataFrame(rows, columns=["claim", "class", "amount", "from collateral",
                                           "paid", "rate"]).set_index("claim")


def class_payments(value: float, class_totals) -> np.ndarray:
    r"""Absolute priority over classes in order:
    :math:`X_k = \min(C_k, \max(0, E - \sum_{j<k} C_j))`."""
    value = v.non_negative("value", value)
    totals = np.asarray(class_totals, dtype=float)
    if totals.ndim != 1 or np.any(~np.isfinite(totals)) or np.any(totals < 0):
        raise ValueError("class_totals must be a 1-d array of finite amounts >= 0")
    before = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
    return np.clip(value - before, 0.0, totals)


def distribute(estate: Estate) -> Distribution:
    """Pay the estate's claims: collateral first, then absolute priority, pro rata in a class."""
    e = v.instance("estate", estate, Estate)
    from_collateral, owed = {}, {}
    free = e.value
    for c in e.claims:
        covered = min(c.amount, c.collateral)
        from_collateral[c.name] = covered
        free += c.collateral - covered                  # surplus collateral returns
        owed[c.name] = (c.amount - covered, UNSECURED if c.collateral > 0 else c.cls)
    totals = np.array([sum(rest for rest, cls in owed.values() if cls == k) for k in e.order])
    payments = class_payments(free, totals)
    rates = np.divide(payments, totals, out=np.full_like(payments, np.nan), where=totals > 0)
    rate_of = dict(zip(e.order, rates, strict=True))
    paid = {name: from_collateral[name] + (rest * rate_of[cls] if rest > 0 else 0.0)
            for name, (rest, cls) in owed.items()}
    by_class = pd.DataFrame({"claims": totals, "paid": payments, "rate": rates},
                            index=pd.Index(e.order, name="class"))
    residual = free - float(payments.sum())
    return Distribution(e, paid, from_collateral, by_class, residual + 0.0)


def coins_recovered(rate, petition_price: float, later_price) -> np.ndarray | float:
    r"""Coins a creditor can buy back per coin owed: :math:`\rho\, p_0 / p_1`.

    ``rate`` is the recovery per dollar of the petition-date claim (e.g. 1.19),
    ``petition_price`` the coin's price on the petition date, ``later_price`` the price
    when paid (arrays allowed).
    """
    rate = np.asarray(rate, dtype=float)
    later = np.asarray(later_price, dtype=float)
    if np.any(~np.isfinite(rate)) or np.any(rate < 0):
        raise ValueError(f"rate must be in [0, inf), got {rate!r}")
    if np.any(~np.isfinite(later)) or np.any(later <= 0):
        raise ValueError(f"later_price must be in (0, inf), got {later_price!r}")
    p0 = v.positive("petition_price", petition_price)
    out = rate * p0 / later
    return float(out) if np.ndim(out) == 0 else out


def recovery_rates(estate: Estate, values) -> pd.DataFrame:
    """Each class's recovery rate as the estate's unencumbered value runs over ``values``.

    One row per value (index ``value``, million USD), one column per class in the
    estate's order (NaN for a class with no claims): :func:`distribute` at each value.
    """
    e = v.instance("estate", estate, Estate)
    grid = np.asarray(values, dtype=float)
    if grid.ndim != 1 or grid.size == 0 or np.any(~np.isfinite(grid)) or np.any(grid < 0):
        raise ValueError("values must be a non-empty 1-d array of amounts >= 0")
    rows = [distribute(e.with_value(float(x))).by_class["rate"].to_numpy() for x in grid]
    return pd.DataFrame(rows, index=pd.Index(grid, name="value"), columns=list(e.order))
