"""The run on an exchange (toymarkets.models.bankrun): sequential service, cash that is
never overdrawn, the cascade's least fixed point, and Diamond-Dybvig's payoffs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.core.impact import LinearBook, SquareRoot
from toymarkets.models import bankrun as b

small = b.Run(n_depositors=500, n_days=6)


@settings(max_examples=300)
@given(st.lists(st.floats(0.0, 1e6), max_size=40), st.floats(0.0, 1e7))
def test_paying_in_order_never_pays_more_than_held_nor_jumps_the_queue(requests, reserves):
    pay = b.pay_in_order(np.array(requests), reserves)
    asked = np.array(requests)
    assert np.all((pay >= 0) & (pay <= asked))
    assert pay.sum() <= reserves * (1 + 1e-12) + 1e-9
    short = np.flatnonzero(pay < asked)
    if short.size:                            # everyone after the first short is paid nothing
        assert np.all(pay[short[0] + 1:] == 0)
        assert np.all(pay[:short[0]] == asked[:short[0]])
        assert pay.sum() == pytest.approx(reserves, rel=1e-9, abs=1e-9)


runs = st.builds(
    lambda reserves, budget, tokens, sale, mean, weight, seed: (small.replace(
        reserves=reserves, defence_budget=budget * reserves, token_holdings=tokens, sale=sale,
        threshold_mean=mean, price_weight=weight), seed),
    st.floats(0.0, 12_000.0), st.floats(0.0, 1.0), st.floats(0.0, 200.0), st.floats(0.0, 40.0),
    st.floats(0.0, 0.6), st.floats(0.0, 2.0), st.integers(0, 2**16))


@settings(max_examples=80, deadline=None)
@given(runs)
def test_a_run_never_pays_out_more_than_the_firm_holds(case):
    params, seed = case
    r = b.simulate(params, np.random.default_rng(seed))
    assert np.all(r.reserves >= 0)
    # cash is conserved: what is left is what there was, less defence and payouts, plus sales
    np.testing.assert_allclose(r.reserves, params.reserves - r.defence - r.paid_out
                               + r.token_proceeds, rtol=1e-9, atol=1e-6)
    assert np.all(r.paid <= r.deposit * (1 + 1e-12))
    assert np.all(r.paid[r.asked_day < 0] == 0), "paid someone who never asked"
    assert r.paid.sum() == pytest.approx(r.paid_out[-1])
    assert r.shortfall >= 0 and np.all(np.diff(r.asked) >= 0)
    # the shortfall is what is asked and not paid, a rounding remainder of a dollar aside
    assert r.shortfall == pytest.approx(r.asked[-1] - r.paid_out[-1], abs=b.EMPTY)
    assert np.all(r.tokens_sold <= params.token_holdings * (1 + 1e-12))


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 6_000.0), st.integers(0, 1000))
def test_when_everyone_asks_at_once_payment_follows_the_queue(reserves, seed):
    params = small.replace(reserves=reserves, threshold_mean=0.0, threshold_sd=0.0)
    r = b.simulate(params, np.random.default_rng(seed))
    assert np.all(r.asked_day == 1)
    order = np.argsort(r.queue)
    np.testing.assert_allclose(r.paid[order], b.pay_in_order(r.deposit[order], reserves))


def test_the_cascade_stops_at_the_least_fixed_point():
    rng = np.random.default_rng(3)
    deposit, threshold = rng.lognormal(0, 1, 2_000), rng.normal(0.3, 0.15, 2_000)
    for fall, w in ((0.0, 0.5), (0.2, 0.5), (0.5, 1.0), (0.9, 0.2)):
        found = b.threshold_outcome(deposit, threshold, fall, w)
        # brute force: the map's fixed points can only sit at its jump values (or 0)
        order = np.argsort(threshold)
        shares = np.concatenate([[0.0], np.cumsum(deposit[order]) / deposit.sum()])
        fixed = [r for r in shares
                 if np.isclose((deposit[threshold <= r + w * fall]).sum() / deposit.sum(), r)]
        assert found.share == pytest.approx(min(fixed), abs=1e-12)
        assert found.converged and np.all(np.diff(found.rounds) >= 0)


def test_granovetters_riot_a_one_person_change_stops_the_cascade():
    """Granovetter (1978)'s own example: a hundred people with thresholds 0, 1, ..., 99 (in
    per cent of the crowd) all riot; give the person with threshold 1 a threshold of 2
    instead and only the first one does. (Thresholds sit a hair below i/100, so that the
    sum of a hundred hundredths in floating point does not decide the example.)"""
    equal = np.ones(100)
    thresholds = np.arange(100) / 100 - 1e-9
    everyone = b.threshold_outcome(equal, thresholds, fall=0.0, price_weight=0.0)
    assert everyone.share == pytest.approx(1.0) and everyone.iterations == 101
    thresholds[1] = 0.02 - 1e-9
    one = b.threshold_outcome(equal, thresholds, fall=0.0, price_weight=0.0)
    assert one.share == pytest.approx(0.01) and one.iterations == 2


@settings(max_examples=100)
@given(st.integers(1, 300), st.floats(0.0, 1.0), st.floats(0.0, 2.0), st.integers(0, 2**16))
def test_each_round_of_the_cascade_is_one_step_up_the_withdrawing_share(n, fall, w, seed):
    rng = np.random.default_rng(seed)
    deposit, threshold = rng.lognormal(0, 1, n), rng.normal(0.3, 0.2, n)
    cascade = b.threshold_outcome(deposit, threshold, fall, w)
    np.testing.assert_array_equal(cascade.rounds[1:],
                                  b.withdrawing_share(deposit, threshold,
                                                      cascade.rounds[:-1] + w * fall))
    grid = np.linspace(-1.0, 3.0, 401)
    curve = b.withdrawing_share(deposit, threshold, grid)
    assert np.all(np.diff(curve) >= 0) and curve[0] == 0.0 and curve[-1] == pytest.approx(1.0)
    # brute force: the deposit-weighted share at or below each alarm
    brute = [(deposit[threshold <= a]).sum() / deposit.sum() for a in grid]
    np.testing.assert_allclose(curve, brute, rtol=1e-12, atol=1e-15)


def test_reserves_left_at_a_rounding_remainder_count_as_run_out():
    """A run whose cash ends at 1e-12 after the firm's token sales halted that day: the
    remainder of the bisection must not hide it."""
    params = b.Run(deposits=14_000.0, reserves=6_000.0, market=LinearBook(0.13),
                   token_holdings=130.0, sale_days=3, defence_budget=250.0)
    r = b.simulate(params, np.random.default_rng(2022))
    assert r.shortfall > 1_000 and r.reserves[-1] <= b.EMPTY
    assert np.isfinite(r.halted_day)


def test_the_day_by_day_run_ends_where_the_cascade_does():
    """A sale all on day 1, no firm sales: the daily alarm is the cascade's round."""
    params = small.replace(sale_days=1, sale=20.0, reserves=1e6, n_days=60)
    r = b.simulate(params, np.random.default_rng(5))
    fall = 1 - r.price[-1] / params.price
    static = b.threshold_outcome(r.deposit, r.threshold, fall, params.price_weight)
    assert r.share_asked == pytest.approx(static.share, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 8_000.0), st.floats(0.0, 4_000.0), st.integers(0, 1000))
