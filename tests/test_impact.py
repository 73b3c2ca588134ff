"""Tests of the liquidation-value model (toymarkets.models.impact).

Each test says the invariant or the closed form it checks. Three groups, as in the
module: mark against sale under three laws; pumping a thin float (the book's own
derivation, checked against a brute-force sequence of small swaps); and Almgren and
Chriss's optimal schedule (checked against the paper's definitions of cost and
variance, its limits, an independent implementation's table, and a brute-force
minimisation over schedules).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from toymarkets.core import pool
from toymarkets.core.impact import SquareRoot
from toymarkets.models import impact as im
from toymarkets.models.impact import Execution, Market, Pump

FAST = settings(max_examples=80, deadline=None)

kinds = st.sampled_from(sorted(im.LAWS))
sizes = st.one_of(st.just(0.0), st.floats(1e-9, 1e3))     # in days of volume


# ====================================================================== 1. mark against sale


def valid_market(**kw):
    try:
        return Market(**kw)
    except ValueError:
        return None


market_strategy = st.builds(
    valid_market,
    price=st.floats(1e-3, 1e4),
    volatility=st.floats(1e-3, 0.95),
    daily_volume=st.floats(1.0, 1e9),
    y=st.floats(0.1, 1.05),
).filter(lambda m: m is not None)


@FAST
@given(market_strategy, kinds, sizes)
def test_a_sale_never_fetches_more_than_the_mark(market, kind, days):
    q = days * market.daily_volume
    curve = im.liquidation_curve(market, [q])
    assert curve.proceeds[kind][0] <= curve.mark[0] * (1 + 1e-12)
    assert curve.proceeds[kind][0] >= 0.0
    assert 0.0 <= curve.discount[kind][0] <= 1.0


@FAST
@given(market_strategy, kinds, sizes, sizes)
def test_the_discount_grows_with_size(market, kind, d1, d2):
    small, big = sorted((d1, d2))
    d = im.discount(market, kind, np.array([small, big]) * market.daily_volume)
    assert d[1] >= d[0] - 1e-12


@FAST
@given(market_strategy, kinds, sizes, st.floats(1.0, 3.0))
def test_the_discount_grows_with_volatility(market, kind, days, factor):
    calmer = market
    assume(market.volatility * factor < 1.0 and market.volatility * factor * market.y < 0.999)
    wilder = market.replace(volatility=market.volatility * factor)
    q = days * market.daily_volume
    assert im.discount(wilder, kind, q) >= im.discount(calmer, kind, q) - 1e-12


@FAST
@given(market_strategy, kinds, sizes, st.floats(1.0, 100.0))
def test_the_discount_falls_with_volume(market, kind, days, factor):
    q = days * market.daily_volume
    deeper = market.replace(daily_volume=market.daily_volume * factor)
    assert im.discount(deeper, kind, q) <= im.discount(market, kind, q) + 1e-12


@FAST
@given(market_strategy, kinds)
def test_the_three_laws_move_the_price_by_y_sigma_after_one_days_volume(market, kind):
    """The book's calibration: the marginal price after selling V is P0 (1 - Y sigma)."""
    law = market.law(kind)
    V, h = market.daily_volume, market.daily_volume * 1e-6
    marginal = (law.proceeds(V + h, market.price) - law.proceeds(V - h, market.price)) / (2 * h)
    assert marginal == pytest.approx(market.price * (1 - market.y * market.volatility),
                                     rel=1e-5, abs=1e-9 * market.price)


@FAST
@given(market_strategy, kinds, st.lists(sizes, min_size=1, max_size=5))
def test_the_closed_form_discounts_agree_with_the_core_laws(market, kind, days):
    q = np.array(days) * market.daily_volume
    expected = market.law(kind).discount(q, market.price)
    assert np.allclose(im.discount(market, kind, q), expected, rtol=1e-9, atol=1e-12)


