"""The Kelly criterion (toymarkets.models.kelly): the paper's optimum, over-betting, and the
chance of doubling before halving against simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.models import kelly as k

edges = st.tuples(st.floats(0.05, 0.95), st.floats(0.1, 10.0)).filter(
    lambda pb: pb[0] * pb[1] - (1 - pb[0]) > 1e-3)


@settings(max_examples=200)
@given(edges)
def test_the_kelly_fraction_maximises_growth_on_a_fine_grid(pb):
    p, b = pb
    star = k.kelly_fraction(p, b)
    grid = np.linspace(0.0, 0.999, 100_000)
    best = grid[np.argmax(k.growth_rate(grid, p, b))]
    assert star == pytest.approx(best, abs=2e-5)
    assert k.growth_rate(star, p, b) >= k.growth_rate(grid, p, b).max() - 1e-12


def test_kellys_even_money_growth_rate():
    # Kelly (1956): with even odds the optimal rate is G = 1 + p log2 p + q log2 q bits,
    # i.e. p ln(2p) + q ln(2q) in nats
    for p in (0.51, 0.55, 0.6, 0.75):
        assert k.kelly_fraction(p, 1.0) == pytest.approx(2 * p - 1)
        assert k.growth_rate(2 * p - 1, p, 1.0) == pytest.approx(
            p * math.log(2 * p) + (1 - p) * math.log(2 * (1 - p)))


@settings(max_examples=200)
@given(edges)
def test_past_the_zero_growth_fraction_wealth_shrinks(pb):
    p, b = pb
    star, zero = k.kelly_fraction(p, b), k.zero_growth_fraction(p, b)
    assert zero > star
    # the sign change, in u = -ln(1 - f), where a root close to f = 1 is still resolved
    u = k.zero_growth_log_stake(p, b)
    assert zero == -math.expm1(-u)

    def growth(u):
        return p * math.log1p(b * -math.expm1(-u)) - (1 - p) * u

    assert growth(u * (1 - 1e-9)) > 0 > growth(u * (1 + 1e-9))
    if zero < 0.999:
        assert k.growth_rate(zero, p, b) == pytest.approx(0.0, abs=1e-9)


def test_for_a_small_edge_growth_turns_negative_near_twice_kelly():
    star, zero = k.kelly_fraction(0.505, 1.0), k.zero_growth_fraction(0.505, 1.0)
    assert zero / star == pytest.approx(2.0, rel=1e-3)
    assert k.zero_growth_fraction(0.4, 1.0) == 0.0 == k.kelly_fraction(0.4, 1.0)


def test_the_chance_of_doubling_before_halving_in_closed_form():
    np.testing.assert_allclose(k.double_before_half([0.5, 1.0, 2.0]), [8 / 9, 2 / 3, 1 / 2])
    assert k.double_before_half(3.0) < 0.5                 # past twice Kelly: worse than even


@pytest.mark.parametrize("c", [0.5, 1.0, 2.0])
def test_the_closed_form_against_simulated_small_bets(c):
    """Small stakes (p = 0.52, even odds) keep each step's log-move small next to ln 2, so
    the discrete walk overshoots its barriers by little: within 3 standard errors of the
    simulated share, plus 0.02 for that overshoot."""
    star = k.kelly_fraction(0.52, 1.0)
    bet = k.Bet(p=0.52, b=1.0, fraction=c * star, max_fraction=max(c * star, 0.5),
                n_rounds=12_000)
    run = k.simulate(bet, np.random.default_rng(1956), n_paths=1_200)
    first = run.hit_first(2.0, 0.5)
    decided = first != 0
    assert decided.mean() > 0.97
    share = (first[decided] == 1).mean()
    se = math.sqrt(share * (1 - share) / decided.sum())
    assert abs(share - k.double_before_half(c)) < 3 * se + 0.02


def test_realised_growth_matches_the_expected_rate():
    bet = k.Bet(p=0.55, b=1.0, fraction=0.1, n_rounds=20_000)
    run = k.simulate(bet, np.random.default_rng(7), n_paths=200)
    growth = run.growth()
    se = growth.std(ddof=1) / math.sqrt(growth.size)
    assert abs(growth.mean() - k.growth_rate(0.1, 0.55, 1.0)) < 4 * se


def test_levering_up_after_wins_follows_the_streak():
    bet = k.Bet(p=0.5, b=1.0, fraction=0.1, lever=2.0, max_fraction=0.5, n_rounds=8)
    run = k.simulate(bet, np.random.default_rng(3), n_paths=50)
    for won, fraction in zip(run.won, run.fraction, strict=True):
        streak = 0
        for w, f in zip(won, fraction, strict=True):
            assert f == pytest.approx(min(0.1 * 2.0 ** streak, 0.5))
            streak = streak + 1 if w else 0
    fixed = k.simulate(bet.replace(lever=1.0), np.random.default_rng(3), n_paths=50)
    assert np.all(fixed.fraction == 0.1)
    np.testing.assert_array_equal(fixed.won, run.won)        # the same flips


def test_levering_up_after_wins_grows_slower_than_kelly_and_ruins_more():
    base = k.Bet(p=0.55, b=1.0, fraction=0.1, n_rounds=2_000)
    kelly = k.simulate(base, np.random.default_rng(11), n_paths=2_000)
    hot = k.simulate(base.replace(lever=1.5, max_fraction=0.9), np.random.default_rng(11),
                     n_paths=2_000)
    assert np.median(hot.growth()) < np.median(kelly.growth())
    assert (hot.wealth.min(axis=1) < 0.1).mean() > (kelly.wealth.min(axis=1) < 0.1).mean()


@settings(max_examples=200)
@given(edges, st.floats(0.0, 0.99))
def test_the_mean_return_is_the_average_of_the_two_outcomes(pb, f):
    """The closed form against its definition, E[factor] - 1, computed outcome by outcome."""
    p, b = pb
    brute = p * (1 + b * f) + (1 - p) * (1 - f) - 1
    assert k.mean_return(f, p, b) == pytest.approx(brute, abs=1e-12)


@settings(max_examples=100)
@given(edges)
def test_past_kelly_the_mean_return_rises_while_growth_falls(pb):
    p, b = pb
    star, zero = k.kelly_fraction(p, b), k.zero_growth_fraction(p, b)
    f = np.linspace(star, min(zero, 0.99), 50)
    assert np.all(np.diff(k.mean_return(f, p, b)) > 0)
    assert np.all(np.diff(k.growth_rate(f, p, b)) < 1e-15)


@settings(max_examples=100)
@given(edges, st.floats(0.0, 0.95), st.integers(0, 8))
def test_the_mean_wealth_against_an_exact_sum_over_the_number_of_wins(pb, f, n):
    """(1 + mean return)^n against the binomial sum of every path's wealth, brute force."""
    p, b = pb
    brute = sum(math.comb(n, w) * p ** w * (1 - p) ** (n - w) * (1 + b * f) ** w
                * (1 - f) ** (n - w) for w in range(n + 1))
    assert k.mean_wealth(f, p, b, n) == pytest.approx(brute, rel=1e-9)


