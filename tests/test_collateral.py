"""The collateral loop (toymarkets.models.collateral): closed forms against the iteration,
when the loop settles and when it cannot, and what it builds on the way."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from toymarkets.core import solvers
from toymarkets.core.impact import ConstantProduct, LinearBook, SquareRoot
from toymarkets.models import collateral as c

ltv = st.floats(0.05, 1.0)
cut = st.floats(0.0, 0.9)


# ------------------------------------------------------------------ the linear case


@settings(max_examples=200)
@given(ltv, cut, st.floats(1.0, 100.0), st.floats(1.0, 100.0), st.floats(10.0, 1e5),
       st.floats(0.0, 1.0))
def test_each_turn_moves_the_price_by_rho_times_the_last_turn(lv, h, p0, q0, depth, used):
    params = c.Loop(price=p0, holding=q0, loan_to_value=lv, haircut=h, depth=depth,
                    float_supply=1e9)
    params = params.replace(debt=used * params.capacity0)
    rho = c.loop_ratio(params)
    assume(rho < 5 and (1 - used) * params.capacity0 > 1e-6 * p0)
    run = c.solve_linear(params, turns=12)
    steps = np.diff(run.price)
    assert steps[0] == pytest.approx(p0 * (1 - used) * params.capacity0 / depth, rel=1e-9)
    np.testing.assert_allclose(steps[1:], rho * steps[:-1], rtol=1e-8, atol=1e-12 * p0)
    assert rho == pytest.approx(params.multiple * q0 * p0 / depth)


@settings(max_examples=200)
@given(ltv, cut, st.floats(1.0, 100.0), st.floats(1.0, 100.0), st.floats(10.0, 1e5))
def test_the_closed_form_fixed_point_is_where_the_turns_come_to_rest(lv, h, p0, q0, depth):
    params = c.Loop(price=p0, holding=q0, loan_to_value=lv, haircut=h, depth=depth,
                    float_supply=1e9)
    rho = c.loop_ratio(params)
    assume(rho < 0.95)
    price, debt = c.linear_fixed_point(params)
    run = c.solve_linear(params, turns=2_000)
    assert run.settled and run.converged
    assert run.price[-1] == pytest.approx(price, rel=1e-9)
    assert run.debt[-1] == pytest.approx(debt, rel=1e-9)
    # at rest the collateral supports exactly the debt
    assert params.multiple * q0 * price == pytest.approx(debt, rel=1e-9)


@settings(max_examples=100)
@given(st.floats(0.05, 1.0), st.floats(10.0, 1e5))
def test_the_vectorised_resting_prices_agree_with_the_scalar_closed_form(lv, depth):
    params = c.Loop(loan_to_value=lv, depth=depth)
    grid = c.resting_prices(params, np.array([[lv]]), np.array([depth]))
    if c.loop_ratio(params) < 1:
        assert grid[0, 0] == pytest.approx(c.linear_fixed_point(params)[0], rel=1e-12)
    else:
        assert grid[0, 0] == np.inf
    with pytest.raises(ValueError, match=r"loan_to_value must be in \(0, 1\]"):
        c.resting_prices(params, [0.0], [1.0])


@settings(max_examples=150)
@given(ltv, cut, st.floats(1.0, 100.0), st.floats(1.0, 100.0), st.floats(10.0, 1e5),
       st.floats(0.0, 1.0))
def test_each_turn_is_the_straight_line_map_and_its_rest_is_on_the_diagonal(lv, h, p0, q0,
                                                                            depth, used):
    """The map P_{n+1} = P0 + (P0/depth)(m Q0 P_n - D0) against the iteration it describes."""
    params = c.Loop(price=p0, holding=q0, loan_to_value=lv, haircut=h, depth=depth,
                    float_supply=1e9)
    params = params.replace(debt=used * params.capacity0)
    run = c.solve_linear(params, turns=8)
    np.testing.assert_allclose(c.next_price(params, run.price[:-1]), run.price[1:],
                               rtol=1e-12)
    np.testing.assert_allclose(run.steps, np.diff(run.price))
    if c.loop_ratio(params) < 1:                   # the resting price maps onto itself
        rest = c.linear_fixed_point(params)[0]
        assert c.next_price(params, rest) == pytest.approx(rest, rel=1e-12)
    with pytest.raises(ValueError, match=r"price must be finite and in \[0, inf\)"):
        c.next_price(params, -1.0)


def test_a_loop_with_ratio_one_or_more_never_rests():
    params = c.Loop(depth=500.0)                           # rho = 528 / 500 > 1
    assert c.loop_ratio(params) > 1
    run = c.solve_linear(params, turns=30)
    assert not run.settled and not run.converged
    assert np.all(np.diff(np.diff(run.price)) > 0)         # every step larger than the last
    with pytest.raises(ValueError, match="does not settle"):
        c.linear_fixed_point(params)


def test_tokens_bought_and_sale_proceeds_in_the_linear_case_integrate_the_price():
    params = c.Loop()
    run = c.solve_linear(params, turns=50)
    spent = run.debt[-1] - run.debt[0]
    grid = np.linspace(0.0, spent, 100_001)
    tokens = np.trapezoid(1.0 / (params.price * (1 + grid / params.depth)), grid)
    assert run.bought == pytest.approx(tokens, rel=1e-8)
    # selling Q0 from the final price, each dollar received lowers it by P0 / depth
    received = np.linspace(0.0, run.collateral_liquidation[-1], 100_001)
    sold = np.trapezoid(1.0 / (run.price[-1] - params.price / params.depth * received),
                        received)
    assert sold == pytest.approx(params.holding, rel=1e-7)


# ------------------------------------------------------------------ the general case


@settings(max_examples=80, deadline=None)
@given(st.floats(0.1, 1.0), st.floats(1.0, 50.0), st.floats(5.0, 50.0),
       st.floats(1e-3, 2.0))
def test_the_linear_book_condition_says_whether_the_turns_come_to_rest(m, q0, p0, slope):
    """The book's closed-form condition against brute force: run the turns in a float so
    large that only a loop without a resting point can exhaust it."""
    params = c.Loop(price=p0, holding=q0, loan_to_value=m, haircut=0.0, market=LinearBook(slope),
                    float_supply=q0 + 1e7)
    predicted = c.linear_book_settles(m, q0, p0, slope)
    try:
        run = c.solve(params, max_turns=20_000)
    except solvers.ConvergenceError:
        assume(False)                                   # too slow to tell either way
    assert run.settled == predicted


@settings(max_examples=60, deadline=None)
@given(st.floats(0.1, 0.49), st.floats(1.0, 50.0), st.floats(5.0, 50.0),
       st.sampled_from(["linear", "sqrt", "pool"]))
def test_at_rest_the_collateral_supports_exactly_the_debt(m, q0, p0, law):
    market = {"linear": LinearBook(0.05), "sqrt": SquareRoot(0.05, 10.0),
              "pool": ConstantProduct(200.0, 200.0 * p0)}[law]
    params = c.Loop(price=p0, holding=q0, loan_to_value=m, haircut=0.0, market=market,
                    float_supply=q0 + 150.0)
    run = c.solve(params)
    assume(run.settled)
    assert run.capacity[-1] == pytest.approx(run.debt[-1], rel=1e-6)
    assert np.all(np.diff(run.holding) >= 0) and np.all(np.diff(run.debt) >= 0)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.1, 0.45), st.floats(0.01, 0.05))
def test_more_borrowing_per_dollar_of_collateral_buys_more_tokens(m, extra):
    base = c.Loop(loan_to_value=m, haircut=0.0, market=LinearBook(0.05))
    a, b = c.solve(base), c.solve(base.replace(loan_to_value=m + extra))
    assert b.holding[-1] >= a.holding[-1] - 1e-9


@settings(max_examples=80, deadline=None)
@given(st.floats(0.1, 1.0), st.floats(1.0, 50.0), st.floats(5.0, 50.0), st.floats(1e-3, 2.0),
       st.floats(0.0, 1.0))
def test_spare_capacity_is_positive_on_the_way_up_and_zero_at_rest(m, q0, p0, slope, used):
    """F(q) = m (Q0 + q) P(q) - D0 - C(q) against the turns: positive at every turn before
    the last, zero where they rest; and against the closed-form condition: the loop has a
    resting point iff F reaches zero on a fine grid of purchases (brute force)."""
    params = c.Loop(price=p0, holding=q0, loan_to_value=m, haircut=0.0,
                    market=LinearBook(slope), float_supply=q0 + 1e7)
    params = params.replace(debt=used * params.capacity0)
    try:
        run = c.solve(params, max_turns=20_000)
    except solvers.ConvergenceError:
        assume(False)
    spare = c.spare_capacity(params, run.holding - q0)
    if run.settled:
        assert np.all(spare[:-2] > 0)
        assert spare[-1] == pytest.approx(0.0, abs=1e-6 * max(1.0, run.debt[-1]))
    grid = np.linspace(0.0, 4.0 * p0 / slope + 4.0 * q0, 50_001)
    reaches_zero = bool(np.any(c.spare_capacity(params, grid) <= 0))
    settles = c.linear_book_settles(m, q0, p0, slope, params.debt)
    # the grid cannot see a minimum that only just touches zero: skip knife edges
    a, b, cc = (m - 0.5) * slope, m * p0 + m * slope * q0 - p0, m * q0 * p0 - params.debt
    assume(a <= 0 or abs(b * b - 4 * a * cc) > 1e-3 * b * b)
    assert reaches_zero == settles


@settings(max_examples=80, deadline=None)
@given(st.floats(0.1, 0.49), st.floats(1.0, 50.0), st.floats(5.0, 50.0), st.floats(1e-3, 0.1),
       st.floats(0.0, 1.0))
def test_with_a_linear_book_the_loop_leaves_the_equity_if_sold_unchanged(m, q0, p0, slope, used):
    """The book's own derivation: L(Q_n) - D_n = P0 Q0 - slope Q0^2 / 2 - D0 at every turn
    (while slope Q0 < P0), so the equity at mark rises by exactly the growth of the gap."""
    assume(slope * q0 < p0)
    params = c.Loop(price=p0, holding=q0, loan_to_value=m, haircut=0.0,
                    market=LinearBook(slope), float_supply=q0 + 1e4)
    params = params.replace(debt=used * params.capacity0)
    run = c.solve(params)
    assume(run.settled)
    start = p0 * q0 - slope * q0 ** 2 / 2 - params.debt
    scale = p0 * q0 + run.collateral_mark[-1]
    np.testing.assert_allclose(run.equity_if_sold, start, atol=1e-9 * scale)
    np.testing.assert_allclose(run.equity_at_mark - run.equity_at_mark[0],
                               run.gap - run.gap[0], atol=1e-9 * scale)


def test_each_turn_concentrates_the_holding_and_widens_the_gap_between_mark_and_sale():
    run = c.solve(c.Loop())
    assert run.settled and run.iterations > 10
    assert np.all(np.diff(run.concentration) >= 0) and run.concentration[-1] <= 1
    assert np.all(np.diff(run.gap) > -1e-9) and run.gap[-1] > 3 * run.gap[0]
    assert np.all(run.collateral_liquidation <= run.collateral_mark)
    frame = run.frame()
    assert list(frame.index) == list(range(run.iterations + 1))
    with pytest.raises(ValueError, match="read-only"):
        run.price[0] = 1.0


def test_a_loop_that_would_buy_the_whole_float_is_reported_not_settled():
    run = c.solve(c.Loop(market=LinearBook(1.0)))
    assert not run.settled and not run.converged
    assert run.holding[-1] <= run.params.float_supply
    assert not c.linear_book_settles(0.6, 40.0, 22.0, 1.0)


def test_the_linear_book_condition_on_worked_numbers():
    # m = 0.4 < 1/2: F falls eventually, so the loop rests whatever the numbers
    assert c.linear_book_settles(0.4, 40.0, 22.0, 5.0)
    # m = 0.6, slope 0.05: a = 0.005, b = 13.2 + 1.2 - 22 = -7.6, c = 528: b^2 = 57.8 > 4ac = 10.6
    assert c.linear_book_settles(0.6, 40.0, 22.0, 0.05)
    # slope 0.2: b = -6.4, 4ac = 42.2 > b^2 = 41.0: no resting point
    assert not c.linear_book_settles(0.6, 40.0, 22.0, 0.2)
    assert c.borrowing_multiple(0.8, 0.25) == pytest.approx(0.6)


@pytest.mark.parametrize("change, message", [
    ({"price": 0.0}, r"price must be in \(0"),
    ({"holding": -1.0}, r"holding must be in \(0"),
    ({"loan_to_value": 0.0}, r"loan_to_value must be in \(0, 1\]"),
    ({"loan_to_value": 1.2}, r"loan_to_value must be in \(0, 1\]"),
    ({"haircut": 1.0}, r"haircut must be in \[0, 1\)"),
    ({"depth": 0.0}, r"depth must be in \(0"),
    ({"market": "thin"}, "market must be a ImpactLaw"),
    ({"float_supply": 10.0}, r"float_supply must be in \[40"),
    ({"pledge_purchases": 1}, "pledge_purchases must be True or False"),
    ({"debt": 1e6}, "debt must be at most what the collateral supports"),
])
def test_bad_parameters_are_rejected_by_name(change, message):
    with pytest.raises(ValueError, match=message):
        c.Loop(**change)


def test_bad_calls_are_rejected_by_name():
    with pytest.raises(ValueError, match=r"turns must be a whole number in \[1, 10000\]"):
        c.solve_linear(c.Loop(), turns=0)
    with pytest.raises(ValueError, match="pledge_purchases must be True for solve"):
        c.solve(c.Loop(pledge_purchases=False))
    with pytest.raises(ValueError, match="params must be a Loop"):
        c.loop_ratio(object())
    with pytest.raises(ValueError, match="debt must be at most"):
        c.linear_book_settles(0.5, 1.0, 1.0, 1.0, debt=10.0)
    with pytest.raises(ValueError, match=r"bought must be finite and in \[0, inf\)"):
        c.spare_capacity(c.Loop(), [1.0, np.nan])
    with pytest.raises(ValueError, match="params must be a Loop"):
        c.next_price(None, 1.0)
    assert math.isclose(c.solve_linear(c.Loop(), 5).bought,
                        c.solve_linear(c.Loop(), 5).bought)
