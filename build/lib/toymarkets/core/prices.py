r"""Reference price paths shared by the models.

Geometric random walk (the discrete Black-Scholes model): with per-step
log-volatility :math:`\sigma` and i.i.d. standard normal shocks :math:`\varepsilon_t`,

.. math::  S_{t+1} = S_t \exp\!\left(\sigma \varepsilon_t - \tfrac{1}{2}\sigma^2\right),

so that :math:`\mathbb{E}[S_{t+1} \mid S_t] = S_t`: the price is a martingale, and
any profit a model shows comes from its mechanism, not from a drift.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v

__all__ = ["random_walk"]


def random_walk(s0: float, volatility: float, n_steps: int, rng: np.random.Generator,
                n_paths: int = 1) -> np.ndarray:
    """Price paths of shape ``(n_paths, n_steps + 1)``, starting at ``s0``.

    Parameters: ``s0`` > 0 [USD]; ``volatility`` in [0, 1] per step (log scale);
    ``n_steps`` >= 1; ``n_paths`` >= 1; ``rng`` a seeded ``numpy.random.Generator``.
    """
    s0 = v.positive("s0", s0)
    sigma = v.non_negative("volatility", volatility, 1.0)
    n_steps = v.count("n_steps", n_steps)
    n_paths = v.count("n_paths", n_paths)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    shocks = sigma * rng.standard_normal((n_paths, n_steps)) - 0.5 * sigma**2
    log_path = np.concatenate([np.zeros((n_paths, 1)), np.cumsum(shocks, axis=1)], axis=1)
    return s0 * np.exp(log_path)
