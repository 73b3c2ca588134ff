"""Tests of the Step 9 story (toymarkets.story.directional): two firms, one shock.

The calibration must reproduce the reported totals; the composition must keep the
Step 1 firm's numbers from its own model; the invariants (a sale never beats the
mark, a fall in prices never raises a long firm's equity, the hedged firm does not
move) hold over the whole range of assumptions and shocks; and the closed-form
break-even fall is checked against brute force.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.core.balancesheet import BalanceSheet
from toymarkets.models import marketmaking as mm
from toymarkets.story import directional as d
from toymarkets.story.directional import Liquidity, Shock

FAST = settings(max_examples=60, deadline=None)

liquidities = st.builds(
    Liquidity,
    house_volume=st.floats(1.0, 1e4), sol_volume=st.floats(1.0, 1e5),
    crypto_volume=st.floats(1.0, 1e4), volatility=st.floats(0.005, 1.0),
    y=st.floats(0.1, 3.0), venture_recovery=st.floats(0.0, 1.0),
    locked_recovery=st.floats(0.0, 1.0), token_volume=st.floats(1.0, 1e9))
shocks = st.builds(Shock, market_fall=st.floats(0.0, 1.0), house_fall=st.floats(0.0, 1.0))
cash = st.sampled_from(d.CASH_FIGURES)


@pytest.fixture(scope="module")
def hedged_run():
    return mm.simulate(mm.MarketMaker(), np.random.default_rng(1))


@pytest.mark.parametrize("figure", d.CASH_FIGURES)
def test_the_calibration_reproduces_the_reported_totals(figure):
    sheet = d.june2022_sheet(cash=figure)
    assert sheet.total_assets == pytest.approx(14_600.0)
    assert sheet.total_liabilities == pytest.approx(8_000.0)
    assert sheet.equity == pytest.approx(6_600.0)
    assert sheet.asset_values["cash"] == figure
    assert sheet.asset_values["FTT (unlocked and collateral)"] == pytest.approx(3_660 + 2_160)
    assert sheet.exposures()["house token"] == pytest.approx(5_820.0)
    assert sheet.exposures()["locked"] == pytest.approx(863.0)
    assert sheet.liability_values["loans"] == 7_400.0


def test_the_unitemised_remainders_are_what_the_reported_items_leave():
    sheet = d.june2022_sheet()
    itemised = sum(d.REPORTED["assets"].values()) + 134.0
    assert sheet.asset_values["other assets (not itemised)"] == pytest.approx(14_600 - itemised)
    assert sheet.liability_values["other liabilities (not itemised)"] == pytest.approx(
        8_000 - 7_400 - 292)


def test_the_step1_firm_keeps_its_own_models_numbers(hedged_run):
    ours = d.step1_sheet(hedged_run, 100_000.0)
    theirs = mm.balance_sheet(hedged_run, 100_000.0)
    assert ours.equity == pytest.approx(theirs.equity, rel=1e-12)
    assert ours.total_liabilities == theirs.total_liabilities
    assert ours.assets["token inventory"].kind == "market"


@FAST
@given(liquidities, shocks, cash)
def test_a_sale_never_beats_the_mark_on_any_line(liquidity, shock, figure):
    out = d.stress({"Step 9 firm": d.june2022_sheet(liquidity, figure)}, shock)
    for sheet in (out.before["Step 9 firm"], out.after["Step 9 firm"]):
        for name, mark in sheet.asset_values.items():
            assert sheet.liquidation_values[name] <= mark * (1 + 1e-12) + 1e-9
    eq = out.equity()
    assert np.all(eq.xs("if sold", axis=1, level="valued")
                  <= eq.xs("at mark", axis=1, level="valued") + 1e-9)


@FAST
@given(liquidities, shocks, cash)
def test_a_fall_in_prices_never_raises_the_long_firms_equity(liquidity, shock, figure):
    eq = d.stress({"Step 9 firm": d.june2022_sheet(liquidity, figure)}, shock).equity()
    row = eq.loc["Step 9 firm"]
    assert row[("after", "at mark")] <= row[("before", "at mark")] + 1e-9
    assert row[("after", "if sold")] <= row[("before", "if sold")] + 1e-9


@FAST
@given(liquidities, shocks)
def test_the_hedged_market_maker_does_not_move(hedged_run, liquidity, shock):
    sheet = d.step1_sheet(hedged_run, 100_000.0, liquidity)
    share = d.stress({"Step 1 firm": sheet}, shock).equity_share().loc["Step 1 firm"]
    assert np.allclose(share.to_numpy(), 1.0, rtol=0, atol=1e-12)
    assert np.all(sheet.exposures().to_numpy() == 0.0)


@FAST
@given(liquidities, st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_equity_is_linear_in_the_house_tokens_fall(liquidity, market_fall, f):
    """Every line's mark and sale value scale with its price, so equity is affine in f."""
    sheet = d.june2022_sheet(liquidity)
    eq = [d.stress({"x": sheet}, Shock(market_fall, h)).equity().loc["x"].to_numpy()
          for h in (0.0, f, 1.0)]
    assert np.allclose(eq[1], (1 - f) * eq[0] + f * eq[2], rtol=1e-9, atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(liquidities, st.floats(0.0, 1.0), st.booleans())
def test_the_breakeven_fall_agrees_with_a_brute_force_search(liquidity, market_fall, at_sale):
    sheet = d.june2022_sheet(liquidity)
    def equity(h):
        after = d.shocked(sheet, Shock(market_fall, h))
        return after.liquidation_equity if at_sale else after.equity

    falls = np.linspace(0.0, 1.0, 201)
    values = np.array([equity(h) for h in falls])
    f = d.breakeven_house_fall(sheet, market_fall, liquidation=at_sale)
    if values[0] <= 0:
        assert f == 0.0
    elif values[-1] > 0:
        assert f == np.inf
    else:
        first = falls[np.argmax(values <= 0)]
        assert first - 1 / 200 - 1e-12 <= f <= first + 1e-12
        assert abs(equity(f)) <= 1e-9 * sheet.total_assets


def test_the_default_shock_leaves_the_step9_firm_insolvent_only_if_sold():
    out = d.stress({"Step 9 firm": d.june2022_sheet()}, Shock())
    row = out.equity().loc["Step 9 firm"]
    assert row[("after", "at mark")] > 0 > row[("after", "if sold")]


def test_a_short_inventory_gains_when_prices_fall():
    """An unhedged Step 1 firm left short owes fewer dollars of tokens after a fall."""
    params = mm.MarketMaker(hedge_ratio=0.0, n_steps=300)
    run = mm.simulate(params, np.random.default_rng(0), n_paths=50)
    path = int(np.argmin(run.inventory[:, -1]))
    assert run.inventory[path, -1] < 0
    sheet = d.step1_sheet(run, 100_000.0, path=path)
    eq = d.stress({"x": sheet}, Shock(market_fall=0.5)).equity().loc["x"]
    owed = -run.inventory[path, -1] * run.prices[path, -1]
    assert eq[("after", "at mark")] - eq[("before", "at mark")] == pytest.approx(0.5 * owed)


def test_results_are_read_only_and_repeatable(hedged_run):
    sheets = {"Step 1 firm": d.step1_sheet(hedged_run, 1e5), "Step 9 firm": d.june2022_sheet()}
    out = d.stress(sheets)
    with pytest.raises(TypeError):
        out.before["Step 9 firm"] = BalanceSheet()
    with pytest.raises(dataclasses.FrozenInstanceError):
        out.shock = Shock()
    assert out.equity().equals(d.stress(sheets).equity())
    assert out.firms == d.FIRMS
    assert list(out.lines("Step 9 firm").columns) == [
        "before, at mark", "before, if sold", "after, at mark", "after, if sold"]
    assert out.exposures(after=True, relative=False).loc["Step 9 firm", "house token"] == \
        pytest.approx(5_820 * 0.4)


@pytest.mark.parametrize("cls, field, value, message", [
    (Liquidity, "house_volume", 0.0, r"house_volume must be in \(0"),
    (Liquidity, "sol_volume", -1.0, r"sol_volume must be in \(0"),
    (Liquidity, "crypto_volume", 0.0, r"crypto_volume must be in \(0"),
    (Liquidity, "token_volume", 0.0, r"token_volume must be in \(0"),
    (Liquidity, "volatility", 1.5, r"volatility must be in \(0, 1\]"),
    (Liquidity, "y", 0.0, r"y must be in \(0, 10\]"),
    (Liquidity, "venture_recovery", 1.5, r"venture_recovery must be in \[0, 1\]"),
    (Liquidity, "locked_recovery", -0.1, r"locked_recovery must be in \[0, 1\]"),
    (Shock, "market_fall", 1.5, r"market_fall must be in \[0, 1\]"),
    (Shock, "house_fall", -0.5, r"house_fall must be in \[0, 1\]"),
])
def test_bad_parameters_are_rejected_by_name(cls, field, value, message):
    with pytest.raises(ValueError, match=message):
        cls(**{field: value})


def test_bad_arguments_are_rejected_by_name(hedged_run):
    with pytest.raises(ValueError, match=r"cash must be one of \[134.0, 1340.0\]"):
        d.june2022_sheet(cash=500.0)
    with pytest.raises(ValueError, match="sheets must be a non-empty mapping"):
        d.stress({})
    with pytest.raises(ValueError, match=r"sheets\['x'\] must be a BalanceSheet"):
        d.stress({"x": 1.0})
    with pytest.raises(ValueError, match="must have positive equity"):
        d.stress({"x": BalanceSheet({"cash": 1.0}, {"loan": 2.0})})
    with pytest.raises(ValueError, match=r"market_fall must be in \[0, 1\]"):
        d.breakeven_house_fall(d.june2022_sheet(), 2.0)
    with pytest.raises(ValueError, match="firm must be one of"):
        d.stress({"x": d.june2022_sheet()}).lines("y")
    with pytest.raises(ValueError, match="liquidity must be a Liquidity"):
        d.step1_sheet(hedged_run, 1.0, liquidity=Shock())


@pytest.mark.parametrize("column, cash_figure", list(enumerate(d.CASH_FIGURES)))
def test_the_reported_table_adds_up_with_either_cash_figure(column, cash_figure):
    table = d.reported().iloc[:, column]
    assets = table["Assets"].drop("Total assets")
    liabilities = table["Liabilities"].drop("Total liabilities")
    assert table[("Assets", "cash")] == cash_figure
    assert assets.sum() == pytest.approx(table[("Assets", "Total assets")]) == 14_600
    assert liabilities.sum() == pytest.approx(8_000)
    assert table[("Equity", "Assets less liabilities")] == 6_600


def test_the_figures_draw_a_stress_and_refuse_anything_else(hedged_run):
    from matplotlib.figure import Figure

    from toymarkets.figures import directional as fd

    out = d.stress({"Step 1 firm": d.step1_sheet(hedged_run, 1e5),
                    "Step 9 firm": d.june2022_sheet()})
    for fig in (fd.equity_bars(out, title="t"), fd.exposure_bars(out, title="t"),
                fd.line_values(out, "Step 9 firm", title="t")):
        assert isinstance(fig, Figure)
    with pytest.raises(ValueError, match="stress must be a Stress"):
        fd.equity_bars(d.june2022_sheet(), title="t")
