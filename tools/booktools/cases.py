"""The library's simulation kernels, registered once for ``booktools.benchmark``.

Each :class:`Case` tells the benchmark script how to run one kernel on ``size``
units of work (price steps, market-maker steps, client trades, ...): ``make(size)``
builds the parameters and returns a callable with no arguments that runs the
kernel once, from a fixed seed, and returns the number of units it *actually*
simulated, counted from the kernel's output. The script times that callable at
every size in ``sizes`` and checks the count equals the size, so a registered
case cannot silently measure less work than it claims.

To register a new kernel (a pool, a clearing network, a bank run...), write a
``make`` function next to the others and append a ``Case`` to :data:`CASES`;
``tests/test_benchmarks.py`` runs every case at its smallest size. Give
``target`` only where the book promises a speed, as ``(size, seconds)``:
"``size`` units in under ``seconds``". Timing is measured by the script, never
asserted in a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from toymarkets import _validate as v
from toymarkets.core.prices import random_walk
from toymarkets.models import amm, peg
from toymarkets.models import bankrun as br
from toymarkets.models import clearing as clr
from toymarkets.models import collateral as cl
from toymarkets.models import farming as fm
from toymarkets.models import glostenmilgrom as gm
from toymarkets.models import impact as im
from toymarkets.models import liquidation as lq
from toymarkets.models import marketmaking as mm
from toymarkets.models import pricesupport as ps
from toymarkets.models import toxicflow as tf
from toymarkets.models import venture as vt
from toymarkets.story import capstone as cs

__all__ = ["Case", "CASES", "case"]

SEED = 20221111          # any fixed seed: each run of a case simulates the same thing
_MM_PATH_STEPS = 2_000   # one simulated day of the Step 1 market maker (its default n_steps)
_LAUNCH_DAYS = 90        # one simulated launch of Step 4 (its default n_days)
_VENTURE_BETS = 1_000    # one book of the Step 8 venture model: 1,000 stakes, 20 quarters
_PS_PATH_STEPS = 365     # one simulated year of the Step 3 price support (its default n_steps)
_LOAN_DAYS = 365         # one simulated year of the Step 6 loan (its default n_days)
# Step 2 at 10 client trades per price step: its arithmetic walk must stay far from zero
# (4 sigma sqrt(steps) < s0), which with the default sigma allows up to 2.5 million trades.
_TOXIC = tf.ToxicFlow(trades_per_step=10.0)


@dataclass(frozen=True)
class Case:
    """One kernel to benchmark. See the module docstring for the contract of ``make``."""

    name: str                                   #: e.g. "marketmaking.simulate (one path)"
    unit: str                                   #: what one unit of work is, plural: "steps"
    make: Callable[[int], Callable[[], int]]    #: size -> run(); run() returns units simulated
    sizes: tuple[int, ...]                      #: sizes timed, increasing, each >= 1
    typical: int                                #: the size a chapter runs, one of ``sizes``
    target: tuple[int, float] | None = None     #: (size, seconds) the book promises, or None

    def __post_init__(self):
        for field in ("name", "unit"):
            text = getattr(self, field)
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{field} must be a non-empty string, got {text!r}")
        if not callable(self.make):
            raise ValueError(f"make must be callable, got {type(self.make).__name__}")
        if not isinstance(self.sizes, tuple) or not self.sizes:
            raise ValueError(f"sizes must be a non-empty tuple, got {self.sizes!r}")
        for size in self.sizes:
            v.count("sizes", size, 1)
        if any(b <= a for a, b in zip(self.sizes, self.sizes[1:], strict=False)):
            raise ValueError(f"sizes must be strictly increasing, got {self.sizes!r}")
        v.count("typical", self.typical, 1)
        if self.typical not in self.sizes:
            raise ValueError(f"typical must be one of sizes {self.sizes}, got {self.typical!r}")
        if self.target is not None:
            if not isinstance(self.target, tuple) or len(self.target) != 2:
                raise ValueError(f"target must be (size, seconds) or None, got {self.target!r}")
            v.positive("target seconds", self.target[1])
            if self.target[0] not in self.sizes:
                raise ValueError(f"target size must be one of sizes {self.sizes}, "
                                 f"got {self.target[0]!r}")


def _paths(size: int, path_steps: int) -> int:
    """The number of paths of ``path_steps`` steps that make ``size`` path-steps."""
    size = v.count("size", size, path_steps)
    if size % path_steps:
        raise ValueError(f"size must be a multiple of {path_steps} path-steps, got {size}")
    return size // path_steps


def _price_steps(size: int) -> Callable[[], int]:
    """``prices.random_walk``: one path of ``size`` steps."""
    size = v.count("size", size, 1)

    def run() -> int:
        path = random_walk(100.0, 0.001, size, np.random.default_rng(SEED))
        return path.shape[1] - 1

    return run


def _mm_one_path(size: int) -> Callable[[], int]:
    """``marketmaking.simulate``: one path of ``size`` steps (its time loop is in Python)."""
    params = mm.MarketMaker(n_steps=v.count("size", size, 1, 1_000_000))

    def run() -> int:
        return mm.simulate(params, np.random.default_rng(SEED)).inventory.size

    return run


def _mm_paths(size: int) -> Callable[[], int]:
    """``marketmaking.simulate``: ``size / 2000`` paths of one 2,000-step day each."""
    n_paths, params = _paths(size, _MM_PATH_STEPS), mm.MarketMaker(n_steps=_MM_PATH_STEPS)

    def run() -> int:
        return mm.simulate(params, np.random.default_rng(SEED), n_paths=n_paths).inventory.size

    return run


def _ps_paths(size: int) -> Callable[[], int]:
    """``pricesupport.simulate``: ``size / 365`` paths of one 365-day year each."""
    n_paths, params = _paths(size, _PS_PATH_STEPS), ps.PriceSupport(n_steps=_PS_PATH_STEPS)

    def run() -> int:
        return ps.simulate(params, np.random.default_rng(SEED), n_paths=n_paths).price[:, 1:].size

    return run


def _loan_paths(size: int) -> Callable[[], int]:
    """``farming.simulate``: ``size / 365`` paths of one 365-day year of the loan each."""
    n_paths, params = _paths(size, _LOAN_DAYS), fm.FarmLoan(n_days=_LOAN_DAYS)

    def run() -> int:
        return fm.simulate(params, np.random.default_rng(SEED), n_paths=n_paths).price[:, 1:].size

    return run


def _toxic_trades(size: int) -> Callable[[], int]:
    """``toxicflow.simulate`` of ``size`` client trades (the trades only)."""
    size = v.count("size", size, 1, 2_500_000)

    def run() -> int:
        return tf.simulate(_TOXIC, np.random.default_rng(SEED), n_trades=size).side.size

    return run


def _toxic_pnl(size: int) -> Callable[[], int]:
    """``toxicflow.simulate`` of ``size`` client trades, then the house's P&L by source under
    every choice (A-book, B-book, delayed hedge) and the markouts by kind: a chapter's work."""
    size = v.count("size", size, 1, 2_500_000)

    def run() -> int:
        out = tf.simulate(_TOXIC, np.random.default_rng(SEED), n_trades=size)
        out.totals()
        out.markouts()
        return out.side.size

    return run