def test_the_square_root_discount_is_two_thirds_y_sigma_root_q_over_v():
    """Toth et al.'s law integrated: 10 days of volume at sigma 5% loses 2/3 * 0.05 * sqrt(10)."""
    m = Market(volatility=0.05, daily_volume=1e6)
    assert im.discount(m, "square-root", 1e7) == pytest.approx(2 / 3 * 0.05 * math.sqrt(10))
    assert im.discount(m, "linear", 1e7) == pytest.approx(0.05 * 10 / 2)
    x = im.pool_depth(m)
    assert x * x / (x + 1e6) ** 2 == pytest.approx(0.95)


@FAST
@given(st.lists(st.tuples(st.floats(0.0, 1e8), st.floats(0.0, 1e3), st.floats(1e-3, 2.0),
                          st.floats(1.0, 1e8), st.floats(0.1, 3.0)), min_size=1, max_size=20))
def test_a_portfolio_is_valued_position_by_position(rows):
    """The vectorised scaling L = P0 Q* l(Q/Q*) equals each position sold through core."""
    q, p, s, vol, y = (np.array(c) for c in zip(*rows, strict=True))
    fast = im.portfolio_liquidation(q, p, s, vol, y)
    slow = [SquareRoot(si, vi, yi).proceeds(qi, pi) for qi, pi, si, vi, yi in rows]
    assert np.allclose(fast, slow, rtol=1e-9, atol=1e-9)


def test_a_fixed_recovery_fetches_its_share_of_the_mark():
    law = im.FixedRecovery(0.3)
    assert law.proceeds(10.0, 2.0) == pytest.approx(6.0)
    assert law.discount(10.0, 2.0) == pytest.approx(0.7)


# ====================================================================== 2. pumping a thin float

pumps = st.builds(Pump, float_tokens=st.floats(1e-2, 1e6), price=st.floats(1e-3, 1e3),
                  holding=st.one_of(st.just(0.0), st.floats(1e-6, 1e6)),
                  fee=st.one_of(st.just(0.0), st.floats(1e-6, 0.1)))
shares = st.one_of(st.just(0.0), st.floats(1e-9, 0.95))


def brute_force(params: Pump, bought: float, steps: int = 300):
    """The pump and the dump as ``steps`` small swaps each, through core.pool."""
    x, y, cost = params.float_tokens, params.reserve_cash, 0.0
    for chunk in np.full(steps, bought / steps):
        paid = pool.amount_in(chunk, y, x, params.fee)
        x, y, cost = x - chunk, y + paid, cost + paid
    price, held, sale = y / x, params.holding + bought, 0.0
    for chunk in np.full(steps, held / steps):
        got = pool.amount_out(chunk, x, y, params.fee)
        x, y, sale = x + chunk, y - got, sale + got
    return cost, price, sale


@settings(max_examples=20, deadline=None)
@given(pumps.map(lambda p: p.replace(fee=0.0)), shares)
def test_without_fees_the_book_derivation_matches_brute_force(params, share):
    """The book's own result: S - C = P0 x0 H / (x0 + H) whatever q, and G/M = (H+q)/(x0+H)."""
    q = share * params.float_tokens
    cost, price, sale = brute_force(params, q)
    x0, H, P0 = params.float_tokens, params.holding, params.price
    scale = P0 * (x0 + H) / (1 - share) ** 2
    assert im.pump_cost(params, q) == pytest.approx(cost, rel=1e-9, abs=1e-12 * scale)
    assert im.pump_price(params, q) == pytest.approx(price, rel=1e-9)
    assert im.pump_sale_value(params, q) == pytest.approx(sale, rel=1e-9, abs=1e-12 * scale)
    assert sale - cost == pytest.approx(P0 * x0 * H / (x0 + H), rel=1e-7, abs=1e-9 * scale)
    mark = (H + q) * price
    if mark > 0:
        assert (mark - sale) / mark == pytest.approx((H + q) / (x0 + H), rel=1e-7)
    path = im.pump(params, [q])
    assert path.sale_value[0] == pytest.approx(params.sale_before, rel=1e-7, abs=1e-9 * scale)


