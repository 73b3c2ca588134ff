"""Step 2 model: trades balance, the P&L split is exact, toxic flow costs what theory says.

Statistical checks compare a mean over independent, seeded runs with its target
within three standard errors. Hypothesis examples are derandomized, so every run
of this file checks the same cases and a pass or a failure is reproducible.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.models import glostenmilgrom as gm
from toymarkets.models import toxicflow as tf

FEW = settings(max_examples=25, deadline=None, derandomize=True)
SOME = settings(max_examples=8, deadline=None, derandomize=True)


@st.composite
def flows(draw, max_lag=8):
    """Valid parameters over the model's space, shares drawn to sum to 1."""
    toxic = draw(st.floats(0.0, 1.0))
    part = draw(st.floats(0.0, 1.0))
    params = tf.ToxicFlow(
        s0=draw(st.floats(50.0, 500.0)),
        volatility=draw(st.floats(0.0, 0.2)),
        lag=draw(st.integers(0, max_lag)),
        catch_up=draw(st.floats(0.05, 1.0)),
        trades_per_step=draw(st.floats(0.2, 20.0)),
        size_uninformed=draw(st.floats(0.1, 5.0)),
        size_informed=draw(st.floats(0.1, 5.0)),
        size_liquidation=draw(st.floats(0.1, 10.0)),
        liquidation_window=draw(st.integers(1, 20)),
        liquidation_threshold=draw(st.floats(0.0, 3.0)),
        half_spread=draw(st.floats(0.0, 0.2)),
        fee=draw(st.floats(0.0, 0.01)),
        hedge_cost=draw(st.floats(0.0, 0.01)),
        hedge_delay=draw(st.integers(0, 50)),
    )
    return params.with_toxic_share(toxic, part)


def _mean_se(x):
    x = np.asarray(x, dtype=float)
    return x.mean(), x.std(ddof=1) / math.sqrt(x.size)


def _runs(params, n_runs=20, n_trades=5_000, seed=0):
    return tf.simulate_many(params, np.random.default_rng(seed), n_runs, n_trades)


# --------------------------------------------------------------------------- accounting


@FEW
@given(params=flows(), seed=st.integers(0, 2**32 - 1), n=st.integers(1, 3_000))
def test_every_trade_balances_between_client_and_house(params, seed, n):
    run = tf.simulate(params, np.random.default_rng(seed), n)
    c_tokens, c_cash = run.client_legs()
    h_tokens, h_cash = run.house_legs()
    assert np.all(c_tokens + h_tokens == 0.0)
    np.testing.assert_allclose(c_cash + h_cash, 0.0, atol=1e-9 * (1 + np.abs(h_cash).max()))
    # ... at the exchange's quote: the client buys at the mid plus h, sells at the mid less h
    np.testing.assert_allclose(run.fill, run.mid[run.step] + run.side * params.half_spread,
                               rtol=1e-12)
    assert np.all(np.abs(run.side) == 1.0) and np.all(run.size > 0)
    assert run.step.min() >= 0 and run.step.max() < run.n_steps
    assert len(run.size) == n


@FEW
@given(params=flows(), seed=st.integers(0, 2**32 - 1), n=st.integers(1, 3_000))
def test_components_add_up_to_the_cash_and_token_ledger(params, seed, n):
    """For every choice, the five sources sum to cash plus tokens marked at the last price."""
    run = tf.simulate(params, np.random.default_rng(seed), n)
    totals = run.totals()
    for choice in tf.CHOICES:
        parts = run.components(choice)
        scale = 1.0 + sum(np.abs(x).sum() for x in parts.values()) + run.size.sum() * params.s0
        assert run.ledger(choice) == pytest.approx(totals.loc[choice, "total"], rel=0,
                                                   abs=1e-10 * scale)
        assert totals.loc[choice, list(tf.COMPONENTS)].sum() == pytest.approx(
            totals.loc[choice, "total"], rel=1e-12, abs=1e-9)