def test_more_reserves_never_raise_the_shortfall(reserves, extra, seed):
    a = b.simulate(small.replace(reserves=reserves), np.random.default_rng(seed))
    c = b.simulate(small.replace(reserves=reserves + extra), np.random.default_rng(seed))
    assert c.shortfall <= a.shortfall + 1e-6


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 30.0), st.floats(0.0, 10.0), st.integers(0, 1000))
def test_a_larger_sale_never_lowers_the_share_that_runs(sale, extra, seed):
    a = b.simulate(small.replace(sale=sale), np.random.default_rng(seed))
    c = b.simulate(small.replace(sale=sale + extra), np.random.default_rng(seed))
    assert c.share_asked >= a.share_asked - 1e-12


def test_defending_the_price_spends_reserves_that_then_cannot_pay():
    base = b.Run(n_depositors=2_000)
    calm = b.simulate(base, np.random.default_rng(1))
    defended = b.simulate(base.replace(defence_budget=1_000.0), np.random.default_rng(1))
    assert defended.defence[-1] > 0 and defended.price[3] > calm.price[3]
    assert np.isfinite(calm.halted_day)                 # undefended, withdrawals halt
    assert defended.reserves[3] < calm.reserves[3] or defended.asked[3] < calm.asked[3]
    frame = calm.days()
    assert list(frame.index) == list(range(base.n_days + 1))


