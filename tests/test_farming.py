"""Tests of the farming model (toymarkets.models.farming).

Two parts. The farm: the closed forms of Tullock's contest (and the book's own for
farmers with different costs) against brute-force best responses on a grid and
against a fixed-point iteration of best responses, with the invariants of a pro-rata
farm. The loan: accounting identities, the margin-call rule, defaults and exposures,
checked against the core balance-sheet types they must agree with. Expected values
are derived by hand or by brute force, never copied from the code under test.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from toymarkets.core.balancesheet import BalanceSheet, Receivable
from toymarkets.core.solvers import ConvergenceError
from toymarkets.figures import farming as fp
from toymarkets.models import farming as fm
from toymarkets.models.farming import Farm, FarmLoan, simulate

FAST = settings(max_examples=60, deadline=None)

rewards = st.floats(1e-2, 1e6)
costs = st.floats(1e-3, 5.0)
seeds = st.integers(0, 2**32 - 1)


def grid_best_response(reward, cost, others, points=200_001):
    """Brute force: the best capital on a fine grid of [0, R/c] (more is never worth it)."""
    grid = np.linspace(0.0, reward / cost, points)
    profit = reward * grid / (grid + others) - cost * grid
    i = int(np.argmax(profit))
    return grid[i], profit[i], grid[1] - grid[0]


# =========================================================================== the farm

@FAST
@given(rewards, costs, st.floats(1e-3, 2.0))
def test_best_response_is_the_grid_maximum(reward, cost, others_share):
    others = others_share * reward / cost              # rivals from a sliver to twice R/c
    best, top, step = grid_best_response(reward, cost, others)
    k = fm.best_response(reward, cost, others)
    assert abs(k - best) <= step
    # no capital on the grid earns more than the closed form's
    assert fm.farmer_profit(reward, cost, k, others) >= top - 1e-9 * reward
    if others * cost >= reward:
        assert k == 0.0                # the farm already yields less than capital costs


@FAST
@given(rewards, costs, st.integers(2, 40))
def test_symmetric_equilibrium_is_a_best_response_to_itself(reward, cost, n):
    k = fm.symmetric_capital(reward, cost, n)
    others = (n - 1) * k
    assert math.isclose(fm.best_response(reward, cost, others), k, rel_tol=1e-9)
    best, top, step = grid_best_response(reward, cost, others)
    assert abs(best - k) <= step
    assert fm.farmer_profit(reward, cost, k, others) >= top - 1e-9 * reward


def test_closed_forms_at_hand_computed_points():
    # R = 160, c = 1, n = 4: each farmer 160 * 3 / 16 = 30, total 120, profit 40 - 30 = 10
    assert fm.symmetric_capital(160.0, 1.0, 4) == pytest.approx(30.0, rel=1e-15)
    assert fm.total_capital(160.0, 1.0, 4) == pytest.approx(120.0, rel=1e-15)
    assert fm.equilibrium_profit(160.0, 4) == pytest.approx(10.0, rel=1e-15)
    assert fm.dissipation(4) == pytest.approx(0.75, rel=1e-15)
    # two farmers each spend a quarter of the reward on capital: half of it is dissipated
    assert 0.1 * fm.symmetric_capital(100.0, 0.1, 2) == pytest.approx(25.0, rel=1e-15)
    assert fm.equilibrium_yield(0.1, 2) == pytest.approx(0.2, rel=1e-15)
    # two farmers with costs 1 and 2, R = 9: K = 9/3 = 3, k = 3(1 - 1/3) = 2 and 3(1 - 2/3) = 1
    assert fm.asymmetric_capital(9.0, [1.0, 2.0]) == pytest.approx([2.0, 1.0], rel=1e-14)
    # costs 1, 1, 3: 2 * 3 >= 5, so the dear farmer stays out and the other two play n = 2
    assert fm.asymmetric_capital(8.0, [1.0, 3.0, 1.0]) == pytest.approx([2.0, 0.0, 2.0],
                                                                        rel=1e-14)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 8, 13, 30])
def test_symmetric_closed_forms_match_best_response_dynamics(n):
    farm = Farm(reward=100.0, cost_of_capital=0.1, n_farmers=n)
    point = fm.best_response_dynamics(farm)
    assert point.converged and point.iterations > 1
    assert point.x == pytest.approx(np.full(n, fm.symmetric_capital(100.0, 0.1, n)), rel=1e-9)
    eq = fm.solve(farm)
    assert eq.total_capital == pytest.approx(fm.total_capital(100.0, 0.1, n), rel=1e-12)
    assert eq.yield_per_dollar == pytest.approx(fm.equilibrium_yield(0.1, n), rel=1e-12)
    assert eq.dissipation == pytest.approx(fm.dissipation(n), rel=1e-12)
    assert eq.profits == pytest.approx(np.full(n, fm.equilibrium_profit(100.0, n)), rel=1e-9)


@FAST
@given(rewards, st.lists(st.floats(1e-2, 2.0), min_size=2, max_size=7))
def test_asymmetric_capital_is_a_nash_equilibrium(reward, cost_list):
    """Every farmer best-responds to the others: the book's closed form, by brute force."""
    c = np.array(cost_list)
    k = fm.asymmetric_capital(reward, c)
    assert np.all(k >= 0) and np.count_nonzero(k) >= 2
    total = k.sum()
    for i, ci in enumerate(c):
        others = total - k[i]
        assert fm.best_response(reward, ci, others) == pytest.approx(k[i], rel=1e-7,
                                                                     abs=1e-9 * total)
        best, top, step = grid_best_response(reward, ci, others, points=20_001)
        assert abs(best - k[i]) <= step
        assert fm.farmer_profit(reward, ci, k[i], others) >= top - 1e-9 * reward


