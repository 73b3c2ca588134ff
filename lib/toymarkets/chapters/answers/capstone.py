"""Answer keys for the capstone (book/capstone.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

import numpy as np

from ...story import capstone as cs
from ..checks import Answer
from ..explore.capstone import SEED


@cache
def _run(shock: float = 0.5) -> cs.CapstoneRun:
    return cs.simulate(cs.Story(shock=shock), np.random.default_rng(SEED))


def _without_two() -> float:
    """The shortfall with every decision on but backing the token and going directional."""
    run = _run()
    mask = cs.mask_of(n for n in cs.SWITCHES if n not in ("back_token", "directional"))
    return float(run.shortfall[mask])


def _venture_at_30() -> float:
    """The Shapley value of buying venture stakes when the LUNA crash is 30%."""
    return float(cs.shapley(_run(0.3).shortfall)[cs.SWITCHES.index("venture")])


def _reference_banzhaf(outcomes):
    """Each player's marginal effect averaged with equal weights over the coalitions of the
    others (the Banzhaf value), by looping over them."""
    v = np.asarray(outcomes, dtype=float)
    k = v.size.bit_length() - 1
    out = np.zeros(k)
    for i in range(k):
        others = [m for m in range(v.size) if not m >> i & 1]
        out[i] = sum(v[m | 1 << i] - v[m] for m in others) / len(others)
    return out


@cache
def _banzhaf_cases() -> tuple[tuple, ...]:
    rng = np.random.default_rng(1946)
    games = [rng.normal(size=2 ** k) for k in (1, 2, 3, 4, 5)]
    glove = np.array([0, 0, 0, 1, 0, 1, 0, 1], dtype=float)
    return tuple((g,) for g in (*games, glove))


ANSWERS = {
    "without_two": Answer(
        expected=_without_two, decimals=2,
        hint="cs.mask_of(...) of every switch in cs.SWITCHES except 'back_token' and "
             "'directional', then run.shortfall at that mask."),
    "venture_30": Answer(
        expected=_venture_at_30, decimals=2,
        hint="simulate cs.Story(shock=0.3) on np.random.default_rng(2019), then "
             "cs.shapley(run.shortfall) at the index of 'venture' in cs.SWITCHES."),
    "banzhaf": Answer(
        reference=_reference_banzhaf, cases=_banzhaf_cases, rtol=1e-9, atol=1e-12,
        hint="for player i, average v(S with i) - v(S) over the 2**(k-1) masks S without "
             "bit i, all with the same weight (k is log2 of the number of outcomes)."),
}
