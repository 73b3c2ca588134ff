r"""Proportional hedging of a flow of client trades (Steps 1 and 3, and later steps).

Clients leave the house :math:`\Delta_t` tokens in step :math:`t`. At the end of
each step the house hedges a share :math:`\eta \in [0, 1]` of what it holds, so

.. math::  I^-_t = I_{t-1} + \Delta_t, \qquad H_t = -\eta\, I^-_t, \qquad
           I_t = I^-_t + H_t = (1 - \eta)\, I^-_t ,

with :math:`I_0 = 0`. With :math:`\eta = 1` the house is flat after every step
(delta neutral); with :math:`\eta = 0` it keeps the running sum of the flow.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v

__all__ = ["proportional_hedge"]


def proportional_hedge(flow: np.ndarray, hedge_ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """Inventory before each hedge, and the hedges, for ``flow`` of shape (paths, steps).

    Returns ``(pre_hedge, hedges)``; the inventory held after each step is their sum.
    A loop over time, vectorised over paths (the two ends need no loop).
    """
    eta = v.probability("hedge_ratio", hedge_ratio)
    flow = np.asarray(flow, dtype=float)
    if flow.ndim != 2:
        raise ValueError(f"flow must be a 2-d array (paths, steps), got shape {flow.shape}")
    if eta == 1.0:
        pre_hedge = flow.copy()
    elif eta == 0.0:
        pre_hedge = np.cumsum(flow, axis=1)
    else:
        keep = 1.0 - eta
        pre_hedge = np.empty_like(flow)
        carried = np.zeros(flow.shape[0])
        for t in range(flow.shape[1]):
            pre_hedge[:, t] = carried + flow[:, t]
            carried = keep * pre_hedge[:, t]
    return pre_hedge, -eta * pre_hedge