@pytest.mark.parametrize("n,ratio", [(2, 0.5), (2, 0.05), (3, 0.2), (5, 0.2), (5, 0.05),
                                     (10, 0.3)])
def test_insider_closed_form_matches_best_response_dynamics(n, ratio):
    farm = Farm(reward=100.0, cost_of_capital=0.1, n_farmers=n, insider_cost=0.1 * ratio)
    point = fm.best_response_dynamics(farm)
    assert point.x == pytest.approx(fm.solve(farm).capital, rel=1e-8)


@FAST
@given(st.floats(1.0, 1e3), st.floats(0.01, 1.0), st.integers(2, 12), st.floats(0.05, 1.0))
def test_rewards_paid_equal_rewards_received(reward, cost, n, ratio):
    eq = fm.solve(Farm(reward, cost, n, insider_cost=cost * ratio))
    assert eq.rewards.sum() == pytest.approx(reward, rel=1e-12)
    assert eq.profits == pytest.approx(eq.rewards - eq.costs * eq.capital, rel=1e-12, abs=1e-12)
    # nobody makes a loss in equilibrium: staying out earns zero
    assert np.all(eq.profits >= -1e-12 * reward)


@FAST
@given(rewards, st.floats(0.0, 1e6), st.floats(0.0, 1e6), st.floats(1e-6, 1e6))
def test_more_rival_capital_never_raises_the_yield_per_dollar(reward, a, b, own):
    low, high = sorted((a, b))
    assert fm.yield_per_dollar(reward, own + high) <= fm.yield_per_dollar(reward, own + low)


@FAST
@given(rewards, costs, st.integers(2, 5000), st.integers(1, 5000))
def test_more_competitors_never_raise_the_equilibrium_yield(reward, cost, n, extra):
    m = n + extra
    assert fm.equilibrium_yield(cost, m) <= fm.equilibrium_yield(cost, n)
    assert fm.equilibrium_yield(cost, m) > cost                 # always above the cost
    assert fm.total_capital(reward, cost, m) >= fm.total_capital(reward, cost, n)
    assert fm.total_capital(reward, cost, m) < reward / cost
    assert fm.dissipation(m) >= fm.dissipation(n)
    assert fm.equilibrium_profit(reward, m) <= fm.equilibrium_profit(reward, n)


def test_the_crowded_limit_dissipates_the_whole_rent():
    n = 10_000_000
    assert fm.equilibrium_yield(0.1, n) == pytest.approx(0.1, rel=1e-6)
    assert fm.total_capital(100.0, 0.1, n) == pytest.approx(1000.0, rel=1e-6)
    assert fm.dissipation(n) == pytest.approx(1.0, rel=1e-6)


