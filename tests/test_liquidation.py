"""Tests of the liquidation-cascade model (toymarkets.models.liquidation).

The closed forms are checked against FTX's own worked example and against a root
found by bisection; the cascade's fixed point against a brute-force replay that
liquidates one account at a time; the accounting against the zero-sum identity of a
perpetual, path by path; and the monotonicities the docstring claims with hypothesis.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.core.solvers import bisect
from toymarkets.models import liquidation as lq
from toymarkets.models.liquidation import Perpetual, simulate, solve

FAST = settings(max_examples=60, deadline=None)

params_strategy = st.builds(
    Perpetual,
    price=st.floats(1.0, 1e5),
    n_positions=st.integers(1, 300),
    open_interest=st.floats(1.0, 1e9),
    leverage=st.floats(1.0, 20.0),
    leverage_spread=st.floats(0.0, 2.0),
    max_leverage=st.just(20.0),
    maintenance_margin=st.floats(0.001, 0.045),
    auto_close_margin=st.floats(0.0, 0.001),
    daily_volume=st.floats(1e-2, 1e10),
    volatility=st.floats(0.01, 1.0),
    impact_y=st.floats(0.1, 3.0),
    book_capacity=st.floats(1e-3, 1e3),
    crash=st.floats(0.0, 0.9),
    backstop_fee=st.floats(0.0, 1.0),
    horizon=st.floats(0.0, 30.0),
)
seeds = st.integers(0, 2**32 - 1)


# --- the closed forms against FTX's worked example ------------------------------------------

# help.ftx.com, "Backstop Liquidity Provider Program" (sources.md row 27): USD 1,000 of
# collateral buys 2 BTC at USD 10,000, 20x leverage; maintenance margin 3%, auto-close 1.5%.
FTX_ENTRY, FTX_LEVERAGE, FTX_MMF, FTX_ACMF = 10_000.0, 20.0, 0.03, 0.015
FTX_LIQUIDATION, FTX_AUTO_CLOSE = 9_795.45, 9_646.0   # "roughly" and "about", as printed
# The page rounds: it calls the first a fall of "roughly 2%" and the second "about" 9646.
# The closed form gives 9,793.81 and 9,644.67: within 2 parts in 10,000 of both.
PAGE_ROUNDING = 2e-4


def test_ftx_example_collateral_and_initial_margin():
    # "$1,000 as collateral ... for a $20k position": the initial margin fraction is 1/20
    assert lq.margin_fraction(FTX_ENTRY, FTX_ENTRY, FTX_LEVERAGE) == pytest.approx(0.05)
    assert 2 * FTX_ENTRY / FTX_LEVERAGE == 1_000.0


def test_ftx_example_liquidation_price():
    p = lq.liquidation_price(FTX_ENTRY, FTX_LEVERAGE, FTX_MMF)
    assert abs(p / FTX_LIQUIDATION - 1.0) < PAGE_ROUNDING
    assert abs(1.0 - p / FTX_ENTRY - 0.02) < 0.001            # "BTC drops roughly 2%"
    assert round(1.0 / lq.margin_fraction(p, FTX_ENTRY, FTX_LEVERAGE)) == 33   # "33x leverage"


def test_ftx_example_auto_close_price_and_backstop_fee():
    a = lq.liquidation_price(FTX_ENTRY, FTX_LEVERAGE, FTX_ACMF)
    assert abs(a / FTX_AUTO_CLOSE - 1.0) < PAGE_ROUNDING
    assert round(1.0 / lq.margin_fraction(a, FTX_ENTRY, FTX_LEVERAGE)) == 67   # "roughly 67x"
    # "1/3 of that equity -- so about 0.5% -- would be paid to the backstop liquidity fund"
    assert Perpetual().backstop_fee * FTX_ACMF == pytest.approx(0.005)


@pytest.mark.parametrize("margin", [0.0, FTX_ACMF, FTX_MMF, 0.045])
def test_liquidation_price_is_the_root_of_the_margin_fraction(margin):
    root = bisect(lambda p: lq.margin_fraction(p, FTX_ENTRY, FTX_LEVERAGE) - margin,
                  1.0, FTX_ENTRY, tol=1e-14)
    assert lq.liquidation_price(FTX_ENTRY, FTX_LEVERAGE, margin) == pytest.approx(root.x,
                                                                                 rel=1e-12)


@given(st.floats(1e-3, 1e6), st.floats(1.0001, 1e3), st.floats(0.0, 0.9))
def test_margin_fraction_at_the_liquidation_price_is_the_margin(entry, leverage, margin):
    p = lq.liquidation_price(entry, leverage, margin)
    if p > 0:
        assert lq.margin_fraction(p, entry, leverage) == pytest.approx(margin, abs=1e-9)


@given(st.floats(1e-3, 1e6), st.floats(1.0001, 30.0))
def test_bankruptcy_below_auto_close_below_liquidation_below_entry(entry, leverage):
    m = 0.03
    if leverage < 1.0 / m:
        b = lq.bankruptcy_price(entry, leverage)
        a = lq.liquidation_price(entry, leverage, 0.015)
        p = lq.liquidation_price(entry, leverage, m)
        assert 0.0 < b < a < p < entry
        assert lq.margin_fraction(b, entry, leverage) == pytest.approx(0.0, abs=1e-9)


# --- the cascade ------------------------------------------------------------------------------

def replay(params: Perpetual) -> tuple[int, float]:
    """Brute force: liquidate one account at a time, in order of liquidation price, while
    its liquidation price is at or above the book's price after the sales so far.
    Returns the number of accounts liquidated and the book's sales."""
    lev = params.leverages()
    liq = params.price * (1.0 - 1.0 / lev) / (1.0 - params.maintenance_margin)
    q = params.open_interest / params.n_positions
    sold, k = 0.0, 0
    for p in liq:
        price = params.crash_price * (1.0 - min(1.0, params.impact_y * params.volatility
                                                * math.sqrt(sold / params.daily_volume)))
        if p < price:
            break
        k += 1
        sold = min(params.capacity, k * q)
    return k, sold