def test_the_summary_of_a_run_against_its_parts():
    bet = k.Bet(p=0.55, b=1.0, fraction=0.2, n_rounds=200)
    run = k.simulate(bet, np.random.default_rng(9), n_paths=500)
    row = run.summary(0.05)
    assert row["growth rate"] == k.growth_rate(0.2, 0.55, 1.0)
    assert row["median wealth, exp(n g)"] == pytest.approx(math.exp(200 * row["growth rate"]))
    assert row["median wealth, simulated"] == np.median(run.wealth[:, -1])
    assert row["mean wealth, closed form"] == k.mean_wealth(0.2, 0.55, 1.0, 200)
    assert row["share that fell to 0.05"] == run.ruined(0.05)[-1]
    with pytest.raises(ValueError, match="summary needs a fixed stake"):
        k.simulate(bet.replace(lever=1.2), np.random.default_rng(9), n_paths=2).summary()


@settings(max_examples=200)
@given(st.floats(0.05, 20.0))
def test_halving_first_and_doubling_first_are_complements(c):
    assert k.half_before_double(c) + k.double_before_half(c) == pytest.approx(1.0, abs=1e-12)


def test_the_chance_of_halving_first_at_half_full_and_double_kelly():
    np.testing.assert_allclose(k.half_before_double([0.5, 1.0, 2.0]), [1 / 9, 1 / 3, 1 / 2])


def test_the_chance_of_halving_first_against_simulated_small_bets():
    """Full Kelly on a small edge (p = 0.52, even odds): the simulated share of paths that
    halve first is within 3 standard errors of 1/3, plus 0.02 for the discrete overshoot."""
    star = k.kelly_fraction(0.52, 1.0)
    run = k.simulate(k.Bet(p=0.52, b=1.0, fraction=star, n_rounds=5_000),
                     np.random.default_rng(2001), n_paths=1_000)
    share, se = run.halved_first(2.0, 0.5)
    first = run.hit_first(2.0, 0.5)
    assert share == (first == -1).sum() / (first != 0).sum()
    assert se == pytest.approx(math.sqrt(share * (1 - share) / (first != 0).sum()))
    assert abs(share - k.half_before_double(1.0)) < 3 * se + 0.02


def test_the_growth_table_against_the_closed_forms():
    table = k.growth_table(0.55, 1.0, [0.0, 0.5, 1.0, 2.0, 3.0])
    star = k.kelly_fraction(0.55, 1.0)
    np.testing.assert_allclose(table["fraction"], table["multiple of Kelly"] * star)
    np.testing.assert_allclose(table["growth rate"], k.growth_rate(table["fraction"], 0.55, 1.0))
    np.testing.assert_allclose(table["mean return"], k.mean_return(table["fraction"], 0.55, 1.0))
    assert table["growth relative to Kelly"].iloc[2] == pytest.approx(1.0)
    assert table["growth relative to Kelly"].iloc[0] == 0.0
    assert table["growth relative to Kelly"].iloc[4] < 0 < table["growth relative to Kelly"].iloc[1]