def test_diamond_dybvig_waiting_pays_until_enough_others_run():
    r1, R = 1.1, 1.5
    f_hat = b.run_threshold(r1, R)
    assert f_hat == pytest.approx((1.5 - 1.1) / (1.1 * 0.5))
    grid = np.linspace(0.0, 0.99, 991)
    waits = np.array([b.diamond_dybvig_payoff(r1, R, f) for f in grid])
    assert grid[np.argmax(waits < r1)] == pytest.approx(f_hat, abs=1e-3)
    assert b.diamond_dybvig_payoff(r1, R, 0.0) == pytest.approx(R)
    assert b.diamond_dybvig_payoff(r1, R, 0.95) == 0.0          # f r1 >= 1: nothing left


def test_same_seed_same_run_and_results_are_read_only():
    a = b.simulate(small, np.random.default_rng(9))
    c = b.simulate(small, np.random.default_rng(9))
    np.testing.assert_array_equal(a.paid, c.paid)
    with pytest.raises(ValueError, match="read-only"):
        a.paid[0] = 1.0


@pytest.mark.parametrize("change, message", [
    ({"n_depositors": 0}, r"n_depositors must be a whole number in \[1"),
    ({"deposits": 0.0}, r"deposits must be in \(0"),
    ({"threshold_sd": -1.0}, r"threshold_sd must be in \[0, 2\]"),
    ({"price_weight": 6.0}, r"price_weight must be in \[0, 5\]"),
    ({"reserves": -1.0}, r"reserves must be in \[0"),
    ({"defence_budget": 1e9}, r"defence_budget must be in \[0, 2500\]"),
    ({"token_holdings": -1.0}, r"token_holdings must be in \[0"),
    ({"market": 3}, "market must be a ImpactLaw"),
    ({"sale_days": 0}, r"sale_days must be a whole number in \[1, 365\]"),
])
def test_bad_parameters_are_rejected_by_name(change, message):
    with pytest.raises(ValueError, match=message):
        b.Run(**change)


def test_bad_calls_are_rejected_by_name():
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        b.simulate(small, 42)
    with pytest.raises(ValueError, match="same, non-zero length"):
        b.threshold_outcome([1.0, 2.0], [0.1])
    with pytest.raises(ValueError, match=r"fall must be in \[0, 1\]"):
        b.threshold_outcome([1.0], [0.1], fall=2.0)
    with pytest.raises(ValueError, match=r"r1 must be in \[1, 1.5\)"):
        b.run_threshold(2.0, 1.5)
    with pytest.raises(ValueError, match="alarm must be finite"):
        b.withdrawing_share([1.0], [0.1], np.inf)
    with pytest.raises(ValueError, match="deposit must hold finite numbers"):
        b.withdrawing_share([0.0], [0.1], 0.5)
    with pytest.raises(ValueError, match=r"requests must be finite and in \[0, inf\)"):
        b.pay_in_order(np.array([-1.0]), 1.0)
    with pytest.raises(ValueError, match="requests must be a 1-d array"):
        b.pay_in_order(np.ones((2, 2)), 1.0)
    assert isinstance(b.Run(market=LinearBook(0.1)).market, LinearBook)
    assert isinstance(b.Run().market, SquareRoot)
