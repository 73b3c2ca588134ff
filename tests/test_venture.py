"""Tests of the venture-book model (toymarkets.models.venture).

Invariants are checked with hypothesis over the valid parameter space. Closed forms
are checked against independent computations (scipy's beta and normal functions,
numerical integration of the running maximum's law) and against the simulation
within a few standard errors; where a variance is needed it comes from the model's
assumptions (a Pareto law with tail index 3 has a finite variance), not from the
output.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from scipy import integrate, special, stats

from toymarkets.core.balancesheet import Vesting
from toymarkets.figures import venture as fv
from toymarkets.models import venture as vt
from toymarkets.models.venture import VentureBook, simulate

FAST = settings(max_examples=60, deadline=None)

vestings = st.builds(
    lambda cliff, extra, share: Vesting(cliff, cliff + extra, share),
    st.floats(0.0, 5.0), st.one_of(st.just(0.0), st.floats(0.0, 6.0)), st.floats(0.0, 1.0))

params_strategy = st.builds(
    VentureBook,
    n_bets=st.integers(1, 300),
    stake=st.floats(1e-3, 1e3),
    tail_index=st.floats(1.05, 10.0),
    min_multiple=st.floats(1e-2, 100.0),
    failure_rate=st.floats(0.0, 0.99),
    horizon=st.floats(0.1, 30.0),
    n_steps=st.integers(1, 40),
    market_volatility=st.floats(0.0, 2.0),
    token_volatility=st.floats(0.0, 5.0),
    vesting=vestings,
    borrowed_share=st.floats(0.0, 0.99),
    interest_rate=st.floats(0.0, 1.0),
)
seeds = st.integers(0, 2**32 - 1)
path_counts = st.integers(1, 5)


def run_of(params, seed, n_paths=1):
    return simulate(params, np.random.default_rng(seed), n_paths)


# --- the bets ---------------------------------------------------------------------------------

@FAST
@given(params_strategy, seeds, path_counts)
def test_multiples_are_failures_or_at_least_the_minimum(params, seed, n_paths):
    run = run_of(params, seed, n_paths)
    m = run.multiples
    assert m.shape == (n_paths, params.n_bets)
    assert np.all((m == 0.0) | (m >= params.min_multiple * (1 - 1e-12)))
    assert np.all(np.isfinite(m))


@FAST
@given(params_strategy, seeds, st.floats(1.05, 10.0), st.floats(1.05, 10.0))
def test_a_heavier_tail_makes_every_stake_at_least_as_large(params, seed, a1, a2):
    """Draws are shared across parameter values: lowering alpha raises every multiple."""
    heavy, light = sorted((a1, a2))
    big = run_of(params.replace(tail_index=heavy), seed, 2).multiples
    small = run_of(params.replace(tail_index=light), seed, 2).multiples
    assert np.all(big >= small * (1 - 1e-12))


@FAST
@given(params_strategy, seeds, st.floats(0.0, 0.99), st.floats(0.0, 0.99))
def test_more_failures_never_raise_a_stake(params, seed, q1, q2):
    few, many = sorted((q1, q2))
    lo = run_of(params.replace(failure_rate=many), seed, 2).multiples
    hi = run_of(params.replace(failure_rate=few), seed, 2).multiples
    assert np.all(lo <= hi * (1 + 1e-12))
    assert np.all((lo == 0) >= (hi == 0))       # a stake that fails still fails


@pytest.mark.parametrize("failure_rate", [0.0, 0.4])
def test_mean_multiple_matches_simulation(failure_rate):
    params = VentureBook(tail_index=3.0, min_multiple=1.0, failure_rate=failure_rate,
                         n_bets=1000)
    run = run_of(params, 1, 200)
    m = run.multiples.ravel()
    # a Pareto law with alpha > 2 has E[X^2] = alpha x_m^2 / (alpha - 2)
    a, xm, q = params.tail_index, params.min_multiple, failure_rate
    second = (1 - q) * a * xm**2 / (a - 2)
    mean = vt.mean_multiple(params)
    se = math.sqrt((second - mean**2) / m.size)
    assert abs(m.mean() - mean) < 4 * se
    assert math.isclose(vt.mean_multiple(params), (1 - q) * vt.pareto_mean(a, xm))
    assert math.isclose(vt.pareto_mean(3.0, 1.0), 1.5)


@pytest.mark.parametrize("failure_rate,tail_index", [(0.0, 1.5), (0.3, 1.2), (0.4, 3.0)])
def test_median_multiple_matches_simulation(failure_rate, tail_index):
    params = VentureBook(tail_index=tail_index, failure_rate=failure_rate, n_bets=1000)
    m = run_of(params, 2, 200).multiples.ravel()
    median = vt.median_multiple(params)
    # a sample median has sd 1 / (2 f(median) sqrt(n)), f the density at the median
    a, xm = tail_index, params.min_multiple
    density = (1 - failure_rate) * a * xm**a / median ** (a + 1)
    se = 1.0 / (2 * density * math.sqrt(m.size))
    assert abs(np.median(m) - median) < 4 * se
    if failure_rate == 0.0:
        assert math.isclose(median, vt.pareto_median(a, xm), rel_tol=1e-12)


def test_median_is_zero_when_most_stakes_fail():
    params = VentureBook(failure_rate=0.6)
    assert vt.median_multiple(params) == 0.0
    assert np.median(run_of(params, 3, 20).multiples) == 0.0
    # the Pareto median: half the mass above x_m 2^(1/alpha)
    assert math.isclose((vt.pareto_median(1.7, 2.0) / 2.0) ** -1.7, 0.5)


def _order_statistic_means(alpha, xm, q, n, k):
    """E of the k largest of n draws of the mixture, by the Beta law of uniform order
    statistics (independent of the library): the i-th largest is x_m ((1 - q)/W)^(1/alpha)
    on W < 1 - q, with W ~ Beta(i, n - i + 1)."""
    b = 1.0 / alpha
    i = np.arange(1, k + 1)
    ratio = np.exp(special.betaln(i - b, n - i + 1) - special.betaln(i, n - i + 1))
    return xm * (1 - q) ** b * ratio * special.betainc(i - b, n - i + 1, 1 - q)


@pytest.mark.parametrize("alpha", [1.2, 1.5, 3.0, 8.0])
@pytest.mark.parametrize("n,k", [(1, 1), (10, 3), (500, 5), (1000, 100), (100_000, 1000)])
def test_expected_top_sum_is_the_order_statistics_law(alpha, n, k):
    exact = _order_statistic_means(alpha, 0.8, 0.0, n, k).sum()
    assert math.isclose(vt.pareto_expected_top_sum(alpha, 0.8, n, k), exact, rel_tol=1e-8)


@pytest.mark.parametrize("alpha", [1.2, 1.5, 3.0])
@pytest.mark.parametrize("top", [0.01, 0.1, 0.5])
def test_top_share_is_the_large_book_limit(alpha, top):
    """The expected share of the best k of n tends to p^(1 - 1/alpha) as n grows, k = p n."""
    errors = []
    for n in (1_000, 10_000, 1_000_000):
        k = round(top * n)
        share = vt.pareto_expected_top_sum(alpha, 1.0, n, k) / (n * vt.pareto_mean(alpha, 1.0))
        errors.append(abs(share - vt.pareto_top_share(alpha, top)))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-3 * vt.pareto_top_share(alpha, top)
    assert vt.pareto_top_share(alpha, 1.0) == 1.0


@pytest.mark.parametrize("q", [0.2, 0.5])
@pytest.mark.parametrize("top", [0.01, 0.1])
def test_top_share_with_failures_is_the_large_book_limit(q, top):
    params = VentureBook(tail_index=1.5, failure_rate=q)
    n = 200_000
    expected = _order_statistic_means(1.5, 1.0, q, n, round(top * n)).sum()
    share = expected / (n * vt.mean_multiple(params.replace(min_multiple=1.0)))
    assert abs(share - vt.top_share(params, top)) < 1e-3 * vt.top_share(params, top)
    assert vt.top_share(params, 1.0 - q) == pytest.approx(1.0)
    assert vt.top_share(params, 0.99) == 1.0


@pytest.mark.parametrize("q", [0.0, 0.4])
@pytest.mark.parametrize("top", [0.01, 0.1])
def test_top_share_matches_simulation(q, top):
    """Pooled over books, the best stakes' share is the ratio of the exact expectations."""
    params = VentureBook(tail_index=3.0, min_multiple=1.0, failure_rate=q, n_bets=500)
    run = run_of(params, 4, 4000)
    k = round(top * params.n_bets)
    best = -np.partition(-run.multiples, k - 1, axis=1)[:, :k].sum(axis=1)
    total = run.multiples.sum(axis=1)
    np.testing.assert_allclose(run.top_share(top), best / total)
    exact = (_order_statistic_means(3.0, 1.0, q, params.n_bets, k).sum()
             / (params.n_bets * vt.mean_multiple(params)))
    ratio = best.sum() / total.sum()
    # delta method for a ratio of means
    resid = best - ratio * total
    se = resid.std(ddof=1) / (math.sqrt(run.n_paths) * total.mean())
    assert abs(ratio - exact) < 4 * se


