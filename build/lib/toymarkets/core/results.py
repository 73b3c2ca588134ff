r"""The one base of every model's result: read-only data and the shared reductions.

A model's entry point returns a frozen dataclass that derives from
:class:`Result`. On construction the base freezes what the dataclass holds:

* every ``numpy`` array becomes read-only (``a[0] = 1`` raises), so a chapter
  can pass a result around without any cell changing it behind the others' back;
* every mapping (a dict of components, say) becomes a read-only view whose
  arrays are read-only too.

A result that splits profit into *components* (one ``(paths, steps)`` array of
per-step P&L per source, as Steps 1 and 3 do) derives from
:class:`ComponentsResult` instead and names its sources in the class attribute
``COMPONENTS`` (``{key: label}``); it then shares :meth:`~ComponentsResult.totals`
(the sum over steps, one row per path) and :meth:`~ComponentsResult.cumulative`
(the running sum along one path), and the identity
:math:`\text{total} = \sum_k \text{component}_k` holds by construction.

A result of an iterative solver (a fixed point, a clearing vector) derives from
:class:`SolverResult`, whose fields ``iterations`` and ``converged`` say how the
answer was found; the solvers in :mod:`toymarkets.core.solvers` raise rather than
return an answer that did not converge, so ``converged`` is true on every result
a reader sees.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

import numpy as np
import pandas as pd

from .. import _validate as v

__all__ = ["Result", "ComponentsResult", "SolverResult", "freeze"]


def freeze(value):
    """``value`` made read-only: arrays lose their write flag, mappings become proxies."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
        return value
    if isinstance(value, MappingProxyType):
        for item in value.values():
            freeze(item)
        return value
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(x) for k, x in value.items()})
    return value


class Result:
    """Base of the library's frozen result dataclasses; see the module docstring.

    Subclasses are ``@dataclass(frozen=True)``; if one defines ``__post_init__``
    it calls ``super().__post_init__()``.
    """

    def __post_init__(self):
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, freeze(getattr(self, f.name)))

    def _path(self, path: int, n_paths: int) -> int:
        """``path`` checked against the ``n_paths`` paths of this result."""
        return v.count("path", path, 0, n_paths - 1)


class ComponentsResult(Result):
    """A result holding ``components``: source -> per-step P&L, each ``(paths, steps)``."""

    #: The P&L sources, in the order the book plots them, with their labels.
    COMPONENTS: ClassVar[dict[str, str]] = {}

    @property
    def n_paths(self) -> int:
        return next(iter(self.components.values())).shape[0]

    def totals(self) -> pd.DataFrame:
        """Total P&L by source, one row per path, with a ``total`` column."""
        frame = pd.DataFrame({k: self.components[k].sum(axis=1) for k in self.COMPONENTS})
        frame["total"] = frame.sum(axis=1)
        frame.index.name = "path"
        return frame

    def cumulative(self, path: int = 0) -> pd.DataFrame:
        """Cumulative P&L by source along one path, one row per step, with a ``total``."""
        path = self._path(path, self.n_paths)
        frame = pd.DataFrame({k: np.cumsum(self.components[k][path]) for k in self.COMPONENTS})
        frame["total"] = frame.sum(axis=1)
        frame.index.name = "step"
        return frame


class SolverResult(Result):
    """A result found by iteration: subclasses have ``iterations`` and ``converged`` fields."""

    def __post_init__(self):
        super().__post_init__()
        v.count("iterations", self.iterations, 0)
        if not isinstance(self.converged, bool | np.bool_):
            raise ValueError(f"converged must be a bool, got {self.converged!r}")
