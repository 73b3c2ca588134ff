"""Tests of the capstone (toymarkets.story.capstone): the whole story, one switch per decision.

The Shapley attribution is checked against its definition (the average over all orders
of the switches, computed by brute force) and its axioms on random games; the story is
checked for the invariants it promises: cash is conserved quarter by quarter, the
group's sheet built from core balance sheets agrees with the vectorised equity, the
estate never pays out more than it has, customers can lose only what was lent to the
firm, and a switch that does nothing gets nothing.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.models import waterfall
from toymarkets.story import capstone as c

FAST = settings(max_examples=40, deadline=None)
SLOW = settings(max_examples=25, deadline=None)


@pytest.fixture(scope="module")
def run():
    return c.simulate(c.Story(), np.random.default_rng(2019))


stories = st.builds(
    c.Story, shock=st.floats(0.0, 0.9), run_fall=st.floats(0.0, 0.99),
    volatility=st.floats(0.0, 0.3), leverage=st.floats(0.0, 5.0),
    loan_to_value=st.floats(0.1, 1.0), outside_limit=st.floats(0.0, 10.0),
    support_budget=st.floats(0.0, 3.0), rescue=st.floats(0.0, 2.0),
    house_depth=st.floats(0.05, 2.0), farm_share=st.floats(0.0, 0.5))


# ------------------------------------------------------------------ Shapley values

def shapley_by_orders(v, k):
    """The definition: each player's marginal effect averaged over all k! orders."""
    phi = np.zeros(k)
    for order in itertools.permutations(range(k)):
        mask = 0
        for i in order:
            phi[i] += v[mask | 1 << i] - v[mask]
            mask |= 1 << i
    return phi / math.factorial(k)


games = st.integers(1, 5).flatmap(
    lambda k: st.lists(st.floats(-100, 100), min_size=2 ** k, max_size=2 ** k))


@FAST
@given(games)
def test_shapley_values_are_the_average_over_all_orders(v):
    k = len(v).bit_length() - 1
    np.testing.assert_allclose(c.shapley(v), shapley_by_orders(v, k), rtol=1e-9, atol=1e-9)


@FAST
@given(games)
def test_shapley_values_add_up_to_all_on_less_all_off(v):
    assert c.shapley(v).sum() == pytest.approx(v[-1] - v[0], rel=1e-9, abs=1e-9)


@FAST
@given(games, st.data())
def test_a_player_who_never_changes_the_outcome_gets_zero(v, data):
    k = len(v).bit_length() - 1
    null = data.draw(st.integers(0, k - 1))
    v = np.array(v)
    without = np.arange(v.size) & ~(1 << null)
    v = v[without]                      # the outcome ignores whether `null` is on
    assert c.shapley(v)[null] == 0.0


@FAST
@given(st.integers(2, 5).flatmap(lambda k: st.tuples(
    st.just(k), st.lists(st.floats(-100, 100), min_size=k + 1, max_size=k + 1))), st.data())
def test_players_who_play_the_same_role_get_the_same_value(game, data):
    # a game that depends on the coalition only through its size treats everyone alike;
    # then add a term for two players i, j that is symmetric in them
    k, by_size = game
    i, j = data.draw(st.lists(st.integers(0, k - 1), min_size=2, max_size=2, unique=True))
    masks = np.arange(2 ** k)
    size = np.array([bin(m).count("1") for m in masks])
    both = ((masks >> i) & 1) + ((masks >> j) & 1)
    v = np.array(by_size)[size] + 7.0 * both ** 2
    phi = c.shapley(v)
    assert phi[i] == pytest.approx(phi[j], abs=1e-9)


@FAST
@given(games, st.data())
def test_shapley_values_are_linear_in_the_game(v, data):
    w = data.draw(st.lists(st.floats(-100, 100), min_size=len(v), max_size=len(v)))
    np.testing.assert_allclose(c.shapley(np.add(v, w)), c.shapley(v) + c.shapley(w),
                               atol=1e-9)