# --- lock-up discounts ------------------------------------------------------------------------

def _running_max_bound(x: float) -> float:
    """E[max_t X_t] - 1 for X_t = exp(s W_t - s^2 t / 2), t in [0, 1], s^2 = x, by integrating
    the law of the running maximum of a Brownian motion with drift (reflection principle)."""
    s = math.sqrt(x)
    nu = -s / 2.0                       # the drift of W_t - s t / 2 per unit of W

    def cdf(m):
        return stats.norm.cdf(m - nu) - math.exp(2 * nu * m) * stats.norm.cdf(-m - nu)

    def pdf(m):
        return (stats.norm.pdf(m - nu) + math.exp(2 * nu * m) * stats.norm.pdf(-m - nu)
                - 2 * nu * math.exp(2 * nu * m) * stats.norm.cdf(-m - nu))

    mass, _ = integrate.quad(lambda m: math.exp(s * m) * pdf(m), 0.0, 60.0, limit=200)
    return mass + cdf(0.0) - 1.0


@pytest.mark.parametrize("x", [1e-4, 0.01, 0.09, 0.25, 0.886, 1.0, 4.0])
def test_longstaff_bound_is_the_lookback_value(x):
    assert math.isclose(vt.longstaff_bound(1.0, x), _running_max_bound(x), rel_tol=1e-7)