@FAST
@given(st.floats(1.0, 1e3), st.floats(0.01, 1.0), st.integers(2, 10), st.floats(0.05, 1.0),
       st.floats(0.05, 1.0))
def test_cheaper_capital_buys_a_bigger_share(reward, cost, n, r1, r2):
    cheap, dear = sorted((r1, r2))
    a = fm.solve(Farm(reward, cost, n, insider_cost=cost * cheap))
    b = fm.solve(Farm(reward, cost, n, insider_cost=cost * dear))
    assert a.rewards[0] >= b.rewards[0] * (1 - 1e-12)
    assert a.profits[0] >= b.profits[0] * (1 - 1e-12)
    assert np.all(a.capital[1:] <= b.capital[1:] * (1 + 1e-12) + 1e-12)


def test_undamped_best_responses_cycle_or_diverge_from_four_farmers():
    x = np.array([1.0, 1.5, 2.0, 2.5, 3.0])
    with pytest.raises((ConvergenceError, ValueError)):
        fm.best_response_dynamics(Farm(n_farmers=5), 100.0 * x, damping=1.0, max_iter=2000)
    # two and three farmers converge undamped, as the eigenvalues 0 and -1/2, 1/4 say
    for n in (2, 3):
        point = fm.best_response_dynamics(Farm(n_farmers=n), 100.0 * x[:n], damping=1.0)
        assert point.x == pytest.approx(fm.solve(Farm(n_farmers=n)).capital, rel=1e-9)


def test_crowding_agrees_with_the_closed_forms():
    out = fm.crowding(Farm(), [2, 3, 7, 20])
    assert out.total_iterated == pytest.approx(out.total, rel=1e-9)
    assert out.capital * out.n == pytest.approx(out.total, rel=1e-12)
    assert out.limit_capital == pytest.approx(1000.0)
    assert list(out.frame().index) == [2, 3, 7, 20]


# =========================================================================== the loan

loans = st.builds(
    lambda haircut, ltv_share, **kw: FarmLoan(haircut=haircut,
                                              loan_to_value=ltv_share * (1 - haircut), **kw),
    haircut=st.floats(0.0, 0.9),
    ltv_share=st.floats(0.05, 1.0),
    tokens=st.floats(0.1, 1e3),
    price=st.floats(0.1, 1e3),
    volatility=st.floats(1e-3, 0.2),
    drift=st.floats(-0.01, 0.01),
    n_days=st.integers(1, 120),
    buffer=st.one_of(st.just(0.0), st.floats(0.0, 1e4)),
    farm_yield=st.floats(0.0, 1.0),
    interest=st.floats(0.0, 0.5),
    daily_volume=st.floats(0.01, 1e3),
    impact_y=st.floats(0.1, 3.0),
    distress_gap=st.floats(0.0, 0.9),
    exempt=st.booleans(),
)
path_counts = st.integers(1, 5)


def run_of(loan, seed, n_paths=1):
    return simulate(loan, np.random.default_rng(seed), n_paths)


def close(a, b, scale, rel=1e-9):
    return np.allclose(a, b, rtol=rel, atol=rel * np.maximum(scale, 1e-300))


@FAST
@given(loans, seeds, path_counts)
def test_calls_paid_and_the_loan_left_add_up_to_the_loan(loan, seed, n_paths):
    run = run_of(loan, seed, n_paths)
    L0 = loan.principal
    open_ = ~run.liquidated()
    good = ~run.breached()
    paid = run.paid.sum(axis=1)
    assert np.all(run.paid >= 0) and np.all(run.call >= 0)
    assert close(paid[good] + run.principal[good, -1], L0, L0)
    # a liquidated loan: calls paid, plus what the sale recovered, plus the loss, is the loan
    gone = run.liquidated()
    assert close(paid[gone] + run.recovery[gone] + run.realised_loss[gone], L0, L0)
    assert np.all(run.principal[open_ & good] <= L0 * (1 + 1e-12))
    assert np.all(np.diff(run.principal[good], axis=1) <= 1e-12 * L0)   # paid down, never up