def test_the_default_crash_triggers_a_cascade():
    c = solve(Perpetual())
    assert c.triggered > 0.0                   # liquidations fire
    assert c.iterations >= 3                   # over several rounds, not one
    assert c.final_price < c.params.crash_price     # and they deepen the crash
    assert c.liquidated.sum() > 0 and not c.whole_book


@FAST
@given(params_strategy)
def test_the_cascade_stops_at_a_fixed_point(params):
    c = solve(params)
    s = c.book_sold
    assert s == pytest.approx(min(params.capacity, c.under_water(c.book_price(s))),
                              rel=1e-12, abs=1e-12 * params.open_interest)
    assert c.triggered == pytest.approx(c.under_water(c.final_price), rel=1e-12)
    assert np.all(np.diff(c.rounds) >= 0.0)                  # sales only ever grow
    assert np.all(np.diff(c.round_prices) <= 0.0)            # so the price only falls
    assert c.iterations <= params.n_positions + 1
    assert s <= params.capacity * (1 + 1e-12) and s <= c.triggered * (1 + 1e-12)
    assert c.converged


@FAST
@given(params_strategy)
def test_the_cascade_agrees_with_a_one_account_at_a_time_replay(params):
    c = solve(params)
    k, sold = replay(params)
    assert int(c.liquidated.sum()) == k
    assert c.book_sold == pytest.approx(sold, rel=1e-9, abs=1e-9 * params.open_interest)


@FAST
@given(params_strategy)
def test_every_liquidated_token_goes_to_the_book_or_the_backstop(params):
    c = solve(params)
    hit = c.liquidated
    scale = params.open_interest
    assert np.allclose((c.sold + c.handed)[hit], c.size[hit], rtol=1e-12)
    assert np.all(c.sold[~hit] == 0.0) and np.all(c.handed[~hit] == 0.0)
    assert c.sold.sum() == pytest.approx(c.book_sold, rel=1e-9, abs=1e-9 * scale)
    assert c.to_backstop == pytest.approx(c.triggered - c.book_sold, rel=1e-9, abs=1e-9 * scale)
    # the book's proceeds are what the impact law gives for the whole sale, never above the mark
    whole = params.market.proceeds(c.book_sold, params.crash_price)
    assert c.proceeds.sum() == pytest.approx(whole, rel=1e-9, abs=1e-9 * scale * params.price)
    assert c.proceeds.sum() <= c.book_sold * params.crash_price * (1 + 1e-12)
    # accounts that were not liquidated sit above the price where the cascade stopped
    assert np.all(c.liquidation_price[~hit] < c.final_price)


@FAST
@given(params_strategy, st.floats(1.0, 20.0), st.floats(1.0, 20.0))
def test_more_leverage_never_shrinks_the_cascade(params, l1, l2):
    lo, hi = (solve(params.replace(leverage=x)) for x in sorted((l1, l2)))
    assert hi.triggered >= lo.triggered
    assert hi.final_price <= lo.final_price
    assert hi.to_backstop >= lo.to_backstop - 1e-9 * params.open_interest


