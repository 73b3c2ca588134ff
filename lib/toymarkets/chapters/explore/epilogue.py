"""Try it, epilogue: stake a multiple of Kelly, lever up after wins, change the edge."""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from ...figures.kelly import BetPanels
from ...models import kelly as kk
from ..tryit import TryIt

SEED = 1956
N_PATHS = 300
N_ROUNDS = 200
ODDS = 1.0                          # even-money bets
CAP = 0.5                           # the most a levered bettor ever stakes [fraction]
LEVEL = 0.01                        # "ruin": wealth down to 1% of the start
#: Axis limits over the controls' whole range (found by sweeping every slider value; the
#: widget sweep checks the data stay inside).
WEALTH_LIMITS = (1e-8, 1e4)         # multiple of the starting wealth, log scale


def run(p: float = 0.55, multiple: float = 1.0, lever: float = 1.0) -> kk.BetRun:
    """N_PATHS seeded bettors staking ``multiple`` times Kelly, levered after each win."""
    star = kk.kelly_fraction(p, ODDS)
    bet = kk.Bet(p=p, b=ODDS, fraction=multiple * star, lever=lever, max_fraction=CAP,
                 n_rounds=N_ROUNDS)
    return kk.simulate(bet, np.random.default_rng(SEED), n_paths=N_PATHS)


@lru_cache(maxsize=32)
def kelly(p: float = 0.55) -> kk.BetRun:
    """The fixed-Kelly bettors on the same flips (the same seed) as :func:`run`."""
    return run(p, 1.0, 1.0)


def tryit() -> TryIt:
    controls = {
        "p": widgets.FloatSlider(value=0.55, min=0.52, max=0.60, step=0.01,
                                 description="chance of winning p", readout_format=".2f"),
        "multiple": widgets.FloatSlider(value=1.0, min=0.25, max=2.5, step=0.25,
                                        description="stake [× Kelly]"),
        "lever": widgets.FloatSlider(value=1.0, min=1.0, max=2.0, step=0.1,
                                     description="stake × after each win"),
    }
    view = BetPanels(N_ROUNDS, wealth_lim=WEALTH_LIMITS, level=LEVEL)

    def update(p: float, multiple: float, lever: float) -> None:
        p = round(p, 2)
        view.show(run(p, multiple, lever), kelly(p), title=(
            f"p = {p:.2f}: stake {multiple:.2f} × Kelly, × {lever:.1f} after each win"))

    default = kelly(0.55)
    median, above = np.median(default.wealth[:, -1]), np.mean(default.wealth[:, -1] > 1.0)
    return TryIt(update, view.figure, controls, alt=(
        f"Left: over {N_ROUNDS} rounds of an even-money bet won 55% of the time, the median "
        f"wealth of {N_PATHS} bettors who stake the Kelly fraction rises slowly, on a log "
        f"scale, to about {median:.1f} times the start. At the default settings the reader's "
        "rule is the same bettor, so its median line covers Kelly's, and its 10th and 90th "
        "percentiles fan out around it. Right: bars for the share of bettors who ever fell to "
        f"1% of their start (none) and who ended above the start ({above:.0%}), for Kelly and "
        "for the reader's rule."))