@FEW
@given(params=flows(), seed=st.integers(0, 2**32 - 1))
def test_choices_differ_only_in_when_and_whether_they_hedge(params, seed):
    run = tf.simulate(params, np.random.default_rng(seed), 2_000)
    a, b, d = (run.components(c) for c in ("a_book", "b_book", "delayed"))
    assert np.all(a["slippage"] == 0.0)                       # hedged at the trade's price
    assert np.all(b["hedging_cost"] == 0.0)                   # never hedged
    for name in ("fees", "spread", "adverse_selection"):      # the fill is the same
        assert np.array_equal(a[name], b[name]) and np.array_equal(a[name], d[name])
    assert np.all(a["hedging_cost"] <= 0.0) and np.all(d["hedging_cost"] <= 0.0)
    tau = run.hedge_step("delayed")
    assert np.all((tau >= run.step) & (tau <= run.step + params.hedge_delay))
    instant = tf.simulate(params.replace(hedge_delay=0), np.random.default_rng(seed), 2_000)
    np.testing.assert_array_equal(instant.components("delayed")["slippage"], 0.0)


# --------------------------------------------------------------------------- the two venues


@FEW
@given(params=flows(max_lag=30), seed=st.integers(0, 2**32 - 1), n=st.integers(1, 5_000))
def test_the_exchange_mid_follows_the_partial_adjustment(params, seed, n):
    """m_t - m_{t-1} = kappa (p_{t-L} - m_{t-1}) at every step where p_{t-L} is on the path."""
    run = tf.simulate(params, np.random.default_rng(seed), n)
    lag, kappa = params.lag, params.catch_up
    t = np.arange(max(lag, 1), run.n_steps + 1)
    step = run.mid[t] - run.mid[t - 1]
    target = kappa * (run.lead[t - lag] - run.mid[t - 1])
    np.testing.assert_allclose(step, target, rtol=0, atol=1e-9 * (1 + np.abs(run.mid).max()))
    assert run.lead[0] == params.s0


def test_without_lag_the_exchange_is_the_leading_venue():
    run = tf.simulate(tf.ToxicFlow(lag=0, catch_up=1.0), np.random.default_rng(3), 10_000)
    assert np.array_equal(run.mid, run.lead)
    assert np.all(run.components("b_book")["adverse_selection"] == 0.0)


@pytest.mark.parametrize("changes", [{}, {"lag": 0, "catch_up": 0.1}, {"lag": 6, "catch_up": 1.0}])
def test_the_gap_starts_and_stays_at_its_stationary_spread(changes):
    """Across independent runs, the gap at the first and last step has the closed-form sd."""
    params = tf.ToxicFlow(**changes)
    runs = _runs(params, n_runs=800, n_trades=200, seed=9)
    sd = tf.gap_sd(params)
    for t in (0, -1):
        gaps = np.array([r.lead[t] - r.mid[t] for r in runs])
        se_of_sd = sd / math.sqrt(2 * (gaps.size - 1))          # Gaussian sampling error
        assert abs(gaps.std(ddof=1) - sd) < 3 * se_of_sd
        assert abs(gaps.mean()) < 3 * sd / math.sqrt(gaps.size)


# --------------------------------------------------------------------------- clients


@FEW
@given(params=flows(), seed=st.integers(0, 2**32 - 1))
def test_each_kind_trades_the_way_it_is_defined(params, seed):
    run = tf.simulate(params, np.random.default_rng(seed), 3_000)
    gap = (run.lead - run.mid)[run.step]
    informed = (run.kind == 1) & (gap != 0)
    assert np.all(run.side[informed] == np.sign(gap[informed]))    # toward the leading venue
    liq = run.kind == 2
    if liq.any() and params.volatility > 0:
        lead = np.concatenate([np.full(params.liquidation_window, np.nan), run.lead])
        back = lead[run.step[liq]]                                   # p_{t-W}, if on the path
        move = run.lead[run.step[liq]] - back
        seen = np.isfinite(move) & (move != 0)
        assert np.all(run.side[liq][seen] == np.sign(move[seen]))   # with the move


def test_liquidations_come_after_large_moves_and_in_bursts():
    params = tf.ToxicFlow()
    run = tf.simulate(params, np.random.default_rng(5), 50_000)
    w = params.liquidation_window
    steps = run.step[(run.kind == 2) & (run.step >= w)]
    move = np.abs(run.lead[steps] - run.lead[steps - w])
    assert np.all(move > params.liquidation_threshold * params.volatility * math.sqrt(w))
    # bursts: liquidation steps are far more concentrated than uniformly drawn steps would be
    share_of_steps = np.unique(steps).size / (run.n_steps - w)
    assert share_of_steps < 0.1


