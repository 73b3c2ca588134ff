"""Parameter checks shared by every model.

Every public function and parameter dataclass of the library calls these, so
that out-of-range input fails early with a ValueError that names the parameter
and the range it must lie in (and a widget can never drive a model into a NaN).
"""

from __future__ import annotations

import dataclasses
import math
from numbers import Integral, Real

__all__ = ["in_range", "positive", "non_negative", "array_in_range", "non_negative_array",
           "numbers",
           "probability", "count",
           "finite", "generator", "instance", "choice", "Parameters"]


def _real(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} must be a number, got NaN")
    return value


def finite(name: str, value) -> float:
    """Return ``value`` as a float; reject NaN and infinities."""
    value = _real(name, value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def in_range(name: str, value, lo: float, hi: float, *, lo_open=False, hi_open=False) -> float:
    """Return ``value`` as a float if it lies in the interval, else raise ValueError.

    The message names the parameter and the interval, e.g.
    ``hedge_ratio must be in [0, 1], got 1.5``.
    """
    value = _real(name, value)
    too_low = value <= lo if lo_open else value < lo
    too_high = value >= hi if hi_open else value > hi
    if too_low or too_high:
        left = "(" if lo_open else "["
        right = ")" if hi_open else "]"
        raise ValueError(f"{name} must be in {left}{lo:g}, {hi:g}{right}, got {value!r}")
    return value


def positive(name: str, value, hi: float = math.inf) -> float:
    """A finite number in (0, hi]."""
    return in_range(name, value, 0.0, hi, lo_open=True, hi_open=math.isinf(hi))


def non_negative(name: str, value, hi: float = math.inf) -> float:
    """A finite number in [0, hi]."""
    return in_range(name, value, 0.0, hi, hi_open=math.isinf(hi))


def array_in_range(name: str, value, lo: float, hi: float, *, lo_open=False, hi_open=False):
    """:func:`in_range` for a number or an array of numbers: each finite and in the
    interval, returned as a float ``ndarray`` (0-d for a number)."""
    import numpy as np

    interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        a = np.array(np.nan)
    too_low = a <= lo if lo_open else a < lo
    too_high = a >= hi if hi_open else a > hi
    if not np.all(np.isfinite(a)) or np.any(too_low) or np.any(too_high):
        raise ValueError(f"{name} must be finite and in {interval}, got {value!r}")
    return a


def non_negative_array(name: str, value, hi: float = math.inf):
    """Each number finite and in [0, hi], as a float ``ndarray`` (0-d for a number)."""
    return array_in_range(name, value, 0.0, hi, hi_open=math.isinf(hi))


def numbers(name: str, value):
    """A non-empty list of numbers (or one number) as a 1-d float ``ndarray``; the caller
    checks the range of each."""
    import numpy as np

    try:
        a = np.atleast_1d(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        a = None
    if a is None or a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty list of numbers, got {value!r}")
    return a


def probability(name: str, value) -> float:
    """A probability or a share: a number in [0, 1]."""
    return in_range(name, value, 0.0, 1.0)


def count(name: str, value, lo: int = 1, hi: int | None = None) -> int:
    """A whole number in [lo, hi] (bools are not counts)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        upper = "inf)" if hi is None else f"{hi}]"
        raise ValueError(f"{name} must be a whole number in [{lo}, {upper}, got {value!r}")
    return value


def generator(rng, name: str = "rng"):
    """Return ``rng`` if it is a ``numpy.random.Generator`` (seeded by the caller), else raise.

    Models never make their own generator: a run is reproducible because the
    caller passes one built from a seed, ``numpy.random.default_rng(seed)``.
    """
    import numpy as np

    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{name} must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def instance(name: str, value, cls: type):
    """Return ``value`` if it is a ``cls`` (for example a model's parameter class), else raise."""
    if not isinstance(value, cls):
        raise ValueError(f"{name} must be a {cls.__name__}, got {type(value).__name__}")
    return value


def choice(name: str, value, options):
    """Return ``value`` if it is one of ``options``, else raise naming them."""
    options = list(options)
    if not isinstance(value, str | int) or isinstance(value, bool) or value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


class Parameters:
    """Base of the library's frozen parameter dataclasses.

    Subclasses check every field in ``__post_init__``; :meth:`replace` builds a
    copy through the constructor, so the copy is checked again, and names an
    unknown parameter instead of silently ignoring it.
    """

    def replace(self, **changes):
        """A copy with some fields changed (and checked again)."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"{type(self).__name__} has no parameter {sorted(unknown)}")
        return dataclasses.replace(self, **changes)
