"""Tests of the clearing model (toymarkets.models.clearing).

Invariants are checked with hypothesis on small random networks; the algorithm is
checked against a linear programme (Eisenberg and Noe's Lemma 4, solved with scipy,
which the library itself never imports), against iteration from both ends, against a
brute-force search over every default set (Rogers and Veraart's greatest clearing
vector), and against small networks worked out by hand in the docstrings below.
"""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from toymarkets.core.balancesheet import Position
from toymarkets.core.impact import SquareRoot
from toymarkets.models import clearing as cl
from toymarkets.models.clearing import Liabilities, Network, RescueLoan

FAST = settings(max_examples=80, deadline=None)
SLOW = settings(max_examples=30, deadline=None)


@st.composite
def networks(draw, max_nodes=6, costs=True, integral=False):
    """A small network: links with amounts in [1, 100] or none, outside assets 0 or in [0, 100].

    ``integral``: whole amounts, and outside assets 0 or at least 1, so that iterating the
    clearing map (which creeps up by the outside assets at each round) ends quickly.
    """
    n = draw(st.integers(2, max_nodes))
    amount = (st.integers(1, 100).map(float) if integral else st.floats(1.0, 100.0))
    cells = st.one_of(st.just(0.0), st.just(0.0), amount)
    matrix = np.array(draw(st.lists(st.lists(cells, min_size=n, max_size=n),
                                    min_size=n, max_size=n)))
    np.fill_diagonal(matrix, 0.0)
    held = st.integers(1, 100).map(float) if integral else st.floats(0.0, 100.0)
    assets = draw(st.lists(st.one_of(st.just(0.0), held), min_size=n, max_size=n))
    alpha = draw(st.floats(0.0, 1.0)) if costs else 1.0
    beta = draw(st.floats(0.0, 1.0)) if costs else 1.0
    return Network(Liabilities(matrix), np.array(assets), alpha=alpha, beta=beta)


def scale(net):
    return 1e-7 * (1.0 + net.total_obligations + net.outside_assets + net.total_claims)


# --- the clearing vector ----------------------------------------------------------------------

@FAST
@given(networks())
def test_the_clearing_vector_is_a_fixed_point_of_the_clearing_map(net):
    out = cl.solve(net)
    assert np.all(np.abs(cl.clearing_map(net, out.payments) - out.payments) <= scale(net))


@FAST
@given(networks())
def test_payments_lie_between_zero_and_what_is_owed(net):
    p = cl.solve(net).payments
    assert np.all(p >= 0.0) and np.all(p <= net.total_obligations)


@FAST
@given(networks())
def test_solvent_nodes_pay_in_full_and_defaulting_nodes_pay_what_they_realise(net):
    out = cl.solve(net)
    d = out.defaulted
    assert np.array_equal(out.payments[~d], net.total_obligations[~d])
    assert np.all(out.net_worth[~d] >= -scale(net)[~d])
    realised = net.alpha * net.outside_assets + net.beta * out.received
    assert np.all(np.abs(out.payments[d] - np.minimum(realised, net.total_obligations)[d])
                  <= scale(net)[d])
    assert np.all(out.net_worth[d] < 0)


@FAST
@given(networks(costs=False))
def test_without_default_costs_equity_is_non_negative_and_adds_up_to_the_outside_assets(net):
    out = cl.solve(net)
    assert np.all(out.equity >= 0.0)
    total = net.outside_assets.sum()
    assert abs(out.equity.sum() - total) <= 1e-9 * (1.0 + total + net.total_obligations.sum())
    assert np.all(out.deadweight <= scale(net))


@FAST
@given(networks())
def test_equity_plus_default_costs_adds_up_to_the_outside_assets(net):
    out = cl.solve(net)
    total = net.outside_assets.sum()
    assert abs(out.equity.sum() + out.deadweight.sum() - total) <= 1e-9 * (
        1.0 + total + net.total_obligations.sum())


@FAST
@given(networks())
def test_the_owners_losses_add_up_to_the_holes_plus_the_default_costs(net):
    out = cl.solve(net)
    assert np.all(out.losses >= 0.0) and np.all(out.holes >= 0.0)
    size = 1e-9 * (1.0 + net.outside_assets.sum() + net.total_obligations.sum())
    assert abs(out.losses.sum() - out.holes.sum() - out.deadweight.sum()) <= size


