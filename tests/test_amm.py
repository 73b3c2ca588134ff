"""Tests of the constant-product pool model (toymarkets.models.amm).

Each property test is named for the invariant it checks, with hypothesis drawing the
inputs. Floating-point tolerances are stated relative to the size of the numbers that
are added or subtracted (a difference of two reserves of size y carries an error of a
few ulps of y, whatever the size of the difference).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.models import amm
from toymarkets.models.amm import Launch, Pool, PoolState

EPS = np.finfo(float).eps
FAST = settings(max_examples=80, deadline=None)

reserves = st.floats(1e-3, 1e9)
amounts = st.floats(0.0, 1e9)
fees = st.one_of(st.just(0.0), st.just(0.003), st.floats(0.0, 0.5))
sides = st.sampled_from(["token", "cash"])
ratios = st.floats(1e-6, 1e6)


@st.composite
def states(draw, fee=fees):
    x, y = draw(reserves), draw(reserves)
    return amm.open_pool(Pool(x, y, draw(fee))).after


def held(state: PoolState, side: str) -> tuple[float, float]:
    """(reserve of what is sold, reserve of what is bought) for a sale of ``side``."""
    x, y = float(state.reserve_token), float(state.reserve_cash)
    return (x, y) if side == "token" else (y, x)


# --------------------------------------------------------------------------- swaps


@given(states(), amounts, sides)
def test_the_product_never_falls_on_a_swap_and_grows_by_the_fee(state, amount, side):
    trade = amm.swap(state, amount, side)
    k, k_after = float(state.invariant()), float(trade.after.invariant())
    sold, _ = held(state, side)
    g = state.gamma
    # exactly: k' / k = (x + dx) / (x + gamma dx); rounding is a few ulps of the larger reserve
    rounding = 8 * EPS * (1 + amount / sold)
    assert k_after >= k * (1 - rounding)
    assert k_after / k == pytest.approx((sold + amount) / (sold + g * amount), rel=rounding)
    if state.fee > 0 and (1 - g) * amount / (sold + g * amount) > 10 * rounding:
        assert k_after > k


@given(states(), amounts, sides)
def test_a_swap_pays_out_less_than_the_pool_holds_and_moves_the_price_against_the_trader(
        state, amount, side):
    trade = amm.swap(state, amount, side)
    _, bought = held(state, side)
    out = -float(trade.cash_in if side == "token" else trade.token_in)
    assert 0.0 <= out < bought
    before, after = float(state.price()), float(trade.after.price())
    if side == "token":
        assert after <= before * (1 + 4 * EPS)
    else:
        assert after >= before * (1 - 4 * EPS)


@given(states(), st.floats(1e-9, 1e9), sides)
def test_the_execution_price_is_the_spot_price_less_the_fee_or_worse(state, amount, side):
    trade = amm.swap(state, amount, side)
    price = float(trade.execution_price())
    spot, g = float(state.price()), state.gamma
    if float(trade.token_in) == 0 or float(trade.cash_in) == 0:
        return                                   # too small to trade anything at all
    if side == "token":                          # a seller receives at most gamma p
        assert price <= g * spot * (1 + 8 * EPS)
    else:                                        # a buyer pays at least p / gamma
        assert price >= spot / g * (1 - 8 * EPS)


@given(states(), st.floats(1e-6, 1e9), sides)
def test_a_round_trip_never_makes_money(state, amount, side):
    there = amm.swap(state, amount, side)
    back_side = "cash" if side == "token" else "token"
    got = -float(there.cash_in if side == "token" else there.token_in)
    back = amm.swap(there.after, got, back_side)
    returned = -float(back.token_in if side == "token" else back.cash_in)
    assert returned <= amount * (1 + 8 * EPS * (1 + amount / held(state, side)[0]))


@given(states(), st.floats(0.0, 0.999), sides)
def test_the_input_for_a_desired_output_inverts_the_output_of_an_input(state, share, side):
    bought = held(state, "cash" if side == "token" else "token")[0]   # what is bought
    want = share * bought
    buy = "cash" if side == "token" else "token"
    asked = amm.swap_for(state, want, buy)
    paid = float(asked.token_in if side == "token" else asked.cash_in)
    again = amm.swap(state, paid, side)
    got = -float(again.cash_in if side == "token" else again.token_in)
    assert got == pytest.approx(want, rel=1e-9, abs=1e-9 * bought)
    assert np.allclose([again.after.reserve_token, again.after.reserve_cash],
                       [asked.after.reserve_token, asked.after.reserve_cash], rtol=1e-9)


def test_swaps_match_the_uniswap_v2_contract_on_its_own_numbers():
    # UniswapV2Library.getAmountOut:
    #   amountIn * 997 * reserveOut / (reserveIn * 1000 + amountIn * 997)
    state = amm.open_pool(Pool(100_000.0, 200_000.0)).after
    out = -float(amm.swap(state, 1_000.0, "token").cash_in)
    assert out == pytest.approx(1_000 * 997 * 200_000 / (100_000 * 1000 + 1_000 * 997), rel=1e-12)
    # getAmountIn: reserveIn * amountOut * 1000 / ((reserveOut - amountOut) * 997)  (+1 wei)
    paid = float(amm.swap_for(state, 1_974.32, "cash").token_in)
    assert paid == pytest.approx(100_000 * 1_974.32 * 1000 / ((200_000 - 1_974.32) * 997),
                                 rel=1e-12)


def test_a_million_swaps_against_a_million_pools_are_one_call():
    rng = np.random.default_rng(0)
    n = 1_000_000
    pools = PoolState(rng.uniform(1, 100, n), rng.uniform(1, 100, n), rng.uniform(1, 100, n))
    trade = amm.swap(pools, rng.uniform(0, 10, n), "token")
    assert trade.token_in.shape == (n,)
    assert np.all(trade.after.invariant() >= pools.invariant() * (1 - 1e-12))


# --------------------------------------------------------------------------- closed forms


@given(states(), amounts)
def test_the_price_after_a_sale_has_its_closed_form(state, q):
    pool = Pool(float(state.reserve_token), float(state.reserve_cash), state.fee)
    trade = amm.swap(state, q, "token")
    simulated = float(trade.after.price()) / float(state.price())
    assert amm.price_ratio_after_sale(pool, q) == pytest.approx(
        simulated, rel=16 * EPS * (1 + q / pool.reserve_token))
    assert float(trade.price_impact()) == pytest.approx(simulated - 1.0, abs=1e-12)


@pytest.mark.parametrize("fee", [0.0, 0.003, 0.05])
@pytest.mark.parametrize("x, y", [(10.0, 10.0), (3.0, 700.0), (5e5, 2.0)])
def test_the_marginal_impact_is_the_slope_of_the_price_at_the_first_token(x, y, fee):
    pool = Pool(x, y, fee)
    state = amm.open_pool(pool).after
    h = 1e-6 * x
    sold = (1.0 - amm.price_ratio_after_sale(pool, h)) * pool.price / h
    bought = float(amm.swap_for(state, h, "token").price_impact()) * pool.price / h
    assert amm.marginal_impact(pool) == pytest.approx(sold, rel=1e-5)
    assert amm.marginal_impact(pool, "buy") == pytest.approx(bought, rel=1e-5)
    if fee == 0.0:           # without a fee the price moves twice as fast as the pool's share
        assert amm.marginal_impact(pool) == pytest.approx(2 * y / x**2, rel=1e-12)
        assert amm.marginal_impact(pool, "buy") == amm.marginal_impact(pool)


@given(states(fee=st.floats(0.0, 0.05)), st.floats(1e-6, 0.99))
def test_the_largest_sale_within_a_discount_gets_exactly_that_discount(state, discount):
    pool = Pool(float(state.reserve_token), float(state.reserve_cash), state.fee)
    q = amm.largest_sale(pool, discount)
    if q == 0.0:                 # the fee alone costs at least the discount
        assert pool.gamma <= (1 - discount) * (1 + 1e-12)
        return
    price = float(amm.swap(state, q).execution_price()) / pool.price
    assert price == pytest.approx(1 - discount, rel=1e-9)
    assert float(amm.swap(state, 1.01 * q).execution_price()) / pool.price < 1 - discount


@given(ratios)
def test_impermanent_loss_is_never_a_gain_and_is_the_same_for_r_and_1_over_r(r):
    il = amm.impermanent_loss(r)
    assert -1.0 < il <= 0.0
    assert il == pytest.approx(amm.impermanent_loss(1.0 / r), abs=1e-12)


def test_impermanent_loss_at_the_values_quoted_in_the_literature():
    # a doubling loses 5.72% against holding, a fivefold move 25.46%, a fourfold move 20%
    assert amm.impermanent_loss(1.0) == 0.0
    assert amm.impermanent_loss(2.0) == pytest.approx(2 * math.sqrt(2) / 3 - 1, rel=1e-15)
    assert round(amm.impermanent_loss(2.0), 4) == -0.0572
    assert round(amm.impermanent_loss(5.0), 4) == -0.2546
    assert amm.impermanent_loss(4.0) == pytest.approx(-0.2, rel=1e-15)


@given(reserves, reserves, ratios, st.integers(1, 30))
def test_impermanent_loss_matches_a_brute_force_arbitrage_without_fees(x, y, r, steps):
    # the book's derivation: whatever the path, a fee-free pool ends at sqrt(k/p), sqrt(kp)
    brute = amm.impermanent_loss_by_arbitrage(Pool(x, y, 0.0), r, steps)
    assert brute == pytest.approx(amm.impermanent_loss(r), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(reserves, reserves, ratios, st.integers(1, 20), st.floats(1e-4, 0.3))
def test_with_a_fee_a_provider_does_at_least_as_well_as_the_impermanent_loss(x, y, r, steps, fee):
    brute = amm.impermanent_loss_by_arbitrage(Pool(x, y, fee), r, steps)
    assert brute >= amm.impermanent_loss(r) - 1e-9


def test_impermanent_loss_vectorises_and_rejects_bad_ratios():
    r = np.array([0.25, 1.0, 4.0])
    assert np.allclose(amm.impermanent_loss(r), [-0.2, 0.0, -0.2])
    assert np.allclose(amm.impermanent_loss_by_arbitrage(Pool(fee=0.0), r), [-0.2, 0.0, -0.2])
    for bad in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(ValueError, match="price_ratio must be"):
            amm.impermanent_loss(bad)


# --------------------------------------------------------------------------- arbitrage


@settings(max_examples=200)
@given(states(), st.floats(1e-4, 1e4))
def test_arbitrage_brings_the_pool_into_its_band_and_never_loses(state, move):
    m = float(state.price()) * move     # up to four orders of magnitude away
    trade = amm.arbitrage(state, m)
    lo, hi = trade.after.band()
    assert lo * (1 - 1e-9) <= m <= hi * (1 + 1e-9)
    profit = -float(trade.cash_in) - m * float(trade.token_in)
    scale = float(state.reserve_cash) + m * float(state.reserve_token)
    assert profit >= -1e-12 * scale
    lo, hi = state.band()
    if lo <= m <= hi:
        assert float(trade.token_in) == 0.0 and float(trade.cash_in) == 0.0


# --------------------------------------------------------------------------- pool shares


@given(reserves, reserves, fees)
def test_the_first_deposit_mints_the_geometric_mean(x, y, fee):
    first = amm.open_pool(Pool(x, y, fee))
    assert float(first.minted) == pytest.approx(math.sqrt(x * y), rel=1e-15)
    assert float(first.after.shares) == float(first.minted)


@FAST
@given(states(), st.lists(st.tuples(st.sampled_from(["mint", "burn"]), st.floats(0.0, 0.99),
                                    st.floats(0.0, 10.0)), min_size=1, max_size=12))
def test_shares_are_conserved_and_burning_them_all_returns_the_reserves(state, actions):
    minted = float(state.shares)
    burned = 0.0
    for kind, share, size in actions:
        if kind == "mint":
            # a deposit of `size` times the pool, out of proportion by `share`
            out = amm.mint(state, size * float(state.reserve_token),
                           size * share * float(state.reserve_cash))
            assert float(out.minted) <= size * float(state.shares) * (1 + 1e-12)
            minted += float(out.minted)
        else:
            out = amm.burn(state, share * float(state.shares))
            burned += float(out.burned)
        state = out.after
        assert float(state.shares) == pytest.approx(minted - burned, rel=1e-9)
    everything = amm.burn(state, state.shares)
    assert float(everything.token_out) == float(state.reserve_token)
    assert float(everything.cash_out) == float(state.reserve_cash)
    after = everything.after
    assert float(after.reserve_token) == float(after.reserve_cash) == float(after.shares) == 0.0


@given(states(), st.floats(1e-6, 10.0), st.floats(0.0, 10.0))
def test_a_deposit_never_dilutes_the_shares_already_held(state, size, tilt):
    # value per share at the pool's own price never falls, however lopsided the deposit
    price = float(state.price())
    per_share = state.value(price) / float(state.shares)
    out = amm.mint(state, size * float(state.reserve_token),
                   size * tilt * float(state.reserve_cash))
    assert out.after.value(price) / float(out.after.shares) >= per_share * (1 - 1e-12)


@given(states(), st.floats(0.0, 1.0))
def test_burning_a_share_of_the_pool_pays_that_share_of_each_reserve(state, share):
    out = amm.burn(state, share * float(state.shares))
    assert float(out.token_out) == pytest.approx(share * float(state.reserve_token), rel=1e-12)
    assert float(out.cash_out) == pytest.approx(share * float(state.reserve_cash), rel=1e-12)
    if share < 1:    # the price is unchanged (what is left carries the rounding of x - dx)
        assert float(out.after.price()) == pytest.approx(float(state.price()),
                                                         rel=8 * EPS / (1 - share))


def test_a_proportional_deposit_mints_its_share_of_the_pool():
    state = amm.open_pool(Pool(100.0, 400.0)).after          # S = 200
    out = amm.mint(state, 10.0, 40.0)
    assert float(out.minted) == pytest.approx(20.0)
    lopsided = amm.mint(state, 10.0, 80.0)                     # the extra cash is a gift
    assert float(lopsided.minted) == pytest.approx(20.0)
    assert float(lopsided.after.reserve_cash) == 480.0


# --------------------------------------------------------------------------- a token launch

launches = st.builds(
    Launch,
    listing_price=st.floats(1e-3, 1e3),
    presale_price=st.floats(0.0, 1e3),
    pool_tokens=st.floats(1e-2, 1e4),
    house_pool_share=st.floats(0.0, 1.0),
    house_sale=st.one_of(st.just(0.0), st.floats(0.0, 1e5)),
    sale_days=st.integers(1, 20),
    n_days=st.just(20),
    drift=st.floats(-0.2, 0.2),
    volatility=st.floats(0.0, 0.5),
    fee=st.one_of(st.just(0.0), st.floats(0.0, 0.1)),
)
seeds = st.integers(0, 2**32 - 1)


def launch(params, seed, n_paths=3):
    return amm.simulate(params, np.random.default_rng(seed), n_paths)


def _scale(run):
    """The size of the money that moves in a run, for rounding tolerances."""
    m = run.outside_price
    return (run.proceeds.sum(axis=1) + np.abs(run.arb_cash_in).sum(axis=1)
            + (run.pool_token * m).max(axis=1) + run.pool_cash.max(axis=1)
            + (np.abs(run.arb_token_in) * m[:, 1:]).sum(axis=1)
            + run.sold.sum(axis=1) * m.max(axis=1))


@FAST
@given(launches, seeds)
def test_in_a_launch_every_gain_is_someone_elses_loss(params, seed):
    run = launch(params, seed)
    pnl = run.pnl()
    assert np.allclose(pnl["total"], 0.0, atol=1e-12 * _scale(run).max())
    assert list(pnl.columns) == [*amm.AGENTS, "total"]


@FAST
@given(launches, seeds)
def test_in_a_launch_tokens_and_cash_are_conserved(params, seed):
    run = launch(params, seed)
    x0, p0 = params.pool_tokens, params.listing_price
    tokens = x0 + run.sold.sum(axis=1) + run.arb_token_in.sum(axis=1)
    cash = x0 * p0 - run.proceeds.sum(axis=1) + run.arb_cash_in.sum(axis=1)
    assert np.allclose(run.pool_token[:, -1], tokens, rtol=1e-9, atol=1e-12 * _scale(run).max())
    assert np.allclose(run.pool_cash[:, -1], cash, rtol=1e-9, atol=1e-12 * _scale(run).max())
    assert np.isclose(run.sold.sum(axis=1), params.house_sale, rtol=1e-12).all()


@FAST
@given(launches, seeds)
def test_arbitrageurs_keep_the_pool_in_its_band_and_never_lose(params, seed):
    run = launch(params, seed)
    g = 1 - params.fee
    pool, outside = run.pool_price()[:, 1:], run.outside_price[:, 1:]
    assert np.all(g * pool <= outside * (1 + 1e-9)) and np.all(outside <= pool / g * (1 + 1e-9))
    scale = (run.pool_token[:, 1:] * outside + run.pool_cash[:, 1:])
    assert np.all(run.arbitrage_profit() >= -1e-12 * scale)
    assert np.all(run.price_after_sale <= run.pool_price()[:, :-1] * (1 + 1e-12))


@FAST
@given(launches, seeds)
def test_the_house_profit_is_the_discount_the_price_move_and_its_trading(params, seed):
    run = launch(params, seed)
    parts = run.house_profit()
    phi, x0 = params.house_pool_share, params.pool_tokens
    m_t = run.final_price()
    wealth = (run.proceeds.sum(axis=1) + phi * (run.pool_token[:, -1] * m_t + run.pool_cash[:, -1]))
    cost = params.presale_price * params.house_tokens + params.listing_price * phi * x0
    scale = _scale(run) + cost + params.house_tokens * (params.listing_price + m_t)
    assert np.allclose(parts["total"], wealth - cost, rtol=1e-9, atol=1e-12 * scale.max())
    assert np.allclose(parts[["presale discount", "price move", "trading"]].sum(axis=1),
                       parts["total"], atol=1e-12 * scale.max())


@given(st.floats(1e-2, 1e3), st.floats(1e-2, 1e4), st.floats(0.0, 0.5), seeds)
def test_providers_of_a_fee_free_pool_lose_exactly_the_impermanent_loss(p0, x0, vol, seed):
    params = Launch(listing_price=p0, pool_tokens=x0, house_sale=0.0, drift=0.0,
                    volatility=vol, fee=0.0, n_days=15, sale_days=1)
    run = launch(params, seed, 4)
    m_t = run.final_price()
    hold = x0 * m_t + x0 * p0
    value = run.pool_token[:, -1] * m_t + run.pool_cash[:, -1]
    assert np.allclose(value / hold - 1.0, amm.impermanent_loss(m_t / p0), atol=1e-9)


def test_a_sale_at_a_steady_price_only_pays_the_arbitrageurs():
    params = Launch(drift=0.0, volatility=0.0, fee=0.0, n_days=10, sale_days=5)
    run = launch(params, 1, 2)
    pnl = run.pnl()
    assert np.allclose(run.pool_price(), params.listing_price)       # arbitrage restores it
    assert np.allclose(pnl[["house_liquidity", "providers", "late_buyers"]], 0.0, atol=1e-9)
    assert np.all(pnl["house_sales"] < 0)
    assert np.allclose(pnl["house_sales"], -pnl["arbitrageurs"], atol=1e-9)
    assert np.allclose(run.late_buyer_tokens(), params.house_sale)


@pytest.mark.parametrize("drift", [-0.01, 0.0, 0.005])
def test_the_outside_price_drifts_at_mu_on_average(drift):
    params = Launch(drift=drift, volatility=0.05, n_days=40, sale_days=10, house_sale=0.0)
    n = 4000
    run = launch(params, 5, n)
    ratio = run.final_price() / (params.listing_price * math.exp(drift * params.n_days))
    # E[ratio] = 1, Var = exp(sigma^2 T) - 1
    se = math.sqrt(math.expm1(params.volatility**2 * params.n_days) / n)
    assert abs(ratio.mean() - 1.0) < 4 * se


@pytest.mark.parametrize("seed", [7, 8])
def test_with_a_martingale_price_late_buyers_lose_nothing_on_average(seed):
    # each day's purchase n_t is settled before m_t moves on: E[n_t (m_T - m_t)] = 0
    params = Launch(drift=0.0, n_days=40, sale_days=20)
    n = 3000
    late = launch(params, seed, n).pnl()["late_buyers"]
    assert abs(late.mean()) < 4 * late.std(ddof=1) / math.sqrt(n)


@pytest.mark.parametrize("seed", [9, 10])
def test_with_a_falling_price_the_house_gains_what_the_late_buyers_lose(seed):
    params = Launch()                                   # drift -1% a day
    n = 1000
    pnl = launch(params, seed, n).pnl()
    se = pnl.std(ddof=1) / math.sqrt(n)
    assert pnl["house_sales"].mean() > 5 * se["house_sales"]
    assert pnl["late_buyers"].mean() < -5 * se["late_buyers"]
    assert pnl["providers"].mean() < 0 < pnl["arbitrageurs"].mean()


# --------------------------------------------------------------------------- the rest


def test_same_seed_same_run_and_runs_are_read_only():
    a, b = launch(Launch(), 3, 4), launch(Launch(), 3, 4)
    for field in ("outside_price", "pool_token", "pool_cash", "proceeds", "arb_token_in"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
        with pytest.raises(ValueError):
            getattr(a, field)[0, 0] = 1.0
    state = amm.open_pool(Pool()).after
    with pytest.raises(ValueError):
        state.reserve_token[...] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.params = Launch()
    with pytest.raises(dataclasses.FrozenInstanceError):
        Pool().fee = 0.1


def test_the_same_seed_shares_the_outside_price_across_settings():
    a = launch(Launch(), 3, 4)
    b = launch(Launch(house_sale=0.0, pool_tokens=50.0, fee=0.01), 3, 4)
    assert np.array_equal(a.outside_price, b.outside_price)


BAD_POOLS = [
    ("reserve_token", 0.0), ("reserve_token", -1.0), ("reserve_token", math.inf),
    ("reserve_cash", 0.0), ("reserve_cash", math.nan), ("reserve_cash", 1e13),
    ("fee", -0.01), ("fee", 0.6), ("fee", "0.003"),
]


@pytest.mark.parametrize("name, value", BAD_POOLS)
def test_a_bad_pool_is_rejected_by_name(name, value):
    with pytest.raises(ValueError, match=name):
        Pool(**{name: value})


BAD_LAUNCHES = [
    ("listing_price", 0.0), ("listing_price", -1.0), ("listing_price", 2e6),
    ("presale_price", -0.1), ("presale_price", math.nan),
    ("pool_tokens", 0.0), ("pool_tokens", 2e9),
    ("house_pool_share", -0.1), ("house_pool_share", 1.1),
    ("house_sale", -1.0), ("house_sale", math.inf),
    ("sale_days", 0), ("sale_days", 91), ("sale_days", 2.5),
    ("n_days", 0), ("n_days", 10_001), ("n_days", True),
    ("drift", -0.3), ("drift", 0.3),
    ("volatility", -0.1), ("volatility", 0.6),
    ("fee", -0.01), ("fee", 0.2),
]


@pytest.mark.parametrize("name, value", BAD_LAUNCHES)
def test_a_bad_launch_is_rejected_by_name(name, value):
    with pytest.raises(ValueError, match=name):
        Launch(**{name: value})


@pytest.mark.parametrize("call, message", [
    (lambda: amm.swap(amm.open_pool(Pool()).after, -1.0), r"amount_in must be"),
    (lambda: amm.swap(amm.open_pool(Pool()).after, 1.0, "usd"), r"sell must be one of"),
    (lambda: amm.swap_for(amm.open_pool(Pool()).after, 10.0, "cash"), r"amount_out must be"),
    (lambda: amm.swap(PoolState.empty(), 1.0), r"reserve_in must be"),
    (lambda: amm.mint(PoolState.empty(), 1.0, 0.0), r"token and cash must both"),
    (lambda: amm.burn(amm.open_pool(Pool()).after, 11.0), r"shares must be in"),
    (lambda: amm.arbitrage(amm.open_pool(Pool()).after, 0.0), r"market_price must be"),
    (lambda: PoolState(1.0, 0.0, 1.0), r"all zero .* or all positive"),
    (lambda: PoolState(1.0, 1.0, 1.0, fee=0.7), r"fee must be in"),
    (lambda: amm.swap(Pool(), 1.0), r"state must be a PoolState"),
    (lambda: amm.price_ratio_after_sale(Pool(), -1.0), r"quantity must be"),
    (lambda: amm.marginal_impact(Pool(), "short"), r"side must be one of"),
    (lambda: amm.largest_sale(Pool(), 1.0), r"discount must be in"),
    (lambda: amm.impermanent_loss_by_arbitrage(Pool(), 2.0, steps=0), r"steps must be"),
    (lambda: amm.simulate(Launch(), np.random.default_rng(0), n_paths=0), r"n_paths must be"),
    (lambda: amm.simulate(Launch(), 42), r"rng must be"),
    (lambda: amm.simulate(Pool(), np.random.default_rng(0)), r"params must be a Launch"),
])
def test_bad_calls_are_rejected_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()