def test_shapley_rejects_a_game_that_is_not_on_all_coalitions():
    with pytest.raises(ValueError, match="2\\^k"):
        c.shapley([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="finite"):
        c.shapley([0.0, np.nan])


def test_a_glove_game_splits_as_the_textbook_says():
    # one left glove (player 0) and two right gloves: a pair is worth 1.
    # Shapley: the left glove gets 2/3, each right glove 1/6.
    v = [0, 0, 0, 1, 0, 1, 0, 1]
    np.testing.assert_allclose(c.shapley(v), [2 / 3, 1 / 6, 1 / 6])


# ------------------------------------------------------------------ the story

def test_every_decision_on_or_off_is_a_mask_and_back():
    for mask in range(2 ** c.K):
        assert c.mask_of(c.switches_of(mask)) == mask
    assert c.mask_of(c.SWITCHES) == 2 ** c.K - 1
    with pytest.raises(ValueError, match="switches must be one of"):
        c.mask_of(["fraud"])


def test_the_delta_neutral_firm_leaves_no_shortfall_and_the_full_story_does(run):
    assert run.shortfall[0] == 0.0
    assert run.shortfall[run.all_on] > 0.0


@SLOW
@given(stories)
def test_customers_can_lose_only_what_was_lent_to_the_firm(story):
    r = c.simulate(story, np.random.default_rng(3))
    lent = (np.arange(2 ** c.K) >> c.SWITCHES.index("lend_deposits")) & 1
    assert np.all(r.shortfall[lent == 0] == 0.0)
    assert np.all(r.exchange_debt[lent == 0] == 0.0)
    # and never more than what the firm owes the exchange, nor more than the deposits
    assert np.all(r.shortfall <= r.exchange_debt[:, -1] + 1e-12)
    assert np.all(r.shortfall <= r.deposits[-1] + 1e-12)


@SLOW
@given(stories)
def test_cash_is_conserved_quarter_by_quarter(story):
    r = c.simulate(story, np.random.default_rng(4))
    group_cash = r.cash + r.exchange_cash
    np.testing.assert_allclose(np.diff(group_cash, axis=1), r.flows[:, 1:].sum(axis=2),
                               atol=1e-9)


@SLOW
@given(stories)
def test_the_exchange_holds_the_deposits_as_cash_or_as_its_loan(story):
    r = c.simulate(story, np.random.default_rng(5))
    assert np.all(r.exchange_cash >= -1e-12)
    # cash plus the loan is the deposits plus the interest added to the loan
    assert np.all(r.exchange_cash + r.exchange_debt >= r.deposits - 1e-9)


@SLOW
@given(stories)
def test_the_estate_pays_no_more_than_it_has_and_by_the_waterfall(story):
    r = c.simulate(story, np.random.default_rng(6))
    debts = r.liabilities()[:, -1]
    assert np.all(r.payout * debts <= r.estate + 1e-9)
    assert np.all((r.payout >= 0.0) & (r.payout <= 1.0))
    for m in (0, 77, r.all_on):
        estate = waterfall.Estate(float(r.estate[m]), (
            waterfall.Claim("exchange", waterfall.UNSECURED, float(r.exchange_debt[m, -1])),
            waterfall.Claim("others", waterfall.UNSECURED,
                            float(debts[m] - r.exchange_debt[m, -1]))), (waterfall.UNSECURED,))
        paid = waterfall.distribute(estate).paid["exchange"]
        assert paid == pytest.approx(r.payout[m] * r.exchange_debt[m, -1], abs=1e-9)


@pytest.mark.parametrize("mask", [0, 1, 64, 200, 2 ** c.K - 1])
@pytest.mark.parametrize("t", [0, 5, 11, 12, 14])
def test_the_core_balance_sheet_agrees_with_the_vectorised_equity(run, mask, t):
    sheet = run.sheet(mask, t)
    assert sheet.equity == pytest.approx(run.equity("mark")[mask, t], abs=1e-9)
    assert sheet.liquidation_equity == pytest.approx(run.equity("if sold")[mask, t], abs=1e-9)
    assert sheet.liquidation_equity <= sheet.equity + 1e-12


def test_the_end_of_the_story_is_valued_as_the_estate(run):
    # after the run, what the group's sheet fetches is the estate plus the exchange's cash
    for m in (0, 100, run.all_on):
        sheet = run.sheet(m)
        assert sheet.total_liquidation_value == pytest.approx(
            run.estate[m] + run.exchange_cash[m, -1], abs=1e-9)


@pytest.mark.parametrize("switch, inert", [("take_liquidations", {"open_interest": 0.0}),
                                            ("bail_out", {"rescue": 0.0}),
                                            ("venture", {"venture_per_quarter": 0.0})])
def test_a_switch_that_does_nothing_gets_nothing(switch, inert):
    r = c.simulate(c.Story().replace(**inert), np.random.default_rng(2019))
    i = c.SWITCHES.index(switch)
    assert c.shapley(r.shortfall)[i] == 0.0
    assert r.attribution().loc[switch, "change"] == 0.0


def test_the_attribution_adds_up_and_names_every_switch(run):
    table = run.attribution()
    assert list(table.index) == list(c.SWITCHES)
    assert table["Shapley value"].sum() == pytest.approx(
        run.shortfall[run.all_on] - run.shortfall[0], rel=1e-12)
    assert table["share"].sum() == pytest.approx(1.0)
    for name in c.SWITCHES:
        alone_off = run.shortfall[run.all_on & ~(1 << c.SWITCHES.index(name))]
        assert table.loc[name, "shortfall without it"] == alone_off


@SLOW
@given(stories, st.floats(0.0, 0.99))
def test_a_deeper_run_never_shrinks_the_shortfall(story, other):
    lo, hi = sorted((story.run_fall, other))
    a = c.simulate(story.replace(run_fall=lo), np.random.default_rng(7)).shortfall
    b = c.simulate(story.replace(run_fall=hi), np.random.default_rng(7)).shortfall
    assert np.all(b >= a - 1e-12)


def test_the_market_path_is_seeded_and_crashes_in_the_luna_quarter():
    s = c.Story()
    a = c.market_path(s, np.random.default_rng(1))
    b = c.market_path(s, np.random.default_rng(1))
    np.testing.assert_array_equal(a, b)
    calm = c.market_path(s.replace(shock=0.0), np.random.default_rng(1))
    ratio = a / calm
    np.testing.assert_allclose(ratio[:c.LUNA], 1.0)
    np.testing.assert_allclose(ratio[c.LUNA:], 1.0 - s.shock)


def test_the_links_come_from_the_chapters_models(run):
    ln = run.links
    assert ln.mm_margin == pytest.approx((0.05 + 1e-4 * 100) / 100 - 3e-4)   # Step 1's book
    assert ln.multiple == pytest.approx(0.9 * 0.9)                          # l (1 - h)
    assert 0.0 < ln.venture_recovery < 1.0
    assert 0.0 < ln.rescue_recovery <= 1.0
    assert ln.backstop_luna < 0.0                                           # Step 11


def test_results_are_read_only_and_repeatable(run):
    with pytest.raises(ValueError):
        run.shortfall[0] = 1.0
    again = c.simulate(c.Story(), np.random.default_rng(2019))
    np.testing.assert_array_equal(again.shortfall, run.shortfall)


@pytest.mark.parametrize("field, value, message", [
    ("shock", 0.95, "shock must be in"), ("run_fall", 1.0, "run_fall must be in"),
    ("leverage", -1.0, "leverage must be in"), ("farmers0", 1, "farmers0 must be"),
    ("loan_to_value", 0.0, "loan_to_value must be in"), ("haircut", 1.0, "haircut must be in"),
    ("house_depth", 0.0, "house_depth must be in")])
def test_bad_parameters_are_rejected_by_name(field, value, message):
    with pytest.raises(ValueError, match=message):
        c.Story().replace(**{field: value})


def test_bad_arguments_are_rejected_by_name(run):
    with pytest.raises(ValueError, match="rng"):
        c.simulate(c.Story(), 42)
    with pytest.raises(ValueError, match="story"):
        c.simulate({"shock": 0.5}, np.random.default_rng(0))
    with pytest.raises(ValueError, match="mask must be"):
        run.path(2 ** c.K)
    with pytest.raises(ValueError, match="valued must be one of"):
        run.equity("at cost")
    with pytest.raises(ValueError, match="t must be"):
        run.sheet(0, c.T + 1)


def test_counting_by_the_number_of_decisions_on_covers_every_combination(run):
    table = run.by_number_on()
    assert table["combinations"].sum() == 2 ** c.K
    assert list(table["combinations"]) == [math.comb(c.K, n) for n in range(c.K + 1)]
    assert table["combinations that leave one"].sum() == (run.shortfall > 0).sum()
    assert table.loc[c.K, "largest shortfall"] == run.shortfall[run.all_on]
    assert table.loc[0, "worst combination"] == "(none)"
    for n in range(c.K + 1):
        names = [k for k, label in c.LABELS.items()
                 if label in table.loc[n, "worst combination"].split("; ")]
        assert len(names) == n
        assert run.shortfall[c.mask_of(names)] == table.loc[n, "largest shortfall"]


def test_the_chapters_words_on_the_milder_crash_hold(run):
    """The capstone's solution says, in words, what the glued places show: with a 30% crash
    taking the house token as collateral climbs past farming, and lending the deposits
    stays first. If a change to the model breaks that, the prose must change too."""
    from toymarkets.chapters.explore import capstone as chapter

    assert chapter.SEED == 2019                     # the run fixture is the chapter's run
    mild = c.simulate(c.Story(shock=0.3), np.random.default_rng(chapter.SEED))
    place = {name: frame["share"].rank(ascending=False)
             for name, frame in (("severe", run.attribution()), ("mild", mild.attribution()))}
    assert place["severe"]["house_collateral"] > place["severe"]["farm"]
    assert place["mild"]["house_collateral"] < place["mild"]["farm"]
    assert place["mild"]["house_collateral"] < place["severe"]["house_collateral"]
    assert place["severe"]["lend_deposits"] == place["mild"]["lend_deposits"] == 1
