"""Tests of the fire-sale model (toymarkets.models.firesale).

The rounds are computed on core's balance sheet (Position, Loan, Receivable); the
closed forms of the module docstring are the book's own, and each is checked here
against those rounds: the telescoped loan, its geometric sum under a constant fall,
its limit, and the exposure's power law. The claim that selling can meet a call only
if selling everything repays the loan is checked by brute force over a grid of sales.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.models import firesale as fs
from toymarkets.models.firesale import FireSale, solve, spiral

FAST = settings(max_examples=60, deadline=None)


@st.composite
def params_strategy(draw):
    holdings = draw(st.floats(1.0, 1e6))
    price = draw(st.floats(0.01, 100.0))
    haircut = draw(st.floats(0.0, 0.95))
    share = draw(st.floats(0.0, 1.0))
    return FireSale(
        holdings=holdings, price=price, fall=draw(st.floats(0.0, 0.6)),
        n_rounds=draw(st.integers(1, 30)), haircut=haircut,
        loan=share * (1.0 - haircut) * holdings * price,
        volatility=draw(st.floats(0.01, 0.5)), daily_volume=draw(st.floats(1e-2, 1e6)),
        house_price=draw(st.floats(0.1, 100.0)), house_holdings=draw(st.floats(0.0, 1e6)),
        house_haircut=draw(st.floats(0.0, 0.9)), house_volatility=draw(st.floats(0.01, 0.5)),
        house_volume=draw(st.floats(1e-2, 1e6)), exchange_loan=draw(st.floats(0.0, 1e5)),
        impact_y=draw(st.floats(0.2, 3.0)))


def close(a, b, scale, rel=1e-9):
    return np.allclose(a, b, rtol=rel, atol=rel * max(scale, 1e-300))


# --- the rounds -------------------------------------------------------------------------------

@FAST
@given(params_strategy())
def test_the_exchange_takes_over_exactly_what_the_outside_lenders_call(params):
    r = solve(params)
    scale = params.loan + params.exchange_loan
    assert close(r.outside_loan + r.exchange_loan, params.loan + params.exchange_loan, scale)
    assert close(np.cumsum(r.margin_call), params.loan - r.outside_loan, scale)
    assert np.all(r.margin_call >= 0.0)
    assert np.all(np.diff(r.outside_loan) <= 0.0) and np.all(np.diff(r.exchange_loan) >= 0.0)
    # after each call the outside loan is back within what the tokens support
    assert np.all(r.outside_loan[1:] <= r.capacity[1:] * (1 + 1e-12) + 1e-12 * scale)


@FAST
@given(params_strategy())
def test_each_call_is_what_core_balance_sheet_calls_for(params):
    r = solve(params)
    for n in range(params.n_rounds):
        sheet = r.sheet(n).mark(**{"illiquid tokens": params.holdings * r.mark[n + 1]})
        assert sheet.margin_call("outside loans") == pytest.approx(
            r.margin_call[n + 1], rel=1e-9, abs=1e-9 * (params.loan + 1.0))


@FAST
@given(params_strategy())
def test_marks_exceed_what_a_sale_would_fetch(params):
    r = solve(params)
    assert np.all(r.holdings_liquidation <= r.holdings_mark * (1 + 1e-12))
    assert np.all(r.collateral_liquidation <= r.collateral_mark * (1 + 1e-12))
    assert np.all(r.exposure >= 0.0) and np.all(r.exposure <= r.exchange_loan * (1 + 1e-12))
    assert np.all(np.diff(r.exposure) >= -1e-9 * (r.exchange_loan[-1] + 1.0))
    assert np.all(r.pledged <= params.house_holdings * (1 + 1e-12))


# --- the closed forms (the book's own) --------------------------------------------------------

@FAST
@given(params_strategy())
def test_exchange_loan_closed_form_matches_the_rounds(params):
    r = solve(params)
    closed = [fs.exchange_loan(params, n) for n in range(params.n_rounds + 1)]
    assert close(r.exchange_loan, closed, params.loan + params.exchange_loan)


@FAST
@given(params_strategy(), st.data())
def test_telescoped_loan_holds_for_any_path_of_falls(params, data):
    falls = data.draw(st.lists(st.floats(0.0, 0.9), min_size=params.n_rounds,
                               max_size=params.n_rounds))
    r = solve(params, falls=falls)
    lowest = np.minimum.accumulate(r.capacity)
    expected = params.exchange_loan + np.maximum(0.0, params.loan - lowest)
    expected[0] = params.exchange_loan
    assert close(r.exchange_loan, expected, params.loan + params.exchange_loan)


@pytest.mark.parametrize("fall", [0.05, 0.15, 0.4])
def test_a_loan_drawn_to_capacity_is_handed_over_as_a_geometric_sum(fall):
    params = FireSale(fall=fall, n_rounds=400, exchange_loan=50.0)
    assert params.loan == pytest.approx(params.capacity)
    r = solve(params)
    n = np.arange(params.n_rounds + 1)
    series = np.array([sum(fall * (1 - fall) ** (k - 1) * params.capacity
                           for k in range(1, m + 1)) for m in n[:12]])
    assert close(r.exchange_loan[:12] - 50.0, series, params.loan)
    assert close(r.exchange_loan, 50.0 + params.loan * (1 - (1 - fall) ** n), params.loan)
    # in the end the exchange holds the outside lenders' whole loan
    gap = 50.0 + params.loan - r.exchange_loan[-1]
    assert -1e-12 * params.loan <= gap < 1e-5 * params.loan
    assert r.outside_loan[-1] == pytest.approx(gap, abs=1e-9 * params.loan)


@FAST
@given(params_strategy())
def test_exposure_closed_form_matches_core_receivable(params):
    r = solve(params)
    closed = [fs.exposure(params, e) for e in r.exchange_loan]
    assert close(r.exposure, closed, r.exchange_loan[-1] + 1.0, rel=1e-9)


@given(st.floats(1.0, 1e3), st.floats(1.0, 100.0), st.floats(0.01, 0.3), st.floats(0.5, 1e3))
def test_exposure_grows_as_the_loan_to_the_power_three_halves(loan, f, sigma, volume):
    params = FireSale(house_price=f, house_volatility=sigma, house_volume=volume,
                      house_holdings=1e9, house_haircut=0.0)
    pledged = loan / f
    if pledged <= params.house_market.limit:
        expected = (2 / 3) * sigma * loan**1.5 / math.sqrt(f * volume)
        assert fs.exposure(params, loan) == pytest.approx(expected, rel=1e-9)
        if 2 * pledged <= params.house_market.limit:
            ratio = fs.exposure(params, 2 * loan) / fs.exposure(params, loan)
            assert ratio == pytest.approx(2**1.5, rel=1e-9)


def test_exposure_with_the_defaults():
    r = solve(FireSale())
    assert r.exposure[0] == 0.0 and r.exposure[-1] > 0.0
    assert r.runs_out() is None
    assert not r.could_sell.any()
    # at the marks the loan looks fully secured
    assert close(r.collateral_mark, r.exchange_loan, r.exchange_loan[-1])


def test_running_out_of_house_tokens_leaves_the_loan_unsecured_at_the_margin():
    params = FireSale(house_holdings=20.0, n_rounds=10)
    r = solve(params)
    out = r.runs_out()
    assert out is not None and r.needed[out] > 20.0 >= r.needed[out - 1]
    assert np.all(r.pledged[out:] == 20.0)
    # past that round every extra dollar lent adds a dollar of exposure
    gaps = np.diff(r.exposure[out:])
    assert close(gaps, np.diff(r.exchange_loan[out:]), r.exchange_loan[-1])


# --- selling does not help: the spiral --------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(params_strategy(), st.integers(1, 30))
def test_a_sale_meets_the_call_only_if_selling_everything_repays_the_loan(params, n):
    n = min(n, params.n_rounds)
    law = params.market
    if params.holdings > law.limit:
        return                       # beyond the law's limit the mark is zero: not claimed
    r = solve(params)
    loan, p, x, h = r.outside_loan[n - 1], r.mark[n], params.holdings, params.haircut
    q = np.linspace(0.0, x, 2001)
    covered = law.proceeds(q, p) + (1 - h) * (x - q) * p * (1 - law.impact(q))
    best = covered.max()
    assert best <= max(covered[0], covered[-1]) * (1 + 1e-12) + 1e-12
    if r.margin_call[n] > 1e-9 * loan:
        assert (best >= loan) == bool(r.could_sell[n])


@pytest.mark.parametrize("n", [1, 4, 8])
def test_with_the_defaults_the_spiral_sells_everything_and_still_owes(n):
    params = FireSale()
    s = spiral(params, n)
    r = solve(params)
    assert not s.met and s.sold_out
    assert s.shortfall == pytest.approx(r.outside_loan[n - 1] - r.holdings_liquidation[n],
                                        rel=1e-9)
    assert s.call_left[1] > s.call_left[0]           # the first sale raises the call
    assert np.all(np.diff(s.mark) <= 0.0)


@FAST
@given(params_strategy(), st.integers(1, 30))
def test_the_spiral_steps_lie_on_the_after_sale_curve(params, n):
    s = spiral(params, min(n, params.n_rounds))
    table = s.after_sale(s.sold)
    assert np.allclose(table["call left"], s.call_left, rtol=1e-12, atol=1e-9 * (s.loan + 1))
    assert np.all(np.diff(s.sold) >= 0.0) and s.sold[-1] <= params.holdings
    assert s.met or s.sold_out


def test_in_a_deep_market_the_spiral_meets_the_call():
    params = FireSale(daily_volume=FireSale().holdings * 10)
    s = spiral(params, 1)
    assert s.met and not s.sold_out and s.iterations > 2
    assert s.sold[-1] < params.holdings


# --- determinism, immutability, bad input -----------------------------------------------------

def test_same_parameters_same_rounds_and_read_only_results():
    a, b = solve(FireSale()), solve(FireSale())
    assert np.array_equal(a.exposure, b.exposure)
    with pytest.raises(ValueError):
        a.exposure[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.params = None
    s = spiral(FireSale(), 2)
    with pytest.raises(ValueError):
        s.sold[0] = 1.0


def test_frame_and_sheet():
    r = solve(FireSale(n_rounds=5))
    assert len(r.frame()) == 6
    sheet = r.sheet(5)
    assert sheet.equity == pytest.approx(r.holdings_mark[5] + FireSale().house_holdings * 22.0
                                         - r.outside_loan[5] - r.exchange_loan[5])
    assert sheet.liquidation_equity < sheet.equity
    assert r.receivable(5).exposure == pytest.approx(r.exposure[5])


BAD = [
    ("holdings", 0.0), ("holdings", 2e9), ("price", 0.0), ("price", math.nan),
    ("fall", -0.1), ("fall", 1.0), ("n_rounds", 0), ("n_rounds", 1001), ("n_rounds", 2.0),
    ("haircut", -0.1), ("haircut", 1.0), ("loan", -1.0), ("loan", 1e6),
    ("volatility", 0.0), ("volatility", 6.0), ("daily_volume", 0.0),
    ("house_price", 0.0), ("house_holdings", -1.0), ("house_haircut", 1.0),
    ("house_volatility", 0.0), ("house_volume", -1.0), ("exchange_loan", -1.0),
    ("impact_y", 0.0), ("impact_y", 11.0),
]


@pytest.mark.parametrize("name,value", BAD)
def test_bad_parameters_are_rejected_by_name(name, value):
    with pytest.raises(ValueError, match=name):
        FireSale(**{name: value})


@pytest.mark.parametrize("call,name", [
    (lambda: solve("x"), "params"),
    (lambda: solve(FireSale(), falls=[0.1] * 3), "falls"),
    (lambda: solve(FireSale(), falls=[1.5] * 8), "falls"),
    (lambda: fs.exchange_loan(FireSale(), -1), "n"),
    (lambda: fs.exposure(FireSale(), -1.0), "loan"),
    (lambda: spiral(FireSale(), 0), "n"),
    (lambda: spiral(FireSale(), 9), "n"),
    (lambda: solve(FireSale()).sheet(9), "n"),
    (lambda: spiral(FireSale(), 1).after_sale([-1.0]), "quantity"),
    (lambda: spiral(FireSale(), 1).after_sale([1e9]), "quantity"),
])
def test_bad_arguments_are_rejected_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()