def _glosten_milgrom(size: int) -> Callable[[], int]:
    """``toxicflow.simulate_glosten_milgrom``: ``size`` trades at the zero-profit quotes."""
    size = v.count("size", size, 2)

    def run() -> int:
        out = gm.simulate_glosten_milgrom(90.0, 110.0, 0.5, 0.3, np.random.default_rng(SEED),
                                          n_trades=size)
        return out.pnl.size

    return run


def _loop_grid(size: int) -> Callable[[], int]:
    """``collateral.resting_prices`` over a square grid of ``size`` loan-to-values and depths
    (so ``size**2`` resting prices); the case counts grid points."""
    side = v.count("size", size, 2, 10_000)
    ltv, depth = np.linspace(0.05, 1.0, side)[:, None], np.geomspace(100.0, 1e5, side)[None, :]

    def run() -> int:
        rows, cols = cl.resting_prices(cl.Loop(), ltv, depth).shape
        return rows if rows == cols else -1

    return run


def _run_depositors(size: int) -> Callable[[], int]:
    """``bankrun.simulate`` of a week's run with ``size`` depositors."""
    params = br.Run(n_depositors=v.count("size", size, 1, 10_000_000))

    def run() -> int:
        return br.simulate(params, np.random.default_rng(SEED)).deposit.size

    return run


