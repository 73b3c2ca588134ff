"""The registry of kernels that booktools/benchmark.py times (no timing is asserted here)."""

from __future__ import annotations

import pytest
from booktools.cases import CASES, Case, case
from hypothesis import given, settings
from hypothesis import strategies as st


def _run(size):
    return lambda: size


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.name)
def test_each_case_simulates_exactly_the_work_it_claims(c):
    for size in sorted({c.sizes[0], c.typical}):
        assert c.make(size)() == size


def test_case_names_are_unique_and_found():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    for name in names:
        assert case(name).name == name
    with pytest.raises(ValueError, match="name must be one of"):
        case("no such kernel")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 10**7), min_size=1, max_size=6))
def test_sizes_are_accepted_only_strictly_increasing(sizes):
    sizes = tuple(sizes)
    increasing = all(b > a for a, b in zip(sizes, sizes[1:], strict=False))
    if increasing:
        assert Case("k", "units", _run, sizes, typical=sizes[-1]).sizes == sizes
    else:
        with pytest.raises(ValueError, match="sizes must be strictly increasing"):
            Case("k", "units", _run, sizes, typical=sizes[-1])


@settings(max_examples=40, deadline=None)
@given(st.integers(-10**6, 0))
def test_sizes_below_one_are_rejected(bad):
    with pytest.raises(ValueError, match="sizes must be a whole number in \\[1"):
        Case("k", "units", _run, (bad, 10), typical=10)


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": " "}, "name must be a non-empty string"),
    ({"unit": ""}, "unit must be a non-empty string"),
    ({"make": 3}, "make must be callable"),
    ({"sizes": ()}, "sizes must be a non-empty tuple"),
    ({"sizes": [10, 100]}, "sizes must be a non-empty tuple"),
    ({"sizes": (10, 2.5)}, "sizes must be a whole number"),
    ({"typical": 50}, "typical must be one of sizes"),
    ({"target": (100, 0.0)}, "target seconds must be in \\(0"),
    ({"target": (50, 1.0)}, "target size must be one of sizes"),
    ({"target": 1.0}, "target must be \\(size, seconds\\)"),
])
def test_bad_cases_are_rejected_naming_the_field(changes, message):
    fields = {"name": "k", "unit": "units", "make": _run, "sizes": (10, 100), "typical": 10}
    with pytest.raises(ValueError, match=message):
        Case(**{**fields, **changes})


def test_make_rejects_sizes_it_cannot_simulate():
    with pytest.raises(ValueError, match="multiple of 2000"):
        case("marketmaking.simulate (paths of 2,000 steps)").make(2_001)
    with pytest.raises(ValueError, match="size must be a whole number in \\[1, 1000000\\]"):
        case("marketmaking.simulate (one path)").make(2_000_000)
