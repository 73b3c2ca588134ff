"""Step 1 model: the P&L decomposition is exact, hedging is delta neutral, closed forms hold."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.models import marketmaking as mm

params_strategy = st.builds(
    mm.MarketMaker,
    s0=st.floats(1.0, 1_000.0),
    volatility=st.floats(0.0, 0.05),
    n_steps=st.integers(1, 200),
    half_spread=st.floats(0.0, 0.5),
    fill_prob_at_mid=st.floats(0.0, 1.0),
    fill_decay=st.floats(0.1, 50.0),
    clip=st.floats(0.1, 10.0),
    rebate=st.floats(0.0, 0.01),
    hedge_cost=st.floats(0.0, 0.01),
    hedge_ratio=st.floats(0.0, 1.0),
    otc_prob=st.floats(0.0, 1.0),
    otc_size=st.floats(0.0, 100.0),
    otc_half_spread=st.floats(0.0, 0.5),
)


@settings(max_examples=60, deadline=None)
@given(params=params_strategy, seed=st.integers(0, 2**32 - 1))
def test_components_add_up_to_the_cash_ledger(params, seed):
    """Summed components equal final cash plus inventory at the final mid, on every path."""
    run = mm.simulate(params, np.random.default_rng(seed), n_paths=3)
    totals = run.totals()
    scale = 1.0 + np.abs(run.cash).max() + np.abs(run.inventory * run.prices[:, 1:]).max()
    np.testing.assert_allclose(totals["total"], run.mark_to_market(), rtol=0, atol=1e-9 * scale)
    parts = totals[list(mm.COMPONENTS)].sum(axis=1)
    np.testing.assert_allclose(parts, totals["total"], rtol=1e-12, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(params=params_strategy, seed=st.integers(0, 2**32 - 1))
def test_full_hedging_leaves_inventory_flat(params, seed):
    run = mm.simulate(params.replace(hedge_ratio=1.0), np.random.default_rng(seed), n_paths=2)
    assert np.all(run.inventory == 0.0)
    assert np.all(run.components["inventory"] == 0.0)
    # ... so profit does not depend on the price path: the hedge offsets each step's client flow
    np.testing.assert_allclose(run.hedges, -run.client_flow)


@settings(max_examples=40, deadline=None)
@given(params=params_strategy, seed=st.integers(0, 2**32 - 1))
def test_inventory_follows_the_hedge_recursion(params, seed):
    run = mm.simulate(params, np.random.default_rng(seed), n_paths=2)
    previous = np.concatenate([np.zeros((2, 1)), run.inventory[:, :-1]], axis=1)
    expected = (1 - params.hedge_ratio) * (previous + run.client_flow)
    np.testing.assert_allclose(run.inventory, expected, atol=1e-9)
    assert np.all(run.components["hedging"] <= 0.0)


@settings(max_examples=30, deadline=None)
@given(params=params_strategy, factor=st.floats(1.5, 10.0), seed=st.integers(0, 2**32 - 1))
def test_rebates_scale_with_volume(params, factor, seed):
    """Rebates are proportional to traded notional: a bigger clip earns proportionally more."""
    small = mm.simulate(params, np.random.default_rng(seed))
    big = mm.simulate(params.replace(clip=params.clip * factor), np.random.default_rng(seed))
    np.testing.assert_allclose(big.components["rebates"], factor * small.components["rebates"],
                               rtol=1e-12, atol=1e-12)
    if params.rebate > 0:
        # per step, the rebate pays for 0, 1 or 2 fills of one clip at the step's mid
        fills = small.components["rebates"] / (params.rebate * small.prices[:, :-1] * params.clip)
        np.testing.assert_allclose(fills, np.round(fills), atol=1e-9)
        assert set(np.round(fills).ravel()) <= {0.0, 1.0, 2.0}


def test_unhedged_profit_rides_on_inventory():
    """Without hedging, profit varies with the price path; with full hedging it barely does."""
    params = mm.MarketMaker(n_steps=500)
    hedged = mm.simulate(params, np.random.default_rng(11), n_paths=200).totals()["total"]
    naked = mm.simulate(params.replace(hedge_ratio=0.0), np.random.default_rng(11),
                        n_paths=200).totals()["total"]
    assert naked.std() > 5 * hedged.std()


def test_fill_rate_matches_the_fill_model():
    params = mm.MarketMaker(n_steps=4000, otc_prob=0.0, half_spread=0.07)
    run = mm.simulate(params, np.random.default_rng(3), n_paths=50)
    fills = run.components["spread_book"] / (params.clip * params.half_spread)   # 0, 1 or 2
    p = mm.fill_probability(params.half_spread, params.fill_prob_at_mid, params.fill_decay)
    se = math.sqrt(2 * p * (1 - p) / fills.size)
    assert abs(fills.mean() / 2 - p) < 4 * se


@pytest.mark.parametrize("half_spread", [0.0, 0.05, 0.09, 0.2])
def test_expected_book_income_matches_simulation(half_spread):
    params = mm.MarketMaker(n_steps=2000, otc_prob=0.0, half_spread=half_spread)
    run = mm.simulate(params, np.random.default_rng(8), n_paths=40)
    per_step = (run.components["spread_book"] + run.components["rebates"]).mean(axis=1)
    se = per_step.std(ddof=1) / math.sqrt(per_step.size)
    # the rebate uses S_t, not S_0; the drift-free price keeps its mean at S_0
    assert abs(per_step.mean() - mm.expected_book_income(params)) < 4 * se + 1e-12


@settings(max_examples=50, deadline=None)
@given(k=st.floats(0.5, 100.0), rebate=st.floats(0.0, 0.001), s0=st.floats(10.0, 500.0))
def test_optimal_half_spread_maximises_expected_income(k, rebate, s0):
    params = mm.MarketMaker(s0=s0, fill_decay=k, rebate=rebate)
    best = mm.optimal_half_spread(params)
    income = mm.expected_book_income(params.replace(half_spread=best))
    for delta in np.linspace(0, min(5 / k, s0 * 0.99), 50):
        assert mm.expected_book_income(params.replace(half_spread=delta)) <= income * (1 + 1e-12)


@settings(max_examples=50, deadline=None)
@given(k=st.floats(0.5, 100.0), sigma=st.floats(0.0, 5.0), tau=st.floats(0.0, 10.0))
def test_avellaneda_stoikov_limits(k, sigma, tau):
    """As gamma -> 0 the A-S spread tends to 2/k (twice the rebate-free optimum); with zero
    inventory the reservation price is the mid; long inventory lowers it."""
    gamma = 1e-7
    _, spread = mm.avellaneda_stoikov(100.0, 0.0, gamma, sigma, tau, k)
    no_rebate = mm.MarketMaker(fill_decay=k, rebate=0.0)
    limit = 2 * mm.optimal_half_spread(no_rebate)
    assert spread - gamma * sigma**2 * tau == pytest.approx(limit, rel=1e-6)
    r0, _ = mm.avellaneda_stoikov(100.0, 0.0, 0.5, sigma, tau, k)
    assert r0 == 100.0
    r_long, s1 = mm.avellaneda_stoikov(100.0, 3.0, 0.5, sigma, tau, k)
    assert r_long <= 100.0
    assert s1 == pytest.approx(0.5 * sigma**2 * tau + 4.0 * math.log1p(0.5 / k))


def test_balance_sheet_equity_is_capital_plus_profit():
    run = mm.simulate(mm.MarketMaker(hedge_ratio=0.3), np.random.default_rng(4), n_paths=2)
    for path in (0, 1):
        sheet = mm.balance_sheet(run, capital=1_000.0, path=path)
        assert sheet.equity == pytest.approx(1_000.0 + run.totals()["total"][path], abs=1e-6)


@pytest.mark.parametrize("field, value", [
    ("s0", 0.0), ("s0", -1.0), ("volatility", -0.1), ("volatility", 0.5), ("n_steps", 0),
    ("n_steps", 2.5), ("half_spread", -0.01), ("half_spread", 100.0),
    ("fill_prob_at_mid", 1.5), ("fill_prob_at_mid", -0.1), ("fill_decay", 0.0), ("clip", 0.0),
    ("rebate", -1e-4), ("rebate", 0.5), ("hedge_cost", -0.1), ("hedge_ratio", 1.5),
    ("hedge_ratio", -0.5), ("otc_prob", 2.0), ("otc_size", -1.0), ("otc_half_spread", -0.1),
    ("half_spread", float("nan")), ("volatility", float("inf")),
])
def test_bad_parameters_are_rejected_by_name(field, value):
    with pytest.raises(ValueError, match=field):
        mm.MarketMaker(**{field: value})


def test_bad_arguments_are_rejected_by_name():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="n_paths"):
        mm.simulate(mm.MarketMaker(), rng, n_paths=0)
    with pytest.raises(ValueError, match="MarketMaker has no parameter"):
        mm.MarketMaker().replace(spread=1.0)
    with pytest.raises(ValueError, match="gamma"):
        mm.avellaneda_stoikov(100.0, 0.0, 0.0, 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="capital"):
        mm.balance_sheet(mm.simulate(mm.MarketMaker(n_steps=5), rng), capital=-1.0)
    with pytest.raises(ValueError, match="path"):
        mm.simulate(mm.MarketMaker(n_steps=5), rng).cumulative(path=3)


# ------------------------------------------------ when a risk-averse maker quotes wider

GAMMAS = np.logspace(-4, 4, 161)        # risk aversion as a multiple of k: gamma / k


def _wider(gamma, sigma2_tau, k):
    """Brute force: is the Avellaneda-Stoikov spread at gamma wider than its limit 2/k?"""
    _, spread = mm.avellaneda_stoikov(100.0, 0.0, gamma, math.sqrt(sigma2_tau), 1.0, k)
    return spread > 2.0 / k


@settings(max_examples=60, deadline=None)
@given(k=st.floats(0.1, 100.0), scale=st.floats(0.01, 3.0))
def test_widening_threshold_separates_wider_from_narrower_quotes(k, scale):
    """On a grid of gamma, the spread is wider than 2/k exactly when sigma^2 tau > theta."""
    sigma2_tau = scale / k**2
    for x in GAMMAS:
        gamma = x * k
        theta = mm.widening_threshold(gamma, k)
        if abs(sigma2_tau - theta) <= 1e-6 * theta:     # too close to call in floats
            continue
        assert _wider(gamma, sigma2_tau, k) == (sigma2_tau > theta), (gamma, theta)


@pytest.mark.parametrize("k", [0.5, 10.0, 40.0])
def test_every_gamma_widens_exactly_when_the_variance_reaches_one_over_k_squared(k):
    """sigma^2 tau >= 1/k^2: wider at every gamma on the grid; a little below: narrower at
    small gamma but wider at large gamma."""
    thetas = np.array([mm.widening_threshold(x * k, k) for x in GAMMAS])
    assert np.all(thetas < 1.0 / k**2)
    assert np.all(np.diff(thetas) < 0)                   # theta falls as gamma grows
    assert thetas[0] == pytest.approx(1.0 / k**2, rel=1e-3)
    assert all(_wider(x * k, 1.0 / k**2, k) for x in GAMMAS[GAMMAS > 1e-2])
    below = 0.9 / k**2
    assert not _wider(1e-2 * k, below, k)
    assert _wider(10.0 * k, below, k)


def test_widening_threshold_is_continuous_where_it_switches_to_the_series():
    k = 3.0
    lo, hi = mm.widening_threshold(k * (1e-4 - 1e-12), k), mm.widening_threshold(k * 1e-4, k)
    assert lo == pytest.approx(hi, rel=1e-9)


def test_simulated_book_income_matches_the_closed_form_and_shares_draws():
    params = mm.MarketMaker(otc_prob=0.0, n_steps=300)
    deltas = [0.0, 0.1, 0.3]
    rng = np.random.default_rng(5)
    table = mm.simulated_book_income(params, deltas, rng, n_paths=20)
    assert list(table.columns) == ["half_spread", "mean", "se"]
    assert table["half_spread"].tolist() == deltas
    for delta, mean, se in table.itertuples(index=False):
        expected = mm.expected_book_income(params.replace(half_spread=delta))
        assert abs(mean - expected) < 4 * se + 1e-12
    # rng is not advanced, and each half-spread is the run a fresh copy of rng gives
    again = mm.simulated_book_income(params, deltas, rng, n_paths=20)
    assert again.equals(table)
    one = mm.simulate(params.replace(half_spread=0.1), np.random.default_rng(5), n_paths=20)
    income = (one.components["spread_book"] + one.components["rebates"]).mean(axis=1)
    assert table["mean"][1] == pytest.approx(income.mean(), rel=1e-12)


def test_new_closed_forms_reject_bad_input_by_name():
    with pytest.raises(ValueError, match="gamma"):
        mm.widening_threshold(0.0, 1.0)
    with pytest.raises(ValueError, match="fill_decay"):
        mm.widening_threshold(1.0, -1.0)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="half_spreads"):
        mm.simulated_book_income(mm.MarketMaker(), [0.1, -0.1], rng)
    with pytest.raises(ValueError, match="half_spreads"):
        mm.simulated_book_income(mm.MarketMaker(), [], rng)
    with pytest.raises(ValueError, match="n_paths"):
        mm.simulated_book_income(mm.MarketMaker(), [0.1], rng, n_paths=1)
    with pytest.raises(ValueError, match="rng"):
        mm.simulated_book_income(mm.MarketMaker(), [0.1], 5)
    with pytest.raises(ValueError, match="mm"):
        mm.simulated_book_income(object(), [0.1], rng)


@settings(max_examples=40, deadline=None)
@given(k=st.floats(1.0, 50.0), vol=st.floats(1e-4, 0.01), s0=st.floats(10.0, 500.0))
def test_from_the_widening_horizon_on_every_gamma_quotes_wider(k, vol, s0):
    """With sigma_S = vol * s0 [USD per step]: at tau >= 1/(k sigma_S)^2 every gamma on the grid
    quotes wider than 2/k; at 0.9 of that horizon a slightly risk-averse maker quotes narrower."""
    params = mm.MarketMaker(s0=s0, volatility=vol, fill_decay=k)
    tau = mm.widening_horizon(params)
    sigma_usd = vol * s0
    for x in GAMMAS[GAMMAS > 1e-2]:
        _, spread = mm.avellaneda_stoikov(s0, 0.0, x * k, sigma_usd, tau, k)
        assert spread > 2.0 / k
    _, spread = mm.avellaneda_stoikov(s0, 0.0, 1e-2 * k, sigma_usd, 0.9 * tau, k)
    assert spread < 2.0 / k
    assert mm.widening_horizon(params.replace(volatility=0.0)) == math.inf