def test_the_gaps_derivative_is_positive_as_derived():
    """dG/dq = 2 P0 x0^2 (H+q)/(x0-q)^3 without fee, against a central difference."""
    p = Pump(float_tokens=7.0, price=1.3, holding=11.0, fee=0.0)
    q, h = 2.5, 1e-6
    slope = (im.pump_gap(p, q + h) - im.pump_gap(p, q - h)) / (2 * h)
    assert slope == pytest.approx(2 * 1.3 * 49 * (11 + q) / (7 - q) ** 3, rel=1e-6)


@FAST
@given(pumps, shares, shares)
def test_the_gap_grows_as_the_position_grows(params, s1, s2):
    lo, hi = sorted((s1, s2))
    g = im.pump_gap(params, np.array([lo, hi]) * params.float_tokens)
    assert g[1] >= g[0] * (1 - 1e-12)


@FAST
@given(pumps, shares, shares)
def test_pumping_never_raises_what_a_sale_would_leave(params, s1, s2):
    """With fees the pump loses them twice; without, it is exactly undone by the sale."""
    lo, hi = sorted((s1, s2))
    path = im.pump(params, np.array([lo, hi]) * params.float_tokens)
    scale = params.price * (params.float_tokens + params.holding) / (1 - hi) ** 2
    assert path.sale_value[1] <= path.sale_value[0] + 1e-9 * scale
    assert np.all(path.sale_value <= params.sale_before + 1e-9 * scale)


@FAST
@given(pumps, shares)
def test_the_paper_value_never_falls_below_the_sale_value(params, share):
    path = im.pump(params, [share * params.float_tokens])
    assert path.paper_value[0] >= path.sale_value[0] - 1e-9 * max(1.0, path.mark[0])
    assert np.allclose(path.gap, path.paper_value - path.sale_value, rtol=1e-9, atol=1e-9)
    assert path.price[0] >= params.price * (1 - 1e-12)         # buying never lowers the mark


@FAST
@given(pumps, st.lists(shares, min_size=1, max_size=5))
def test_the_closed_forms_agree_with_the_pool_arithmetic(params, fractions):
    q = np.array(fractions) * params.float_tokens
    path = im.pump(params, q)
    assert np.allclose(im.pump_cost(params, q), path.cost, rtol=1e-9)
    assert np.allclose(im.pump_price(params, q), path.price, rtol=1e-9)
    assert np.allclose(im.pump_sale_value(params, q), path.sale, rtol=1e-9)
    assert np.allclose(im.pump_gap(params, q), path.gap, rtol=1e-7, atol=1e-9 * path.mark.max())


# ====================================================================== 3. selling slowly

executions = st.builds(
    Execution, quantity=st.floats(1.0, 1e7), horizon=st.floats(0.1, 50.0),
    n_intervals=st.integers(1, 40), volatility=st.floats(0.0, 5.0),
    half_spread=st.floats(0.0, 1.0), temporary=st.floats(1e-5, 1e-3),
    permanent=st.floats(0.0, 1e-7), risk_aversion=st.floats(0.0, 1e-4),
    price=st.floats(1.0, 1e3))


@FAST
@given(executions)
def test_the_closed_forms_equal_the_papers_sums_on_the_optimal_trajectory(ex):
    x = im.optimal_holdings(ex)
    e, var = im.expected_cost(ex, x), im.cost_variance(ex, x)
    assert im.optimal_expected_cost(ex) == pytest.approx(e, rel=1e-8)
    assert im.optimal_variance(ex) == pytest.approx(var, rel=1e-6, abs=1e-9 * (e + 1.0) ** 2)


@FAST
@given(executions)
def test_the_optimal_schedule_sells_monotonically_from_x_to_zero(ex):
    x = im.optimal_holdings(ex)
    assert x[0] == ex.quantity and x[-1] == 0.0
    assert np.all(np.diff(x) <= 1e-12 * ex.quantity)


