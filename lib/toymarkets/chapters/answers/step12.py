"""Answer keys for Step 12 (book/12-contagion.ipynb). See toymarkets.checks."""

from __future__ import annotations

from functools import cache

import numpy as np

from ...models import clearing as cl
from ..checks import Answer


def _blockfi_rescue() -> float:
    """The smallest loan from the exchange to the trading firm that keeps BlockFi paying in
    full after a shock of one half, without default costs."""
    return cl.rescue_needed(cl.lenders_2022(shock=0.5, default_cost=0.0), "exchange",
                            "trading firm", ["BlockFi"])


def _zero_recovery(network: cl.Network) -> np.ndarray:
    """Who defaults when a defaulting node pays nothing at all: Rogers and Veraart's
    clearing with alpha = beta = 0."""
    return cl.solve(network.replace(alpha=0.0, beta=0.0)).defaulted


@cache
def _networks() -> tuple[tuple[cl.Network], ...]:
    """The 2022 network at three shocks, a chain, and two random networks."""
    chain = cl.Network(cl.Liabilities(np.diag(np.full(5, 10.0), k=1)),
                       [0.0, 4.0, 4.0, 4.0, 4.0, 0.0])
    cases = [cl.lenders_2022(shock) for shock in (0.3, 0.5, 0.7)] + [chain]
    cases += [cl.random_network(40, np.random.default_rng(1), shock=0.1),
              cl.random_network(40, np.random.default_rng(4), capital=0.5, shock=0.3)]
    return tuple((net,) for net in cases)


ANSWERS = {
    "blockfi_rescue": Answer(
        expected=_blockfi_rescue, decimals=0,
        hint="use cl.rescue_needed with the exchange as lender, the trading firm as "
             "borrower and save=['BlockFi'], on cl.lenders_2022(shock=0.5, default_cost=0.0)."),
    "zero_recovery": Answer(
        reference=_zero_recovery, cases=_networks, exact=True,
        hint="start from full payment; a node whose outside assets plus what it is paid fall "
             "short of what it owes defaults and then pays nothing; repeat until no new node "
             "defaults, and return one True/False per node."),
}
