"""Tests of the price-support model (toymarkets.models.pricesupport).

Invariants are checked with hypothesis over the whole valid parameter space;
statistical claims use fixed seeds and standard errors computed from the model's
own assumptions (not from its output). Rounding tolerances are relative to the
size of the numbers involved.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from toymarkets.figures import pricesupport as pp
from toymarkets.models import pricesupport as ps
from toymarkets.models.pricesupport import PriceSupport, simulate

FAST = settings(max_examples=60, deadline=None)

params_strategy = st.builds(
    PriceSupport,
    s0=st.floats(1e-2, 1e4),
    volatility=st.floats(0.0, 0.2),
    drift=st.floats(-0.02, 0.02),
    n_steps=st.integers(1, 60),
    rho=st.floats(-1.0, 1.0),
    business_growth=st.floats(-0.02, 0.02),
    business_volatility=st.floats(0.0, 0.2),
    support_level=st.floats(1e-2, 1e4),
    budget=st.one_of(st.just(0.0), st.floats(0.0, 1e9)),
    impact=st.floats(1e-3, 1e4),
    half_spread=st.floats(0.0, 0.49),
    client_trades=st.integers(0, 300),
    clip=st.floats(0.0, 10.0),
    hedge_ratio=st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0)),
)
seeds = st.integers(0, 2**32 - 1)
path_counts = st.integers(1, 6)


def run_of(params, seed, n_paths=1):
    return simulate(params, np.random.default_rng(seed), n_paths)


def close(a, b, scale, rel=1e-9):
    """Equal up to floating-point rounding relative to ``scale``."""
    return np.allclose(a, b, rtol=rel, atol=rel * np.maximum(scale, 1e-300))


# --- the budget -------------------------------------------------------------------------------

@FAST
@given(params_strategy, seeds, path_counts)
def test_budget_is_never_exceeded(params, seed, n_paths):
    run = run_of(params, seed, n_paths)
    assert np.all(run.budget_left >= 0.0)
    assert np.all(run.budget_left <= params.budget)
    assert np.all(np.diff(run.budget_left, axis=1) <= 0.0)       # only ever spent, never refilled
    assert np.all(run.budget_used() <= params.budget)
    assert np.all(run.support_cost >= 0.0) and np.all(run.support_bought >= 0.0)
    spent = params.budget - run.budget_left[:, 1:]
    assert close(spent, np.cumsum(run.support_cost, axis=1), params.budget)


@FAST
@given(params_strategy, seeds, st.floats(0.0, 1e9), st.floats(0.0, 1e9))
def test_a_bigger_budget_defends_at_least_as_long(params, seed, b1, b2):
    small, big = sorted((b1, b2))
    lo = run_of(params.replace(budget=small), seed, 3)
    hi = run_of(params.replace(budget=big), seed, 3)
    assert np.all(hi.days_defended() >= lo.days_defended())
    never = np.inf
    assert np.all(np.nan_to_num(hi.exhaustion_step(), nan=never)
                  >= np.nan_to_num(lo.exhaustion_step(), nan=never))


# --- the support rule -------------------------------------------------------------------------

@FAST
@given(params_strategy, seeds, path_counts)
def test_support_level_holds_while_budget_remains(params, seed, n_paths):
    run = run_of(params, seed, n_paths)
    level = params.support_level
    after = run.price[:, 1:]
    still_funded = run.budget_left[:, 1:] > 0.0
    assert np.all(after[still_funded] >= level)
    # the supporter buys only below the level, and never pushes the price above it
    bought = run.support_bought > 0
    assert np.all(run.fair_value[:, 1:][bought] < level)
    assert np.all(after[bought] <= level)
    # once the budget is gone the price is the fair value: it gaps down
    broke = run.budget_left[:, :-1] <= 0.0        # no budget left before the step
    assert np.array_equal(after[broke], run.fair_value[:, 1:][broke])


@FAST
@given(params_strategy, seeds, path_counts)
def test_price_follows_the_linear_impact_rule(params, seed, n_paths):
    run = run_of(params, seed, n_paths)
    expected = run.fair_value + params.impact * np.hstack(
        [np.zeros((n_paths, 1)), run.support_bought])
    assert close(run.price, expected, np.abs(run.price))
    assert np.all(run.price >= run.fair_value)


@FAST
@given(params_strategy, seeds, path_counts)
def test_support_only_ever_adds_to_inventory(params, seed, n_paths):
    run = run_of(params, seed, n_paths)
    from_clients = np.cumsum(run.client_flow + run.hedges, axis=1)
    from_support = run.inventory[:, 1:] - from_clients
    scale = np.cumsum(np.abs(run.client_flow) + np.abs(run.hedges) + run.support_bought, axis=1)
    assert close(from_support, np.cumsum(run.support_bought, axis=1), scale)


@FAST
@given(params_strategy, seeds, path_counts)
def test_the_hedge_lays_off_a_share_of_the_client_book_only(params, seed, n_paths):
    run = run_of(params, seed, n_paths)
    eta = params.hedge_ratio
    book = run.inventory[:, 1:] - np.cumsum(run.support_bought, axis=1)   # J_t
    scale = np.cumsum(np.abs(run.client_flow) + np.abs(run.hedges) + run.support_bought, axis=1)
    # what is left after the hedge is (1 - eta) of the book before it, the hedge eta of it
    assert close((1.0 - eta) * run.hedges, -eta * book, scale)
    if eta == 0.0:
        assert np.all(run.hedges == 0.0)
    if eta == 1.0:
        assert close(book, 0.0, scale)
        assert close(run.hedges, -run.client_flow, np.abs(run.client_flow))


# --- accounting -------------------------------------------------------------------------------

@FAST
@given(params_strategy, seeds, path_counts)
def test_every_cash_leg_equals_its_token_leg_at_the_traded_price(params, seed, n_paths):
    run = run_of(params, seed, n_paths)
    traded = run.price[:, 1:]
    assert close(run.support_cost, run.support_bought * traded, run.support_cost, rel=1e-12)
    # Rebuild the cash ledger trade by trade: N clients, each one clip, buy at the ask
    # P(1 + h) or sell at the bid P(1 - h); the supporter pays its cost.
    q, n, h = params.clip, params.client_trades, params.half_spread
    if q > 0:
        sells = (n + run.client_flow / q) / 2.0
        buys = n - sells
        legs = (q * buys * traded * (1 + h) - q * sells * traded * (1 - h) - run.support_cost
                - run.hedges * traded)
        # cash is a running sum: rounding is relative to its level as well as to the legs
        scale = (q * n * traded * (1 + h) + run.support_cost + np.abs(run.hedges) * traded
                 + np.abs(run.cash[:, 1:]))
        assert close(np.diff(run.cash, axis=1), legs, scale)
    else:
        assert np.all(run.client_flow == 0.0)


@FAST
@given(params_strategy, seeds, path_counts)
def test_pnl_components_sum_to_the_mark_to_market(params, seed, n_paths):
    run = run_of(params, seed, n_paths)
    totals = run.totals()
    scale = sum(np.abs(run.components[k]).sum(axis=1) for k in ps.COMPONENTS)
    scale = scale + np.abs(run.cash).max(axis=1) + np.abs(run.inventory * run.price).max(axis=1)
    total = totals[list(ps.COMPONENTS)].sum(axis=1).to_numpy()
    assert close(totals["total"].to_numpy(), total, scale)
    assert close(run.mark_to_market(), total, scale)
    assert close(run.path_frame(n_paths - 1)["total"].iloc[-1], total[-1], scale[-1])
    # summation by parts: the support premium is the final mark-up less the premiums paid
    gap = run.price - run.fair_value
    paid = (np.diff(run.inventory, axis=1) * gap[:, 1:]).sum(axis=1)
    premium = run.inventory[:, -1] * gap[:, -1] - paid
    assert close(totals["support"].to_numpy(), premium, scale)
    assert close(run.mark_to_fair_value(), total - run.inventory[:, -1] * gap[:, -1], scale)


@FAST
@given(params_strategy, seeds, st.floats(0.0, 1e6), st.sampled_from(["market", "fair"]))
def test_balance_sheet_equity_is_capital_plus_pnl(params, seed, capital, mark):
    run = run_of(params, seed, 2)
    sheet = ps.balance_sheet(run, capital, 1, mark=mark)
    pnl = run.mark_to_market() if mark == "market" else run.mark_to_fair_value()
    scale = capital + np.abs(run.cash[1, -1]) + sheet.total_assets + sheet.total_liabilities
    assert math.isclose(sheet.equity, capital + pnl[1], rel_tol=1e-9, abs_tol=1e-9 * scale)


# --- support off versus on --------------------------------------------------------------------

@FAST
@given(params_strategy, seeds, path_counts)
def test_without_budget_there_is_no_support(params, seed, n_paths):
    run = run_of(params.replace(budget=0.0), seed, n_paths)
    assert np.all(run.support_bought == 0.0) and np.all(run.support_cost == 0.0)
    assert np.array_equal(run.price, run.fair_value)
    assert np.array_equal(run.inventory[:, 1:], np.cumsum(run.client_flow + run.hedges, axis=1))
    assert np.all(run.components["support"] == 0.0)
    assert np.all(run.days_defended() == 0)
    assert np.all(run.exhaustion_step() == 0)


@pytest.mark.parametrize("seed", [11, 12, 13])
@pytest.mark.parametrize("drift", [-0.01, 0.0])
def test_without_support_inventory_is_driftless(seed, drift):
    params = PriceSupport(budget=0.0, drift=drift, n_steps=50, client_trades=40, clip=0.1,
                          hedge_ratio=0.0)
    n = 4000
    run = run_of(params, seed, n)
    final = run.inventory[:, -1]
    # each client trade is +-clip with equal chance: sd of the sum is clip * sqrt(N T)
    se = params.clip * math.sqrt(params.client_trades * params.n_steps) / math.sqrt(n)
    assert abs(final.mean()) < 4.0 * se


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_with_support_inventory_drifts_long_in_a_falling_market(seed):
    params = PriceSupport(drift=-0.01, n_steps=60, support_level=25.0, budget=1e6)
    n = 500
    on = run_of(params, seed, n)
    off = run_of(params.replace(budget=0.0), seed, n)
    extra = on.inventory[:, -1] - off.inventory[:, -1]
    assert np.all(extra >= 0.0)
    final = on.inventory[:, -1]
    assert final.mean() > 5.0 * final.std(ddof=1) / math.sqrt(n)
    # and it keeps drifting: mean inventory is larger at the end than halfway
    assert final.mean() > on.inventory[:, params.n_steps // 2].mean()
    # a path whose fair value fell below the level saw the supporter buy
    dipped = (on.fair_value[:, 1:] < params.support_level).any(axis=1)
    assert np.all(on.support_bought[dipped].sum(axis=1) > 0)


# --- correlation with the exchange's business -------------------------------------------------

@FAST
@given(params_strategy, seeds, st.sampled_from([-1.0, 1.0]))
def test_perfect_correlation_ties_the_token_to_the_business(params, seed, rho):
    params = params.replace(rho=rho, volatility=max(params.volatility, 1e-3),
                            business_volatility=max(params.business_volatility, 1e-3),
                            n_steps=max(params.n_steps, 5))
    run = run_of(params, seed, 1)
    token_shock = np.diff(np.log(run.fair_value[0])) - params.drift + 0.5 * params.volatility**2
    business_shock = np.diff(run.business[0]) - params.business_growth
    ratio = params.volatility / params.business_volatility
    # increments of log F are recovered from levels: rounding is relative to the level
    level = 1.0 + np.abs(np.log(run.fair_value)).max()
    assert close(token_shock, rho * ratio * business_shock, level)


@pytest.mark.parametrize("rho", [-0.6, 0.0, 0.3, 0.9])
def test_shock_correlation_is_rho(rho):
    params = PriceSupport(rho=rho, n_steps=20)
    run = run_of(params, 5, 1000)
    token = np.diff(np.log(run.fair_value), axis=1).ravel()
    business = np.diff(run.business, axis=1).ravel()
    corr = np.corrcoef(token, business)[0, 1]
    se = (1.0 - rho**2) / math.sqrt(token.size)   # large-sample sd of a normal sample correlation
    assert abs(corr - rho) < 5.0 * se + 1e-12


@pytest.mark.parametrize("seed", [31, 32])
@pytest.mark.parametrize("rho", [0.8, -0.8])
def test_with_support_the_house_is_long_its_exchange(seed, rho):
    n = 1500
    run = run_of(PriceSupport(rho=rho, n_steps=120), seed, n)
    corr = run.success_correlation()
    assert np.sign(corr) == np.sign(rho)
    assert abs(corr) > 5.0 / math.sqrt(n)


@pytest.mark.parametrize("seed", [41, 42])
def test_uncorrelated_token_gives_uncorrelated_pnl(seed):
    n = 1500
    run = run_of(PriceSupport(rho=0.0, n_steps=120), seed, n)
    # B_T is normal and independent of the P&L: the sample correlation has sd 1/sqrt(n - 1)
    assert abs(run.success_correlation()) < 4.0 / math.sqrt(n - 1)


@FAST
@given(params_strategy, seeds)
def test_exposure_and_correlation_agree(params, seed):
    run = run_of(params.replace(volatility=max(params.volatility, 1e-3),
                                business_volatility=max(params.business_volatility, 1e-3)),
                 seed, 5)
    pnl, growth = run.mark_to_market(), run.business[:, -1]
    if pnl.std() > 1e-9 * (np.abs(pnl).max() + 1.0):
        # the least-squares slope is the correlation times sd(P&L) / sd(B)
        expected = run.success_correlation() * pnl.std() / growth.std()
        assert math.isclose(run.success_beta(), expected, rel_tol=1e-6, abs_tol=1e-9)


@pytest.mark.parametrize("seed", [51, 52])
def test_support_multiplies_the_exposure_to_the_business(seed):
    n, params = 1500, PriceSupport(n_steps=120)
    on = run_of(params, seed, n)
    off = run_of(params.replace(budget=0.0), seed, n)
    growth = on.business[:, -1]

    def se(run):   # standard error of a least-squares slope
        resid = run.mark_to_market() - run.success_beta() * (growth - growth.mean())
        return resid.std(ddof=2) / (growth.std() * math.sqrt(n))

    assert on.success_beta() - off.success_beta() > 5.0 * math.hypot(se(on), se(off))


def test_success_correlation_is_nan_without_spread_and_needs_three_paths():
    flat = PriceSupport(volatility=0.0, business_volatility=0.0, client_trades=0, budget=0.0)
    assert math.isnan(run_of(flat, 1, 5).success_correlation())
    assert math.isnan(run_of(flat, 1, 5).success_beta())
    with pytest.raises(ValueError, match="n_paths"):
        run_of(PriceSupport(), 1, 2).success_correlation()
    with pytest.raises(ValueError, match="n_paths"):
        run_of(PriceSupport(), 1, 2).success_beta()


# --- Kyle's lambda ----------------------------------------------------------------------------

@given(st.floats(1e-3, 1e6), st.floats(1e-3, 1e6))
def test_kyle_lambda_is_an_equilibrium(value_sd, noise_sd):
    lam = ps.kyle_lambda(value_sd, noise_sd)
    beta = 1.0 / (2.0 * lam)                        # the insider's best reply to lam
    efficient = beta * value_sd**2 / (beta**2 * value_sd**2 + noise_sd**2)   # E[v | y] slope
    assert math.isclose(lam, efficient, rel_tol=1e-12)
    assert math.isclose(beta, noise_sd / value_sd, rel_tol=1e-12)


def test_kyle_lambda_by_simulation():
    value_sd, noise_sd, n = 2.0, 0.5, 200_000
    rng = np.random.default_rng(7)
    value = value_sd * rng.standard_normal(n)
    flow = (noise_sd / value_sd) * value + noise_sd * rng.standard_normal(n)
    slope = (value @ flow) / (flow @ flow)
    lam = ps.kyle_lambda(value_sd, noise_sd)
    # OLS slope s.e.: sqrt(Var(v | y) / (n Var(y))) = sqrt((value_sd^2 / 2) / (2 n noise_sd^2))
    assert abs(slope - lam) < 5.0 * lam / math.sqrt(n)
    # the price reveals half the insider's information: Var(v | y) = value_sd^2 / 2
    resid = value - lam * flow
    assert abs(resid.var() / (value_sd**2 / 2) - 1.0) < 5.0 * math.sqrt(2.0 / n)


def test_default_impact_is_kyles_depth_for_the_default_client_flow():
    p = PriceSupport()
    noise_sd = p.clip * math.sqrt(p.client_trades)
    assert math.isclose(p.impact, ps.kyle_lambda(p.s0 * p.volatility, noise_sd), rel_tol=1e-12)
    flow = run_of(p.replace(n_steps=200), 3, 200).client_flow
    assert abs(flow.std() / noise_sd - 1.0) < 5.0 / math.sqrt(2 * flow.size)


# --- determinism, immutability, helpers -------------------------------------------------------

def test_same_seed_same_run():
    a, b = run_of(PriceSupport(), 9, 4), run_of(PriceSupport(), 9, 4)
    for field in ("fair_value", "price", "business", "inventory", "cash", "budget_left"):
        assert np.array_equal(getattr(a, field), getattr(b, field))


def test_parameters_and_runs_are_frozen():
    p = PriceSupport()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.budget = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        run_of(p, 1).params = p


def test_frames_have_one_row_per_path_or_step():
    p = PriceSupport(n_steps=30)
    run = run_of(p, 1, 4)
    assert run.totals().shape == (4, len(ps.COMPONENTS) + 1)
    assert len(run.summary()) == 4
    frame = run.path_frame(2)
    assert len(frame) == p.n_steps + 1
    assert np.array_equal(frame["price"].to_numpy(), run.price[2])


def test_exhaustion_step_marks_where_the_budget_ran_out():
    run = run_of(PriceSupport(drift=-0.02, support_level=25.0, budget=50.0, n_steps=100), 2, 3)
    steps = run.exhaustion_step()
    for path, step in enumerate(steps):
        assert not np.isnan(step)
        step = int(step)
        assert run.budget_left[path, step] == 0.0 and run.budget_left[path, step - 1] > 0.0
        # the last purchase spent exactly what was left
        assert run.support_cost[path, step - 1] == run.budget_left[path, step - 1]
    generous = run_of(PriceSupport(drift=0.0, volatility=0.0, budget=1.0), 2, 3)
    assert np.all(np.isnan(generous.exhaustion_step()))


# --- bad input --------------------------------------------------------------------------------

BAD = [
    ("s0", 0.0), ("s0", -1.0), ("s0", 2e4), ("s0", math.nan),
    ("volatility", -0.01), ("volatility", 0.3), ("volatility", math.inf),
    ("drift", -0.05), ("drift", 0.05),
    ("n_steps", 0), ("n_steps", 10_001), ("n_steps", 2.5), ("n_steps", True),
    ("rho", -1.01), ("rho", 1.5), ("rho", math.nan), ("rho", "0.5"),
    ("business_growth", 0.03), ("business_growth", -0.03),
    ("business_volatility", -0.1), ("business_volatility", 0.25),
    ("support_level", 0.0), ("support_level", -5.0), ("support_level", 1e5),
    ("budget", -1.0), ("budget", math.inf), ("budget", 2e9),
    ("impact", 0.0), ("impact", -1.0), ("impact", 1e5),
    ("half_spread", -0.001), ("half_spread", 0.5),
    ("client_trades", -1), ("client_trades", 1.5), ("client_trades", 10_001),
    ("clip", -0.1), ("clip", 1e4),
    ("hedge_ratio", -0.1), ("hedge_ratio", 1.1),
]


@pytest.mark.parametrize("name,value", BAD)
def test_bad_parameters_raise_naming_the_parameter(name, value):
    with pytest.raises(ValueError, match=name):
        PriceSupport(**{name: value})
    with pytest.raises(ValueError, match=name):
        PriceSupport().replace(**{name: value})


def test_bad_calls_raise():
    with pytest.raises(ValueError, match="no parameter"):
        PriceSupport().replace(float_=1.0)
    with pytest.raises(ValueError, match="params"):
        simulate(object(), np.random.default_rng(1))
    with pytest.raises(ValueError, match="rng"):
        simulate(PriceSupport(), 1)
    with pytest.raises(ValueError, match="n_paths"):
        simulate(PriceSupport(), np.random.default_rng(1), 0)
    with pytest.raises(ValueError, match="value_sd"):
        ps.kyle_lambda(0.0, 1.0)
    with pytest.raises(ValueError, match="noise_sd"):
        ps.kyle_lambda(1.0, -1.0)
    run = run_of(PriceSupport(n_steps=5), 1, 2)
    with pytest.raises(ValueError, match="capital"):
        ps.balance_sheet(run, -1.0)
    with pytest.raises(ValueError, match="path"):
        ps.balance_sheet(run, 1.0, path=2)
    with pytest.raises(ValueError, match="mark"):
        ps.balance_sheet(run, 1.0, mark="book")
    with pytest.raises(ValueError, match="path"):
        run.path_frame(5)


# --- figures ----------------------------------------------------------------------------------

def test_figures_draw_labelled_axes():
    params = PriceSupport(drift=-0.01, n_steps=60, budget=100.0)
    run, off = run_of(params, 1, 5), run_of(params.replace(budget=0.0), 1, 5)
    figures = [pp.support_path(run, 1, without=off, title="t"),
               pp.pnl_against_business({"on": run, "off": off}, title="t"),
               pp.budget_runs_out(run, 2, title="t"),
               pp.SupportPanels(60, price_lim=(0, 60), growth_lim=(-1, 1),
                                pnl_lim=(-1e3, 1e3)).show(run, 0, title="t")]
    for fig in figures:
        assert isinstance(fig, Figure)
        for ax in fig.axes:
            assert "[" in ax.get_ylabel() and "[" in ax.get_xlabel()
    with pytest.raises(ValueError, match="path"):
        pp.support_path(run, 5, title="t")
    with pytest.raises(ValueError, match="run"):
        pp.budget_runs_out(object(), title="t")
    with pytest.raises(ValueError, match="groups"):
        pp.pnl_against_business({}, title="t")


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_steps=st.integers(2, 60))
def test_marks_at_every_step_follow_the_p_and_l(seed, n_steps):
    """Marked at market, wealth after step t is the cumulative P&L to t; at fair value it is
    that less the inventory times the price's premium over fair value."""
    run = ps.simulate(ps.PriceSupport(n_steps=n_steps), np.random.default_rng(seed), n_paths=3)
    cumulative = sum(np.cumsum(run.components[k], axis=1) for k in ps.COMPONENTS)
    for t in (1, n_steps // 2, n_steps):
        np.testing.assert_allclose(run.mark_to_market(t), cumulative[:, t - 1],
                                   rtol=1e-9, atol=1e-9)
        gap = run.price[:, t] - run.fair_value[:, t]
        np.testing.assert_allclose(run.mark_to_fair_value(t),
                                   run.mark_to_market(t) - run.inventory[:, t] * gap,
                                   rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(run.mark_to_market(), run.mark_to_market(n_steps))
    with pytest.raises(ValueError, match="step"):
        run.mark_to_market(n_steps + 1)


# --- what a bigger budget buys ----------------------------------------------------------------

def test_support_by_budget_summarises_one_run_per_budget():
    params = PriceSupport(n_steps=120)
    rng = np.random.default_rng(9)
    table = ps.support_by_budget(params, [0.0, 100.0, 400.0], rng, n_paths=30)
    assert list(table.columns) == list(ps.BUDGET_COLUMNS.values())
    assert table.index.tolist() == [0.0, 100.0, 400.0]
    for budget, row in table.iterrows():
        run = simulate(params.replace(budget=budget), np.random.default_rng(9), 30)
        pnl = run.mark_to_market()
        expected = [np.mean(~np.isnan(run.exhaustion_step())), run.days_defended().mean(),
                    run.inventory[:, -1].mean(), pnl.mean(), pnl.std(ddof=1),
                    run.success_beta()]
        np.testing.assert_allclose(row.to_numpy(), expected, rtol=1e-12)
    # common random numbers: rng is not advanced, and more money defends at least as long
    assert table.equals(ps.support_by_budget(params, [0.0, 100.0, 400.0], rng, n_paths=30))
    days = table[ps.BUDGET_COLUMNS["days"]].to_numpy()
    assert np.all(np.diff(days) >= 0) and days[0] == 0.0


def test_support_by_budget_rejects_bad_input_by_name():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="budgets"):
        ps.support_by_budget(PriceSupport(), [100.0, -1.0], rng, n_paths=3)
    with pytest.raises(ValueError, match="budgets"):
        ps.support_by_budget(PriceSupport(), [], rng, n_paths=3)
    with pytest.raises(ValueError, match="n_paths"):
        ps.support_by_budget(PriceSupport(), [100.0], rng, n_paths=2)
    with pytest.raises(ValueError, match="rng"):
        ps.support_by_budget(PriceSupport(), [100.0], 3)
    with pytest.raises(ValueError, match="params"):
        ps.support_by_budget(object(), [100.0], rng)