def test_longstaff_bound_by_monte_carlo():
    """An investor who sells at the best price of a year, against one who holds: a fine grid
    slightly underestimates the continuous maximum, so the bound sits just above."""
    rng = np.random.default_rng(8)
    sigma, n, steps = 0.3, 10_000, 1_000
    dt = 1.0 / steps
    log = np.cumsum(sigma * math.sqrt(dt) * rng.standard_normal((n, steps)) - 0.5 * sigma**2 * dt,
                    axis=1)
    # a maximum watched at discrete dates misses part of the continuous one: Broadie,
    # Glasserman and Kou's correction shifts it by exp(0.5826 sigma sqrt(dt))
    best = np.maximum(np.exp(log.max(axis=1)), 1.0) * math.exp(0.5826 * sigma * math.sqrt(dt))
    bound = vt.longstaff_bound(sigma, 1.0)
    se = best.std(ddof=1) / math.sqrt(n)
    assert abs(best.mean() - 1.0 - bound) < 4 * se


@given(st.floats(0.0, 10.0), st.floats(0.0, 100.0), st.floats(0.01, 10.0))
def test_longstaff_bound_depends_on_variance_times_time_only(sigma, tau, c):
    if sigma / math.sqrt(c) <= 10.0 and tau * c <= 100.0:
        assert math.isclose(vt.longstaff_bound(sigma, tau),
                            vt.longstaff_bound(sigma / math.sqrt(c), tau * c),
                            rel_tol=1e-9, abs_tol=1e-12)


