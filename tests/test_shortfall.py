"""The hole (toymarkets.models.shortfall): the closed forms against the balance sheets they
summarise, the order of the holes, consolidation, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.core.impact import SquareRoot
from toymarkets.models import shortfall as s

money = st.floats(0.0, 2e4)
groups = st.builds(
    s.Group,
    deposits=st.floats(1.0, 3e4), exchange_liquid=money, loan=money, firm_liquid=money,
    token_held=st.floats(0.0, 500.0), pledged=st.floats(0.0, 1.0),
    token_price=st.floats(0.0, 100.0), token_volume=st.floats(0.5, 200.0),
    token_volatility=st.floats(0.01, 2.0), illiquid=money,
    illiquid_discount=st.floats(0.0, 1.0), external_debt=money)
prices = st.floats(0.0, 100.0)


def _tol(params: s.Group) -> float:
    """An absolute tolerance for sums of the sheet's lines."""
    return 1e-9 * (params.owed + params.loan + params.token_held * 100.0 + params.illiquid
                   + params.exchange_liquid + params.firm_liquid) + 1e-9


# ------------------------------------------------------------------ identities of the sheets


@settings(max_examples=200)
@given(groups, prices)
def test_every_sheet_balances_assets_less_liabilities_is_equity(params, price):
    for sheet in (s.exchange_sheet(params, price), s.firm_sheet(params, price),
                  s.combined_sheet(params, price)):
        assert sheet.total_assets - sheet.total_liabilities == sheet.equity
        assert sheet.total_liquidation_value - sheet.total_liabilities == pytest.approx(
            sheet.liquidation_equity, abs=_tol(params))
        assert sheet.liquidation_equity <= sheet.equity + _tol(params)


@settings(max_examples=200)
@given(groups, prices)
def test_consolidation_keeps_the_groups_equity_equal_to_the_sum_of_the_members(params, price):
    ex, firm = s.exchange_sheet(params, price), s.firm_sheet(params, price)
    group = s.combined_sheet(params, price)
    assert group.equity == pytest.approx(ex.equity + firm.equity, abs=_tol(params))
    # the loan is neither an asset nor a liability of the group
    assert not any("loan" in k for k in [*group.assets, *group.liabilities])
    assert group.total_liabilities == pytest.approx(params.owed, abs=_tol(params))
    # sold now, the members' sum counts the loan only at what its collateral fetches,
    # and ignores the claim for the rest: the group is never worse off than the sum
    total = ex.liquidation_equity + firm.liquidation_equity
    assert group.liquidation_equity >= total - _tol(params)
    receivable = ex.assets["loan to the trading firm"]
    assert group.liquidation_equity - total == pytest.approx(receivable.exposure,
                                                             abs=_tol(params))


# ------------------------------------------------------------------ closed forms against sheets


@settings(max_examples=200)
@given(groups, prices)
def test_the_closed_form_holes_are_the_consolidated_sheets_negative_equity(params, price):
    group = s.combined_sheet(params, price)
    assert s.hole_at_mark(params, price) == pytest.approx(max(0.0, -group.equity),
                                                          abs=_tol(params))
    assert s.hole_at_liquidation(params, price) == pytest.approx(
        max(0.0, -group.liquidation_equity), abs=_tol(params))


@settings(max_examples=200)
@given(groups)
def test_the_liquidation_fraction_is_what_core_impact_says_a_sale_of_the_tokens_fetches(params):
    law = SquareRoot(params.token_volatility, params.token_volume)
    expected = law.proceeds(params.token_held, 1.0) / params.token_held \
        if params.token_held > 0 else 1.0
    assert s.liquidation_fraction(params) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert 0.0 <= s.liquidation_fraction(params) <= 1.0