@FAST
@given(loans, seeds, path_counts)
def test_a_paying_borrower_stays_within_the_haircut(loan, seed, n_paths):
    run = run_of(loan, seed, n_paths)
    capacity = (1 - loan.haircut) * loan.tokens * run.price
    t = np.arange(run.price.shape[1])
    in_good_standing = t[None, :] < np.nan_to_num(run.breach_day, nan=np.inf)[:, None]
    assert np.all(run.principal[in_good_standing]
                  <= capacity[in_good_standing] + 1e-9 * loan.principal)
    # a call is exactly what restores the loan to capacity
    before = run.principal[:, :-1][in_good_standing[:, 1:]]
    cap = capacity[:, 1:][in_good_standing[:, 1:]]
    assert close(run.call[in_good_standing[:, 1:]], np.maximum(0.0, before - cap),
                 loan.principal)


@FAST
@given(loans, seeds, path_counts)
def test_the_first_call_comes_the_first_day_below_the_call_price(loan, seed, n_paths):
    run = run_of(loan, seed, n_paths)
    threshold = fm.call_price(loan)
    below = run.price[:, 1:] < threshold * (1 - 1e-9)
    above = run.price[:, 1:] > threshold * (1 + 1e-9)
    called = run.call > 0
    first_call = np.where(called.any(axis=1), np.argmax(called, axis=1), np.inf)
    first_below = np.where(below.any(axis=1), np.argmax(below, axis=1), np.inf)
    unclear = ~(below | above)            # within rounding of the threshold: either may happen
    open_until = np.nan_to_num(run.breach_day, nan=np.inf)      # a sold-out loan gets no call
    for i in range(run.n_paths):
        if not unclear[i].any() and first_below[i] + 1 <= open_until[i]:
            assert first_call[i] == first_below[i]
        if first_call[i] + 1 < open_until[i]:           # in good standing: no call above it
            assert first_call[i] >= first_below[i]


@FAST
@given(loans, seeds, path_counts)
def test_a_borrower_that_is_not_exempt_never_runs_negative(loan, seed, n_paths):
    run = run_of(loan.replace(exempt=False), seed, n_paths)
    assert np.all(run.cash >= -1e-9 * (loan.buffer + loan.principal))
    gone = run.liquidated()
    t = np.arange(run.price.shape[1])
    after = t[None, :] >= np.nan_to_num(run.breach_day, nan=np.inf)[:, None]
    assert np.all(run.tokens[after] == 0) and np.all(run.principal[after] == 0)
    assert np.all(run.tokens[~after] == loan.tokens)
    assert np.array_equal(gone, run.breached())


@FAST
@given(loans, seeds, path_counts)
def test_an_exempt_borrower_is_never_sold_out(loan, seed, n_paths):
    exempt = run_of(loan.replace(exempt=True), seed, n_paths)
    strict = run_of(loan.replace(exempt=False), seed, n_paths)
    assert not exempt.liquidated().any()
    assert np.all(exempt.tokens == loan.tokens)
    assert np.all(exempt.realised_loss == 0)
    assert np.array_equal(np.isnan(exempt.breach_day), np.isnan(strict.breach_day))
    # identical until the first day the borrower cannot pay
    t = np.arange(exempt.price.shape[1])
    before = t[None, :] < np.nan_to_num(exempt.breach_day, nan=np.inf)[:, None]
    for name in ("price", "principal", "cash", "interest_paid"):
        assert np.array_equal(getattr(exempt, name)[before], getattr(strict, name)[before]), name
    # after it, no call is paid, and the unpaid interest is added to the loan
    assert np.all(exempt.paid[~before[:, 1:]] == 0)
    assert np.all(np.diff(exempt.principal, axis=1)[~before[:, 1:]] >= 0)


@FAST
@given(loans, seeds, path_counts)
def test_exposure_at_liquidation_is_at_least_exposure_at_mark(loan, seed, n_paths):
    run = run_of(loan, seed, n_paths)
    x, xm = run.exposure(), run.exposure_at_mark()
    assert np.all(xm >= 0) and np.all(x >= xm - 1e-9 * loan.principal)
    assert np.all(x <= run.principal + 1e-9 * loan.principal)
    assert np.all(run.loss_at_close() >= run.loss_at_close_at_mark() - 1e-9 * loan.principal)