@FAST
@given(executions, st.lists(st.floats(0.0, 1.0), min_size=39, max_size=39))
def test_no_schedule_beats_the_optimum(ex, draws):
    """E + lambda V of the closed form is below that of any other schedule (here, random)."""
    inner = np.sort(np.array(draws[: ex.n_intervals - 1]))[::-1] * ex.quantity
    other = np.concatenate([[ex.quantity], inner, [0.0]])
    best = im.schedule(ex)
    u_best = best.expected_cost + ex.risk_aversion * best.variance
    u_other = im.expected_cost(ex, other) + ex.risk_aversion * im.cost_variance(ex, other)
    assert u_best <= u_other * (1 + 1e-9) + 1e-9


def utility(ex, inner):
    x = np.concatenate([[ex.quantity], inner, [0.0]])
    return im.expected_cost(ex, x) + ex.risk_aversion * im.cost_variance(ex, x)


def test_brute_force_over_a_grid_finds_the_closed_form_schedule():
    """N = 3: evaluate E + lambda V (the paper's definitions, written out here) at every
    x1 >= x2 of a fine grid; the best grid point sits next to the closed form."""
    ex = Execution(n_intervals=3, horizon=3.0)
    grid = np.linspace(0.0, ex.quantity, 2001)
    x1, x2 = np.meshgrid(grid, grid, indexing="ij")
    n = np.stack([ex.quantity - x1, x1 - x2, x2])
    e = (0.5 * ex.permanent * ex.quantity**2 + ex.half_spread * np.abs(n).sum(axis=0)
         + ex.eta_tilde / ex.tau * (n**2).sum(axis=0))
    u = e + ex.risk_aversion * ex.volatility**2 * ex.tau * (x1**2 + x2**2)
    u = np.where(x1 >= x2, u, np.inf)
    i, j = np.unravel_index(np.argmin(u), u.shape)
    x = im.optimal_holdings(ex)
    step = grid[1] - grid[0]
    assert abs(grid[i] - x[1]) <= step and abs(grid[j] - x[2]) <= step
    assert utility(ex, x[1:-1]) <= u[i, j]


@pytest.mark.parametrize("lam", [0.0, 1e-7, 1e-6, 1e-5])
def test_a_numerical_minimiser_finds_the_closed_form_schedule(lam):
    """N = 8, the paper's example otherwise: minimise E + lambda V over x_1..x_7."""
    ex = Execution(n_intervals=8, horizon=8.0, risk_aversion=lam)
    scale = ex.quantity
    found = minimize(lambda z: utility(ex, z * scale) / 1e5, np.linspace(1, 0, 9)[1:-1],
                     method="BFGS", options={"gtol": 1e-10})
    assert np.allclose(found.x * scale, im.optimal_holdings(ex)[1:-1], rtol=1e-4, atol=1.0)


def test_the_papers_limits():
    """lambda = 0: a straight line, E = gamma X^2/2 + eps X + eta~ X^2/T,
    V = sigma^2 X^2 T (1 - 1/N)(1 - 1/2N)/3 (the paper's naive strategy)."""
    ex = Execution(risk_aversion=0.0)
    s = im.schedule(ex)
    X, T, N = ex.quantity, ex.horizon, ex.n_intervals
    assert np.allclose(s.holdings, X * (1 - s.times / T))
    assert s.expected_cost == pytest.approx(0.5 * ex.permanent * X**2 + ex.half_spread * X
                                            + ex.eta_tilde * X**2 / T)
    assert s.variance == pytest.approx(ex.volatility**2 * X**2 * T * (1 - 1 / N)
                                       * (1 - 1 / (2 * N)) / 3)
    assert s.half_life == math.inf


def test_the_urgency_solves_the_papers_equation_and_tends_to_the_continuous_one():
    ex = Execution()
    k, tau = im.kappa(ex), ex.tau
    assert 2 / tau**2 * (math.cosh(k * tau) - 1) == pytest.approx(
        ex.risk_aversion * ex.volatility**2 / ex.eta_tilde)
    fine = ex.replace(n_intervals=10_000)
    assert im.kappa(fine) == pytest.approx(
        math.sqrt(ex.risk_aversion * ex.volatility**2 / fine.eta_tilde), rel=1e-6)


