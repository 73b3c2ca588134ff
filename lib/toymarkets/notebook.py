"""Helpers for chapter notebooks.

:func:`glue` is myst-nb's ``glue`` with two book conventions: nothing is shown
where the value is computed (the prose shows it, via ``{glue:text}`` or
``{glue:figure}``), and numpy scalars are stored as plain Python numbers, whose
``text/plain`` form (``221.37``, not ``np.float64(221.37)``) myst-nb can format.
"""

from __future__ import annotations

from numbers import Number

import numpy as np

__all__ = ["glue", "parameters"]


def glue(name: str, value) -> None:
    """Store ``value`` under ``name`` for the chapter's prose, without displaying it."""
    from myst_nb import glue as myst_glue

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Number) and not isinstance(value, bool) and not np.isfinite(value):
        raise ValueError(f"{name} is not a finite number: {value!r}")
    myst_glue(name, value, display=False)


def parameters(params):
    """A parameter dataclass as a one-column table (name -> value), easier to read than its repr."""
    import dataclasses

    import pandas as pd

    if not dataclasses.is_dataclass(params):
        raise ValueError(f"params must be a parameter dataclass, got {type(params).__name__}")
    values = {f.name: getattr(params, f.name) for f in dataclasses.fields(params)}
    return pd.Series(values, name=type(params).__name__, dtype=object).to_frame()
