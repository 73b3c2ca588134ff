"""Answer keys for the epilogue (book/epilogue.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

import numpy as np

from ...models import kelly as kk
from ..checks import Answer

#: LTCM at the end of August 1998, as Lowenstein (2000) reports it: about USD 125 billion
#: of assets on USD 2.28 billion of equity [billion USD].
LTCM_ASSETS, LTCM_EQUITY = 125.0, 2.28


def _zero_ratio() -> float:
    """A bet at 2 to 1 won 40% of the time: the zero-growth stake over the Kelly fraction."""
    return kk.zero_growth_fraction(0.4, 2.0) / kk.kelly_fraction(0.4, 2.0)


def _halve_first() -> float:
    return kk.half_before_double(1.5)


def _ltcm_cushion() -> float:
    """The fall in the assets' value, in percent, that would use up the equity."""
    return 100.0 * LTCM_EQUITY / LTCM_ASSETS


def _reference_drawdown(won, base, b, limit):
    """Wealth per path and round (``W_0 = 1``) of a bettor who stakes ``base`` while her
    wealth is at least ``1 - limit`` times its running peak, and ``base / 2`` below it."""
    won = np.asarray(won, dtype=bool)
    n_paths, n_rounds = won.shape
    wealth = np.ones((n_paths, n_rounds + 1))
    peak = np.ones(n_paths)
    for t in range(n_rounds):
        w = wealth[:, t]
        stake = np.where(w >= (1.0 - limit) * peak, base, base / 2.0)
        wealth[:, t + 1] = np.where(won[:, t], w * (1.0 + b * stake), w * (1.0 - stake))
        peak = np.maximum(peak, wealth[:, t + 1])
    return wealth


@cache
def _drawdown_cases() -> tuple[tuple, ...]:
    """Coin flips (paths x rounds), the base stake, the odds and the drawdown limit."""
    rng = np.random.default_rng(2022)
    flips = [rng.random((20, 200)) < 0.55, rng.random((5, 50)) < 0.5,
             rng.random((3, 30)) < 0.7]
    return ((flips[0], 0.2, 1.0, 0.25), (flips[0], 0.1, 1.0, 0.1), (flips[1], 0.3, 2.0, 0.5),
            (flips[2], 0.05, 1.0, 0.0))


ANSWERS = {
    "zero_ratio": Answer(
        expected=_zero_ratio, decimals=2,
        hint="the Kelly fraction is p - (1 - p)/b; kk.zero_growth_fraction(p, b) finds the "
             "stake at which growth is zero; divide the second by the first."),
    "halve_first": Answer(
        expected=_halve_first, decimals=3,
        hint="betting c times Kelly, the chance of halving before doubling is "
             "1 / (1 + 2**(2/c - 1)); here c = 1.5."),
    "ltcm_cushion": Answer(
        expected=_ltcm_cushion, decimals=2,
        hint="equity over assets, as a percentage: how far can the assets fall before they "
             "are worth no more than the debts?"),
    "drawdown": Answer(
        reference=_reference_drawdown, cases=_drawdown_cases, rtol=1e-9, atol=1e-12,
        hint="keep the running peak of each path's wealth; in each round stake base if the "
             "wealth is at least (1 - limit) times the peak, else base / 2; a win multiplies "
             "wealth by 1 + b * stake, a loss by 1 - stake; start every path at 1."),
}
