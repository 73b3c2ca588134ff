"""Answer keys for Step 5 (book/05-rescue.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

import numpy as np

from ...models import amm
from ...models import pricesupport as ps
from ...story import rescue
from ..checks import Answer


def _win_share() -> float:
    support, pool = rescue.illustrative()
    out = rescue.simulate(support.replace(budget=40.0), pool,
                          np.random.default_rng(5), n_paths=1000)
    return out.win_share()


def _reference_thin_exit(out: rescue.RescueRun, share: float) -> np.ndarray:
    """Profit per path if the stock is sold into the exit pool with ``share`` of its liquidity."""
    end = out.exit_pool()
    thin = amm.PoolState(share * end.reserve_token, share * end.reserve_cash,
                         share * end.shares, end.fee)
    sale = amm.swap(thin, out.stock(), "token")
    return out.run.cash[:, -1] - sale.cash_in


@cache
def _thin_exit_cases() -> tuple[tuple[rescue.RescueRun, float], ...]:
    """Two rescues (the chapter's, and a deeper pool with a bigger budget), at three shares."""
    runs = (
        rescue.simulate(*rescue.illustrative(), np.random.default_rng(11), n_paths=30),
        rescue.simulate(ps.PriceSupport(n_steps=60, budget=800.0),
                        amm.Pool.at_price(25.0, 40.0, fee=0.01), np.random.default_rng(12),
                        n_paths=20),
    )
    return tuple((out, share) for out in runs for share in (1.0, 0.5, 0.1))


ANSWERS = {
    "win_share": Answer(
        expected=_win_share, decimals=2,
        hint="simulate the rescue with the budget replaced by 40.0 (support.replace(...)) in "
             "the chapter's pool, 1,000 paths from np.random.default_rng(5), and read "
             "win_share(); give a fraction, not a percentage."),
    "thin_exit": Answer(
        reference=_reference_thin_exit, cases=_thin_exit_cases, rtol=1e-9, atol=1e-9,
        hint="scale the three arrays of out.exit_pool() by share (keep its fee), sell "
             "out.stock() into that pool with amm.swap, and add the cash it pays to "
             "out.run.cash[:, -1]; return one number per path."),
}
