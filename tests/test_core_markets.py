"""The shared market mechanics of core: the constant-product pool, impact laws, the sheet.

Each property is stated as the invariant it checks, with hypothesis drawing the inputs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from toymarkets.core import impact, pool
from toymarkets.core.balancesheet import (
    BalanceSheet,
    Loan,
    Position,
    Receivable,
    Vesting,
    consolidate,
)

reserves = st.floats(1.0, 1e9)
amounts = st.floats(0.0, 1e9)
fees = st.sampled_from([0.0, 0.0005, 0.003, 0.01, 0.3])


# ------------------------------------------------------------------ the pool


@given(reserves, reserves, amounts, fees)
def test_a_swap_never_lowers_the_product_and_a_fee_raises_it(x, y, dx, fee):
    dy = pool.amount_out(dx, x, y, fee)
    assert 0.0 <= dy < y
    after = (x + dx) * (y - dy)
    # y - dy = xy / (x + dx) is a difference of close numbers when dx >> x: its rounding
    # error grows like machine epsilon times (x + dx) / x, so the bound scales with it
    assert after >= x * y * (1 - 1e-12 - 4e-16 * (x + dx) / x)
    if fee > 0 and dx > 1e-6 * x:
        assert after > x * y


@given(reserves, reserves, st.floats(0.0, 0.999), fees)
def test_amount_in_inverts_amount_out(x, y, share, fee):
    dy = share * y
    dx = pool.amount_in(dy, x, y, fee)
    assert pool.amount_out(dx, x, y, fee) == pytest.approx(dy, rel=1e-9, abs=1e-9 * y)


@given(reserves, reserves, st.floats(1e-6, 1e9), fees)
def test_a_round_trip_never_makes_money(x, y, dx, fee):
    dy = pool.amount_out(dx, x, y, fee)
    back = pool.amount_out(dy, y - dy, x + dx, fee)
    assert back <= dx * (1 + 1e-9)


def test_uniswap_v2_get_amount_out_on_the_contracts_numbers():
    # getAmountOut: amountIn * 997 * reserveOut / (reserveIn * 1000 + amountIn * 997)
    assert pool.amount_out(1_000, 100_000, 200_000) == pytest.approx(
        1_000 * 997 * 200_000 / (100_000 * 1000 + 1_000 * 997))
    assert pool.amount_in(1_974.32, 100_000, 200_000) == pytest.approx(
        100_000 * 1_974.32 * 1000 / ((200_000 - 1_974.32) * 997))


@settings(max_examples=200)
@given(reserves, reserves, st.floats(1e-3, 1e3), fees)
def test_arbitrage_moves_the_pool_into_its_band_and_pays(x, y, m, fee):
    lo, hi = pool.no_arbitrage_band(x, y, fee)
    token, amount = pool.arbitrage_input(x, y, m, fee)
    if lo <= m <= hi:
        assert token is None and amount == 0.0
        return
    assert amount > 0
    if token == "x":
        out = pool.amount_out(amount, x, y, fee)
        new_x, new_y, profit = x + amount, y - out, out - m * amount
    else:
        out = pool.amount_out(amount, y, x, fee)
        new_x, new_y, profit = x - out, y + amount, m * out - amount
    assert profit >= -1e-9 * max(1.0, abs(profit))
    lo, hi = pool.no_arbitrage_band(new_x, new_y, fee)
    assert lo * (1 - 1e-9) <= m <= hi * (1 + 1e-9)


@given(st.lists(st.tuples(reserves, reserves, st.floats(1e-3, 1e3)), min_size=1, max_size=20),
       fees)
def test_arbitrage_inputs_is_arbitrage_input_elementwise(cases, fee):
    x, y, m = (np.array(c) for c in zip(*cases, strict=True))
    dx, dy = pool.arbitrage_inputs(x, y, m, fee)
    assert np.all((dx >= 0) & (dy >= 0) & ((dx == 0) | (dy == 0)))
    for i, case in enumerate(cases):
        token, amount = pool.arbitrage_input(*case, fee)
        assert (dx[i], dy[i]) == {"x": (amount, 0.0), "y": (0.0, amount),
                                  None: (0.0, 0.0)}[token]


@pytest.mark.parametrize("call, message", [
    (lambda: pool.amount_out(-1.0, 1.0, 1.0), r"amount_in must be in \[0, inf\)"),
    (lambda: pool.amount_out(1.0, 0.0, 1.0), r"reserve_in must be in \(0, inf\)"),
    (lambda: pool.amount_out(1.0, 1.0, 1.0, fee=1.0), r"fee must be in \[0, 1\)"),
    (lambda: pool.amount_in(2.0, 1.0, 2.0), r"amount_out must be in \[0, reserve_out\)"),
    (lambda: pool.arbitrage_input(1.0, 1.0, 0.0), r"market_price must be in \(0, inf\)"),
    (lambda: pool.spot_price(1.0, float("nan")), "reserve_y must be finite"),
])
def test_pool_rejects_bad_input_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_million_swaps_are_one_call():
    rng = np.random.default_rng(0)
    out = pool.amount_out(rng.uniform(0, 10, 1_000_000), 1_000.0, 2_000.0)
    assert out.shape == (1_000_000,) and np.all((out >= 0) & (out < 2_000.0))


# ------------------------------------------------------------------ impact laws

laws = st.one_of(
    st.builds(impact.SquareRoot, st.floats(0.01, 2.0), st.floats(1.0, 1e9), st.floats(0.1, 3)),
    st.builds(impact.LinearBook, st.floats(1e-6, 10.0)),
    st.builds(impact.ConstantProduct, st.floats(1.0, 1e9), st.floats(1.0, 1e9), fees),
    st.just(impact.Liquid()),
)


@settings(max_examples=200)
@given(laws, st.floats(0.0, 1e10), st.floats(0.01, 1e4))
def test_a_sale_never_fetches_more_than_the_mark_nor_less_than_nothing(law, q, price):
    if isinstance(law, impact.ConstantProduct):
        price = law.reserve_cash / law.reserve_token     # a pool is marked at its own price
    proceeds = law.proceeds(q, price)
    assert 0.0 <= proceeds <= price * q * (1 + 1e-9) + 1e-9
    assert 0.0 <= law.discount(q, price) <= 1.0 + 1e-12 if q > 0 else True


@settings(max_examples=200)
@given(laws, st.floats(0.0, 1e9), st.floats(0.0, 1e9), st.floats(0.01, 1e4))
def test_selling_more_never_fetches_less(law, a, b, price):
    lo, hi = sorted((a, b))
    assert law.proceeds(hi, price) >= law.proceeds(lo, price) * (1 - 1e-12) - 1e-9


def test_square_root_proceeds_integrate_the_marginal_price():
    law = impact.SquareRoot(volatility=0.05, daily_volume=1e6, y=0.8)
    for q in (1e3, 1e5, 1e6, 0.9 * law.limit):
        grid = np.linspace(0.0, q, 200_001)
        marginal = 10.0 * (1 - law.impact(grid))
        assert law.proceeds(q, 10.0) == pytest.approx(np.trapezoid(marginal, grid), rel=1e-6)
    # beyond Q* the marginal price is zero: nothing more is fetched
    assert law.proceeds(3 * law.limit, 10.0) == pytest.approx(law.proceeds(law.limit, 10.0))
    assert law.proceeds(law.limit, 10.0) == pytest.approx(10.0 * law.limit / 3)


@given(st.floats(1e2, 1e7), st.floats(0.01, 0.5), st.floats(1e4, 1e8))
def test_square_root_discount_grows_with_size_and_volatility_and_falls_with_volume(q, s, vol):
    law = impact.SquareRoot(s, vol)
    assume(2 * q < law.limit)
    d = law.discount(q, 1.0)
    assert d == pytest.approx(2 / 3 * s * math.sqrt(q / vol), rel=1e-9)
    assert law.discount(2 * q, 1.0) > d
    assert impact.SquareRoot(1.5 * s, vol).discount(q, 1.0) > d
    assert impact.SquareRoot(s, 2 * vol).discount(q, 1.0) < d


def test_a_linear_book_and_a_pool_match_their_closed_forms():
    assert impact.LinearBook(0.5).proceeds(10.0, 20.0) == pytest.approx(200 - 0.25 * 100)
    assert impact.LinearBook(0.5).proceeds(100.0, 20.0) == pytest.approx(20 * 40 - 0.25 * 1600)
    cp = impact.ConstantProduct(1_000.0, 5_000.0, fee=0.0)
    assert cp.proceeds(1_000.0, 5.0) == pytest.approx(2_500.0)      # half the cash for x more
    assert cp.proceeds(1e12, 5.0) < 5_000.0


@settings(max_examples=100)
@given(laws, st.lists(st.tuples(st.floats(0.0, 1e6), st.floats(0.01, 1e4)), min_size=1,
                      max_size=8))
def test_prices_and_quantities_broadcast_as_one_call_per_pair(law, pairs):
    if isinstance(law, impact.ConstantProduct):
        pairs = [(min(q, 0.5 * law.reserve_token), p) for q, p in pairs]
    q, p = (np.array(x) for x in zip(*pairs, strict=True))
    for method in (law.proceeds, law.cost):
        want = [method(float(a), float(b)) for a, b in zip(q, p, strict=True)]
        np.testing.assert_allclose(method(q, p), want, rtol=1e-13, atol=0.0)


@given(st.floats(1e-6, 1e3), st.floats(0.0, 1e4), st.floats(0.0, 1e9))
def test_what_a_budget_buys_in_a_linear_book_is_the_inverse_of_its_cost(slope, price, budget):
    book = impact.LinearBook(slope)
    q = book.bought_with(budget, price)
    assert q >= 0.0
    assert book.cost(q, price) == pytest.approx(budget, rel=1e-9, abs=1e-12)
    # the same budget buys more from a lower price; a budget of zero buys nothing
    assert book.bought_with(budget, price + 1.0) <= q
    assert book.bought_with(0.0, price) == 0.0


def test_a_linear_book_buys_its_closed_form():
    # 20 q + 0.25 q^2 = 2100 has the root q = 60 (2 * 2100 / (20 + sqrt(400 + 2100)))
    assert impact.LinearBook(0.5).bought_with(2_100.0, 20.0) == pytest.approx(60.0, rel=1e-15)
    np.testing.assert_allclose(impact.LinearBook(0.5).bought_with([0.0, 2_100.0], [20.0, 0.0]),
                               [0.0, math.sqrt(2 * 2_100 / 0.5)], rtol=1e-15)


@pytest.mark.parametrize("make, message", [
    (lambda: impact.SquareRoot(0.0, 1.0), r"volatility must be in \(0, 5\]"),
    (lambda: impact.SquareRoot(0.1, -1.0), r"daily_volume must be in \(0"),
    (lambda: impact.LinearBook(0.0), r"slope must be in \(0"),
    (lambda: impact.ConstantProduct(1.0, 1.0, fee=1.5), r"fee must be in \[0, 1\)"),
    (lambda: impact.Liquid().proceeds(-1.0, 1.0), r"quantity must be finite and in \[0, inf\)"),
    (lambda: impact.Liquid().proceeds(1.0, -1.0), r"price must be in \[0, inf\)"),
    (lambda: impact.Liquid().cost(1.0, [1.0, -1.0]), r"price must be finite and in \[0, inf\)"),
    (lambda: impact.LinearBook(1.0).bought_with(-1.0, 1.0),
     r"budget must be finite and in \[0, inf\)"),
    (lambda: impact.LinearBook(1.0).bought_with(1.0, np.nan), r"price must be"),
    (lambda: impact.discount(object(), 1.0, 1.0), "law must be an impact law"),
])
def test_impact_rejects_bad_input_by_name(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# ------------------------------------------------------------------ the balance sheet

positions = st.builds(
    Position, quantity=st.floats(0, 1e7), price=st.floats(0, 1e3),
    market=st.one_of(st.just(impact.Liquid()),
                     st.builds(impact.SquareRoot, st.floats(0.01, 1.0), st.floats(1e3, 1e8)),
                     st.builds(impact.LinearBook, st.floats(1e-6, 1.0))),
    kind=st.sampled_from(["market", "house", "illiquid", "venture"]),
    locked=st.floats(0, 1), lockup_discount=st.floats(0, 1))
receivables = st.builds(Receivable, principal=st.floats(0, 1e9), collateral=positions,
                        haircut=st.floats(0, 0.9))
names = st.text("abcdefgh", min_size=1, max_size=6)
sheets = st.builds(
    lambda a, r, cash, debts: BalanceSheet({**a, **{f"loan {k}": x for k, x in r.items()},
                                            "cash": cash}, debts),
    st.dictionaries(names, positions, max_size=4), st.dictionaries(names, receivables,
                                                                   max_size=2),
    st.floats(0, 1e9), st.dictionaries(names, st.floats(0, 1e9), max_size=3))


@settings(max_examples=150)
@given(sheets)
def test_assets_less_liabilities_is_equity_at_mark_and_at_liquidation(sheet):
    marks, sold = sheet.asset_values, sheet.liquidation_values
    debts = sum(sheet.liability_values.values())
    assert sheet.equity == pytest.approx(sum(marks.values()) - debts, rel=1e-12, abs=1e-6)
    assert sheet.liquidation_equity == pytest.approx(sum(sold.values()) - debts, rel=1e-12,
                                                     abs=1e-6)
    frame = sheet.to_frame(liquidation=True)
    assert frame.loc[("Equity", "Assets less liabilities")].tolist() == pytest.approx(
        [sheet.equity, sheet.liquidation_equity])


@settings(max_examples=150)
@given(sheets)
def test_liquidation_equity_never_exceeds_mark_equity(sheet):
    for name, value in sheet.liquidation_values.items():
        assert value <= sheet.asset_values[name] * (1 + 1e-12) + 1e-9, name
    assert sheet.liquidation_equity <= sheet.equity + 1e-6


@settings(max_examples=150)
@given(sheets, st.floats(0, 1e9), st.data())
def test_remarking_one_line_moves_equity_by_that_lines_change(sheet, value, data):
    name = data.draw(st.sampled_from(sorted(sheet.assets)))
    line = sheet.assets[name]
    assume(not isinstance(line, Position) or line.kind == "cash" or value == 0
           or (line.quantity > 0 and math.isfinite(value / line.quantity)))
    marked = sheet.mark(**{name: value})
    change = value - sheet.asset_values[name]
    scale = max(1.0, sheet.total_assets, marked.total_assets, sheet.total_liabilities)
    assert marked.equity - sheet.equity == pytest.approx(change, rel=1e-9, abs=1e-12 * scale)
    others = {k: x for k, x in marked.asset_values.items() if k != name}
    assert others == {k: x for k, x in sheet.asset_values.items() if k != name}


def test_a_loan_against_the_house_token_in_numbers():
    ftt = Position(100e6, 22.0, impact.SquareRoot(0.1, 2e6), kind="house")
    loan = Receivable(1_500e6, collateral=ftt, haircut=0.25)
    assert loan.loan_to_value == pytest.approx(1_500 / 2_200)
    assert loan.capacity == pytest.approx(0.75 * 2_200e6)
    assert loan.margin_call == 0.0
    assert loan.exposure_at_mark == 0.0                  # a lender who trusts the mark
    assert loan.exposure == pytest.approx(1_500e6 - ftt.liquidation_value)   # one who sells
    assert loan.exposure > 300e6                         # 50 days of volume sold at once
    falls = Receivable(1_500e6, collateral=Position(100e6, 10.0), haircut=0.25)
    assert falls.margin_call == pytest.approx(1_500e6 - 750e6)


def test_locked_tokens_count_only_at_their_floor_and_vesting_unlocks_them():
    sol = Position(40e6, 60.0, kind="market", locked=0.75, lockup_discount=0.5)
    assert sol.liquidation_value == pytest.approx(40e6 * 0.25 * 60 + 40e6 * 0.75 * 60 * 0.5)
    schedule = Vesting(cliff=1.0, end=4.0, cliff_share=0.25)
    assert [schedule.unlocked(t) for t in (0.5, 1.0, 2.5, 4.0, 9.0)] == pytest.approx(
        [0.0, 0.25, 0.625, 1.0, 1.0])
    assert schedule.locked(2.5) == pytest.approx(0.375)


def test_exposures_follow_from_the_sheet():
    sheet = BalanceSheet({
        "cash": 134.0,
        "FTT": Position(10.0, 22.0, kind="house", locked=0.5),
        "SOL": Position(2.0, 50.0, kind="market"),
        "stakes": Position(1.0, 300.0, kind="venture"),
        "loan to a fund": Receivable(50.0, collateral=Position(5.0, 20.0)),
    }, {"FTX loan": Loan(200.0, collateral="FTT", haircut=0.2)})
    e = sheet.exposures()
    assert e["market"] == pytest.approx(220 + 100 + 300)
    assert e["house token"] == pytest.approx(220.0) and e["illiquid"] == pytest.approx(300.0)
    assert e["locked"] == pytest.approx(110.0)
    assert e["collateral lent against"] == pytest.approx(100.0)
    assert sheet.loan_to_value("FTX loan") == pytest.approx(200 / 220)
    assert sheet.margin_call("FTX loan") == pytest.approx(200 - 0.8 * 220)
    assert sheet.reprice(FTT=11.0).margin_call("FTX loan") == pytest.approx(200 - 0.8 * 110)


@pytest.mark.parametrize("make, message", [
    (lambda: Position(-1.0), r"quantity must be in \[0, inf\)"),
    (lambda: Position(1.0, kind="token"), r"kind must be one of"),
    (lambda: Position(1.0, locked=1.5), r"locked must be in \[0, 1\]"),
    (lambda: Position(1.0, market="deep"), "market must be a ImpactLaw"),
    (lambda: Loan(1.0, haircut=1.0), r"haircut must be in \[0, 1\)"),
    (lambda: Loan(1.0, collateral=""), "collateral must name an asset line"),
    (lambda: Receivable(1.0, collateral=3.0), "collateral must be a Position"),
    (lambda: BalanceSheet({"x": 1.0}, {"l": Loan(1.0, collateral="y")}), "not an asset line"),
    (lambda: BalanceSheet({"x": 1.0}).reprice(y=2.0), "no position named"),
    (lambda: BalanceSheet({"x": Position(0.0)}).mark(x=2.0), "holds no units"),
    (lambda: BalanceSheet({"x": 1.0}, {"l": 1.0}).loan_to_value("l"), "unsecured"),
    (lambda: Vesting(cliff=2.0, end=1.0), r"end must be in \[2, 1e\+06\]"),
])
def test_sheet_types_reject_bad_input_by_name(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# ------------------------------------------------------------------ buying


@settings(max_examples=200)
@given(laws, st.floats(0.0, 1e8), st.floats(0.01, 1e4))
def test_buying_costs_at_least_the_mark_and_the_cost_integrates_the_marginal_price(law, q, p):
    if isinstance(law, impact.ConstantProduct):
        p = law.reserve_cash / law.reserve_token
        q = min(q, 0.9 * law.reserve_token)
    cost = law.cost(q, p)
    assert cost >= p * q * (1 - 1e-9) - 1e-9
    if q > 0:
        grid = np.linspace(0.0, q, 20_001)
        assert cost == pytest.approx(np.trapezoid(law.marginal(grid, p, "buy"), grid),
                                     rel=1e-5, abs=1e-6 * p * q + 1e-9)
        kink = {impact.SquareRoot: lambda: law.limit, impact.LinearBook: lambda: p / law.slope}
        stop = min(q, kink.get(type(law), lambda: q)())      # the marginal price is 0 after
        sell_grid = np.linspace(0.0, stop, 20_001)
        assert law.proceeds(q, p) == pytest.approx(
            np.trapezoid(law.marginal(sell_grid, p, "sell"), sell_grid), rel=1e-4,
            abs=1e-6 * p * q + 1e-9)


def test_buying_out_a_pool_is_refused():
    with pytest.raises(ValueError, match=r"quantity must be in \[0, reserve_token\)"):
        impact.ConstantProduct(10.0, 10.0).cost(10.0, 1.0)
    with pytest.raises(ValueError, match="side must be one of"):
        impact.Liquid().marginal(1.0, 1.0, side="short")


def test_consolidating_a_group_removes_its_claims_on_itself():
    exchange = BalanceSheet({"customer cash": 100.0,
                             "loan to the firm": Receivable(60.0, collateral=Position(10.0, 5.0))},
                            {"customer deposits": 160.0})
    firm = BalanceSheet({"tokens": Position(10.0, 5.0, kind="house")},
                        {"exchange loan": 60.0, "lenders": 20.0})
    group = consolidate({"FTX": exchange, "Alameda": firm},
                        {("FTX", "loan to the firm"): ("Alameda", "exchange loan")})
    assert set(group.assets) == {"FTX: customer cash", "Alameda: tokens"}
    assert set(group.liabilities) == {"FTX: customer deposits", "Alameda: lenders"}
    # the group's equity is the members' equity added up: the loan cancels
    assert group.equity == pytest.approx(exchange.equity + firm.equity)
    with pytest.raises(ValueError, match="must be equal"):
        consolidate({"FTX": exchange, "Alameda": firm.with_lines(liabilities={
            "exchange loan": 50.0})}, {("FTX", "loan to the firm"): ("Alameda", "exchange loan")})
    with pytest.raises(ValueError, match="not among the assets"):
        consolidate({"FTX": exchange}, {("FTX", "nothing"): ("FTX", "customer deposits")})


@pytest.mark.parametrize("law", [impact.SquareRoot(1.0, 1.0, 1.0), impact.LinearBook(1.0),
                                 impact.Liquid()], ids=["sqrt", "linear", "liquid"])
def test_a_sale_too_small_to_mark_has_no_discount(law):
    # 5e-324 * 0.5 underflows to a mark of zero: the discount is 0, not 0/0 (a warning)
    assert law.discount(5e-324, 0.5) == 0.0
    assert law.discount(0.0, 0.5) == 0.0