def test_the_papers_rules_of_thumb_give_its_coefficients():
    """S0 = 50, 30% a year over 250 days, V = 5 million, spread 1/8:
    epsilon = 1/16, eta = 2.5e-6, gamma = 2.5e-7, sigma about 0.95 (the paper rounds)."""
    ex = Execution.from_market(1e6, 50.0, 0.3 / math.sqrt(250), 5e6, 1 / 8)
    assert ex.half_spread == pytest.approx(0.0625)
    assert ex.temporary == pytest.approx(2.5e-6)
    assert ex.permanent == pytest.approx(2.5e-7)
    assert ex.volatility == pytest.approx(0.95, abs=2e-3)


@pytest.mark.parametrize("lam, mean, var, half_life", [
    (1e-9, 0.6625, 1.0812, 51.30),
    (2e-9, 0.6625, 1.0794, 36.27),
    (5e-9, 0.6625, 1.0740, 22.94),
    (9e-9, 0.6626, 1.0669, 17.10),
])
def test_the_paper_example_matches_an_independent_implementation(lam, mean, var, half_life):
    """The paper's example, against the table printed by an independent implementation
    (DROP, lakshmidrip.github.io/DROP, test AlmgrenChriss: mean in USD million, variance
    in USD^2 x 10^12, half-life in days, its lambda in units of 10^-6 per USD)."""
    s = im.schedule(Execution(risk_aversion=lam))
    assert s.expected_cost / 1e6 == pytest.approx(mean, abs=5e-5)
    assert s.variance / 1e12 == pytest.approx(var, abs=5e-5)
    assert s.half_life == pytest.approx(half_life, abs=5e-3)


def test_selling_everything_at_once_has_no_variance_and_the_largest_cost():
    """The paper's minimum-variance strategy, N = 1: E = eps X + eta X^2/tau, V = 0."""
    ex = Execution(n_intervals=1, horizon=1.0)
    s = im.schedule(ex)
    assert s.variance == 0.0
    assert s.expected_cost == pytest.approx(0.5 * ex.permanent * ex.quantity**2
                                            + ex.half_spread * ex.quantity
                                            + ex.eta_tilde * ex.quantity**2 / ex.tau)
    assert s.expected_proceeds == pytest.approx(s.mark - s.expected_cost)


def test_more_risk_aversion_sells_faster():
    slow, fast = (im.optimal_holdings(Execution(risk_aversion=lam)) for lam in (1e-7, 1e-5))
    assert np.all(fast[1:-1] < slow[1:-1])


# ====================================================================== inputs and results


@pytest.mark.parametrize("cls, field, value, message", [
    (Market, "price", 0.0, r"price must be in \(0"),
    (Market, "volatility", 1.5, r"volatility must be in \(0, 1\]"),
    (Market, "volatility", -0.1, r"volatility must be in \(0"),
    (Market, "daily_volume", 0.0, r"daily_volume must be in \(0"),
    (Market, "y", 20.0, r"y must be in \(0, 10\]"),
    (Pump, "float_tokens", 0.0, r"float_tokens must be in \(0"),
    (Pump, "price", -1.0, r"price must be in \(0"),
    (Pump, "holding", -1.0, r"holding must be in \[0"),
    (Pump, "fee", 0.2, r"fee must be in \[0, 0.1\]"),
    (Execution, "quantity", 0.0, r"quantity must be in \(0"),
    (Execution, "horizon", 0.0, r"horizon must be in \(0"),
    (Execution, "n_intervals", 0, r"n_intervals must be a whole number in \[1, 10000\]"),
    (Execution, "n_intervals", 2.5, r"n_intervals must be a whole number"),
    (Execution, "volatility", -1.0, r"volatility must be in \[0"),
    (Execution, "half_spread", -1.0, r"half_spread must be in \[0"),
    (Execution, "temporary", 0.0, r"temporary must be in \(0"),
    (Execution, "permanent", -1.0, r"permanent must be in \[0"),
    (Execution, "permanent", 10.0, r"temporary must exceed permanent"),
    (Execution, "risk_aversion", -1.0, r"risk_aversion must be in \[0"),
    (Execution, "price", 0.0, r"price must be in \(0"),
    (im.FixedRecovery, "recovery", 1.5, r"recovery must be in \[0, 1\]"),
])
def test_bad_parameters_are_rejected_by_name(cls, field, value, message):
    with pytest.raises(ValueError, match=message):
        cls(**{field: value})