@FAST
@given(networks())
def test_the_first_wave_are_the_nodes_that_fail_even_if_everyone_pays(net):
    out = cl.solve(net)
    on_their_own = out.face_net_worth < -cl.DEFAULT_TOL * (
        net.total_obligations + net.outside_assets + net.total_claims)
    assert np.array_equal(out.wave == 1, on_their_own)
    waves = sorted(set(out.wave[out.wave > 0]))
    assert waves == list(range(1, out.n_waves + 1))         # no round is skipped
    assert out.iterations == out.n_waves <= net.n
    assert sum(len(w) for w in out.waves()) == out.n_defaults


# --- against other methods --------------------------------------------------------------------

@FAST
@given(networks(costs=False))
def test_without_default_costs_the_clearing_vector_solves_eisenberg_and_noes_linear_programme(
        net):
    # max sum(p) subject to p <= e + Pi^T p, 0 <= p <= p_bar (Eisenberg & Noe, Lemma 4)
    owed = net.total_obligations
    lp = linprog(-np.ones(net.n), A_ub=np.eye(net.n) - net.relative.T,
                 b_ub=net.outside_assets, bounds=list(zip(np.zeros(net.n), owed, strict=True)),
                 method="highs")
    assert lp.status == 0
    assert np.all(np.abs(cl.solve(net).payments - lp.x) <= 1e-6 * (1.0 + owed))


@SLOW
@given(networks(costs=False, max_nodes=5, integral=True))
def test_a_regular_network_has_one_clearing_vector_greatest_and_least_agree(net):
    assume(cl.is_regular(net))
    out = cl.solve(net).payments
    top = cl.iterate_clearing(net, start="greatest", tol=1e-12, max_iter=200_000).x
    bottom = cl.iterate_clearing(net, start="least", tol=1e-12, max_iter=200_000).x
    tol = 1e-6 * (1.0 + net.total_obligations)
    assert np.all(np.abs(top - out) <= tol) and np.all(np.abs(bottom - out) <= tol)


@SLOW
@given(networks(costs=False, max_nodes=5, integral=True))
def test_iterating_from_full_payment_reaches_the_greatest_clearing_vector(net):
    top = cl.iterate_clearing(net, tol=1e-12, max_iter=200_000).x
    assert np.all(np.abs(top - cl.solve(net).payments) <= 1e-6 * (1.0 + net.total_obligations))


def test_an_irregular_network_has_many_clearing_vectors():
    """Two nodes owe each other 1 and hold nothing: paying 1 each, or 0 each, both clear."""
    net = Network(Liabilities([[0.0, 1.0], [1.0, 0.0]]), [0.0, 0.0])
    assert not cl.is_regular(net)
    assert np.allclose(cl.solve(net).payments, [1.0, 1.0])
    assert np.allclose(cl.iterate_clearing(net, start="greatest").x, [1.0, 1.0])
    assert np.allclose(cl.iterate_clearing(net, start="least").x, [0.0, 0.0])
    assert cl.is_regular(net.with_assets({"node 0": 0.5}))


def _every_clearing_vector(net):
    """Brute force: for each default set D, the payments if exactly D defaults; keep those
    that are fixed points of the clearing map."""
    n, owed, e, pi_t = net.n, net.total_obligations, net.outside_assets, net.relative.T
    found = []
    for bits in itertools.product([False, True], repeat=n):
        d = np.array(bits)
        p = owed.copy()
        if d.any():
            a = np.eye(d.sum()) - net.beta * pi_t[np.ix_(d, d)]
            if abs(np.linalg.det(a)) < 1e-12:
                continue
            p[d] = np.linalg.solve(a, net.alpha * e[d] + net.beta * pi_t[np.ix_(d, ~d)] @ owed[~d])
        if np.all(p >= -1e-9) and np.all(np.abs(cl.clearing_map(net, p) - p) <= scale(net)):
            found.append(p)
    return found


@SLOW
@given(networks(max_nodes=5))
def test_with_default_costs_solve_finds_the_greatest_of_all_clearing_vectors(net):
    candidates = _every_clearing_vector(net)
    out = cl.solve(net).payments
    assert any(np.all(np.abs(c - out) <= scale(net)) for c in candidates)
    for c in candidates:
        assert np.all(out >= c - scale(net))


# --- monotonicity -----------------------------------------------------------------------------

