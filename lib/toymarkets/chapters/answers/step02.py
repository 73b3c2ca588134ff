"""Answer keys for Step 2 (book/02-b-book.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

import numpy as np

from ...models import toxicflow as tf
from ..checks import Answer


def _break_even_fee() -> float:
    """The fee at which the default B-book that hedges later expects zero profit per token.

    Expected profit per token is linear in the fee, with slope s0; at zero fee it is
    the spread less the hedging cost and the expected adverse selection.
    """
    params = tf.ToxicFlow()
    return -tf.expected_pnl_per_unit(params.replace(fee=0.0), "delayed") / params.s0


def _reference_profitable_informed(run: tf.ToxicFlowRun) -> np.ndarray:
    """Informed trades whose client gained against the leading venue, after the fee."""
    gain = run.side * (run.lead[run.step] - run.fill) - run.params.fee * run.mid[run.step]
    return (run.kind == 1) & (gain > 0)


@cache
def _profitable_informed_cases() -> tuple[tuple[tf.ToxicFlowRun], ...]:
    """Three runs: the defaults, no lag with a higher fee, a wider spread with more informed."""
    cases = (({}, 1), ({"lag": 0, "catch_up": 0.5, "fee": 5e-4}, 2),
             ({"half_spread": 0.05, "share_informed": 0.3, "share_uninformed": 0.55}, 3))
    return tuple((tf.simulate(tf.ToxicFlow(**changes), np.random.default_rng(seed), 3_000),)
                 for changes, seed in cases)


ANSWERS = {
    "break_even_fee": Answer(
        expected=_break_even_fee, decimals=6,
        hint="profit per token is half_spread + fee * s0, less hedge_cost * s0, less the "
             "volume-weighted expected adverse selection; set it to zero and solve for the "
             "fee (a fraction to six decimals, not bp)."),
    "profitable_informed": Answer(
        reference=_reference_profitable_informed, cases=_profitable_informed_cases, exact=True,
        hint="return a boolean array with one entry per trade: True only for informed trades "
             "(run.kind == 1) whose gain side * (lead at the trade - fill) beats the fee, "
             "fee * mid at the trade."),
}