def test_the_liquidation_fraction_on_worked_numbers():
    # q = 180, V = 20, sigma = 0.3: 1 - (2/3)(0.3)(3) = 0.4; past Q* = V/sigma^2 the
    # sale fetches Q*/3 whatever the size
    assert s.liquidation_fraction(s.Group()) == pytest.approx(0.4)
    big = s.Group(token_held=1000.0, token_volume=20.0, token_volatility=0.5)
    assert s.liquidation_fraction(big) == pytest.approx(80.0 / 3 / 1000.0)


@settings(max_examples=150)
@given(groups, prices, st.sampled_from(s.BASES))
def test_the_slope_is_minus_the_tokens_held_times_the_fraction_fetched(params, price, basis):
    """Our derivation: the hole is piecewise linear in p, with slope -q (at mark) or
    -phi q (sold now) while it is open; checked by finite differences of the sheets."""
    h = 1e-3
    def hole(p):
        sheet = s.combined_sheet(params, p)
        return max(0.0, -(sheet.equity if basis == "mark" else sheet.liquidation_equity))

    kink = s.breakeven_price(params, basis)
    if abs(price - kink) < 2 * h or price < h:
        return                                       # the slope jumps at the kink
    numeric = (hole(price + h) - hole(price - h)) / (2 * h)
    # rounding in sums of size ~1e9 * _tol, divided by 2h, stays far below 10 * _tol
    assert s.hole_slope(params, price, basis) == pytest.approx(numeric, rel=1e-6,
                                                               abs=10 * _tol(params))


def test_the_slope_on_worked_numbers():
    g = s.Group()
    assert s.hole_slope(g, 22.0) == -180.0 and s.hole_slope(g, 60.0) == 0.0
    assert s.hole_slope(g, 22.0, "liquidation") == pytest.approx(-0.4 * 180.0)
    # K_m = 12,000 + 2,500 - 2,000 - 1,000 - 2,500 = 9,000: breaks even at 50 USD
    assert s.breakeven_price(g) == pytest.approx(50.0)
    assert s.hole_at_mark(g, 22.0) == pytest.approx(9_000.0 - 180.0 * 22.0)
    # K_l = 9,000 + 0.5 * 2,500 = 10,250
    assert s.breakeven_price(g, "liquidation") == pytest.approx(10_250.0 / 72.0)
    np.testing.assert_allclose(s.hole_at_liquidation(g, [0.0, 10.0]), [10_250.0, 9_530.0])


@settings(max_examples=200)
@given(groups, prices, prices)
def test_the_hole_never_shrinks_when_the_token_falls(params, a, b):
    lo, hi = min(a, b), max(a, b)
    assert s.hole_at_mark(params, lo) >= s.hole_at_mark(params, hi)
    assert s.hole_at_liquidation(params, lo) >= s.hole_at_liquidation(params, hi)


@settings(max_examples=200)
@given(groups, prices)
def test_the_hole_sold_now_is_never_smaller_than_the_hole_at_mark(params, price):
    assert s.hole_at_liquidation(params, price) >= s.hole_at_mark(params, price) - _tol(params)
    assert s.breakeven_price(params, "liquidation") >= s.breakeven_price(params, "mark")


@settings(max_examples=100)
@given(groups)
def test_the_hole_closes_exactly_at_the_breakeven_price(params):
    for basis, hole in (("mark", s.hole_at_mark), ("liquidation", s.hole_at_liquidation)):
        p = s.breakeven_price(params, basis)
        if 0 < p <= 1e4:
            assert hole(params, p) == pytest.approx(0.0, abs=_tol(params))
            assert hole(params, 0.99 * p) > 0


def test_coverage_and_the_rescue_surplus():
    assert s.liquid_coverage(s.Group()) == pytest.approx(3_000 / 12_000)
    assert s.rescue_surplus(10_000.0, 8_000.0) == 2_000.0
    np.testing.assert_allclose(s.rescue_surplus([0.0, 5.0], 5.0), [-5.0, 0.0])