def test_volume_shares_match_the_parameters():
    params = tf.ToxicFlow(share_uninformed=0.5, share_informed=0.2, share_liquidation=0.3,
                          size_informed=0.5, size_liquidation=4.0)
    shares = np.array([r.by_kind()["volume"].to_numpy() / r.volume for r in _runs(params)])
    for j, kind in enumerate(tf.KINDS):
        mean, se = _mean_se(shares[:, j])
        assert abs(mean - params.shares[kind]) < 3 * se


# --------------------------------------------------------------------------- adverse selection


@SOME
@given(lag=st.integers(0, 6), kappa=st.floats(0.05, 1.0), seed=st.integers(0, 1_000))
def test_uninformed_flow_is_not_adversely_selected(lag, kappa, seed):
    """With only uninformed clients, adverse selection is zero within its standard error."""
    params = tf.ToxicFlow(lag=lag, catch_up=kappa).with_toxic_share(0.0)
    per_unit = [r.totals(per_unit=True).loc["b_book", "adverse_selection"]
                for r in _runs(params, seed=seed)]
    mean, se = _mean_se(per_unit)
    assert abs(mean) < 3 * se


@SOME
@given(lag=st.integers(0, 6), kappa=st.floats(0.05, 1.0), window=st.integers(1, 20),
       z=st.floats(0.0, 2.5), seed=st.integers(0, 1_000))
def test_adverse_selection_per_kind_matches_the_closed_form(lag, kappa, window, z, seed):
    params = tf.ToxicFlow(lag=lag, catch_up=kappa, liquidation_window=window,
                          liquidation_threshold=z, share_uninformed=0.2, share_informed=0.4,
                          share_liquidation=0.4)
    expected = tf.expected_adverse_selection(params)
    runs = _runs(params, n_trades=5_000, seed=seed)
    loss = np.array([-r.by_kind(per_unit=True)["adverse_selection"].to_numpy() for r in runs])
    for j, kind in enumerate(tf.KINDS):
        mean, se = _mean_se(loss[:, j])
        assert abs(mean - expected[kind]) < 3 * se or (se == 0 and mean == expected[kind]), kind
    assert expected["uninformed"] == 0.0 and expected["informed"] >= 0.0
    # the informed trader earns E|g| = sqrt(2/pi) sd(g), the mean of a half-normal
    assert expected["informed"] == pytest.approx(math.sqrt(2 / math.pi) * tf.gap_sd(params))


@pytest.mark.parametrize("changes", [{}, {"lag": 0, "catch_up": 0.2, "liquidation_window": 3},
                                     {"lag": 5, "catch_up": 0.6, "liquidation_window": 2}])
@pytest.mark.parametrize("reference", ["lead", "exchange"])
def test_markouts_match_the_closed_form(changes, reference):
    params = tf.ToxicFlow(**changes)
    horizons = (0, 1, 2, 5, 10, 40)
    table = tf.markout_table(_runs(params, n_trades=10_000, seed=21), horizons, reference)
    for kind in tf.KINDS:
        rows = table[table["kind"] == kind]
        want = tf.expected_markout(params, kind, horizons, reference)
        gap = np.abs(rows["mean"].to_numpy() - want)
        se = rows["se"].to_numpy()
        assert np.all((gap < 3 * se) | (gap < 1e-12)), (kind, gap, se)


def test_markouts_against_the_own_mid_start_at_the_half_spread():
    """At h = 0 the house has earned exactly h per token against its own (stale) mid."""
    run = tf.simulate(tf.ToxicFlow(), np.random.default_rng(8), 5_000)
    np.testing.assert_allclose(run.markouts((0,), "exchange").to_numpy(), 0.01, rtol=1e-9)
    # ... and the toxic kinds' markouts fall from there as the mid catches up
    curve = tf.expected_markout(tf.ToxicFlow(), "informed", range(0, 30), "exchange")
    assert np.all(np.diff(curve) < 0)


# --------------------------------------------------------------------------- toxic share


@SOME
@given(params=flows(max_lag=5), low=st.floats(0.0, 0.5), more=st.floats(0.1, 0.5),
       part=st.floats(0.0, 1.0))
