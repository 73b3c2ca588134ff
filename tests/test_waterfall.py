"""The recovery waterfall (toymarkets.models.waterfall): the checks of absolute priority."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets.models import waterfall as w

ORDER = ("administrative", "secured", "customers", w.UNSECURED, "subordinated")

claims = st.lists(
    st.builds(lambda i, cls, amount, secured, cover: w.Claim(
        f"c{i}", cls, amount, cover * amount if secured else 0.0),
        st.integers(0, 10**9), st.sampled_from(ORDER), st.floats(0.0, 1e4), st.booleans(),
        st.floats(0.0, 2.0)),
    max_size=12, unique_by=lambda c: c.name)
estates = st.builds(lambda value, cs: w.Estate(value, tuple(cs), ORDER),
                    st.floats(0.0, 5e4), claims)


@settings(max_examples=300)
@given(estates)
def test_payments_plus_residual_equal_the_estate(estate):
    d = w.distribute(estate)
    assert sum(d.paid.values()) + d.residual == pytest.approx(estate.total, rel=1e-9, abs=1e-6)
    assert d.residual >= -1e-9


@settings(max_examples=300)
@given(estates)
def test_no_one_is_paid_more_than_the_claim(estate):
    d = w.distribute(estate)
    for c in estate.claims:
        assert -1e-12 <= d.paid[c.name] <= c.amount * (1 + 1e-12) + 1e-12


@settings(max_examples=300)
@given(estates)
def test_no_class_is_paid_while_a_senior_class_is_short(estate):
    d = w.distribute(estate)
    rates = d.by_class["rate"].dropna().to_numpy()        # classes that have claims
    for k in range(1, len(rates)):
        if rates[k] > 0:
            assert np.all(rates[:k] >= 1 - 1e-12)
    if d.residual > 1e-9:
        assert np.all(rates >= 1 - 1e-12), "owners paid while a creditor is short"


@settings(max_examples=300)
@given(estates)
def test_everyone_in_a_class_gets_the_same_rate_on_what_the_estate_owes_them(estate):
    d = w.distribute(estate)
    rate_of = d.by_class["rate"]
    for c in estate.claims:
        rest = c.amount - d.from_collateral[c.name]
        cls = w.UNSECURED if c.collateral > 0 else c.cls
        if rest > 1e-9:
            assert (d.paid[c.name] - d.from_collateral[c.name]) / rest == pytest.approx(
                rate_of[cls], rel=1e-9)


@settings(max_examples=300)
@given(estates, st.floats(0.0, 1e4))
def test_a_bigger_estate_never_pays_anyone_less(estate, more):
    a, b = w.distribute(estate), w.distribute(estate.with_value(estate.value + more))
    for c in estate.claims:
        assert b.paid[c.name] >= a.paid[c.name] - 1e-9


def test_a_secured_claims_deficiency_joins_the_unsecured_class():
    estate = w.Estate(100.0, (w.Claim("bank", "secured", 80.0, collateral=50.0),
                              w.Claim("customers", "customers", 60.0),
                              w.Claim("vendor", w.UNSECURED, 30.0)), ORDER)
    d = w.distribute(estate)
    assert d.from_collateral["bank"] == 50.0
    assert d.paid["customers"] == 60.0                    # senior to the unsecured class
    # 40 left for 30 (bank's deficiency) + 30 (vendor): both at 2/3
    assert d.paid["bank"] == pytest.approx(50.0 + 30.0 * 40 / 60)
    assert d.paid["vendor"] == pytest.approx(30.0 * 40 / 60)
    assert d.rate("vendor") == pytest.approx(2 / 3) and d.residual == pytest.approx(0.0)
    assert list(d.table().columns) == ["class", "amount", "from collateral", "paid", "rate"]


def test_surplus_collateral_returns_to_the_estate():
    estate = w.Estate(0.0, (w.Claim("bank", "secured", 10.0, collateral=25.0),
                            w.Claim("vendor", w.UNSECURED, 20.0)), ORDER)
    d = w.distribute(estate)
    assert d.paid["bank"] == 10.0 and d.paid["vendor"] == pytest.approx(15.0)


def test_class_payments_on_worked_numbers():
    np.testing.assert_allclose(w.class_payments(150.0, [100.0, 80.0, 20.0]), [100.0, 50.0, 0.0])


def test_petition_date_dollars_against_coins():
    # 119% of a claim fixed at 17,000 USD a coin, paid when the coin trades at 100,000 USD
    assert w.coins_recovered(1.19, 17_000.0, 100_000.0) == pytest.approx(0.2023)
    np.testing.assert_allclose(w.coins_recovered(1.19, 17_000.0, [17_000.0, 20_230.0]),
                               [1.19, 1.0])


@settings(max_examples=100)
@given(estates, st.lists(st.floats(0.0, 5e4), min_size=1, max_size=6))
def test_recovery_rates_are_the_distributions_rates_and_never_fall_as_the_estate_grows(
        estate, values):
    values = sorted(values)
    table = w.recovery_rates(estate, values)
    assert list(table.columns) == list(estate.order)
    for i, x in enumerate(values[:2]):
        np.testing.assert_array_equal(table.iloc[i].to_numpy(),
                                      w.distribute(estate.with_value(x)).by_class["rate"])
    rates = table.to_numpy()
    assert np.all(np.isnan(rates) | (np.diff(rates, axis=0, prepend=rates[:1]) >= -1e-12))


@pytest.mark.parametrize("make, message", [
    (lambda: w.Claim("", "customers", 1.0), "name must be a non-empty string"),
    (lambda: w.Claim("a", "customers", -1.0), r"amount must be in \[0"),
    (lambda: w.Estate(-1.0, (), ORDER), r"value must be in \[0"),
    (lambda: w.Estate(1.0, (w.Claim("a", "other", 1.0),), ORDER), "missing from order"),
    (lambda: w.Estate(1.0, (), ("a", "a")), "order must list each class once"),
    (lambda: w.Estate(1.0, (w.Claim("a", "x", 1.0, 1.0),), ("x",)), "must include"),
    (lambda: w.Estate(1.0, (w.Claim("a", "x", 1.0), w.Claim("a", "x", 2.0)), ("x",)),
     "distinct names"),
    (lambda: w.coins_recovered(1.0, 0.0, 1.0), r"petition_price must be in \(0"),
    (lambda: w.coins_recovered(1.0, 1.0, 0.0), r"later_price must be in \(0"),
    (lambda: w.class_payments(1.0, [-1.0]), "class_totals must be"),
    (lambda: w.distribute("estate"), "estate must be a Estate"),
    (lambda: w.recovery_rates(w.Estate(1.0, (), ORDER), [-1.0]), "values must be"),
    (lambda: w.recovery_rates(w.Estate(1.0, (), ORDER), []), "values must be"),
])
def test_bad_input_is_rejected_by_name(make, message):
    with pytest.raises(ValueError, match=message):
        make()
