"""Tests of the peg model (toymarkets.models.peg).

StableSwap is checked against its own invariant, against the book's closed form of
``get_y`` and against its limits; the market module's capacity and the break size
(the book's own derivations) against brute force; the simulation against the
identities it must keep on every block, with hypothesis.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from toymarkets.core import pool
from toymarkets.core.solvers import ConvergenceError
from toymarkets.figures import peg as plots
from toymarkets.models import peg
from toymarkets.models.peg import Peg, simulate

FAST = settings(max_examples=40, deadline=None)
SLOW = settings(max_examples=12, deadline=None)

balances = st.floats(1e-2, 1e6)
amps = st.floats(1e-2, 1e4)
invariants = st.sampled_from(peg.INVARIANTS)
seeds = st.integers(0, 2**32 - 1)


def small(**changes) -> Peg:
    """A short, fast run in which the peg breaks (a quick run, a small reserve)."""
    base = dict(n_blocks=600, sale_start=10, sale_blocks=20, sale=120.0, reserve=20.0,
                holders=2_000.0, run_speed=0.05, queue_delay=30)
    return Peg(**{**base, **changes})


# --- StableSwap --------------------------------------------------------------------------------

@FAST
@given(balances, balances, amps, st.floats(0.0, 1.0))
def test_stableswap_keeps_its_invariant_on_swaps(x, y, amp, share):
    assume(0.01 < x / y < 100)
    d = peg.stableswap_d(x, y, amp)
    dx = share * (x + y)
    out = peg.stableswap_out(dx, x, y, amp)
    assert 0.0 <= out < y
    assert peg.stableswap_d(x + dx, y - out, amp) == pytest.approx(d, rel=1e-10)


@FAST
@given(balances, balances, amps)
def test_stableswap_d_solves_the_whitepaper_invariant(x, y, amp):
    assume(0.01 < x / y < 100)
    d = peg.stableswap_d(x, y, amp)
    lhs = 4 * amp * (x + y) + d
    rhs = 4 * amp * d + d**3 / (4 * x * y)
    assert lhs == pytest.approx(rhs, rel=1e-10)
    assert 2 * math.sqrt(x * y) * (1 - 1e-12) <= d <= (x + y) * (1 + 1e-12)


@FAST
@given(balances, amps, st.floats(0.05, 20.0))
def test_newton_get_y_agrees_with_the_books_quadratic(d, amp, ratio):
    x = d / 2 * ratio
    assert peg.stableswap_y(x, d, amp) == pytest.approx(
        peg.stableswap_y_quadratic(x, d, amp), rel=1e-11)


@FAST
@given(balances, amps)
def test_price_at_balance_is_one(x, amp):
    assert peg.stableswap_price(x, x, amp) == pytest.approx(1.0, rel=1e-12)


@FAST
@given(balances, amps, st.floats(0.2, 5.0))
def test_price_formula_is_the_slope_of_the_curve(x, amp, ratio):
    y = x * ratio
    d = peg.stableswap_d(x, y, amp)
    h = 1e-5 * x
    slope = (peg.stableswap_y(x - h, d, amp) - peg.stableswap_y(x + h, d, amp)) / (2 * h)
    assert peg.stableswap_price(x, y, amp) == pytest.approx(slope, rel=1e-6)


def test_small_amplification_recovers_constant_products_curve():
    x, y = 3.0, 7.0
    for amp, tol in ((1e-4, 1e-3), (1e-6, 1e-5)):
        d = peg.stableswap_d(x, y, amp)
        assert d == pytest.approx(2 * math.sqrt(x * y), rel=tol)
        for new_x in (1.0, 5.0, 20.0):
            assert peg.stableswap_y(new_x, d, amp) == pytest.approx(x * y / new_x, rel=tol)
        assert peg.stableswap_price(x, y, amp) == pytest.approx(y / x, rel=tol)


def test_large_amplification_recovers_constant_sum():
    x, y = 3.0, 7.0
    for amp, tol in ((1e3, 1e-3), (1e5, 1e-5)):
        d = peg.stableswap_d(x, y, amp)
        assert d == pytest.approx(x + y, rel=tol)
        assert peg.stableswap_y(4.0, d, amp) == pytest.approx(6.0, rel=tol)
        assert peg.stableswap_price(x, y, amp) == pytest.approx(1.0, rel=tol)


def test_stableswap_holds_longer_and_then_breaks_more_suddenly():
    ss, cp = Peg(invariant="stableswap"), Peg(invariant="constant_product")
    for floor in (0.99, 0.98, 0.95):
        assert peg.venue_absorption(ss, floor) > peg.venue_absorption(cp, floor)
    # from the floor to half price: a small extra sale for StableSwap, relative to what it held
    def collapse(p):
        held = peg.venue_absorption(p, 0.98)
        return (peg.venue_absorption(p, 0.5) - held) / held
    assert collapse(ss) < 1.0 < collapse(cp)


def test_venue_price_of_constant_product_is_the_core_pools():
    p = Peg(invariant="constant_product", depth=300.0)
    for q in (0.0, 10.0, 85.0, 400.0):
        x, y = 150.0 + q, 150.0 * 150.0 / (150.0 + q)
        assert peg.venue_price(p, q) == pytest.approx(pool.spot_price(x, y), rel=1e-12)
        assert 150.0 - y == pytest.approx(pool.amount_out(q, 150.0, 150.0, fee=0.0), rel=1e-9,
                                          abs=1e-12)


@FAST
@given(st.floats(0.05, 0.999), st.floats(10.0, 1e4), amps, invariants)
def test_venue_absorption_reaches_its_price(floor, depth, amp, invariant):
    p = Peg(depth=depth, amplification=amp, invariant=invariant)
    q = peg.venue_absorption(p, floor)
    assert peg.venue_price(p, q) == pytest.approx(floor, rel=1e-9)


def test_newton_raises_when_it_cannot_converge(monkeypatch):
    monkeypatch.setattr(peg, "_NEWTON_MAX", 1)
    with pytest.raises(ConvergenceError):
        peg.stableswap_d(1.0, 50.0, 10.0)
    with pytest.raises(ConvergenceError):
        peg.stableswap_y(1.0, 50.0, 10.0)


# --- the market module -------------------------------------------------------------------------

@FAST
@given(st.floats(0.0, 500.0), st.floats(1e-3, 500.0), st.floats(1.0, 500.0), st.floats(0.0, 0.3))
def test_module_swap_is_the_core_pools_out_amount_capped_by_the_spread(delta, amount, b, s):
    ask = pool.amount_out(amount, b + delta, b * b / (b + delta), fee=0.0)
    paid = peg.module_swap(amount, delta, b, s)
    assert paid == pytest.approx(min(ask, amount * (1 - s)), rel=1e-12)
    assert peg._payout(delta, amount, b, s) == pytest.approx(paid, rel=1e-9)
    # the first small burn pays the module's marginal rate
    h = 1e-7 * b
    assert peg.module_swap(h, delta, b, s) / h == pytest.approx(
        peg.module_rate(delta, b, s), rel=1e-6)


@FAST
@given(st.floats(0.0, 500.0), st.floats(1e-3, 500.0), st.floats(1.0, 500.0), st.floats(0.0, 0.3))
def test_marginal_payout_is_the_derivative_of_the_payout(delta, amount, b, s):
    h = 1e-6 * amount
    rate, curvature = peg._marginal(delta, amount, b, s)
    up, down = peg._payout(delta, amount + h, b, s), peg._payout(delta, amount - h, b, s)
    kink = abs(b * b / ((b + delta) * (b + delta + amount)) - (1 - s)) < 1e-4
    assume(not kink)
    assert (up - down) / (2 * h) == pytest.approx(rate, rel=1e-5)
    assert curvature <= 0.0


def test_daily_capacity_against_brute_force():
    b, r, s, n = 50.0, 36, 0.02, peg.BLOCKS_PER_DAY
    target = b * (1 / math.sqrt(1 - s) - 1)             # where the marginal spread is s
    assert peg.module_rate(target, b, 0.005) == pytest.approx(1 - s, rel=1e-12)
    delta, burned = target, 0.0                          # in steady state, block after block
    for _ in range(n):
        delta *= 1 - 1 / r                               # the pool recovers ...
        burned += target - delta                         # ... and arbitrage refills it
        delta = target
    assert burned == pytest.approx(peg.daily_capacity(b, r, s), rel=1e-12)


def test_proposal_1164_quadruples_capacity():
    before = peg.daily_capacity(50.0, 36, 0.02)
    after = peg.daily_capacity(100.0, 18, 0.02)
    assert after / before == pytest.approx(4.0, rel=1e-12)


def test_module_absorption_with_a_deep_luna_market_is_the_closed_form():
    p = Peg(cex_depth=1e9)
    for floor in (0.99, 0.98, 0.9, 0.5):
        expected = p.base_pool * max(p.min_spread / (1 - p.min_spread), 1 / math.sqrt(floor) - 1)
        assert peg.module_absorption(p, floor) == pytest.approx(expected, rel=1e-6)
    assert peg.module_absorption(p, 0.999) == 0.0        # above 1 - min_spread: no arbitrage
    # a shallow LUNA market absorbs less
    assert peg.module_absorption(Peg(cex_depth=1.0), 0.5) < peg.module_absorption(p, 0.5)


@FAST
@given(st.floats(0.01, 0.999), st.floats(1.0, 500.0), st.floats(0.0, 0.3), st.floats(1.0, 1e5))
def test_module_absorption_closed_form_against_bisection(price, b, s, u):
    """The book's closed form against a brute-force search of the arbitrageur's condition."""
    p = Peg(base_pool=b, min_spread=s, cex_depth=u)
    a = peg.module_absorption(p, price)
    if price >= 1 - s:
        assert a == 0.0
        return

    def proceeds(x):                       # marginal dollars from the LUNA of the last UST
        return peg._marginal(0.0, x, b, s)[0] * (u / (u + peg._payout(0.0, x, b, s))) ** 2

    # the arbitrage stops where the marginal proceeds first fall to the price
    assert proceeds(a * (1 - 1e-9)) >= price * (1 - 1e-9)
    assert proceeds(a * (1 + 1e-9) + 1e-12) <= price * (1 + 1e-9)


# --- the break size ----------------------------------------------------------------------------

@FAST
@given(st.floats(1.0, 1e4), st.floats(1.0, 1e3), st.floats(0.0, 1e4), st.floats(0.3, 0.99))
def test_break_size_closed_form_for_constant_product(depth, b, reserve, floor):
    p = Peg(invariant="constant_product", depth=depth, base_pool=b, reserve=reserve,
            floor=floor, cex_depth=1e9)
    assert peg.break_size(p) == pytest.approx(
        peg.break_size_constant_product(depth, b, reserve, floor, p.min_spread), rel=1e-6)


@pytest.mark.parametrize("invariant", peg.INVARIANTS)
def test_break_size_against_brute_force(invariant):
    """The simulation, fed the sale in N pieces (one a block, no recovery, no run), breaks
    the peg at a sale that falls to the closed form from above, with an error of order 1/N."""
    def brute(n):
        p = Peg(invariant=invariant, n_blocks=n, sale_start=1, sale_blocks=n,
                recovery_period=10**9, noise=0.0, holders=0.0, lp_exit=0.0, arb_cost=0.0)
        return peg.breaking_sale(p, np.random.default_rng(0), tol=1e-10), peg.break_size(p)

    (q50, exact), (q200, _) = brute(50), brute(200)
    err50, err200 = q50 / exact - 1, q200 / exact - 1
    assert 0 < err200 < err50                # each piece overshoots: a lump breaks no sooner
    assert err200 < 0.015
    assert 0.15 < err200 / err50 < 0.4       # first order: four times the pieces, a quarter


@FAST
@given(invariants, st.floats(10.0, 3000.0), st.floats(10.0, 3000.0), st.floats(0.0, 2000.0),
       st.floats(0.0, 2000.0), st.floats(0.5, 0.99))
def test_deeper_pool_or_bigger_reserve_never_breaks_sooner(invariant, d1, d2, k1, k2, floor):
    lo = Peg(invariant=invariant, depth=min(d1, d2), reserve=min(k1, k2), floor=floor)
    deeper = lo.replace(depth=max(d1, d2))
    richer = lo.replace(reserve=max(k1, k2))
    assert peg.break_size(deeper) >= peg.break_size(lo) * (1 - 1e-12)
    assert peg.break_size(richer) >= peg.break_size(lo) * (1 - 1e-12)


@SLOW
@given(seeds, st.floats(0.0, 200.0), st.floats(0.0, 200.0))
def test_bigger_reserve_never_breaks_the_simulated_peg_sooner(seed, k1, k2):
    lo, hi = (simulate(small(reserve=k), np.random.default_rng(seed)) for k in sorted((k1, k2)))
    never = math.inf
    assert np.nan_to_num(hi.break_block(), nan=never) >= np.nan_to_num(lo.break_block(), nan=never)


@SLOW
@given(seeds, st.floats(100.0, 600.0), st.floats(100.0, 600.0))
def test_deeper_pool_never_breaks_the_simulated_peg_sooner(seed, d1, d2):
    lo, hi = (simulate(small(depth=d), np.random.default_rng(seed)) for d in sorted((d1, d2)))
    never = math.inf
    assert np.nan_to_num(hi.break_block(), nan=never) >= np.nan_to_num(lo.break_block(), nan=never)


def test_breaking_sale_is_the_boundary_of_the_simulation():
    p = small(holders=0.0, n_blocks=200)
    q = peg.breaking_sale(p, np.random.default_rng(5), tol=1e-9)
    held = simulate(p.replace(sale=q * (1 - 1e-4)), np.random.default_rng(5))
    broke = simulate(p.replace(sale=q * (1 + 1e-4)), np.random.default_rng(5))
    assert np.isnan(held.break_block()) and not np.isnan(broke.break_block())


def test_breaking_sale_rejects_a_peg_that_cannot_break_or_never_holds():
    with pytest.raises(ValueError, match="no sale up to hi"):
        peg.breaking_sale(small(holders=0.0, n_blocks=100), np.random.default_rng(0), hi=1.0)
    with pytest.raises(ValueError, match="breaks with no sale"):
        peg.breaking_sale(small(floor=0.999999, reserve=0.0, noise=5.0, n_blocks=100),
                          np.random.default_rng(0))


# --- the simulation ----------------------------------------------------------------------------

run_params = st.builds(
    small,
    invariant=invariants,
    amplification=st.floats(1.0, 1000.0),
    depth=st.floats(50.0, 2000.0),
    reserve=st.floats(0.0, 500.0),
    sale=st.floats(0.0, 500.0),
    holders=st.floats(0.0, 5000.0),
    run_speed=st.floats(0.0, 0.2),
    lp_exit=st.floats(0.0, 0.05),
    cex_depth=st.floats(10.0, 5000.0),
    noise=st.floats(0.0, 2.0),
)


@FAST
@given(run_params, seeds)
def test_every_block_keeps_the_venues_invariant(params, seed):
    run = simulate(params, np.random.default_rng(seed))
    x, y, d = run.venue_ust, run.venue_usd, run.liquidity
    if params.invariant == "constant_product":
        assert np.allclose(4 * x * y, d * d, rtol=1e-9)
    else:
        held = d > 1e-6 * params.depth
        got = [peg.stableswap_d(a, b, params.amplification)
               for a, b in zip(x[held], y[held], strict=True)]
        assert np.allclose(got, d[held], rtol=1e-9)


@FAST
@given(run_params, seeds)
def test_the_defender_holds_the_floor_while_its_reserve_lasts(params, seed):
    run = simulate(params, np.random.default_rng(seed))
    assert np.all(run.reserve_left >= 0.0) and np.all(np.diff(run.reserve_left) <= 0.0)
    funded = run.reserve_left[1:] > 0.0
    assert np.all(run.price[1:][funded] >= params.floor * (1 - 1e-9))
    if not np.isnan(run.break_block()) and params.reserve > 0:
        assert run.break_block() >= run.reserve_out_block()


@FAST
@given(run_params, seeds)
def test_ust_and_luna_are_accounted_for(params, seed):
    run = simulate(params, np.random.default_rng(seed))
    # the venue's UST: in from sales, out to arbitrage, the defender and departing LPs
    kept = run.liquidity[1:] / run.liquidity[:-1]
    before_exit = run.venue_ust[:-1] + run.sold - run.burned - run.defended
    assert np.allclose(before_exit * kept, run.venue_ust[1:], rtol=1e-9, atol=1e-9)
    # LUNA: the supply grows by what the module mints; the exchange keeps its product
    assert np.allclose(np.diff(run.luna_supply), run.minted, rtol=1e-12, atol=1e-9)
    k = params.cex_depth ** 2 / params.luna_price
    float_luna = np.sqrt(k / run.luna_price)
    assert np.allclose(np.diff(float_luna), run.minted, rtol=1e-6, atol=1e-6)
    # holders: what they hold, what waits in the queue and what was sold from it add up
    assert np.all(run.holders >= 0) and np.all(np.diff(run.holders) <= 0)
    assert np.all(run.queued >= -1e-9)
    # the module's imbalance only grows by burns and decays by 1/R each block
    expected = (run.delta[:-1] + run.burned) * (1 - 1 / params.recovery_period)
    assert np.allclose(run.delta[1:], expected, rtol=1e-12, atol=1e-12)


@FAST
@given(run_params, seeds)
def test_arbitrage_only_burns_below_the_modules_rate(params, seed):
    run = simulate(params, np.random.default_rng(seed))
    assert np.all(run.burned >= 0.0) and np.all(run.minted >= 0.0)
    assert np.all((run.burned > 0) == (run.minted > 0))
    assert np.all(np.diff(run.luna_price)[run.minted == 0] == 0.0)
    assert np.all(np.diff(run.luna_price)[run.minted > 0] < 0.0)


def test_the_default_run_tells_the_spiral():
    run = simulate(Peg(), np.random.default_rng(2022))
    assert run.break_block() == run.reserve_out_block()
    assert run.break_block() > Peg().sale_start
    assert run.luna_growth() > 100
    assert run.min_price() < 0.5


def test_same_seed_same_run_and_results_are_read_only():
    a = simulate(small(), np.random.default_rng(7))
    b = simulate(small(), np.random.default_rng(7))
    for f in dataclasses.fields(a):
        if isinstance(getattr(a, f.name), np.ndarray):
            assert np.array_equal(getattr(a, f.name), getattr(b, f.name))
            with pytest.raises(ValueError):
                getattr(a, f.name)[0] = 1.0
    c = simulate(small(), np.random.default_rng(8))
    assert not np.array_equal(a.sold, c.sold)


def test_result_tables():
    run = simulate(small(), np.random.default_rng(1))
    frame = run.frame()
    assert len(frame) == run.params.n_blocks + 1 and frame.index.name == "block"
    totals = run.totals()
    assert totals["sold into the venue"] == pytest.approx(run.sold.sum())
    assert np.array_equal(run.blocks, np.arange(run.params.n_blocks + 1))


# --- bad input ---------------------------------------------------------------------------------

BAD = [
    ("n_blocks", 0), ("n_blocks", 200_001), ("n_blocks", 2.5), ("invariant", "curve"),
    ("amplification", 0.0), ("amplification", 2e6), ("depth", 0.0), ("depth", -1.0),
    ("base_pool", 0.0), ("recovery_period", 0), ("recovery_period", 1.5),
    ("min_spread", -0.1), ("min_spread", 0.6), ("floor", 0.0), ("floor", 1.0),
    ("reserve", -1.0), ("sale", -1.0), ("sale", math.nan), ("sale_start", 0),
    ("sale_start", 10_001), ("sale_blocks", 0), ("sale_blocks", 9_902), ("holders", -1.0),
    ("run_trigger", 1.0), ("run_speed", -1.0), ("queue_delay", 0), ("lp_trigger", -0.1),
    ("lp_exit", 1.0), ("luna_price", 0.0), ("luna_supply", 0.0), ("cex_depth", 0.0),
    ("arb_cost", -1.0), ("noise", -0.1), ("noise", math.inf),
]


@pytest.mark.parametrize(("name", "value"), BAD)
def test_bad_parameters_are_rejected_by_name(name, value):
    with pytest.raises(ValueError, match=name):
        Peg(**{name: value})


@pytest.mark.parametrize(("call", "name"), [
    (lambda: peg.stableswap_d(0.0, 1.0, 10.0), "x"),
    (lambda: peg.stableswap_y(1.0, -1.0, 10.0), "d"),
    (lambda: peg.stableswap_price(1.0, 1.0, 0.0), "amplification"),
    (lambda: peg.stableswap_out(-1.0, 1.0, 1.0, 10.0), "amount_in"),
    (lambda: peg.module_rate(-1.0, 50.0, 0.005), "delta"),
    (lambda: peg.module_swap(0.0, 0.0, 50.0, 0.005), "amount"),
    (lambda: peg.daily_capacity(50.0, 0.5, 0.02), "recovery_period"),
    (lambda: peg.daily_capacity(50.0, 36, 1.0), "spread"),
    (lambda: peg.venue_absorption(Peg(), 0.0), "price"),
    (lambda: peg.venue_price(Peg(), -200.0), "sold"),
    (lambda: peg.module_absorption("x", 0.5), "params"),
    (lambda: peg.break_size_constant_product(300.0, 50.0, 10.0, 1.0), "floor"),
    (lambda: simulate(Peg(), 42), "rng"),
    (lambda: peg.breaking_sale(Peg(), np.random.default_rng(0), tol=0.0), "tol"),
])
def test_bad_arguments_are_rejected_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# --- figures -----------------------------------------------------------------------------------

def test_figures_draw():
    run = simulate(small(), np.random.default_rng(1))
    prices = peg.price_table(Peg(), np.linspace(0.0, 200.0, 5))
    assert list(prices.columns) == list(peg.INVARIANTS)
    assert isinstance(plots.price_against_sale(prices, floor=0.98, title="t"), Figure)
    assert isinstance(plots.spiral(run, title="t"), Figure)
    table = peg.break_size_table(Peg(), [100.0, 300.0], (0.0, 300.0))
    assert len(table) == 8
    assert isinstance(plots.break_size_map(table, title="t"), Figure)
    view = plots.SpiralPanels(run.params.n_blocks, luna_lim=(1e2, 1e8))
    assert isinstance(view.show(run, title="t"), Figure)
