"""The shared proportional-hedge recursion: I_t = (1 - eta)(I_{t-1} + Delta_t)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from toymarkets.core.hedging import proportional_hedge

flows = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 40)),
               elements=st.floats(-100, 100))


@settings(max_examples=100, deadline=None)
@given(flow=flows, eta=st.floats(0.0, 1.0))
def test_recursion_and_token_conservation(flow, eta):
    pre, hedges = proportional_hedge(flow, eta)
    held = pre + hedges
    previous = np.hstack([np.zeros((flow.shape[0], 1)), held[:, :-1]])
    np.testing.assert_allclose(pre, previous + flow, atol=1e-9)          # what clients left
    np.testing.assert_allclose(held, (1 - eta) * pre, atol=1e-9)          # the hedge rule
    # every token clients left is either still held or was hedged away
    np.testing.assert_allclose(held[:, -1], flow.sum(axis=1) + hedges.sum(axis=1), atol=1e-6)


@given(flow=flows)
def test_the_two_ends(flow):
    np.testing.assert_array_equal(sum(proportional_hedge(flow, 1.0)), 0.0)
    np.testing.assert_allclose(proportional_hedge(flow, 0.0)[0], np.cumsum(flow, axis=1))


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="hedge_ratio"):
        proportional_hedge(np.zeros((1, 3)), 1.5)
    with pytest.raises(ValueError, match="flow"):
        proportional_hedge(np.zeros(3), 0.5)