@FAST
@given(networks(), st.lists(st.floats(0.0, 1.0), min_size=6, max_size=6),
       st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_a_bigger_shock_never_leaves_fewer_defaults(net, where, s1, s2):
    small, big = sorted((s1, s2))
    hit = {name: w for name, w in zip(net.names, where, strict=False)}
    lo = cl.solve(net.shocked({k: small * w for k, w in hit.items()}))
    hi = cl.solve(net.shocked({k: big * w for k, w in hit.items()}))
    assert np.all(hi.defaulted >= lo.defaulted)                # every default stays a default
    assert np.all(hi.payments <= lo.payments + scale(net))


@FAST
@given(networks(costs=False), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_default_costs_never_raise_payments_or_save_a_node(net, alpha, beta):
    free = cl.solve(net)
    costly = cl.solve(net.replace(alpha=alpha, beta=beta))
    assert np.all(costly.payments <= free.payments + scale(net))
    assert np.all(costly.defaulted >= free.defaulted)


# --- who owes whom ----------------------------------------------------------------------------

CHAIN = [[0.0, 10.0, 0.0],       # A owes B 10
         [0.0, 0.0, 10.0],       # B owes C 10
         [0.0, 0.0, 0.0]]        # C owes nothing


def test_a_worked_example_whose_answer_changes_when_the_matrix_is_transposed():
    """By hand. A (holds 4) owes B 10; B (holds 5) owes C 10; C holds nothing.

    A pays all it has, 4, and defaults first. B then has 5 + 4 = 9 < 10: it pays 9 and
    defaults in the second wave (had A paid, B would have kept 5). C ends with 9.
    Transposed (B owes A, C owes B): C pays 0 and defaults first; B has 5, pays it to A and
    defaults second; A ends with 4 + 5 = 9.
    """
    names = ("A", "B", "C")
    out = cl.solve(Network(Liabilities(CHAIN, names), [4.0, 5.0, 0.0]))
    assert np.allclose(out.payments, [4.0, 9.0, 0.0])
    assert list(out.wave) == [1, 2, 0] and out.waves() == (("A",), ("B",))
    assert np.allclose(out.equity, [0.0, 0.0, 9.0])
    flipped = cl.solve(Network(Liabilities(np.array(CHAIN).T, names), [4.0, 5.0, 0.0]))
    assert np.allclose(flipped.payments, [0.0, 5.0, 0.0])
    assert list(flipped.wave) == [0, 2, 1]
    assert np.allclose(flipped.equity, [9.0, 0.0, 0.0])
    # the same debts written as loans, and as claims (creditors in rows), give the first answer
    loans = Liabilities.from_loans([("A", "B", 10.0), ("B", "C", 10.0)], names)
    claims = Liabilities.from_claims(np.array(CHAIN).T, names)
    for written in (loans, claims):
        assert np.array_equal(written.matrix, np.array(CHAIN))


def test_a_bare_matrix_is_refused_with_the_convention_named():
    with pytest.raises(ValueError, match="rows owe columns"):
        Network(np.array(CHAIN), [4.0, 5.0, 0.0])
    with pytest.raises(ValueError, match="rows owe columns"):
        Network(CHAIN, [4.0, 5.0, 0.0])


def test_a_transposed_matrix_is_caught_when_the_nodes_totals_are_known():
    owes = np.array(CHAIN).sum(axis=1)           # what each node's books say it owes: 10, 10, 0
    Liabilities(CHAIN, totals=owes)
    with pytest.raises(ValueError, match="looks transposed"):
        Liabilities(np.array(CHAIN).T, totals=owes)
    with pytest.raises(ValueError, match="do not add up"):
        Liabilities(CHAIN, totals=[1.0, 2.0, 3.0])
    Liabilities.from_claims(np.array(CHAIN).T, totals=owes)    # claims, transposed back: fine


def test_loans_between_the_same_pair_add_up_and_names_keep_their_order():
    debts = Liabilities.from_loans([("B", "A", 2.0), ("B", "A", 3.0), ("A", "C", 1.0)])
    assert debts.names == ("B", "A", "C")
    assert debts.matrix[0, 1] == 5.0 and debts.matrix[1, 2] == 1.0
    assert list(debts.loans()["amount"]) == [5.0, 1.0]


def test_a_chain_defaults_in_one_wave_per_link():
    """By hand: node k owes node k+1 ten; node 0 holds nothing, the others 1 each. Node 0
    pays 0; node k receives k - 1, pays k and defaults in wave k + 1."""
    n = 8
    matrix = np.diag(np.full(n - 1, 10.0), k=1)
    out = cl.solve(Network(Liabilities(matrix), np.r_[0.0, np.ones(n - 1)]))
    assert list(out.wave) == list(range(1, n)) + [0]
    assert np.allclose(out.payments, np.r_[np.arange(n - 1), 0.0])
    assert out.iterations == n - 1


# --- the rescue -------------------------------------------------------------------------------

@FAST
@given(networks(), st.data())
def test_a_rescue_moves_cash_and_the_losses_still_add_up(net, data):
    lender, borrower = data.draw(st.permutations(net.names))[:2]
    cash = float(net.outside_assets[net.index(lender)])
    amount = data.draw(st.floats(0.0, cash)) if cash > 0 else 0.0
    out = cl.rescue(net, RescueLoan(lender, borrower, amount))
    assert np.isclose(out.after.network.outside_assets.sum(), net.outside_assets.sum())
    frame = out.losses()
    holes = out.before.holes.sum()
    size = 1e-8 * (1.0 + net.outside_assets.sum() + net.total_obligations.sum())
    assert abs(frame.loc["total", "without the rescue"] - holes
               - out.before.deadweight.sum()) <= size
    assert abs(frame.loc["total", "with the rescue"] - holes - out.after.deadweight.sum()) <= size
    assert np.all(frame["without the rescue"] >= 0.0)


def test_the_rescue_of_2022_saves_the_trading_firm_and_moves_its_hole_to_the_exchange():
    """By hand from the calibration: after a shock of one half the trading firm holds
    1,000 against 1,452 owed (377 + 675 + 400), a hole of 452."""
    net = cl.lenders_2022(shock=0.5, default_cost=0.2)
    need = cl.rescue_needed(net, "exchange", "trading firm", ["trading firm"])
    assert abs(need - 452.0) < 1e-3
    tokens = cl.house_token_collateral(500.0, 24.7, volatility=0.08, daily_volume=2.0)
    out = cl.rescue(net, RescueLoan("exchange", "trading firm", 500.0, tokens))
    assert "trading firm" in out.saved() and "trading firm" not in out.failing()
    assert abs(out.hidden_hole("trading firm") + 452.0) < 1e-6
    assert abs(out.losses().loc["exchange", "with the rescue"] - 452.0) < 1e-6
    assert out.loss_of("exchange") == out.losses().loc["exchange", "with the rescue"]
    below = cl.rescue(net, RescueLoan("exchange", "trading firm", need - 1.0))
    assert "trading firm" in below.failing()


def test_the_exposure_is_the_loan_less_what_the_house_tokens_fetch():
    tokens = cl.house_token_collateral(500.0, 25.0, volatility=0.08, daily_volume=2.0)
    assert tokens.kind == "house" and np.isclose(tokens.quantity, 20.0)
    law = SquareRoot(0.08, 2.0)
    fetched = law.proceeds(20.0, 25.0)
    assert fetched < 500.0
    loan = RescueLoan("exchange", "trading firm", 500.0, tokens)
    assert np.isclose(loan.exposure, 500.0 - fetched)
    net = cl.lenders_2022()
    sheet = cl.rescue(net, loan).lender_sheet("exchange")
    assert sheet.asset_values["rescue loan to trading firm"] == 500.0
    assert np.isclose(sheet.liquidation_values["rescue loan to trading firm"], fetched)
    assert sheet.exposures()["collateral lent against"] == 500.0


def test_a_bigger_rescue_never_leaves_more_defaults_in_the_calibration():
    net = cl.lenders_2022(shock=0.6, default_cost=0.2)
    counts = [cl.rescue(net, RescueLoan("exchange", "trading firm", r)).after.n_defaults
              for r in np.linspace(0.0, 1_500.0, 31)]
    assert all(b <= a for a, b in zip(counts, counts[1:], strict=False))


def test_the_calibration_keeps_the_documented_amounts_and_the_assumed_waves():
    net = cl.lenders_2022()
    m = net.matrix
    at = {name: k for k, name in enumerate(net.names)}
    assert m[at["trading firm"], at["Voyager"]] == 377.0         # Voyager's filing
    assert 671.0 <= m[at["trading firm"], at["BlockFi"]] <= 680.0  # BlockFi's (disputed) figure
    assert m[at["trading firm"], at["Genesis"]] == 400.0         # Genesis's recall
    assert m[at["fund"], at["Voyager"]] == 650.0                 # the fund's default on Voyager
    assert cl.solve(cl.lenders_2022(shock=0.0)).n_defaults == 0   # solvent before the crash
    assert cl.solve(net).waves() == (("fund", "trading firm"), ("Voyager", "BlockFi"))
    assert cl.house_token_price(3_300.0, 133.6) == pytest.approx(24.70, abs=0.01)


# --- determinism, read-only results, layering -------------------------------------------------

def test_same_seed_same_random_network():
    a = cl.random_network(50, np.random.default_rng(7))
    b = cl.random_network(50, np.random.default_rng(7))
    assert np.array_equal(a.matrix, b.matrix)
    assert np.array_equal(a.outside_assets, b.outside_assets)
    assert np.array_equal(cl.solve(a).payments, cl.solve(b).payments)


def test_results_and_parameters_are_read_only():
    net = cl.lenders_2022()
    out = cl.solve(net)
    for array in (out.payments, out.wave, net.matrix, net.outside_assets):
        with pytest.raises(ValueError):
            array[0] = 1.0
    with pytest.raises(AttributeError):
        out.payments = None


def test_the_library_never_imports_scipy():
    source = Path(cl.__file__).read_text(encoding="utf-8")
    imported = {alias.name.split(".")[0] for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert "scipy" not in imported
    done = subprocess.run([sys.executable, "-c", "import sys, toymarkets.models.clearing; "
                           "print('scipy' in sys.modules)"], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


# --- bad input --------------------------------------------------------------------------------

TOKENS = Position(10.0, 25.0, kind="house")
BAD = [
    (lambda: Liabilities(np.zeros((2, 3))), "square"),
    (lambda: Liabilities([[0.0, -1.0], [0.0, 0.0]]), r"\[0, inf\)"),
    (lambda: Liabilities([[0.0, np.nan], [0.0, 0.0]]), "finite"),
    (lambda: Liabilities([[1.0, 0.0], [0.0, 0.0]]), "diagonal"),
    (lambda: Liabilities(np.zeros((2, 2)), ("a", "a")), "distinct"),
    (lambda: Liabilities(np.zeros((2, 2)), ("a",)), "each of the 2 nodes"),
    (lambda: Liabilities(np.zeros((2, 2)), totals=[1.0]), "totals"),
    (lambda: Liabilities(np.zeros((2, 2)), totals=[-1.0, 0.0]), r"totals must be finite and in"),
    (lambda: Liabilities.from_loans([("a", "b")]), "debtor, creditor, amount"),
    (lambda: Liabilities.from_loans([("a", "a", 1.0)]), "owe itself"),
    (lambda: Liabilities.from_loans([("a", "b", -1.0)]), "amount owed"),
    (lambda: Liabilities.from_loans([("a", "z", 1.0)], ("a", "b")), "creditor 'z'"),
    (lambda: Network(Liabilities(np.zeros((2, 2))), [-1.0, 0.0]), "outside_assets"),
    (lambda: Network(Liabilities(np.zeros((2, 2))), [1.0]), "one amount per node"),
    (lambda: Network(Liabilities(np.zeros((2, 2))), {"x": 1.0}), "unknown nodes"),
    (lambda: Network(Liabilities(np.zeros((2, 2))), alpha=1.5), "alpha"),
    (lambda: Network(Liabilities(np.zeros((2, 2))), beta=-0.1), "beta"),
    (lambda: Network(Liabilities(np.zeros((2, 2)))).replace(gamma=1), "no parameter"),
    (lambda: cl.lenders_2022().shocked({"fund": 1.5}), "losses"),
    (lambda: cl.lenders_2022().with_assets({"nobody": 1.0}), "name"),
    (lambda: cl.lenders_2022().index("nobody"), "name must be one of"),
    (lambda: cl.clearing_map(cl.lenders_2022(), [1.0]), "payments"),
    (lambda: cl.clearing_map(cl.lenders_2022(), np.zeros(7), tol=-1.0), "tol"),
    (lambda: cl.solve(np.zeros((2, 2))), "network"),
    (lambda: cl.iterate_clearing(cl.lenders_2022(), start="middle"), "start"),
    (lambda: cl.random_network(1, np.random.default_rng(0)), "n_nodes"),
    (lambda: cl.random_network(10, 0), "rng"),
    (lambda: cl.random_network(10, np.random.default_rng(0), mean_degree=-1.0), "mean_degree"),
    (lambda: cl.random_network(10, np.random.default_rng(0), shock=2.0), "shock"),
    (lambda: cl.random_network(10, np.random.default_rng(0), capital=-1.0), "capital"),
    (lambda: RescueLoan("exchange", "trading firm", -1.0), "amount"),
    (lambda: RescueLoan("exchange", "", 1.0), "lender and borrower"),
    (lambda: RescueLoan("exchange", "trading firm", 1.0, collateral=5.0), "collateral"),
    (lambda: RescueLoan("exchange", "trading firm", 1.0, TOKENS, haircut=1.0), "haircut"),
    (lambda: cl.rescue(cl.lenders_2022()), "at least one"),
    (lambda: cl.rescue(cl.lenders_2022(), RescueLoan("exchange", "trading firm", 1e6)),
     r"amount must be in \[0, 3000\]"),
    (lambda: cl.rescue(cl.lenders_2022(), RescueLoan("nobody", "trading firm", 1.0)), "lender"),
    (lambda: cl.rescue(cl.lenders_2022(), RescueLoan("exchange", "exchange", 1.0)),
     "distinct"),
    (lambda: cl.rescue(cl.lenders_2022(), RescueLoan("exchange", "fund", 1.0)).lender_sheet(
        "fund"), "made no rescue loan"),
    (lambda: cl.rescue_needed(cl.lenders_2022(), "exchange", "trading firm", []), "save"),
    (lambda: cl.rescue_needed(cl.lenders_2022(shock=1.0), "depositors", "trading firm",
                              ["trading firm"]), "no loan of up to"),
    (lambda: cl.house_token_collateral(100.0, 0.0, volatility=0.1, daily_volume=1.0), "price"),
    (lambda: cl.house_token_collateral(-1.0, 1.0, volatility=0.1, daily_volume=1.0), "value"),
    (lambda: cl.house_token_price(0.0, 1.0), "market_cap"),
    (lambda: cl.lenders_2022(shock=1.5), "shock"),
    (lambda: cl.lenders_2022(default_cost=-0.1), "default_cost"),
    (lambda: cl.solve(cl.lenders_2022()).value("fund", "mood"), "what"),
]


@pytest.mark.parametrize("make, message", BAD, ids=[m for _, m in BAD])
def test_bad_input_is_rejected_by_name(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# --- figures ----------------------------------------------------------------------------------

def test_the_figures_draw_results_and_refuse_anything_else():
    from matplotlib.figure import Figure

    from toymarkets.figures import clearing as plots

    net = cl.lenders_2022(0.5, 0.2)
    out = cl.solve(net)
    saved = cl.rescue(net, cl.rescue_2022(475.0))
    shocks = [0.0, 0.5]
    drawn = [
        plots.network_diagram(out, title="t"),
        plots.network_diagram(saved.after, title="t", loans=saved.loans),
        plots.network_diagram(cl.solve(Network(Liabilities(CHAIN), [4.0, 5.0, 0.0])), title="t"),
        plots.defaults_by_shock(shocks, {"a": [cl.solve(cl.lenders_2022(s)) for s in shocks]},
                                title="t"),
        plots.rescue_effect(saved, title="t"),
        plots.rescue_sweep([0.0, 475.0], [cl.rescue(net, cl.rescue_2022(0.0)), saved],
                           lender="exchange", title="t"),
    ]
    assert all(isinstance(f, Figure) for f in drawn)
    with pytest.raises(ValueError, match="clearing must be a Clearing"):
        plots.network_diagram(net, title="t")
    with pytest.raises(ValueError, match="rescue must be a Rescue"):
        plots.rescue_effect(out, title="t")
    with pytest.raises(ValueError, match="one clearing per shock"):
        plots.defaults_by_shock(shocks, {"a": [out]}, title="t")
    with pytest.raises(ValueError, match="layout has no position"):
        plots.network_diagram(out, title="t", layout={"fund": (0, 0)})
