r"""Betting a fraction of wealth (the epilogue): the Kelly criterion and over-betting.

**A repeated bet.** Each round a bettor stakes a fraction :math:`f` of her wealth on a
bet that wins :math:`b` per unit staked with probability :math:`p` and loses the stake
otherwise. Wealth after :math:`n` rounds is :math:`W_n = W_0 \prod (1 + b f)^{\text{wins}}
(1 - f)^{\text{losses}}`, so its long-run growth rate per round is

.. math::  g(f) = p \ln(1 + b f) + (1 - p) \ln(1 - f) ,

which :cite:t:`kelly1956new` maximises: the *Kelly fraction* is
:math:`f^* = p - (1 - p)/b` (the edge :math:`bp - (1 - p)` over the odds :math:`b`). Staking
more than :math:`f^*` earns a larger average return per round and a *lower* growth
rate; past the fraction :math:`f_0 > f^*` where :math:`g(f_0) = 0` growth is negative and
wealth goes to zero almost surely, however good the bet (:func:`zero_growth_fraction`;
for a small edge :math:`f_0 \approx 2 f^*`).

**The continuous version.** For a bet whose return per round has mean :math:`\mu` and
variance :math:`\sigma^2` (small), :math:`g(f) \approx f\mu - f^2\sigma^2/2`, the Kelly
fraction is :math:`\mu/\sigma^2` and growth is zero at twice Kelly. Betting :math:`c`
times Kelly, log-wealth is a Brownian motion with drift :math:`c(1 - c/2)\mu^2/\sigma^2`
and variance :math:`c^2 \mu^2/\sigma^2` per round, and the chance of doubling before
halving is (the gambler's ruin for Brownian motion with drift; the book's derivation)

.. math::  P(\text{double before halve}) = \frac{1}{1 + 2^{\,1 - 2/c}} :

2/3 at full Kelly, 8/9 at half Kelly, 1/2 at double Kelly (:func:`double_before_half`);
its complement, the chance of halving first, is :math:`1/(1 + 2^{\,2/c - 1})`
(:func:`half_before_double`): 1/3, 1/9 and 1/2.
:func:`simulate` checks it in discrete rounds and also runs the bettor who *levers up
after a run of wins*: each win multiplies her fraction by ``lever`` (up to a cap), a
loss resets it.

**The average and the typical bettor.** The average return per round,
:math:`\bar r(f) = f\,(bp - (1 - p))` (:func:`mean_return`), rises with every unit
staked, so the *mean* wealth :math:`(1 + \bar r)^n` is largest for the bettor who stakes
almost everything, while the *median* bettor's wealth grows like :math:`e^{n g(f)}` and
falls past :math:`f_0`. :func:`growth_table` tabulates both against the stake in
multiples of Kelly, beside the continuous approximation :math:`g(cf^*)/g(f^*) \approx
c(2 - c)`.

**Units.** Wealth is a multiple of the starting wealth :math:`W_0 = 1`; stakes and returns
are fractions of wealth per round; growth rates are natural-log growth per round.

References: :cite:t:`kelly1956new`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core import solvers
from ..core.results import Result

__all__ = ["Bet", "growth_rate", "mean_return", "kelly_fraction", "zero_growth_fraction",
           "zero_growth_log_stake", "double_before_half", "half_before_double", "growth_table",
           "mean_wealth",
           "BetRun", "simulate"]


@dataclass(frozen=True)
class Bet(v.Parameters):
    """A repeated bet and a betting rule; every field is checked on construction."""

    p: float = 0.55                 #: probability of winning a round, in (0, 1)
    b: float = 1.0                  #: net odds: winnings per unit staked, > 0
    fraction: float = 0.1           #: f, share of wealth staked each round, in [0, 1)
    lever: float = 1.0              #: after a win the fraction is multiplied by this, >= 1
    max_fraction: float = 0.95      #: cap on the levered fraction, in [fraction, 1)
    n_rounds: int = 1_000           #: rounds, in [1, 1e6]

    def __post_init__(self):
        v.in_range("p", self.p, 0.0, 1.0, lo_open=True, hi_open=True)
        v.positive("b", self.b, 1e6)
        v.in_range("fraction", self.fraction, 0.0, 1.0, hi_open=True)
        v.in_range("lever", self.lever, 1.0, 100.0)
        v.in_range("max_fraction", self.max_fraction, self.fraction, 1.0, hi_open=True)
        v.count("n_rounds", self.n_rounds, 1, 1_000_000)


def growth_rate(f, p: float, b: float):
    r"""Expected log-growth per round, :math:`p\ln(1+bf) + (1-p)\ln(1-f)`, for ``f`` in [0, 1)."""
    p = v.in_range("p", p, 0.0, 1.0, lo_open=True, hi_open=True)
    b = v.positive("b", b, 1e6)
    f = v.array_in_range("f", f, 0.0, 1.0, hi_open=True)
    g = p * np.log1p(b * f) + (1 - p) * np.log1p(-f)
    return float(g) if g.ndim == 0 else g


def mean_return(f, p: float, b: float):
    r"""Average return per round of staking ``f``, :math:`f\,(bp - (1-p))`, for ``f`` in [0, 1)."""
    p = v.in_range("p", p, 0.0, 1.0, lo_open=True, hi_open=True)
    b = v.positive("b", b, 1e6)
    f = v.array_in_range("f", f, 0.0, 1.0, hi_open=True)
    r = f * (b * p - (1 - p))
    return float(r) if r.ndim == 0 else r


def mean_wealth(f, p: float, b: float, n_rounds: int):
    r"""Mean wealth after ``n_rounds`` rounds at stake ``f`` (from :math:`W_0 = 1`),
    :math:`(1 + \bar r(f))^n`: the rounds are independent, so the mean of the product is the
    product of the means."""
    n = v.count("n_rounds", n_rounds, 0, 1_000_000)
    with np.errstate(over="ignore"):
        out = (1.0 + np.asarray(mean_return(f, p, b))) ** n
    return float(out) if out.ndim == 0 else out


def kelly_fraction(p: float, b: float) -> float:
    r"""The growth-maximising stake :math:`f^* = p - (1-p)/b` (0 when the bet has no edge)."""
    p = v.in_range("p", p, 0.0, 1.0, lo_open=True, hi_open=True)
    b = v.positive("b", b, 1e6)
    return max(0.0, p - (1 - p) / b)


def zero_growth_log_stake(p: float, b: float) -> float:
    r"""The zero-growth stake as :math:`u_0 = -\ln(1 - f_0)` (0 for a bet with no edge).

    In :math:`u` the growth rate :math:`p\ln(1 + b(1 - e^{-u})) - (1-p)u` is smooth and
    falls below zero by :math:`u = p\ln(1+b)/(1-p) + 1`, so the root is resolved even
    when :math:`f_0` is within a rounding error of 1 (a bet with a huge edge).
    """
    star = kelly_fraction(p, b)
    if star == 0.0:
        return 0.0

    def growth(u: float) -> float:
        return p * math.log1p(b * -math.expm1(-u)) - (1 - p) * u

    top = p * math.log1p(b) / (1 - p) + 1.0
    return solvers.bisect(growth, -math.log1p(-star), top, tol=1e-14).x


def zero_growth_fraction(p: float, b: float) -> float:
    r"""The stake :math:`f_0 > f^*` at which growth falls to zero; above it wealth shrinks."""
    return -math.expm1(-zero_growth_log_stake(p, b))


def double_before_half(c):
    r"""Chance of doubling before halving when betting ``c`` times Kelly (continuous),
    :math:`1 / (1 + 2^{1 - 2/c})`; ``c`` > 0 (arrays allowed)."""
    c = v.array_in_range("c", c, 0.0, math.inf, lo_open=True, hi_open=True)
    out = 1.0 / (1.0 + 2.0 ** (1.0 - 2.0 / c))
    return float(out) if out.ndim == 0 else out


def half_before_double(c):
    r"""Chance of halving before doubling when betting ``c`` times Kelly (continuous),
    :math:`1 / (1 + 2^{2/c - 1}) = 1 -` :func:`double_before_half`; ``c`` > 0 (arrays allowed)."""
    c = v.array_in_range("c", c, 0.0, math.inf, lo_open=True, hi_open=True)
    out = 1.0 / (1.0 + 2.0 ** (2.0 / c - 1.0))
    return float(out) if out.ndim == 0 else out


def growth_table(p: float, b: float, multiples) -> pd.DataFrame:
    r"""The bet's growth rate and mean return against the stake, in multiples ``c`` of Kelly.

    Columns: ``multiple of Kelly`` (:math:`c`), ``fraction`` (:math:`cf^*`), ``growth rate``
    (:math:`g(cf^*)`), ``mean return`` (:math:`\bar r(cf^*)`), ``growth relative to Kelly``
    (:math:`g(cf^*)/g(f^*)`) and ``continuous approximation`` (:math:`c(2 - c)`). The bet
    must have an edge (:math:`f^* > 0`) and every stake must be below the whole wealth.
    """
    star = kelly_fraction(p, b)
    if star == 0.0:
        raise ValueError(f"p and b must give the bet an edge (b p - (1 - p) > 0), got p={p!r}, "
                         f"b={b!r}")
    c = v.non_negative_array("multiples", v.numbers("multiples", multiples))
    if np.any(c * star >= 1.0):
        raise ValueError(f"multiples must be in [0, {1.0 / star:g}) for this bet (a stake below "
                         f"the whole wealth), got {c!r}")
    f = c * star
    g = growth_rate(f, p, b)
    return pd.DataFrame({"multiple of Kelly": c, "fraction": f, "growth rate": g,
                         "mean return": mean_return(f, p, b),
                         "growth relative to Kelly": g / growth_rate(star, p, b),
                         "continuous approximation": c * (2.0 - c)})


@dataclass(frozen=True)
class BetRun(Result):
    """What :func:`simulate` returns: wealth (``W_0 = 1``) and fraction per path and round.

    ``wealth`` has ``n_rounds + 1`` columns (round 0 the start), ``fraction`` and ``won``
    ``n_rounds``.
    """

    params: Bet
    won: np.ndarray
    fraction: np.ndarray
    wealth: np.ndarray

    def growth(self) -> np.ndarray:
        """Realised log-growth per round of each path."""
        with np.errstate(divide="ignore"):
            return np.log(self.wealth[:, -1]) / self.params.n_rounds

    def hit_first(self, up: float = 2.0, down: float = 0.5) -> np.ndarray:
        """Per path: +1 if wealth reached ``up`` before ``down``, -1 if ``down`` first, 0 if
        neither within the rounds."""
        up = v.in_range("up", up, 1.0, 1e12, lo_open=True)
        down = v.in_range("down", down, 0.0, 1.0, lo_open=True, hi_open=True)
        above, below = self.wealth >= up, self.wealth <= down
        first_up = np.where(above.any(axis=1), above.argmax(axis=1), np.iinfo(np.int64).max)
        first_down = np.where(below.any(axis=1), below.argmax(axis=1), np.iinfo(np.int64).max)
        return np.sign(first_down - first_up).astype(int)

    def halved_first(self, up: float = 2.0, down: float = 0.5) -> tuple[float, float]:
        """Among the paths that reached ``up`` or ``down`` within the rounds, the share that
        reached ``down`` first, and its standard error :math:`\\sqrt{s(1-s)/n}`."""
        first = self.hit_first(up, down)
        decided = int(np.count_nonzero(first))
        if decided == 0:
            raise ValueError("n_rounds must be long enough for some path to reach up or down "
                             "(no path did)")
        share = float(np.count_nonzero(first == -1) / decided)
        return share, math.sqrt(share * (1.0 - share) / decided)

    def summary(self, level: float = 0.01) -> pd.Series:
        """The run at its last round beside the closed forms of its (fixed) stake: the
        growth rate :math:`g(f)` and the median bettor's wealth it implies, :math:`e^{ng}`;
        the simulated median and mean wealth; the mean wealth in closed form; and the share
        of bettors who ever fell to ``level`` of the start."""
        p = self.params
        if p.lever != 1.0:
            raise ValueError("summary needs a fixed stake (lever == 1): a levered run has no "
                             "closed form")
        g = growth_rate(p.fraction, p.p, p.b)
        with np.errstate(over="ignore"):
            typical = math.exp(min(p.n_rounds * g, 700.0))
        return pd.Series({
            "stake": p.fraction,
            "growth rate": g,
            "median wealth, simulated": float(np.median(self.wealth[:, -1])),
            "median wealth, exp(n g)": typical,
            "mean wealth, simulated": float(self.wealth[:, -1].mean()),
            "mean wealth, closed form": mean_wealth(p.fraction, p.p, p.b, p.n_rounds),
            f"share that fell to {level:g}": float(self.ruined(level)[-1]),
        })

    def percentiles(self, qs=(10, 50, 90)) -> dict[float, np.ndarray]:
        """Percentiles of wealth across paths at each round (``n_rounds + 1`` values each)."""
        qs = [v.in_range("qs", q, 0.0, 100.0) for q in np.atleast_1d(qs)]
        return {q: np.percentile(self.wealth, q, axis=0) for q in qs}

    def ruined(self, level: float = 0.01) -> np.ndarray:
        """Share of paths whose wealth has fallen to ``level`` (of the start) or below by each
        round: a practical ruin, since a fractional bettor never reaches zero exactly."""
        level = v.in_range("level", level, 0.0, 1.0, lo_open=True, hi_open=True)
        return np.maximum.accumulate(self.wealth <= level, axis=1).mean(axis=0)

    def _same_flips(self, benchmark: BetRun) -> BetRun:
        if not isinstance(benchmark, BetRun) or benchmark.won.shape != self.won.shape \
                or not np.array_equal(benchmark.won, self.won):
            raise ValueError("benchmark must be a BetRun on the same coin flips (same seed, "
                             "paths and rounds)")
        return benchmark

    def ahead_share(self, benchmark: BetRun) -> np.ndarray:
        """Share of paths on which this bettor is richer than ``benchmark`` at each round
        (the two runs must share their coin flips)."""
        other = self._same_flips(benchmark)
        return (self.wealth > other.wealth).mean(axis=0)

    def ever_ahead(self, benchmark: BetRun, factor: float = 2.0) -> np.ndarray:
        """Per path: True if at some round this bettor held at least ``factor`` times the
        wealth of ``benchmark`` on the same flips."""
        other = self._same_flips(benchmark)
        factor = v.in_range("factor", factor, 1.0, 1e12)
        return np.any(self.wealth >= factor * other.wealth, axis=1)


def simulate(params: Bet, rng: np.random.Generator, n_paths: int = 1_000) -> BetRun:
    """``n_paths`` bettors over ``n_rounds`` rounds; every coin flip is drawn up front.

    With ``lever == 1`` the fraction is fixed; otherwise each win multiplies it by
    ``lever`` (capped at ``max_fraction``) and each loss resets it to ``fraction``.
    """
    p = v.instance("params", params, Bet)
    rng = v.generator(rng)
    n_paths = v.count("n_paths", n_paths, 1, 1_000_000)
    won = rng.random((n_paths, p.n_rounds)) < p.p
    if p.lever == 1.0:
        fraction = np.full(won.shape, p.fraction)
    else:
        # the fraction after k wins in a row: fraction * lever**k, capped
        streak = np.zeros(won.shape, dtype=np.int64)
        run = np.zeros(n_paths, dtype=np.int64)
        for t in range(p.n_rounds):
            streak[:, t] = run
            run = np.where(won[:, t], run + 1, 0)
        with np.errstate(over="ignore"):
            fraction = np.minimum(p.fraction * p.lever ** np.minimum(streak, 10_000),
                                  p.max_fraction)
    factor = np.where(won, 1.0 + p.b * fraction, 1.0 - fraction)
    wealth = np.concatenate([np.ones((n_paths, 1)), np.cumprod(factor, axis=1)], axis=1)
    return BetRun(p, won, fraction, wealth)

