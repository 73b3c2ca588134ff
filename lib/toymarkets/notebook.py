"""Helpers for chapter notebooks.

:func:`glue` stores a value for the chapter's prose (``{glue:text}`name:.2f```)
the way myst-nb's ``glue(name, value, display=False)`` does, with two book
conventions: numpy scalars are stored as plain Python numbers (whose
``text/plain`` form, ``221.37`` rather than ``np.float64(221.37)``, myst-nb can
format), and a non-finite number is an error. It writes myst-nb's glue record
itself (a display output whose keys carry the ``application/papermill.record/``
prefix and whose metadata names the value) instead of importing ``myst_nb``:
that import pulls in nbformat and jsonschema and cost every chapter about a
second. ``tests/test_core.py`` checks the record is the one myst-nb writes.
"""

from __future__ import annotations

from numbers import Number

import numpy as np

__all__ = ["glue", "parameters", "GLUE_PREFIX"]

#: myst-nb's prefix for glued, not displayed, values (myst_nb.ext.glue.GLUE_PREFIX).
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value) -> None:
    """Store ``value`` under ``name`` for the chapter's prose, without displaying it."""
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier, got {name!r}")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Number) and not isinstance(value, bool) and not np.isfinite(value):
        raise ValueError(f"{name} is not a finite number: {value!r}")
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    display({GLUE_PREFIX + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def parameters(params):
    """A parameter dataclass as a one-column table (name -> value), easier to read than its repr."""
    import dataclasses

    import pandas as pd

    if not dataclasses.is_dataclass(params):
        raise ValueError(f"params must be a parameter dataclass, got {type(params).__name__}")
    values = {f.name: getattr(params, f.name) for f in dataclasses.fields(params)}
    return pd.Series(values, name=type(params).__name__, dtype=object).to_frame()