def test_more_toxic_flow_never_raises_b_book_pnl(params, low, more, part):
    """With common random numbers, raising the toxic share does not raise B-book P&L per token."""
    seeds = range(20)
    diffs = []
    for s in seeds:
        lo = tf.simulate(params.with_toxic_share(low, part), np.random.default_rng(s), 3_000)
        hi = tf.simulate(params.with_toxic_share(low + more, part), np.random.default_rng(s),
                         3_000)
        diffs.append(hi.totals(per_unit=True).loc["b_book", "total"]
                     - lo.totals(per_unit=True).loc["b_book", "total"])
    mean, se = _mean_se(diffs)
    assert mean < 3 * se or mean == 0.0
    assert (tf.expected_pnl_per_unit(params.with_toxic_share(low + more, part))
            <= tf.expected_pnl_per_unit(params.with_toxic_share(low, part)))


def test_more_toxic_flow_costs_what_theory_says():
    base = tf.ToxicFlow()
    diffs = []
    for s in range(30):
        pnl = [tf.simulate(base.with_toxic_share(x), np.random.default_rng(s), 5_000)
               .totals(per_unit=True).loc["b_book", "total"] for x in (0.1, 0.5)]
        diffs.append(pnl[1] - pnl[0])
    mean, se = _mean_se(diffs)
    want = (tf.expected_pnl_per_unit(base.with_toxic_share(0.5))
            - tf.expected_pnl_per_unit(base.with_toxic_share(0.1)))
    assert mean + 3 * se < 0
    assert abs(mean - want) < 3 * se


@pytest.mark.parametrize("choice", list(tf.CHOICES))
def test_expected_parts_match_the_simulated_parts_and_sum_to_the_expected_pnl(choice):
    params = tf.ToxicFlow()
    parts = tf.expected_pnl_parts(params, choice)
    assert list(parts) == list(tf.COMPONENTS)
    assert sum(parts.values()) == pytest.approx(tf.expected_pnl_per_unit(params, choice))
    table = tf.pnl_table(tf.simulate_many(params, np.random.default_rng(21), 40, 5_000))
    runs = table.xs(choice, level="choice")
    for key, want in parts.items():
        mean, se = _mean_se(runs[key].to_numpy())
        assert abs(mean - want) < 4 * se + 1e-12, (key, mean, want, se)


@pytest.mark.parametrize("changes", [{}, {"lag": 4, "catch_up": 0.5}, {"half_spread": 0.03}])
def test_the_b_book_breaks_even_at_the_closed_form_share(changes):
    """Fees, spread and adverse selection net to zero per token at s*, and not either side of it.

    The slippage term is left out: it has mean zero and would only add noise.
    """
    params = tf.ToxicFlow(**changes)
    star = tf.break_even_toxic_share(params)
    assert 0.05 < star < 0.9

    def income(share):
        per_unit = [r.totals(per_unit=True).loc["b_book", ["fees", "spread", "adverse_selection"]]
                    .sum() for r in _runs(params.with_toxic_share(share), n_trades=5_000)]
        return _mean_se(per_unit)

    mean, se = income(star)
    assert abs(mean) < 3 * se
    above, se_above = income(min(1.0, star + 0.05))
    below, se_below = income(star - 0.05)
    assert above + 3 * se_above < 0 < below - 3 * se_below


def test_break_even_curve_simulation_agrees_with_the_closed_form():
    fees = [0.0, 1e-4, 3e-4, 6e-4]
    curve = tf.break_even_curve(tf.ToxicFlow(), fees, np.random.default_rng(17), 10, 10_000)
    assert np.all(np.abs(curve["simulated"] - curve["closed_form"]) < 3 * curve["se"])
    assert np.all(np.diff(curve["closed_form"]) > 0)          # a higher fee buys more toxicity


@FEW
@given(params=flows())
def test_break_even_share_is_where_expected_pnl_crosses_zero(params):
    if params.toxic_share == 0:
        params = params.with_toxic_share(0.5, 0.5)
    for choice in tf.CHOICES:
        star = tf.break_even_toxic_share(params, choice)
        assert 0.0 <= star <= 1.0
        at = tf.expected_pnl_per_unit(params.with_toxic_share(star), choice)
        if 0.0 < star < 1.0:
            assert at == pytest.approx(0.0, abs=1e-12 * (1 + params.s0))
        elif star == 1.0:
            assert at >= -1e-12
        else:
            assert tf.expected_pnl_per_unit(params.with_toxic_share(0.0), choice) <= 1e-12
    assert tf.break_even_toxic_share(params, "a_book") <= tf.break_even_toxic_share(params)