@FAST
@given(params_strategy, st.floats(1e-2, 1e10), st.floats(1e-2, 1e10))
def test_a_deeper_market_never_deepens_the_cascade(params, v1, v2):
    shallow, deep = (solve(params.replace(daily_volume=x)) for x in sorted((v1, v2)))
    assert deep.final_price >= shallow.final_price
    assert deep.triggered <= shallow.triggered


@FAST
@given(params_strategy, st.floats(0.0, 0.9), st.floats(0.0, 0.9))
def test_a_bigger_crash_never_shrinks_the_cascade(params, s1, s2):
    small, big = (solve(params.replace(crash=x)) for x in sorted((s1, s2)))
    assert big.triggered >= small.triggered
    assert big.final_price <= small.final_price


@pytest.mark.parametrize("crash", [0.0, 0.05, 0.12, 0.3])
def test_equal_leverage_is_all_or_nothing(crash):
    params = Perpetual(leverage=12.0, leverage_spread=0.0, crash=crash, book_capacity=1e6)
    c = solve(params)
    p = lq.liquidation_price(params.price, 12.0, params.maintenance_margin)
    assert c.whole_book == (params.crash_price <= p)
    assert c.triggered in (0.0, pytest.approx(params.open_interest))


def test_no_crash_no_liquidation():
    c = solve(Perpetual(crash=0.0, leverage=20.0, leverage_spread=0.0))
    assert c.triggered == 0.0 and c.iterations == 1 and c.final_price == c.params.price


def test_a_book_without_a_capacity_limit_hands_nothing_to_the_backstop():
    c = solve(Perpetual(crash=0.4, book_capacity=1e6))
    assert c.to_backstop == 0.0 and c.backstop_fee() == 0.0
    assert c.book_sold == c.triggered > 0.0


def test_the_backstop_stops_the_cascade_where_the_book_is_full():
    with_backstop = solve(Perpetual(crash=0.3))
    without = solve(Perpetual(crash=0.3, book_capacity=1e6))
    assert with_backstop.to_backstop > 0.0
    assert with_backstop.book_sold == pytest.approx(with_backstop.params.capacity)
    assert with_backstop.final_price > without.final_price


# --- the backstop and zero sum ----------------------------------------------------------------

@FAST
@given(params_strategy, seeds, st.lists(st.floats(0.0, 0.9), min_size=1, max_size=4))
def test_perpetuals_are_zero_sum_path_by_path(params, seed, crashes):
    run = simulate(params, np.random.default_rng(seed), n_paths=7, crashes=crashes)
    scale = params.open_interest * params.price
    assert np.all(np.abs(run.total()) <= 1e-9 * scale)
    summary = run.summary(0)
    assert abs(summary.loc["sum of all four", "mean"]) <= 1e-9 * scale


@FAST
@given(params_strategy, seeds)
def test_longs_never_lose_more_than_their_collateral_when_liquidated(params, seed):
    c = solve(params)
    run = simulate(params, np.random.default_rng(seed), n_paths=3)
    hit = c.liquidated
    if hit.all():                  # nothing is left open to gain or lose at the horizon
        assert np.all(run.pnl["longs"] >= -c.collateral.sum() * (1 + 1e-12))
    # the insurance fund pays exactly the negative equity of liquidated accounts
    negative = np.maximum(-c.equity[hit], 0.0).sum()
    kept = (1 - params.backstop_fee) * np.maximum(c.equity[c.handed > 0], 0.0).sum()
    assert c.insurance_fund() == pytest.approx(kept - negative, abs=1e-9 * params.price
                                               * params.open_interest)


@pytest.mark.parametrize("crash", [0.2, 0.35])
def test_backstop_mean_pnl_is_its_fee_less_the_cost_of_unwinding(crash):
    """E[P_H] = P*, so E[profit] = fee - P* (B - L_1(B)): the closed form, within 4 s.e."""
    params = Perpetual(crash=crash)
    n = 20_000
    run = simulate(params, np.random.default_rng(5), n_paths=n)
    b, p_star = run.inventory[0], run.final_price[0]
    expected = run.fee[0] - p_star * (b - params.market.proceeds(b, 1.0))
    pnl = run.pnl["backstop"][0]
    assert b > 0
    assert abs(pnl.mean() - expected) < 4.0 * pnl.std(ddof=1) / math.sqrt(n)
    assert expected < 0.0 < run.fee[0]       # the fee does not pay for the unwinding


