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
from toymarkets.models import clearing as cl
from toymarkets.models import glostenmilgrom as gm
from toymarkets.models import marketmaking as mm
from toymarkets.models import pricesupport as ps
from toymarkets.models import toxicflow as tf

__all__ = ["Case", "CASES", "case"]

SEED = 20221111          # any fixed seed: each run of a case simulates the same thing
_MM_PATH_STEPS = 2_000   # one simulated day of the Step 1 market maker (its default n_steps)
_PS_PATH_STEPS = 365     # one simulated year of the Step 3 price support (its default n_steps)
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


def _clearing(size: int) -> Callable[[], int]:
    """``clearing.solve`` (fictitious default) on a random network of ``size`` nodes, about
    four debts each, half the outside assets at risk in the shock; the network is built
    once, outside the timing."""
    network = cl.random_network(v.count("size", size, 2, 5_000), np.random.default_rng(SEED))

    def run() -> int:
        return cl.solve(network).payments.size

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
    Case("clearing.solve (Eisenberg–Noe, random network)", "nodes", _clearing,
         sizes=(100, 300, 1_000, 2_000), typical=100, target=(1_000, 1.0)),
)


def case(name: str) -> Case:
    """The registered case called ``name``."""
    for c in CASES:
        if c.name == name:
            return c
    raise ValueError(f"name must be one of {[c.name for c in CASES]}, got {name!r}")
