"""Helpers for chapter notebooks.

:func:`glue` stores a value for the chapter's prose (``{glue:text}`name:.2f```)
the way myst-nb's ``glue(name, value, display=False)`` does, with three book
conventions: numpy scalars are stored as plain Python numbers (whose
``text/plain`` form, ``221.37`` rather than ``np.float64(221.37)``, myst-nb can
format); a non-finite number is an error; and a float is stored at
:data:`GLUE_DIGITS` significant digits.

**Why a stated precision.** A float computed on one processor can differ in its
last one or two digits from the same float computed on another, because numpy's
linear-algebra library picks a processor-specific kernel that adds in another
order. nbval compares a notebook's stored outputs with a fresh run as text, so a
glue record at full precision (``-0.025729580110638674``) fails on a machine the
notebook was not executed on. Twelve significant digits are far more than any
prose shows and far fewer than the sixteen or seventeen where machines disagree,
so the record is the same everywhere, and a real change of a number still
changes it. :func:`rounded` applies the same rule to tables a notebook shows.

:func:`glue` writes myst-nb's glue record itself (a display output whose keys
carry the ``application/papermill.record/`` prefix and whose metadata names the
value) instead of importing ``myst_nb``:
that import pulls in nbformat and jsonschema and cost every chapter about a
second. ``tests/test_core.py`` checks the record is the one myst-nb writes.
"""

from __future__ import annotations

from numbers import Number

import numpy as np

__all__ = ["glue", "glue_record", "parameters", "rounded", "significant", "GLUE_PREFIX",
           "GLUE_DIGITS"]

#: myst-nb's prefix for glued, not displayed, values (myst_nb.ext.glue.GLUE_PREFIX).
GLUE_PREFIX = "application/papermill.record/"
#: Significant digits of every float :func:`glue` stores.
GLUE_DIGITS = 12


def significant(value: float, digits: int = GLUE_DIGITS) -> float:
    """``value`` rounded to ``digits`` significant digits (``0.0`` stays ``0.0``, no ``-0.0``)."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be a whole number in [1, 17], got {digits!r}")
    return float(f"{float(value):.{digits}g}") + 0.0


def rounded(table, decimals: int):
    """A DataFrame or Series with every float column rounded to ``decimals`` places.

    Show a table as ``rounded(frame, 3)``: the outputs nbval compares then hold
    only the digits the page shows, which agree on every processor (and a rounded
    ``-0.0`` shows as ``0.0``).
    """
    import pandas as pd

    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 12:
        raise ValueError(f"decimals must be a whole number in [0, 12], got {decimals!r}")
    if not isinstance(table, pd.DataFrame | pd.Series):
        raise ValueError(f"table must be a pandas DataFrame or Series, got {type(table).__name__}")

    def fix(column):
        return column.round(decimals) + 0.0 if pd.api.types.is_float_dtype(column) else column

    return fix(table) if isinstance(table, pd.Series) else table.apply(fix)


def glue_record(name: str, value) -> tuple[dict, dict]:
    """The display data and metadata :func:`glue` writes for ``value`` (see the module doc)."""
    from IPython.core.formatters import format_display_data

    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier, got {name!r}")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Number) and not isinstance(value, bool) and not np.isfinite(value):
        raise ValueError(f"{name} is not a finite number: {value!r}")
    if isinstance(value, float):
        value = significant(value)
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    return {GLUE_PREFIX + k: v for k, v in bundle.items()}, metadata


def glue(name: str, value) -> None:
    """Store ``value`` under ``name`` for the chapter's prose, without displaying it."""
    from IPython.display import display

    data, metadata = glue_record(name, value)
    display(data, raw=True, metadata=metadata)


def parameters(params):
    """A parameter dataclass as a one-column table (name -> value), easier to read than its repr."""
    import dataclasses

    import pandas as pd

    if not dataclasses.is_dataclass(params):
        raise ValueError(f"params must be a parameter dataclass, got {type(params).__name__}")
    values = {f.name: _shown(getattr(params, f.name)) for f in dataclasses.fields(params)}
    return pd.Series(values, name=type(params).__name__, dtype=object).to_frame()


def _shown(value):
    """A parameter as the table shows it: a float to six significant digits, positional
    unless it is tiny or huge (so 2.5e-07 is not shown as 0.0), anything else as it is."""
    if isinstance(value, float | np.floating) and not isinstance(value, bool):
        x = float(value)
        if x == 0.0 or 1e-4 <= abs(x) < 1e12:
            return np.format_float_positional(x, precision=6, unique=True, fractional=False,
                                              trim="-")
        return f"{x:.6g}"
    return value