def test_for_a_small_edge_growth_follows_the_continuous_parabola():
    """g(c f*)/g(f*) = c (2 - c) to second order in the edge: within 0.01 at p = 0.505."""
    table = k.growth_table(0.505, 1.0, np.linspace(0.0, 2.5, 26))
    np.testing.assert_allclose(table["growth relative to Kelly"],
                               table["continuous approximation"], atol=0.01)


@pytest.fixture(scope="module")
def kelly_and_hot():
    base = k.Bet(p=0.55, b=1.0, fraction=0.1, n_rounds=60)
    kelly = k.simulate(base, np.random.default_rng(5), n_paths=40)
    hot = k.simulate(base.replace(lever=1.5, max_fraction=0.6), np.random.default_rng(5),
                     n_paths=40)
    return kelly, hot


def test_the_reductions_of_a_run_against_brute_force(kelly_and_hot):
    kelly, hot = kelly_and_hot
    np.testing.assert_array_equal(hot.percentiles((50,))[50], np.median(hot.wealth, axis=0))
    ruined = hot.ruined(0.3)
    for t in range(hot.wealth.shape[1]):
        brute = np.mean([any(w <= 0.3 for w in path[: t + 1]) for path in hot.wealth])
        assert ruined[t] == pytest.approx(brute)
    assert np.all(np.diff(ruined) >= 0) and 0 <= ruined[0] <= ruined[-1] <= 1
    ahead = hot.ahead_share(kelly)
    for t in (0, 1, 10, 60):
        assert ahead[t] == np.mean([h > w for h, w in zip(hot.wealth[:, t], kelly.wealth[:, t],
                                                             strict=True)])
    ever = hot.ever_ahead(kelly, 1.5)
    for i in range(40):
        assert ever[i] == any(h >= 1.5 * w for h, w in zip(hot.wealth[i], kelly.wealth[i],
                                                            strict=True))
    assert ahead[0] == 0.0                  # both start at 1: nobody is ahead at round 0


def test_results_are_read_only_and_the_same_seed_gives_the_same_run():
    a = k.simulate(k.Bet(n_rounds=50), np.random.default_rng(1), 10)
    b = k.simulate(k.Bet(n_rounds=50), np.random.default_rng(1), 10)
    np.testing.assert_array_equal(a.wealth, b.wealth)
    with pytest.raises(ValueError, match="read-only"):
        a.wealth[0, 0] = 2.0


def _run(seed=1):
    return k.simulate(k.Bet(n_rounds=20), np.random.default_rng(seed), n_paths=5)


@pytest.mark.parametrize("make, message", [
    (lambda: k.Bet(p=1.0), r"p must be in \(0, 1\)"),
    (lambda: k.Bet(b=0.0), r"b must be in \(0"),
    (lambda: k.Bet(fraction=1.0), r"fraction must be in \[0, 1\)"),
    (lambda: k.Bet(lever=0.5), r"lever must be in \[1, 100\]"),
    (lambda: k.Bet(fraction=0.5, max_fraction=0.4), r"max_fraction must be in \[0.5, 1\)"),
    (lambda: k.Bet(n_rounds=0), r"n_rounds must be a whole number in \[1"),
    (lambda: k.growth_rate(1.0, 0.5, 1.0), r"f must be finite and in \[0, 1\)"),
    (lambda: k.double_before_half(0.0), r"c must be finite and in \(0, inf\)"),
    (lambda: k.simulate(k.Bet(), 1), "rng must be a numpy.random.Generator"),
    (lambda: k.simulate(k.Bet(), np.random.default_rng(1), n_paths=1).hit_first(0.5),
     r"up must be in \(1"),
    (lambda: k.mean_return(1.0, 0.5, 1.0), r"f must be finite and in \[0, 1\)"),
    (lambda: k.half_before_double(-1.0), r"c must be finite and in \(0, inf\)"),
    (lambda: k.mean_wealth(0.1, 0.55, 1.0, -1), r"n_rounds must be a whole number in \[0"),
    (lambda: k.growth_table(0.4, 1.0, [1.0]), "p and b must give the bet an edge"),
    (lambda: k.growth_table(0.55, 1.0, [5.0, 10.0]), r"multiples must be in \[0, 10\)"),
    (lambda: k.growth_table(0.55, 1.0, [-1.0]), r"multiples must be finite and in \[0, inf\)"),
    (lambda: k.growth_table(0.55, 1.0, []), r"multiples must be a non-empty list of numbers"),
    (lambda: _run().ruined(0.0), r"level must be in \(0, 1\)"),
    (lambda: _run().percentiles((101,)), r"qs must be in \[0, 100\]"),
    (lambda: _run().ahead_share(_run(seed=2)), "benchmark must be a BetRun on the same"),
    (lambda: _run().ever_ahead(_run(), 0.5), r"factor must be in \[1, "),
    (lambda: _run().halved_first(1e6, 1e-6), "n_rounds must be long enough"),
])
def test_bad_input_is_rejected_by_name(make, message):
    with pytest.raises(ValueError, match=message):
        make()