def test_the_closed_form_break_even_is_fee_and_spread_over_the_toxic_loss():
    """s* = F / A, worked by hand for lag 1, full catch-up, informed flow only."""
    params = tf.ToxicFlow(lag=1, catch_up=1.0, volatility=0.1, half_spread=0.01, fee=1e-4,
                          s0=100.0).with_toxic_share(0.3, 0.0)
    # gap = p_t - p_{t-1}, sd 0.1; informed earn E|gap| = 0.1 sqrt(2/pi) per token
    assert tf.break_even_toxic_share(params) == pytest.approx(0.02 / (0.1 * math.sqrt(2 / math.pi)))


def test_without_volatility_nothing_is_toxic():
    params = tf.ToxicFlow(volatility=0.0)
    assert tf.expected_adverse_selection(params) == {k: 0.0 for k in tf.KINDS}
    assert tf.break_even_toxic_share(params) == 1.0
    run = tf.simulate(params, np.random.default_rng(1), 2_000)
    assert np.all(run.lead == params.s0)
    # the mid smooths a constant: equal to it up to rounding in the recursion
    np.testing.assert_allclose(run.mid, params.s0, rtol=1e-13)
    adverse = run.components("b_book")["adverse_selection"]
    assert np.all(np.abs(adverse) <= 1e-12 * params.s0 * run.size)


# --------------------------------------------------------------------------- Glosten-Milgrom


gm_values = st.tuples(st.floats(1.0, 100.0), st.floats(0.1, 50.0)).map(
    lambda t: (t[0], t[0] + t[1]))


@settings(max_examples=100, deadline=None, derandomize=True)
@given(values=gm_values, theta=st.floats(0.01, 0.99), mu=st.floats(0.0, 0.99),
       extra=st.floats(0.01, 1.0))
def test_glosten_milgrom_quotes_bracket_the_prior_and_widen_with_informed_trading(
        values, theta, mu, extra):
    lo, hi = values
    bid, ask = gm.glosten_milgrom_quotes(lo, hi, theta, mu)
    prior = theta * hi + (1 - theta) * lo
    assert lo - 1e-9 <= bid <= prior + 1e-9 <= ask + 2e-9 <= hi + 3e-9
    wider = gm.glosten_milgrom_quotes(lo, hi, theta, mu + extra * (1 - mu))
    assert wider[1] - wider[0] > ask - bid


@pytest.mark.parametrize("theta", [0.2, 0.5, 0.9])
def test_glosten_milgrom_limits(theta):
    prior = theta * 110 + (1 - theta) * 90
    assert gm.glosten_milgrom_quotes(90, 110, theta, 0.0) == pytest.approx((prior, prior))
    assert gm.glosten_milgrom_quotes(90, 110, theta, 1.0) == pytest.approx((90, 110))


def test_glosten_milgrom_symmetric_case():
    """With theta = 1/2 the quotes are the mid plus or minus mu times half the value range."""
    for mu in (0.1, 0.3, 0.8):
        bid, ask = gm.glosten_milgrom_quotes(90, 110, 0.5, mu)
        assert (bid, ask) == pytest.approx((100 - 10 * mu, 100 + 10 * mu))


@SOME
@given(theta=st.floats(0.05, 0.95), mu=st.floats(0.0, 1.0), seed=st.integers(0, 1_000))
def test_a_market_maker_quoting_glosten_milgrom_breaks_even(theta, mu, seed):
    run = gm.simulate_glosten_milgrom(90, 110, theta, mu, np.random.default_rng(seed), 100_000)
    assert abs(run.mean()) < 3 * run.standard_error() or run.standard_error() == 0.0
    assert np.all(run.buy[run.informed] == (run.value[run.informed] == 110))


