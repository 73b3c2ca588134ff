"""Tests of the Step 5 story (toymarkets.story.rescue): price support in a thin pool.

Each property is named for the invariant it checks. The story adds three things to the
two models it composes, and these are what is tested here: the depth it takes from the
pool, the value of selling the stock back into the pool, and the option-like bound on
the defence's loss.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.models import amm
from toymarkets.models import pricesupport as ps
from toymarkets.story import rescue

FAST = settings(max_examples=50, deadline=None)

pools = st.builds(amm.Pool.at_price, st.floats(0.01, 1e3), st.floats(1.0, 1e4),
                  st.one_of(st.just(0.003), st.floats(0.0, 0.1)))
supports = st.builds(
    ps.PriceSupport,
    volatility=st.floats(0.0, 0.2),
    drift=st.floats(-0.02, 0.02),
    n_steps=st.integers(1, 60),
    rho=st.floats(-1.0, 1.0),
    support_level=st.floats(0.01, 1e4),
    budget=st.one_of(st.just(0.0), st.floats(0.0, 1e4)),
    half_spread=st.floats(0.0, 0.1),
    client_trades=st.integers(0, 200),
    clip=st.floats(0.0, 1.0),
)
seeds = st.integers(0, 2**32 - 1)


def run_of(support, pool, seed, n_paths=4):
    return rescue.simulate(support, pool, np.random.default_rng(seed), n_paths)


@given(supports, pools)
def test_the_defence_starts_at_the_pools_price_with_the_pools_depth(support, pool):
    params = rescue.defence(support, pool)
    assert params.s0 == pool.price
    assert params.impact == (1 + 1 / pool.gamma) * pool.price / pool.reserve_token
    # the line's slope is the pool's: a small purchase moves both prices alike
    q = 1e-6 * pool.reserve_token
    bought = amm.swap_for(amm.open_pool(pool).after, q, "token")
    assert float(bought.price_impact()) * pool.price / q == pytest.approx(
        params.impact, rel=1e-4)


@FAST
@given(supports, pools, seeds)
def test_the_defence_never_loses_more_than_its_budget(support, pool, seed):
    out = run_of(support, pool, seed)
    k = out.budget
    scale = 1e-9 * (k + 1.0 + np.abs(out.run.cash[:, -1]))
    assert np.all(out.pnl() >= -k - scale)
    assert np.all(out.exit_value() >= -k - scale)


@FAST
@given(supports, pools, seeds)
def test_selling_into_the_pool_fetches_less_than_fair_value(support, pool, seed):
    out = run_of(support, pool, seed)
    scale = 1e-9 * (1.0 + np.abs(out.run.cash[:, -1]) + out.stock() * out.run.price[:, -1])
    assert np.all(out.exit_value() <= out.run.mark_to_fair_value() + scale)
    assert np.all(out.run.mark_to_fair_value() <= out.pnl() + scale)


@FAST
@given(supports, pools, seeds)
def test_the_exit_pool_keeps_the_liquidity_and_quotes_the_fair_value(support, pool, seed):
    out = run_of(support, pool, seed)
    end = out.exit_pool()
    assert np.allclose(end.price(), out.run.fair_value[:, -1], rtol=1e-12)
    assert np.allclose(end.invariant(), pool.reserve_token * pool.reserve_cash, rtol=1e-12)
    x, y, g, stock = end.reserve_token, end.reserve_cash, pool.gamma, out.stock()
    closed = out.run.cash[:, -1] + g * stock * y / (x + g * stock)
    assert np.allclose(out.exit_value(), closed, rtol=1e-9, atol=1e-12 * (1 + np.abs(closed)))


@FAST
@given(supports, pools, seeds)
def test_the_stock_is_what_the_defence_bought(support, pool, seed):
    out = run_of(support, pool, seed)
    scale = 1e-9 * (1.0 + np.abs(out.run.client_flow).sum(axis=1) + out.stock())
    assert np.all(np.abs(out.run.inventory[:, -1] - out.stock()) <= scale)
    assert np.all(out.stock() >= 0)


def test_without_a_budget_there_is_nothing_to_sell():
    out = run_of(ps.PriceSupport(budget=0.0, n_steps=50), amm.Pool.at_price(2.0, 30.0), 3)
    assert np.all(out.stock() == 0)
    assert np.allclose(out.exit_value(), out.pnl())
    assert math.isnan(out.win_share())


@pytest.mark.parametrize("seed", [1, 2])
def test_the_payoff_rises_with_the_recovery(seed):
    out = run_of(*rescue.illustrative(), seed, 1000)          # the chapter's settings
    defended = out.stock() > 0
    corr = np.corrcoef(out.recovery()[defended], out.pnl()[defended])[0, 1]
    assert corr > 5 / math.sqrt(defended.sum())
    table = out.by_outcome()
    assert table.loc["recovered", "profit at market [million USD]"] > \
        table.loc["did not recover", "profit at market [million USD]"]
    shares = table["share of defended paths"]
    assert shares["recovered"] + shares["did not recover"] == pytest.approx(1.0)


def test_same_seed_same_run_and_read_only():
    support, pool = ps.PriceSupport(n_steps=30), amm.Pool.at_price(20.0, 5.0)
    a, b = run_of(support, pool, 9), run_of(support, pool, 9)
    assert np.array_equal(a.pnl(), b.pnl()) and np.array_equal(a.exit_value(), b.exit_value())
    with pytest.raises(ValueError):
        a.run.price[0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.pool = pool


@pytest.mark.parametrize("call, message", [
    (lambda: rescue.defence(ps.PriceSupport(hedge_ratio=0.5), amm.Pool()), "hedge_ratio must"),
    (lambda: rescue.defence(amm.Pool(), amm.Pool()), "support must be a PriceSupport"),
    (lambda: rescue.defence(ps.PriceSupport(), ps.PriceSupport()), "pool must be a Pool"),
    (lambda: rescue.defence(ps.PriceSupport(), amm.Pool(1.0, 1e5)), "pool price must"),
    (lambda: rescue.defence(ps.PriceSupport(), amm.Pool(1e-6, 1e-3)), "marginal impact must"),
    (lambda: rescue.simulate(ps.PriceSupport(), amm.Pool(), 3), "rng must"),
    (lambda: rescue.simulate(ps.PriceSupport(), amm.Pool(), np.random.default_rng(0), 0),
     "n_paths must"),
])
def test_bad_input_is_rejected_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()