@given(st.floats(0.0, 10.0), st.floats(0.0, 100.0), st.floats(0.0, 10.0), st.floats(0.0, 100.0))
def test_discounts_grow_with_volatility_and_lockup(s1, t1, s2, t2):
    lo_s, hi_s = sorted((s1, s2))
    lo_t, hi_t = sorted((t1, t2))
    for f in (vt.longstaff_bound, vt.put_discount):
        assert f(lo_s, lo_t) <= f(hi_s, lo_t) + 1e-12
        assert f(lo_s, lo_t) <= f(lo_s, hi_t) + 1e-12
        assert f(lo_s, 0.0) == 0.0 and f(0.0, lo_t) == 0.0


@given(st.floats(0.0, 10.0), st.floats(0.0, 100.0))
def test_a_lookback_put_is_worth_more_than_a_put(sigma, tau):
    assert vt.longstaff_bound(sigma, tau) >= vt.put_discount(sigma, tau) - 1e-12
    assert 0.0 <= vt.put_discount(sigma, tau) <= 1.0


@pytest.mark.parametrize("sigma,tau", [(0.1, 1 / 365), (0.3, 5 / 365), (0.2, 0.01)])
def test_longstaff_bound_for_short_lockups(sigma, tau):
    """For a short lock-up the bound is sigma sqrt(2 tau / pi), E[max of W] for a Brownian W:
    even a few days' lock-up costs a visible share of value."""
    approx = sigma * math.sqrt(2 * tau / math.pi)
    assert math.isclose(vt.longstaff_bound(sigma, tau), approx, rel_tol=sigma * math.sqrt(tau))


@pytest.mark.parametrize("sigma,tau", [(0.2, 0.5), (0.8, 1.0), (1.5, 4.0), (0.05, 10.0)])
def test_put_discount_is_black_scholes(sigma, tau):
    d1 = sigma * math.sqrt(tau) / 2
    put = 1.0 * stats.norm.cdf(-(d1 - sigma * math.sqrt(tau))) - 1.0 * stats.norm.cdf(-d1)
    assert math.isclose(vt.put_discount(sigma, tau), put, rel_tol=1e-12)


@pytest.mark.parametrize("sigma", [0.3, 0.8, 1.0, 2.5])
def test_longstaff_bound_passes_one_where_the_cap_says(sigma):
    tau = vt.longstaff_full_lockup(sigma)
    assert math.isclose(vt.longstaff_bound(sigma, tau), 1.0, rel_tol=1e-12)
    assert vt.longstaff_bound(sigma, 0.99 * tau) < 1.0 < vt.longstaff_bound(sigma, 1.01 * tau)
    assert tau * sigma**2 == pytest.approx(0.886, abs=5e-4)


def _brute_average(vesting, t, sigma, method, n=200_000):
    """The locked units' average discount by brute force: every unit of a fine grid of the
    schedule, its own wait, averaged over those still locked at t."""
    shares = (np.arange(n) + 0.5) / n               # unit j unlocks when u(time) first >= it
    s, c, e = vesting.cliff_share, vesting.cliff, vesting.end
    unlock = np.where(shares <= s, c, c + (shares - s) / max(1 - s, 1e-300) * (e - c))
    if e == c:
        unlock = np.full(n, c)
    locked = unlock > t
    if not locked.any():
        return 0.0
    f = vt.put_discount if method == "put" else (
        lambda a, b: min(1.0, vt.longstaff_bound(a, b)))
    waits = unlock[locked] - t
    values = np.array([f(sigma, w) for w in np.unique(np.round(waits, 12))])
    counts = np.unique(np.round(waits, 12), return_counts=True)[1]
    return float(np.sum(values * counts) / counts.sum())