@pytest.mark.parametrize("mu", [0.2, 0.5])
def test_quoting_at_the_prior_loses_to_informed_traders(mu):
    prior = 0.5 * 110 + 0.5 * 90
    run = gm.simulate_glosten_milgrom(90, 110, 0.5, mu, np.random.default_rng(2), 100_000,
                                      quotes=(prior, prior))
    assert run.mean() + 3 * run.standard_error() < 0
    assert run.mean() == pytest.approx(-mu * 10, abs=3 * run.standard_error())


@settings(max_examples=60, deadline=None)
@given(values=gm_values, mu=st.floats(0.0, 1.0))
def test_the_glosten_milgrom_half_spread_makes_the_informed_share_the_break_even_share(
        values, mu):
    """theta = 1/2: the zero-profit half-spread h gives back mu as the break-even share h/A."""
    lo, hi = values
    bid, ask = gm.glosten_milgrom_quotes(lo, hi, 0.5, mu)
    assert gm.break_even_informed_share(0.5 * (ask - bid), lo, hi) == pytest.approx(
        mu, abs=1e-9)


@pytest.mark.parametrize(("half_spread", "mu"), [(2.0, 0.1), (2.0, 0.2), (2.0, 0.4)])
def test_quotes_at_the_mid_pay_below_the_break_even_share_and_lose_above(half_spread, mu):
    """Brute force: quotes 100 -/+ h earn h - mu * A per trade; mu* = h / A = 0.2."""
    assert gm.break_even_informed_share(half_spread, 90, 110) == pytest.approx(0.2)
    run = gm.simulate_glosten_milgrom(90, 110, 0.5, mu, np.random.default_rng(11), 200_000,
                                      quotes=(100 - half_spread, 100 + half_spread))
    assert run.mean() == pytest.approx(half_spread - mu * 10, abs=4 * run.standard_error())
    if mu != 0.2:
        assert (run.mean() > 0) == (mu < 0.2)


def test_break_even_informed_share_is_capped_and_checked():
    assert gm.break_even_informed_share(15.0, 90, 110) == 1.0
    assert gm.break_even_informed_share(0.0, 90, 110) == 0.0
    with pytest.raises(ValueError, match="half_spread"):
        gm.break_even_informed_share(-1.0, 90, 110)
    with pytest.raises(ValueError, match="v_high"):
        gm.break_even_informed_share(1.0, 110, 90)


def test_the_p_and_l_figure_draws_systematic_parts_and_noise_apart():
    """Bars hold the mean systematic parts, the diamond the closed form, the line the noise."""
    from toymarkets.figures import toxicflow as plots

    params = tf.ToxicFlow()
    runs = tf.simulate_many(params, np.random.default_rng(3), 5, 2_000)
    table = tf.pnl_table(runs)
    expected = {c: tf.expected_pnl_per_unit(params, c) for c in tf.CHOICES}
    fig = plots.pnl_split(table, expected, title="t")
    left = fig.axes[0]
    means = table.groupby(level="choice").mean().loc[list(tf.CHOICES)]
    diamonds = next(line for line in left.lines if line.get_marker() == "D")
    np.testing.assert_allclose(diamonds.get_ydata(), [expected[c] for c in tf.CHOICES])
    purple = [line for line in left.lines if line.get_label().startswith("hedging slippage")]
    assert len(purple) == 1
    noise = [line for line in left.lines if len(line.get_xdata()) == 2
             and line.get_xdata()[0] == line.get_xdata()[1]]
    for i, line in enumerate(noise):
        systematic = means[plots.SYSTEMATIC].iloc[i].sum()
        np.testing.assert_allclose(line.get_ydata(), [systematic, means["total"].iloc[i]])
    heights = sorted(abs(p.get_height()) for p in left.patches if p.get_height() != 0)
    parts = means[plots.SYSTEMATIC].abs().to_numpy().ravel()
    np.testing.assert_allclose(heights, sorted(parts[parts != 0]))
    for ax in fig.axes:
        assert "[" in ax.get_ylabel() and "[" in ax.get_xlabel()


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("changes", "name"), [
    ({"s0": 0.0}, "s0"),
    ({"volatility": -0.01}, "volatility"),
    ({"volatility": 1e3}, "volatility"),
    ({"lag": -1}, "lag"),
    ({"lag": 1.5}, "lag"),
    ({"catch_up": 0.0}, "catch_up"),
    ({"catch_up": 1.2}, "catch_up"),
    ({"trades_per_step": 0.0}, "trades_per_step"),
    ({"share_informed": 1.2, "share_uninformed": -0.2}, "share_uninformed"),
    ({"share_informed": -0.1, "share_uninformed": 0.95}, "share_informed"),
    ({"share_liquidation": 1.5}, "share_liquidation"),
    ({"share_uninformed": 0.5}, "must sum to 1"),
    ({"share_informed": 0.0}, "must sum to 1"),
    ({"size_informed": 0.0}, "size_informed"),
    ({"size_liquidation": -1.0}, "size_liquidation"),
    ({"liquidation_window": 0}, "liquidation_window"),
    ({"liquidation_threshold": -0.5}, "liquidation_threshold"),
    ({"half_spread": -0.01}, "half_spread"),
    ({"half_spread": 100.0}, "half_spread"),
    ({"fee": 0.02}, "fee"),
    ({"fee": float("nan")}, "fee"),
    ({"hedge_cost": -1e-4}, "hedge_cost"),
    ({"hedge_delay": -3}, "hedge_delay"),
])
def test_bad_parameters_are_rejected_naming_the_parameter(changes, name):
    with pytest.raises(ValueError, match=name):
        tf.ToxicFlow().replace(**changes)