@settings(max_examples=100)
@given(groups, st.floats(0.0, 3e4), prices, prices)
def test_a_rescuer_gains_less_the_lower_the_token(params, franchise, a, b):
    lo, hi = min(a, b), max(a, b)
    for hole in (s.hole_at_mark, s.hole_at_liquidation):
        assert s.rescue_surplus(franchise, hole(params, lo)) <= \
            s.rescue_surplus(franchise, hole(params, hi))


def test_solve_returns_the_holes_on_the_grid_and_read_only_arrays():
    run = s.solve(s.Group(), np.array([0.0, 22.0, 60.0]))
    np.testing.assert_allclose(run.mark, [9_000.0, 9_000.0 - 180 * 22.0, 0.0])
    assert run.hole() == s.hole_at_mark(s.Group(), 22.0)
    assert run.breakeven() == pytest.approx(50.0)
    with pytest.raises(ValueError):
        run.mark[0] = 1.0
    members = run.members()
    assert members.loc["group", "at mark"] == pytest.approx(
        members.loc["exchange", "at mark"] + members.loc["trading firm", "at mark"])
    frame = run.breakdown(3.0)
    assert frame.loc["owed"].sum() - frame.loc["at mark"].sum() == pytest.approx(
        s.hole_at_mark(s.Group(), 3.0))
    assert frame.loc["owed"].sum() - frame.loc["sold now"].sum() == pytest.approx(
        s.hole_at_liquidation(s.Group(), 3.0))
    assert s.solve(s.Group()).prices.size == 241


@pytest.mark.parametrize("make, message", [
    (lambda: s.Group(deposits=0.0), r"deposits must be in \(0"),
    (lambda: s.Group(exchange_liquid=-1.0), r"exchange_liquid must be in \[0"),
    (lambda: s.Group(loan=-1.0), r"loan must be in \[0"),
    (lambda: s.Group(firm_liquid=float("nan")), "firm_liquid must be a number"),
    (lambda: s.Group(token_held=-1.0), r"token_held must be in \[0"),
    (lambda: s.Group(pledged=1.5), r"pledged must be in \[0, 1\]"),
    (lambda: s.Group(token_price=-1.0), r"token_price must be in \[0"),
    (lambda: s.Group(token_volume=0.0), r"token_volume must be in \(0"),
    (lambda: s.Group(token_volatility=6.0), r"token_volatility must be in \(0, 5\]"),
    (lambda: s.Group(illiquid=-1.0), r"illiquid must be in \[0"),
    (lambda: s.Group(illiquid_discount=-0.1), r"illiquid_discount must be in \[0, 1\]"),
    (lambda: s.Group(external_debt=float("inf")), r"external_debt must be in \[0"),
    (lambda: s.hole_at_mark(s.Group(), -1.0), r"price must be finite and in \[0, 10000\]"),
    (lambda: s.hole_at_liquidation(s.Group(), [1.0, np.nan]),
     r"price must be finite and in \[0, 10000\]"),
    (lambda: s.hole_slope(s.Group(), 1.0, "book"), "basis must be one of"),
    (lambda: s.breakeven_price("group"), "params must be a Group"),
    (lambda: s.exchange_sheet(s.Group(), -2.0), r"price must be in \[0"),
    (lambda: s.rescue_surplus(-1.0, 0.0), r"franchise must be finite and in \[0, inf\)"),
    (lambda: s.rescue_surplus(1.0, np.inf), r"hole must be finite and in \[0, inf\)"),
    (lambda: s.solve(s.Group(), []), "prices must be a non-empty"),
    (lambda: s.Group().replace(depositz=1.0), "has no parameter"),
])
def test_bad_input_is_rejected_by_name(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_same_input_same_result():
    a, b = s.solve(s.Group()), s.solve(s.Group())
    np.testing.assert_array_equal(a.mark, b.mark)
    np.testing.assert_array_equal(a.liquidation, b.liquidation)