@pytest.mark.parametrize("method", list(vt.DISCOUNTS))
@pytest.mark.parametrize("vesting,t", [
    (Vesting(1.0, 4.0, 0.25), 0.0), (Vesting(1.0, 4.0, 0.25), 0.6), (Vesting(1.0, 4.0, 0.25), 2.5),
    (Vesting(0.0, 4.0, 0.0), 0.0), (Vesting(2.0, 2.0, 0.5), 1.0), (Vesting(0.5, 3.0, 1.0), 0.2)])
@pytest.mark.parametrize("sigma", [0.3, 0.8, 2.0])
def test_lockup_discount_averages_over_the_locked_units(method, vesting, t, sigma):
    brute = _brute_average(vesting, t, sigma, method, n=20_000)
    assert abs(vt.lockup_discount(vesting, t, sigma, method) - brute) < 1e-6


@FAST
@given(params_strategy, st.floats(0.0, 30.0), st.floats(0.0, 30.0),
       st.sampled_from(list(vt.DISCOUNTS)))
def test_liquidity_improves_as_lockups_run_off(params, t1, t2, method):
    early, late = sorted((t1, t2))
    a = vt.liquidity_factor(params, early, method)
    b = vt.liquidity_factor(params, late, method)
    assert 0.0 <= a <= b + 1e-9 <= 1.0 + 1e-9
    if late >= params.vesting.end:
        assert b == 1.0
    # Longstaff's bound is the larger discount, so it leaves less cash
    assert vt.liquidity_factor(params, early, "longstaff") <= (
        vt.liquidity_factor(params, early, "put") + 1e-9)


# --- the book over time -----------------------------------------------------------------------

@FAST
@given(params_strategy, seeds, path_counts)
def test_marks_start_at_cost_and_end_at_the_multiples(params, seed, n_paths):
    run = run_of(params, seed, n_paths)
    assert np.all(run.resolved[:, 0] == 0) and np.all(run.resolved[:, -1] == params.n_bets)
    assert np.all(np.diff(run.resolved, axis=1) >= 0)
    assert np.allclose(run.market[:, 0], 1.0) and np.all(run.market > 0)
    np.testing.assert_allclose(run.mark[:, 0], params.cost, rtol=1e-12)
    final = params.stake * run.market[:, -1] * run.multiples.sum(axis=1)
    np.testing.assert_allclose(run.mark[:, -1], final, rtol=1e-9, atol=1e-9 * params.cost)
    assert np.all(run.mark >= -1e-9 * params.cost)