def test_bad_arguments_are_rejected_naming_them():
    params, rng = tf.ToxicFlow(), np.random.default_rng(0)
    cases = [
        (lambda: tf.ToxicFlow().replace(spread=1), "no parameter"),
        (lambda: params.with_toxic_share(1.5), "toxic_share"),
        (lambda: params.with_toxic_share(0.3, -0.1), "liquidation_part"),
        (lambda: tf.simulate(params, rng, 0), "n_trades"),
        (lambda: tf.simulate(params, 42, 10), "rng"),
        (lambda: tf.simulate({"lag": 1}, rng, 10), "params"),
        (lambda: tf.simulate(params, rng, 1_000_000), "volatility"),
        (lambda: tf.simulate_many(params, rng, 0), "n_runs"),
        (lambda: tf.simulate(params, rng, 100).components("c_book"), "choice"),
        (lambda: tf.simulate(params, rng, 100).ledger("c_book"), "choice"),
        (lambda: tf.simulate(params, rng, 100).markouts((1,), "binance"), "reference"),
        (lambda: tf.simulate(params, rng, 100).markouts((-1,)), "horizon"),
        (lambda: tf.markout_table(tf.simulate_many(params, rng, 1, 100)), "runs"),
        (lambda: tf.expected_markout(params, "whale", (1,)), "kind"),
        (lambda: tf.break_even_toxic_share(params, "c_book"), "choice"),
        (lambda: tf.break_even_toxic_share(params, liquidation_part=2.0), "liquidation_part"),
        (lambda: tf.break_even_curve(params.with_toxic_share(0.0), [0.0], rng), "toxic flow"),
        (lambda: tf.break_even_curve(params, [0.5], rng), "fee"),
        (lambda: gm.glosten_milgrom_quotes(110, 90, 0.5, 0.2), "v_high"),
        (lambda: gm.glosten_milgrom_quotes(90, 110, 1.0, 0.2), "theta"),
        (lambda: gm.glosten_milgrom_quotes(90, 110, 0.5, -0.2), "mu"),
        (lambda: gm.glosten_milgrom_quotes(float("inf"), 110, 0.5, 0.2), "v_low"),
        (lambda: gm.simulate_glosten_milgrom(90, 110, 0.5, 0.2, rng, 1), "n_trades"),
    ]
    for call, name in cases:
        with pytest.raises(ValueError, match=name):
            call()


def test_truncation_factor_is_the_mean_normal_tail_beyond_the_threshold():
    rng = np.random.default_rng(4)
    x = np.abs(rng.standard_normal(2_000_000))
    for z in (0.0, 1.0, 2.0):
        tail = x[x > z]
        se = tail.std(ddof=1) / math.sqrt(tail.size)
        assert abs(tail.mean() - tf.truncation_factor(z)) < 4 * se
    assert tf.truncation_factor(0.0) == pytest.approx(math.sqrt(2 / math.pi))
    with pytest.raises(ValueError, match="threshold"):
        tf.truncation_factor(-0.5)