def test_backstop_pnl_spreads_with_the_crash_and_is_zero_without_one():
    run = simulate(Perpetual(), np.random.default_rng(2), n_paths=400,
                   crashes=[0.0, 0.1, 0.2, 0.3])
    q = run.backstop_quantiles()
    assert np.all(q.loc[0.0] == 0.0)
    width = (q["q95"] - q["q05"]).to_numpy()
    assert np.all(np.diff(run.inventory) >= 0.0)
    assert width[3] > width[2] > 0.0
    assert run.loss_probability()[0] == 0.0


# --- determinism, immutability, bad input -----------------------------------------------------

def test_same_seed_same_run():
    a = simulate(Perpetual(), np.random.default_rng(9), 50, crashes=[0.1, 0.3])
    b = simulate(Perpetual(), np.random.default_rng(9), 50, crashes=[0.1, 0.3])
    for k in lq.PARTIES:
        assert np.array_equal(a.pnl[k], b.pnl[k])
    assert np.array_equal(a.horizon_price, b.horizon_price)


def test_results_are_read_only():
    c = solve(Perpetual())
    with pytest.raises(ValueError):
        c.equity[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.final_price = 1.0
    run = simulate(Perpetual(), np.random.default_rng(1), 5)
    with pytest.raises(ValueError):
        run.pnl["backstop"][0, 0] = 1.0
    with pytest.raises(TypeError):
        run.pnl["backstop"] = None


def test_leverages_are_decreasing_capped_and_centred_on_the_median():
    p = Perpetual(n_positions=1001, leverage=8.0, leverage_spread=0.3)
    lev = p.leverages()
    assert np.all(np.diff(lev) <= 0.0)
    assert lev[500] == pytest.approx(8.0)
    assert lev.max() <= p.max_leverage and lev.min() >= 1.0
    z = np.log(Perpetual(n_positions=100_001, leverage=5.0, leverage_spread=0.1,
                         max_leverage=30.0).leverages() / 5.0) / 0.1
    assert np.all(np.abs(z + z[::-1]) < 1e-9)                # symmetric about the median
    assert abs(z.std() - 1.0) < 0.01                         # omega is the sd of ln L


BAD = [
    ("price", 0.0), ("price", 2e6), ("price", math.nan),
    ("n_positions", 0), ("n_positions", 2_000_000), ("n_positions", 2.5),
    ("open_interest", 0.0), ("open_interest", -1.0),
    ("leverage", 0.5), ("leverage", 25.0),
    ("leverage_spread", -0.1), ("leverage_spread", 2.5),
    ("max_leverage", 0.9), ("max_leverage", 34.0),
    ("maintenance_margin", 0.0), ("maintenance_margin", 0.6),
    ("auto_close_margin", -0.01), ("auto_close_margin", 0.04),
    ("daily_volume", 0.0), ("daily_volume", math.inf),
    ("volatility", 0.0), ("volatility", 1.5),
    ("impact_y", 0.0), ("impact_y", 11.0),
    ("book_capacity", 0.0), ("book_capacity", 2e6),
    ("crash", -0.1), ("crash", 1.0),
    ("backstop_fee", -0.1), ("backstop_fee", 1.1),
    ("horizon", -1.0), ("horizon", 400.0),
]


@pytest.mark.parametrize("name,value", BAD)
def test_bad_parameters_are_rejected_by_name(name, value):
    with pytest.raises(ValueError, match=name):
        Perpetual(**{name: value})


@pytest.mark.parametrize("call,name", [
    (lambda: lq.liquidation_price(0.0, 20.0, 0.03), "entry"),
    (lambda: lq.liquidation_price(100.0, 0.5, 0.03), "leverage"),
    (lambda: lq.liquidation_price(100.0, 20.0, 1.0), "margin"),
    (lambda: lq.bankruptcy_price(-1.0, 20.0), "entry"),
    (lambda: lq.margin_fraction(0.0, 100.0, 20.0), "price"),
    (lambda: lq.margin_fraction([1.0, math.nan], 100.0, 20.0), "price"),
    (lambda: solve("not parameters"), "params"),
    (lambda: simulate(Perpetual(), 1), "rng"),
    (lambda: simulate(Perpetual(), np.random.default_rng(1), 0), "n_paths"),
    (lambda: simulate(Perpetual(), np.random.default_rng(1), crashes=[1.0]), "crashes"),
    (lambda: simulate(Perpetual(), np.random.default_rng(1), crashes=[]), "crashes"),
    (lambda: solve(Perpetual()).under_water(-1.0), "price"),
    (lambda: solve(Perpetual()).book_price(-1.0), "quantity"),
    (lambda: simulate(Perpetual(), np.random.default_rng(1), 3).summary(2), "crash"),
])
def test_bad_arguments_are_rejected_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()