@FAST
@given(params_strategy, seeds, path_counts)
def test_marks_follow_the_stakes_as_they_resolve(params, seed, n_paths):
    """V_k = c m_k (N + sum over resolved stakes of (M_i - 1)), rebuilt stake by stake."""
    run = run_of(params, seed, n_paths)
    steps = run.resolution_step()
    assert steps.shape == run.multiples.shape
    for k in (0, params.n_steps // 2, params.n_steps):
        gain = np.where(steps <= k, run.multiples - 1.0, 0.0).sum(axis=1)
        expected = params.stake * run.market[:, k] * (params.n_bets + gain)
        scale = params.stake * run.market[:, k] * (params.n_bets + run.multiples.sum(axis=1))
        np.testing.assert_allclose(run.mark[:, k], expected, rtol=0, atol=1e-9 * scale.max())


@FAST
@given(params_strategy, seeds, path_counts, st.sampled_from(list(vt.DISCOUNTS)))
def test_cash_value_never_exceeds_the_mark(params, seed, n_paths, method):
    run = run_of(params, seed, n_paths)
    cash = run.cash_value(method)
    assert np.all(cash <= run.mark + 1e-12 * np.abs(run.mark))
    assert np.all(cash >= 0.0)
    after = run.times >= params.vesting.end
    np.testing.assert_array_equal(cash[:, after], run.mark[:, after])
    np.testing.assert_allclose(run.equity("mark") - run.equity("cash", method), run.mark - cash,
                               atol=1e-9 * params.cost)
    assert np.all(run.shortfall_share("cash", method) >= run.shortfall_share("mark"))
    for step in (0, params.n_steps):
        assert math.isclose(run.liquidity_factor(method)[step],
                            vt.liquidity_factor(params, float(run.times[step]), method),
                            rel_tol=1e-12, abs_tol=1e-12)


@FAST
@given(params_strategy, seeds, st.sampled_from(list(vt.DISCOUNTS)))
def test_balance_sheet_values_are_the_mark_and_the_cash_value(params, seed, method):
    run = run_of(params, seed, 2)
    for step in (0, params.n_steps // 2, params.n_steps):
        sheet = vt.balance_sheet(run, 1, step, method)
        scale = 1e-9 * max(params.cost, float(run.mark[1, step]))
        assert math.isclose(sheet.total_assets, run.mark[1, step], abs_tol=scale)
        assert math.isclose(sheet.total_liquidation_value, run.cash_value(method)[1, step],
                            abs_tol=scale)
        assert math.isclose(sheet.total_liabilities, run.debt[step], rel_tol=1e-12)
        assert math.isclose(sheet.equity, run.equity("mark")[1, step], abs_tol=scale)
        assert sheet.exposures()["locked"] == pytest.approx(
            run.mark[1, step] * (1 - run.unlocked[step]), abs=scale)


@FAST
@given(params_strategy)
def test_debt_accrues_interest(params):
    owed = run_of(params, 1).debt
    assert owed[0] == pytest.approx(params.borrowed_share * params.cost)
    for t, d in zip(params.times, owed, strict=True):
        assert math.isclose(d, vt.debt(params, t), rel_tol=1e-12)
    assert np.all(np.diff(owed) >= 0)


def test_without_market_risk_or_borrowing_nothing_moves_but_the_stakes():
    params = VentureBook(market_volatility=0.0, borrowed_share=0.0, n_steps=8)
    run = run_of(params, 5, 50)
    assert np.all(run.market == 1.0)
    assert np.all(run.debt == 0.0)
    assert np.all(run.shortfall_share("mark") == 0.0)


@pytest.mark.parametrize("market_volatility", [0.0, 0.5])
def test_expected_mark_matches_simulation(market_volatility):
    params = VentureBook(tail_index=3.0, n_bets=400, market_volatility=market_volatility,
                         n_steps=10)
    n = 3000
    run = run_of(params, 6, n)
    for k in range(params.n_steps + 1):
        mean = run.mark[:, k].mean()
        se = run.mark[:, k].std(ddof=1) / math.sqrt(n)
        assert abs(mean - vt.expected_mark(params, k)) < 4 * se + 1e-9 * params.cost


def test_stakes_resolve_evenly_over_the_steps():
    params = VentureBook(n_bets=300, n_steps=12)
    counts = np.diff(run_of(params, 7, 2000).resolved, axis=1)
    expected = params.n_bets / params.n_steps
    se = math.sqrt(params.n_bets * (1 / 12) * (11 / 12) / counts.shape[0])
    assert np.all(np.abs(counts.mean(axis=0) - expected) < 4 * se)


def test_market_factor_has_mean_one_and_the_stated_volatility():
    params = VentureBook(market_volatility=0.6, horizon=4.0, n_steps=16)
    market = run_of(params, 9, 20_000).market
    final = market[:, -1]
    variance = math.exp(0.36 * 4.0) - 1.0                  # a mean-one lognormal's variance
    assert abs(final.mean() - 1.0) < 4 * math.sqrt(variance / final.size)
    logs = np.diff(np.log(market), axis=1)
    assert logs.std() == pytest.approx(0.6 * math.sqrt(0.25), rel=0.02)


def test_concentration_runs_from_nothing_to_everything():
    run = run_of(VentureBook(), 10, 3)
    frame = run.concentration(2)
    assert frame.iloc[0].tolist() == [0.0, 0.0]
    assert frame["share of value"].iloc[-1] == pytest.approx(1.0)
    assert np.all(np.diff(frame["share of value"]) >= 0)
    k = round(0.1 * run.params.n_bets)
    assert frame["share of value"].iloc[k] == pytest.approx(run.top_share(0.1)[2])


def test_top_share_is_nan_when_every_stake_failed():
    run = run_of(VentureBook(n_bets=1, failure_rate=0.99), 1, 200)
    failed = run.multiples[:, 0] == 0
    assert failed.any()
    assert np.all(np.isnan(run.top_share(0.5)[failed]))
    assert np.all(run.top_share(0.5)[~failed] == 1.0)


def test_discount_table_is_tidy():
    table = vt.discount_table([0.5, 1.0], [0.0, 1.0, 2.0])
    assert len(table) == 6
    row = table.iloc[4]
    assert row["longstaff"] == vt.longstaff_bound(1.0, 1.0)
    assert row["put"] == vt.put_discount(1.0, 1.0)


def test_summary_has_one_row_per_date():
    params = VentureBook(n_steps=12)
    frame = run_of(params, 1, 30).summary()
    assert len(frame) == params.n_steps + 1
    assert frame["debt"].iloc[0] == pytest.approx(params.borrowed_share * params.cost)


# --- determinism, immutability ----------------------------------------------------------------

def test_same_seed_same_run():
    a, b = run_of(VentureBook(), 11, 4), run_of(VentureBook(), 11, 4)
    for name in ("multiples", "resolved", "market", "mark"):
        assert np.array_equal(getattr(a, name), getattr(b, name))


def test_runs_and_parameters_are_read_only():
    params = VentureBook()
    run = run_of(params, 1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.tail_index = 2.0
    with pytest.raises(ValueError):
        run.mark[0, 0] = 1.0
    with pytest.raises(ValueError):
        run.discount["put"][0] = 1.0
    with pytest.raises(TypeError):
        run.discount["put"] = np.zeros(3)


# --- bad input --------------------------------------------------------------------------------

BAD = [
    ("n_bets", 0), ("n_bets", 100_001), ("n_bets", 2.5), ("n_bets", True),
    ("stake", 0.0), ("stake", -1.0), ("stake", 2e6), ("stake", math.nan),
    ("tail_index", 1.0), ("tail_index", 0.5), ("tail_index", 11.0), ("tail_index", math.inf),
    ("min_multiple", 0.0), ("min_multiple", 101.0),
    ("failure_rate", -0.1), ("failure_rate", 1.0), ("failure_rate", "0.4"),
    ("horizon", 0.0), ("horizon", 31.0),
    ("n_steps", 0), ("n_steps", 1001), ("n_steps", 4.0),
    ("market_volatility", -0.1), ("market_volatility", 2.5),
    ("token_volatility", -0.1), ("token_volatility", 6.0),
    ("vesting", None), ("vesting", (1.0, 4.0)),
    ("borrowed_share", -0.1), ("borrowed_share", 1.0),
    ("interest_rate", -0.01), ("interest_rate", 1.5),
]


@pytest.mark.parametrize("name,value", BAD)
def test_bad_parameters_raise_naming_the_parameter(name, value):
    with pytest.raises(ValueError, match=name):
        VentureBook(**{name: value})
    with pytest.raises(ValueError, match=name):
        VentureBook().replace(**{name: value})


def test_bad_calls_raise_naming_the_argument():
    run = run_of(VentureBook(n_steps=4), 1, 2)
    calls = [
        (lambda: simulate(object(), np.random.default_rng(1)), "params"),
        (lambda: simulate(VentureBook(), 1), "rng"),
        (lambda: simulate(VentureBook(), np.random.default_rng(1), 0), "n_paths"),
        (lambda: vt.pareto_mean(1.0, 1.0), "tail_index"),
        (lambda: vt.pareto_mean(2.0, 0.0), "min_multiple"),
        (lambda: vt.pareto_median(0.0, 1.0), "tail_index"),
        (lambda: vt.pareto_top_share(2.0, 0.0), "top"),
        (lambda: vt.pareto_top_share(2.0, 1.5), "top"),
        (lambda: vt.pareto_expected_top_sum(2.0, 1.0, 10, 11), "k"),
        (lambda: vt.pareto_expected_top_sum(2.0, 1.0, 0, 1), "n"),
        (lambda: vt.top_share(VentureBook(), 0.0), "top"),
        (lambda: vt.mean_multiple(object()), "params"),
        (lambda: vt.longstaff_bound(-0.1, 1.0), "volatility"),
        (lambda: vt.longstaff_bound(0.5, -1.0), "lockup"),
        (lambda: vt.put_discount(11.0, 1.0), "volatility"),
        (lambda: vt.longstaff_full_lockup(0.0), "volatility"),
        (lambda: vt.put_discount(1.0, math.nan), "lockup"),
        (lambda: vt.lockup_discount(Vesting(), 0.0, 0.8, "bid"), "method"),
        (lambda: vt.lockup_discount(object(), 0.0, 0.8), "vesting"),
        (lambda: vt.lockup_discount(Vesting(), -1.0, 0.8), "t"),
        (lambda: vt.liquidity_factor(VentureBook(), 1.0, "mark"), "method"),
        (lambda: vt.expected_mark(VentureBook(n_steps=4), 5), "step"),
        (lambda: vt.debt(VentureBook(), -1.0), "t"),
        (lambda: vt.discount_table([-1.0], [1.0]), "volatilities"),
        (lambda: vt.discount_table([1.0], [101.0]), "lockups"),
        (lambda: vt.balance_sheet(object()), "run"),
        (lambda: vt.balance_sheet(run, 2), "path"),
        (lambda: vt.balance_sheet(run, 0, 5), "step"),
        (lambda: vt.balance_sheet(run, 0, 1, "bid"), "method"),
        (lambda: run.cash_value("bid"), "method"),
        (lambda: run.equity("book"), "value"),
        (lambda: run.top_share(0.0), "top"),
        (lambda: run.concentration(2), "path"),
        (lambda: VentureBook().replace(tail=2.0), "no parameter"),
    ]
    for call, name in calls:
        with pytest.raises(ValueError, match=name):
            call()


# --- figures ----------------------------------------------------------------------------------

def test_figures_draw_labelled_axes():
    params = VentureBook(n_bets=200, n_steps=8)
    run = run_of(params, 1, 40)
    figures = [fv.concentration(run, paths=3, title="t"),
               fv.book_outcomes(run, title="t"),
               fv.lockup_discounts(vt.discount_table([0.5, 1.0], np.linspace(0, 4, 9)),
                                   title="t", references={"a sale": 0.6, "a haircut": 0.5}),
               fv.mark_and_cash(run, title="t")]
    for fig in figures:
        assert isinstance(fig, Figure)
        for ax in fig.axes:
            assert "[" in ax.get_ylabel() and "[" in ax.get_xlabel()
    with pytest.raises(ValueError, match="run"):
        fv.concentration(object(), title="t")
    with pytest.raises(ValueError, match="paths"):
        fv.concentration(run, paths=41, title="t")
    with pytest.raises(ValueError, match="table"):
        fv.lockup_discounts(object(), title="t")