@FAST
@given(loans, seeds, path_counts)
def test_a_loan_within_its_haircut_is_exposed_only_by_what_a_sale_loses_beyond_it(
        loan, seed, n_paths):
    """X_t <= max(0, d - h) Q P_t while L_t <= (1 - h) Q P_t."""
    run = run_of(loan, seed, n_paths)
    d = fm.liquidation_discount(loan)
    within = run.principal <= (1 - loan.haircut) * run.mark()
    bound = max(0.0, d - loan.haircut) * run.mark()
    assert np.all(run.exposure()[within] <= bound[within] + 1e-9 * loan.principal)


@FAST
@given(loans, seeds, path_counts)
def test_a_liquidation_recovers_the_distressed_sale(loan, seed, n_paths):
    run = run_of(loan.replace(exempt=False), seed, n_paths)
    d, g = fm.liquidation_discount(loan), loan.distress_gap
    for i in np.flatnonzero(run.liquidated()):
        tau = int(run.breach_day[i])
        owed = run.principal[i, tau - 1]
        sale = (1 - g) * (1 - d) * loan.tokens * run.price[i, tau]
        assert math.isclose(run.recovery[i], min(owed, sale), rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(run.realised_loss[i], max(0.0, owed - sale), rel_tol=1e-9,
                            abs_tol=1e-9 * owed)


@FAST
@given(loans, seeds, path_counts, st.integers(0, 10_000), st.integers(0, 10_000))
def test_the_run_agrees_with_the_core_balance_sheet_types(loan, seed, n_paths, i, t):
    run = run_of(loan, seed, n_paths)
    i, t = i % n_paths, t % (loan.n_days + 1)
    claim = fm.receivable(run, i, t)
    assert isinstance(claim, Receivable) and claim.collateral.kind == "house"
    scale = loan.principal
    assert math.isclose(claim.exposure, run.exposure()[i, t], rel_tol=1e-9, abs_tol=1e-9 * scale)
    assert math.isclose(claim.exposure_at_mark, run.exposure_at_mark()[i, t], rel_tol=1e-9,
                        abs_tol=1e-9 * scale)
    assert math.isclose(claim.collateral_liquidation, run.liquidation_value()[i, t],
                        rel_tol=1e-9, abs_tol=1e-9 * scale)
    # the day's call is the core margin call of yesterday's loan at today's price
    if t >= 1 and t < np.nan_to_num(run.breach_day[i], nan=np.inf):
        yesterday = Receivable(float(run.principal[i, t - 1]), dataclasses.replace(
            claim.collateral, price=float(run.price[i, t])), loan.haircut)
        assert math.isclose(yesterday.margin_call, run.call[i, t - 1], rel_tol=1e-9,
                            abs_tol=1e-9 * scale)
    sheet = fm.farmer_sheet(run, i, t)
    assert isinstance(sheet, BalanceSheet)
    assert math.isclose(sheet.margin_call("loan from the exchange"),
                        max(0.0, run.principal[i, t] - (1 - loan.haircut) * run.mark()[i, t]),
                        rel_tol=1e-9, abs_tol=1e-9 * scale)
    assert sheet.liquidation_equity <= sheet.equity + 1e-9 * scale


@FAST
@given(loans, seeds, path_counts)
def test_the_farmers_equity_moves_by_income_less_interest_plus_the_tokens_move(
        loan, seed, n_paths):
    run = run_of(loan, seed, n_paths)
    income = loan.farm_yield * loan.principal / fm.DAYS_PER_YEAR
    t = np.arange(run.price.shape[1])
    scale = loan.buffer + loan.principal + loan.tokens * run.price.max()
    for i in np.flatnonzero(~run.breached()):
        for day in (0, loan.n_days // 2, loan.n_days):
            equity = fm.farmer_sheet(run, i, day).equity
            expected = (loan.buffer + loan.principal + loan.tokens * loan.price - loan.principal
                        + income * t[day] - run.interest_paid[i, day]
                        + loan.tokens * (run.price[i, day] - loan.price))
            assert math.isclose(equity, expected, rel_tol=1e-9, abs_tol=1e-9 * scale)


@FAST
@given(loans, seeds, path_counts, st.floats(1.0, 10.0))
def test_the_exchanges_equity_is_interest_less_losses(loan, seed, n_paths, extra):
    run = run_of(loan, seed, n_paths)
    deposits = extra * loan.principal
    for i in range(n_paths):
        for day in (0, loan.n_days):
            sheet = fm.exchange_sheet(run, i, day, deposits=deposits)
            accrued = run.principal[i, day] - run.principal[i, :day + 1].min() \
                if loan.exempt else 0.0
            gone = run.liquidated()[i] and day >= run.breach_day[i]
            expected = run.interest_paid[i, day] + accrued - (run.realised_loss[i] if gone
                                                              else 0.0)
            assert math.isclose(sheet.equity, expected, rel_tol=1e-9,
                                abs_tol=1e-9 * deposits)
            assert math.isclose(sheet.liquidation_equity, sheet.equity - run.exposure()[i, day],
                                rel_tol=1e-9, abs_tol=1e-9 * deposits)


@FAST
@given(loans, seeds, st.floats(0.0, 1e4), st.floats(0.0, 1e4))
def test_a_bigger_buffer_never_defaults_sooner(loan, seed, b1, b2):
    small, big = sorted((b1, b2))
    lo = run_of(loan.replace(buffer=small), seed, 3)
    hi = run_of(loan.replace(buffer=big), seed, 3)
    never = np.inf
    assert np.all(np.nan_to_num(hi.breach_day, nan=never)
                  >= np.nan_to_num(lo.breach_day, nan=never))


def test_opening_the_loan_uses_the_core_types():
    loan = FarmLoan()
    claim, sheet = fm.open_loan(loan)
    assert claim.principal == pytest.approx(0.5 * 86.4 * 25.0)
    assert claim.loan_to_value == pytest.approx(0.5)
    assert claim.capacity == pytest.approx(0.7 * 86.4 * 25.0)
    assert claim.margin_call == 0.0
    assert sheet.loan_to_value("loan from the exchange") == pytest.approx(0.5)
    assert sheet.exposures()["house token"] == pytest.approx(2160.0)
    # the two views of the exchange's exposure differ: the mark view understates it
    lower = claim.collateral.replace(price=14.0)
    stressed = Receivable(claim.principal, lower, loan.haircut)
    assert stressed.exposure_at_mark == pytest.approx(max(0.0, 1080.0 - 86.4 * 14.0))
    d = 2.0 / 3.0 * 0.04 * math.sqrt(86.4 / 2.0)                   # the square-root law
    assert stressed.exposure == pytest.approx(1080.0 - (1.0 - d) * 86.4 * 14.0, rel=1e-12)
    assert stressed.exposure > stressed.exposure_at_mark + 80.0


def test_liquidation_discount_is_the_square_root_law():
    loan = FarmLoan()
    expected = 2.0 / 3.0 * 1.0 * 0.04 * math.sqrt(86.4 / 2.0)        # (2/3) Y sigma sqrt(Q/V)
    assert fm.liquidation_discount(loan) == pytest.approx(expected, rel=1e-12)
    assert fm.break_even_haircut(loan) == pytest.approx(1 - 0.75 * (1 - expected), rel=1e-12)
    assert fm.call_price(loan) == pytest.approx(25.0 * 0.5 / 0.7, rel=1e-12)


def test_exposure_curve_mark_view_understates_and_ranks_the_three_views():
    loan = FarmLoan()
    curve = fm.exposure_curve(loan, np.linspace(0.0, 40.0, 81))
    assert np.all(curve.exposure >= curve.exposure_at_mark)
    assert np.all(curve.exposure_at_default >= curve.exposure)
    # between the mark view's zero and the sale's, the mark view says safe and is not
    safe_by_mark = curve.exposure_at_mark == 0
    assert np.any(safe_by_mark & (curve.exposure > 0))
    assert curve.exposure[0] == curve.principal and curve.exposure_at_mark[0] == curve.principal
    # each view's exposure reaches zero at its break-even price, 1080 / (86.4 * what a USD fetches)
    d = 2.0 / 3.0 * 0.04 * math.sqrt(86.4 / 2.0)
    prices = curve.break_even_prices()
    assert prices.to_numpy() == pytest.approx(
        [1080 / 86.4, 1080 / (86.4 * (1 - d)), 1080 / (86.4 * 0.75 * (1 - d))], rel=1e-12)
    for view, column in zip(prices, (curve.exposure_at_mark, curve.exposure,
                                     curve.exposure_at_default), strict=True):
        assert np.all(column[curve.price > view * (1 + 1e-9)] == 0)
        assert np.all(column[curve.price < view * (1 - 1e-9)] > 0)


def test_a_falling_token_breaks_the_mark_view():
    """At the defaults, liquidated loans lose money that the mark view does not see."""
    run = run_of(FarmLoan(), 2022, 400)
    assert run.liquidated().mean() > 0.2
    assert run.loss_at_close().mean() > 10.0
    assert run.loss_at_close_at_mark().mean() == 0.0       # a 30% haircut covers the mark


def test_same_seed_same_result_and_results_are_read_only():
    a, b = run_of(FarmLoan(), 7, 4), run_of(FarmLoan(), 7, 4)
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y, equal_nan=True)
            with pytest.raises(ValueError):
                x[..., 0] = 1.0
    c = run_of(FarmLoan(), 8, 4)
    assert not np.array_equal(a.price, c.price)
    eq = fm.solve(Farm())
    with pytest.raises(ValueError):
        eq.capital[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        eq.params = Farm()


def test_paths_are_drawn_up_front_so_parameter_changes_share_them():
    a = run_of(FarmLoan(), 5, 3)
    b = run_of(FarmLoan(haircut=0.45, distress_gap=0.0, exempt=True), 5, 3)
    assert np.array_equal(a.price, b.price)


# =========================================================================== bad input

BAD_FARM = [
    ("reward", 0.0), ("reward", -1.0), ("reward", 2e9), ("reward", math.nan),
    ("cost_of_capital", 0.0), ("cost_of_capital", 11.0), ("cost_of_capital", math.inf),
    ("n_farmers", 1), ("n_farmers", 100_001), ("n_farmers", 2.5), ("n_farmers", True),
    ("insider_cost", 0.0), ("insider_cost", 0.2), ("insider_cost", "0.05"),
]

BAD_LOAN = [
    ("tokens", 0.0), ("tokens", -1.0), ("tokens", 2e4),
    ("price", 0.0), ("price", 2e4), ("price", math.nan),
    ("volatility", 0.0), ("volatility", 0.6),
    ("drift", -0.06), ("drift", 0.06),
    ("n_days", 0), ("n_days", 3651), ("n_days", 10.0),
    ("loan_to_value", 0.0), ("loan_to_value", 0.71), ("loan_to_value", -0.1),
    ("haircut", -0.1), ("haircut", 0.96),
    ("buffer", -1.0), ("buffer", 2e6),
    ("farm_yield", -0.1), ("farm_yield", 11.0),
    ("interest", -0.01), ("interest", 11.0),
    ("daily_volume", 0.0), ("daily_volume", 2e6),
    ("impact_y", 0.0), ("impact_y", 11.0),
    ("distress_gap", -0.1), ("distress_gap", 0.96),
    ("exempt", 1), ("exempt", "yes"),
]


@pytest.mark.parametrize("name,value", BAD_FARM)
def test_bad_farm_parameters_raise_naming_the_parameter(name, value):
    with pytest.raises(ValueError, match=name):
        Farm(**{name: value})
    with pytest.raises(ValueError, match=name):
        Farm().replace(**{name: value})


@pytest.mark.parametrize("name,value", BAD_LOAN)
def test_bad_loan_parameters_raise_naming_the_parameter(name, value):
    with pytest.raises(ValueError, match=name):
        FarmLoan(**{name: value})
    with pytest.raises(ValueError, match=name):
        FarmLoan().replace(**{name: value})


def test_a_haircut_below_the_loan_to_value_is_refused_with_its_range():
    with pytest.raises(ValueError, match=r"loan_to_value must be in \(0, 0.4\]"):
        FarmLoan(haircut=0.6, loan_to_value=0.5)


@pytest.mark.parametrize("call,match", [
    (lambda: fm.best_response(1.0, 0.1, 0.0), "others"),
    (lambda: fm.best_response(1.0, 0.1, [1.0, -1.0]), "others"),
    (lambda: fm.best_response(0.0, 0.1, 1.0), "reward"),
    (lambda: fm.best_response(1.0, 0.0, 1.0), "cost"),
    (lambda: fm.farmer_profit(1.0, 0.1, -1.0, 1.0), "capital"),
    (lambda: fm.farmer_profit(1.0, 0.1, 1.0, 0.0), "others"),
    (lambda: fm.symmetric_capital(1.0, 0.1, 1), "n"),
    (lambda: fm.total_capital(1.0, 0.1, 2.0), "n"),
    (lambda: fm.equilibrium_yield(0.1, 1), "n"),
    (lambda: fm.dissipation(0), "n"),
    (lambda: fm.yield_per_dollar(1.0, 0.0), "total_capital"),
    (lambda: fm.asymmetric_capital(1.0, [0.1]), "costs"),
    (lambda: fm.asymmetric_capital(1.0, [0.1, 0.0]), "costs"),
    (lambda: fm.asymmetric_capital(1.0, [[0.1, 0.2]]), "costs"),
    (lambda: fm.solve(object()), "farm"),
    (lambda: fm.best_response_dynamics(Farm(), [1.0, 2.0]), "start"),
    (lambda: fm.best_response_dynamics(Farm(n_farmers=2), [1.0, 0.0]), "start"),
    (lambda: fm.best_response_dynamics(Farm(), damping=0.0), "damping"),
    (lambda: fm.best_response_dynamics(Farm(), damping=1.5), "damping"),
    (lambda: fm.crowding(Farm(), [1, 2]), "n_values"),
    (lambda: fm.crowding(Farm(), [2.5]), "n_values"),
    (lambda: fm.crowding(Farm(), []), "n_values"),
    (lambda: fm.exposure_curve(FarmLoan(), [-1.0]), "prices"),
    (lambda: fm.exposure_curve(object(), [1.0]), "loan"),
    (lambda: fm.call_price(object()), "loan"),
    (lambda: simulate(object(), np.random.default_rng(1)), "loan"),
    (lambda: simulate(FarmLoan(), 1), "rng"),
    (lambda: simulate(FarmLoan(), np.random.default_rng(1), 0), "n_paths"),
    (lambda: fm.receivable(run_of(FarmLoan(n_days=5), 1, 2), 2, 0), "path"),
    (lambda: fm.receivable(run_of(FarmLoan(n_days=5), 1, 2), 0, 6), "day"),
    (lambda: fm.farmer_sheet(object(), 0, 0), "run"),
    (lambda: fm.exchange_sheet(run_of(FarmLoan(n_days=5), 1, 1), deposits=10.0), "deposits"),
    (lambda: run_of(FarmLoan(n_days=5), 1, 2).path_frame(3), "path"),
])
def test_bad_calls_raise_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_unknown_parameter_is_named():
    with pytest.raises(ValueError, match="no parameter"):
        FarmLoan().replace(hair_cut=0.1)


# =========================================================================== figures

def test_figures_draw_labelled_axes():
    farm = Farm()
    loan = FarmLoan(n_days=60)
    run = run_of(loan, 3, 20)
    path = int(np.argmax(run.breached())) if run.breached().any() else 0
    figures = [
        fp.crowding(fm.crowding(farm, [2, 3, 5, 10]), title="t"),
        fp.insider(
            [fm.solve(farm.replace(insider_cost=c)) for c in (0.02, 0.05, 0.1)], title="t"),
        fp.exposure_curve(fm.exposure_curve(loan, np.linspace(0, 40, 41)), title="t"),
        fp.loan_path(run, path, title="t"),
        fp.loss_curves({"a": run, "b": run_of(loan.replace(exempt=True), 3, 20)}, title="t"),
    ]
    panels = fp.LoanPanels(60, price_lim=(0, 60), loss_lim=(0, 2000), n_paths=20)
    figures.append(panels.show(run, path, title="t"))
    for fig in figures:
        assert isinstance(fig, Figure)
        for ax in fig.axes:
            if ax.get_visible() and ax.has_data():
                assert "[" in ax.get_ylabel()
                # a panel of a shared time axis may leave its x label to the bottom panel
                siblings = ax.get_shared_x_axes().get_siblings(ax)
                assert any("[" in a.get_xlabel() for a in siblings)
    with pytest.raises(ValueError, match="path"):
        fp.loan_path(run, 20, title="t")
    with pytest.raises(ValueError, match="run"):
        fp.loan_path(object(), title="t")
    with pytest.raises(ValueError, match="groups"):
        fp.loss_curves({}, title="t")
    with pytest.raises(ValueError, match="equilibria"):
        fp.insider([], title="t")

