r"""Iterative solvers shared by the models: fixed points and roots, never a silent guess.

Several of the book's models are fixed points: the price at which a collateral
loop settles, the clearing vector of a network of debts, the point where a
liquidation cascade stops, the share of depositors who run. Each is found by
iterating a map :math:`x_{n+1} = f(x_n)` from a starting point until successive
iterates agree,

.. math::  \lVert x_{n+1} - x_n \rVert_\infty \le \text{tol}\,(1 + \lVert x_{n+1} \rVert_\infty),

or a root is bracketed and halved. Both report how many iterations they took and
raise :class:`ConvergenceError` when they run out of iterations: a model that
reports a number the solver never reached would teach the wrong thing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from .results import SolverResult

__all__ = ["ConvergenceError", "FixedPoint", "Root", "iterate", "bisect"]


class ConvergenceError(RuntimeError):
    """An iterative solver stopped before it converged."""


@dataclass(frozen=True)
class FixedPoint(SolverResult):
    """What :func:`iterate` returns: the fixed point and, if asked for, every iterate."""

    x: np.ndarray               #: the fixed point (a copy, read-only)
    iterations: int             #: maps applied until convergence
    converged: bool             #: always True (the solver raises otherwise)
    history: np.ndarray | None  #: iterates x_0, x_1, ..., one row each (``record=True``)


@dataclass(frozen=True)
class Root(SolverResult):
    """What :func:`bisect` returns: a root inside a bracket that shrank below ``tol``."""

    x: float
    lo: float
    hi: float
    iterations: int
    converged: bool


def iterate(f: Callable[[np.ndarray], np.ndarray], x0, *, tol: float = 1e-12,
            max_iter: int = 10_000, record: bool = False) -> FixedPoint:
    """Iterate ``x <- f(x)`` from ``x0`` to a fixed point (see the module docstring).

    Raises :class:`ConvergenceError` after ``max_iter`` maps without convergence,
    and ``ValueError`` if an iterate is not finite.
    """
    tol = v.positive("tol", tol, 1.0)
    max_iter = v.count("max_iter", max_iter, 1, 10_000_000)
    x = np.array(x0, dtype=float)
    history = [x.copy()] if record else None
    for n in range(1, max_iter + 1):
        nxt = np.asarray(f(x), dtype=float)
        if nxt.shape != x.shape:
            raise ValueError(f"f must keep the shape {x.shape}, got {nxt.shape}")
        if not np.all(np.isfinite(nxt)):
            raise ValueError(f"iterate {n} is not finite: {nxt!r}")
        if record:
            history.append(nxt.copy())
        step = float(np.max(np.abs(nxt - x))) if x.size else 0.0
        scale = 1.0 + (float(np.max(np.abs(nxt))) if x.size else 0.0)
        x = nxt
        if step <= tol * scale:
            return FixedPoint(x, n, True, None if history is None else np.array(history))
    raise ConvergenceError(f"no fixed point within max_iter={max_iter} iterations "
                           f"(last step {step:.3g}, tolerance {tol:g})")


def bisect(f: Callable[[float], float], lo: float, hi: float, *, tol: float = 1e-10,
           max_iter: int = 200) -> Root:
    """A root of ``f`` in ``[lo, hi]`` by bisection; ``f(lo)`` and ``f(hi)`` must differ in sign.

    Stops when the bracket is narrower than ``tol * (1 + |x|)``.
    """
    lo, hi = v.finite("lo", lo), v.finite("hi", hi)
    if not lo < hi:
        raise ValueError(f"lo must be less than hi, got lo={lo!r}, hi={hi!r}")
    tol = v.positive("tol", tol, 1.0)
    max_iter = v.count("max_iter", max_iter, 1, 10_000)
    f_lo, f_hi = float(f(lo)), float(f(hi))
    if f_lo == 0.0:
        return Root(lo, lo, lo, 0, True)
    if f_hi == 0.0:
        return Root(hi, hi, hi, 0, True)
    if math.copysign(1.0, f_lo) == math.copysign(1.0, f_hi):
        raise ValueError(f"f(lo) and f(hi) must differ in sign to bracket a root, got "
                         f"f({lo!r}) = {f_lo!r} and f({hi!r}) = {f_hi!r}")
    for n in range(1, max_iter + 1):
        mid = 0.5 * (lo + hi)
        f_mid = float(f(mid))
        if f_mid == 0.0:
            return Root(mid, mid, mid, n, True)
        if math.copysign(1.0, f_mid) == math.copysign(1.0, f_lo):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
        if hi - lo <= tol * (1.0 + abs(mid)):
            return Root(0.5 * (lo + hi), lo, hi, n, True)
    raise ConvergenceError(f"bisection did not narrow the bracket below tol={tol:g} "
                           f"within max_iter={max_iter} iterations")