def test_bad_arguments_are_rejected_by_name():
    with pytest.raises(ValueError, match=r"y \* volatility must be in \(0, 1\)"):
        Market(volatility=0.8, y=1.5)
    with pytest.raises(ValueError, match="kind must be one of"):
        Market().law("cubic")
    with pytest.raises(ValueError, match=r"quantity must be in \[0"):
        im.liquidation_curve(Market(), [-1.0])
    with pytest.raises(ValueError, match=r"bought must be in \[0, 10\)"):
        im.pump(Pump(), [10.0])
    with pytest.raises(ValueError, match="market must be a Market"):
        im.discount(Pump(), "pool", 1.0)
    with pytest.raises(ValueError, match="holdings must start at quantity"):
        im.expected_cost(Execution(), [1.0, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match="holdings must be 6 finite numbers"):
        im.cost_variance(Execution(), [1e6, 0.0])
    with pytest.raises(ValueError, match=r"daily_volume must be in \(0"):
        im.portfolio_liquidation(1.0, 1.0, 0.1, 0.0)
    with pytest.raises(ValueError, match="too large"):
        im.kappa(Execution(risk_aversion=1e3, volatility=1e9, temporary=1e-300, permanent=0.0))


def test_results_are_read_only_and_the_same_inputs_give_the_same_results():
    curve = im.liquidation_curve(Market(), [1.0, 2.0])
    path = im.pump(Pump(), [0.0, 1.0])
    sched = im.schedule(Execution())
    for arr in (curve.quantity, curve.proceeds["pool"], path.mark, sched.holdings):
        with pytest.raises(ValueError):
            arr[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        sched.kappa = 2.0
    assert np.array_equal(im.pump(Pump(), [0.0, 1.0]).gap, path.gap)
    assert np.array_equal(im.schedule(Execution()).holdings, sched.holdings)
    assert list(path.frame().columns)[:3] == ["bought", "price", "cost"]
    assert len(curve.frame()) == 2 and curve.days_of_volume()[1] == pytest.approx(2e-6)


def test_the_figures_draw_the_results_and_refuse_anything_else():
    from matplotlib.figure import Figure

    from toymarkets.figures import impact as fi

    path = im.pump(Pump(), np.linspace(0.0, 5.0, 11))
    curve = im.liquidation_curve(Market(), np.linspace(0.0, 1e7, 11))
    sched = {"a": im.schedule(Execution()), "b": im.schedule(Execution(risk_aversion=0.0))}
    for fig in (fi.pump_values(path, title="t"),
                fi.discount_curves(curve, {"σ": curve}, title="t"),
                fi.schedules(sched, list(sched.values()), title="t")):
        assert isinstance(fig, Figure)
    with pytest.raises(ValueError, match="path must be a PumpPath"):
        fi.pump_values(curve, title="t")
    with pytest.raises(ValueError, match="by_volatility must name at least one curve"):
        fi.discount_curves(curve, {}, title="t")
    with pytest.raises(ValueError, match="chosen and frontier"):
        fi.schedules({}, [], title="t")


def test_a_temporary_impact_below_half_the_permanent_per_interval_is_rejected():
    # hypothesis found this corner: one interval of 24 time units makes
    # permanent * tau / 2 = 1.0003e-6 exceed the temporary impact of 1e-6
    with pytest.raises(ValueError, match="temporary must exceed permanent"):
        im.Execution(quantity=1.0, horizon=24.0, n_intervals=1, volatility=0.0,
                     half_spread=0.0, temporary=1e-6, permanent=8.336175558921745e-08,
                     risk_aversion=0.0, price=1.0)