def _capstone(size: int) -> Callable[[], int]:
    """``capstone.simulate`` and its Shapley attribution, on ``size / 2^k`` market paths
    (each run covers every one of the 2^k combinations of the switches)."""
    n = 2 ** cs.K
    size = v.count("size", size, n, 100 * n)
    if size % n:
        raise ValueError(f"size must be a multiple of {n} (one run is {n} scenarios), got {size}")
    story = cs.Story()

    def run() -> int:
        done = 0
        for seed in range(size // n):
            result = cs.simulate(story, np.random.default_rng(SEED + seed))
            result.attribution()
            done += result.shortfall.size
        return done

    return run


def _terra_blocks(size: int) -> Callable[[], int]:
    """``peg.simulate``: one Terra run of ``size`` blocks at the chapter's defaults."""
    params = peg.Peg(n_blocks=v.count("size", size, 200, 200_000))

    def run() -> int:
        return peg.simulate(params, np.random.default_rng(SEED)).sold.size

    return run


def _venture_books(size: int) -> Callable[[], int]:
    """``venture.simulate``: ``size`` paths, each a book of 1,000 stakes over 20 quarters.

    One unit is one path (one whole book: 1,000 multiples drawn and revealed over 20
    dates, a market factor and the lock-up discounts), not one stake: the chapter's
    questions are about books, and a path's cost is fixed by the book's size.
    """
    n_paths = v.count("size", size, 1, 100_000)
    params = vt.VentureBook(n_bets=_VENTURE_BETS)

    def run() -> int:
        return vt.simulate(params, np.random.default_rng(SEED), n_paths=n_paths).mark.shape[0]

    return run


def _cascade(size: int) -> Callable[[], int]:
    """``liquidation.solve``: the cascade after the default crash over ``size`` accounts."""
    params = lq.Perpetual(n_positions=v.count("size", size, 1, 1_000_000))

    def run() -> int:
        return lq.solve(params).size.size

    return run


def _pool_swaps(size: int) -> Callable[[], int]:
    """``amm.swap``: ``size`` independent pools (seeded random reserves), each taking one sale
    of tokens, in one vectorised call; the reserves and sales are drawn outside the timing."""
    size = v.count("size", size, 1, 10_000_000)
    rng = np.random.default_rng(SEED)
    pools = amm.PoolState(rng.uniform(1.0, 100.0, size), rng.uniform(1.0, 100.0, size),
                          rng.uniform(1.0, 100.0, size))
    sales = rng.uniform(0.0, 10.0, size)

    def run() -> int:
        return amm.swap(pools, sales, "token").token_in.size

    return run

def _launch_paths(size: int) -> Callable[[], int]:
    """``amm.simulate``: ``size / 90`` launches of 90 days each (the Step 4 defaults)."""
    n_paths, params = _paths(size, _LAUNCH_DAYS), amm.Launch(n_days=_LAUNCH_DAYS)

    def run() -> int:
        return amm.simulate(params, np.random.default_rng(SEED), n_paths=n_paths).sold.size

    return run


def _sheet_liquidation(size: int) -> Callable[[], int]:
    """``impact.portfolio_liquidation``: the liquidation value of a sheet of ``size``
    positions, each sold into its own square-root market (one vectorised call). The
    positions (sizes, prices, volatilities, volumes) are drawn once, outside the timing."""
    size = v.count("size", size, 1, 10_000_000)
    rng = np.random.default_rng(SEED)
    quantity = rng.lognormal(12.0, 2.0, size)          # tokens
    price = rng.lognormal(0.0, 1.0, size)              # USD per token
    volatility = rng.uniform(0.02, 0.2, size)          # daily
    volume = rng.lognormal(13.0, 2.0, size)            # tokens a day

    def run() -> int:
        values = im.portfolio_liquidation(quantity, price, volatility, volume)
        values.sum()
        return values.size

    return run


def _clearing(size: int) -> Callable[[], int]:
    """``clearing.solve`` (fictitious default) on a random network of ``size`` nodes, about
    four debts each, half the outside assets at risk in the shock; the network is built
    once, outside the timing."""
    network = clr.random_network(v.count("size", size, 2, 5_000), np.random.default_rng(SEED))

    def run() -> int:
        return clr.solve(network).payments.size

    return run


#: Every registered kernel. Append new cases here (one per kernel and way of scaling it).
CASES: tuple[Case, ...] = (
    Case("prices.random_walk", "price steps", _price_steps,
         sizes=(10_000, 100_000, 1_000_000, 10_000_000), typical=10_000),
    Case("marketmaking.simulate (one path)", "steps", _mm_one_path,
         sizes=(2_000, 20_000, 200_000, 1_000_000), typical=2_000),
    Case("marketmaking.simulate (paths of 2,000 steps)", "path-steps", _mm_paths,
         sizes=(20_000, 200_000, 600_000, 2_000_000), typical=600_000),
    Case("toxicflow.simulate (trades only)", "client trades", _toxic_trades,
         sizes=(20_000, 200_000, 1_000_000, 2_000_000), typical=20_000),
    Case("toxicflow.simulate + totals + markouts", "client trades", _toxic_pnl,
         sizes=(20_000, 200_000, 1_000_000, 2_000_000), typical=20_000,
         target=(1_000_000, 1.0)),
    Case("glostenmilgrom.simulate_glosten_milgrom", "client trades", _glosten_milgrom,
         sizes=(100_000, 1_000_000, 10_000_000), typical=100_000),
    Case("pricesupport.simulate (paths of 365 days)", "path-days", _ps_paths,
         sizes=(36_500, 365_000, 3_650_000), typical=36_500),
    Case("collateral.resting_prices (square grid, side given)", "grid side", _loop_grid,
         sizes=(10, 100, 1_000), typical=100, target=(1_000, 1.0)),
    Case("bankrun.simulate (one week)", "depositors", _run_depositors,
         sizes=(1_000, 20_000, 100_000), typical=20_000, target=(100_000, 1.0)),
    Case("peg.simulate (one Terra run)", "blocks", _terra_blocks,
         sizes=(1_000, 10_000, 50_000), typical=10_000, target=(10_000, 1.0)),
    Case("farming.simulate (paths of 365 days)", "path-days", _loan_paths,
         sizes=(36_500, 365_000, 3_650_000), typical=365_000),
    Case("venture.simulate (books of 1,000 stakes)", "paths", _venture_books,
         sizes=(100, 1_000, 10_000), typical=1_000, target=(10_000, 1.0)),
    Case("liquidation.solve (a cascade)", "positions", _cascade,
         sizes=(2_000, 10_000, 100_000, 1_000_000), typical=2_000, target=(100_000, 1.0)),
    Case("amm.swap (independent pools, one swap each)", "pool swaps", _pool_swaps,
         sizes=(10_000, 100_000, 1_000_000), typical=10_000, target=(1_000_000, 1.0)),
    Case("amm.simulate (launches of 90 days)", "path-days", _launch_paths,
         sizes=(9_000, 36_000, 360_000), typical=36_000),
    Case("impact.portfolio_liquidation (a sheet's positions)", "positions", _sheet_liquidation,
         sizes=(1_000, 10_000, 100_000, 1_000_000), typical=10_000, target=(10_000, 1.0)),
    Case("clearing.solve (Eisenberg–Noe, random network)", "nodes", _clearing,
         sizes=(100, 300, 1_000, 2_000), typical=100, target=(1_000, 1.0)),
    Case("capstone.simulate + attribution (2^8 scenarios a run)", "scenarios", _capstone,
         sizes=(256, 2_560), typical=256, target=(256, 2.0)),
)


def case(name: str) -> Case:
    """The registered case called ``name``."""
    for c in CASES:
        if c.name == name:
            return c
    raise ValueError(f"name must be one of {[c.name for c in CASES]}, got {name!r}")
