r"""Clearing a network of debts: Eisenberg–Noe, with Rogers–Veraart default costs, and a rescue.

Firms that lend to each other form a network. Node :math:`i` owes node :math:`j` the
amount :math:`L_{ij} \ge 0` (the **liability matrix**: *debtors in rows, creditors in
columns*; :math:`L_{ii} = 0`), and holds **outside assets** :math:`e_i \ge 0`, whatever
it owns that is not a claim on another node. Its total obligations and the share of
them owed to each creditor are

.. math::  \bar p = L\,\mathbf 1, \qquad
           \Pi_{ij} = L_{ij} / \bar p_i \ \ (\bar p_i > 0), \quad \Pi_{ij} = 0 \ \ (\bar p_i = 0).

All debts fall due on one date and rank equally. A node pays in full if it can; if it
cannot, it **defaults** and pays all it has, shared among its creditors in proportion to
what they are owed. What it has depends on what the others pay it, so the payments
:math:`p` solve a fixed point, the **clearing vector** of :cite:t:`eisenberg2001systemic`:

.. math::  p^* = \min\!\left(\bar p,\ \max\!\left(0,\ e + \Pi^\top p^*\right)\right).

A node's **net worth** at payments :math:`p` is :math:`w_i = e_i + (\Pi^\top p)_i - \bar p_i`,
what it would keep after paying in full; it defaults when :math:`w_i < 0`. Its
**equity** is :math:`E_i = \max(0, w_i)`. Every payment is some node's receipt, so
without default costs

.. math::  \sum_i E_i = \sum_i e_i ,

and the network only redistributes the outside assets (the tests check it). A
**default cost** in the sense of :cite:t:`rogers2013failure`: a defaulting node realises
only a share :math:`\alpha` of its outside assets and :math:`\beta` of what others pay it
(a failing lender calls in its loans and sells what it holds in a hurry), so

.. math::
    p^*_i = \begin{cases} \bar p_i & \text{if } e_i + (\Pi^\top p^*)_i \ge \bar p_i,\\
            \alpha e_i + \beta (\Pi^\top p^*)_i & \text{otherwise,} \end{cases}

and :math:`\sum_i E_i + \sum_i C_i = \sum_i e_i`, where the **deadweight cost**
:math:`C_i = e_i + (\Pi^\top p^*)_i - p^*_i` of a defaulting node is lost to everyone.
With :math:`\alpha = \beta = 1` this is Eisenberg and Noe's clearing vector.

An accounting the book derives from these identities (and tests on random networks): let
:math:`H_i = \max(0, -w_i(\bar p))` be node :math:`i`'s *hole*, what it lacks even when
everyone pays it in full. The owners' losses against full payment add up to the holes plus
the default costs,

.. math::  \sum_i \left[\max\big(0, w_i(\bar p)\big) - E_i\right] = \sum_i H_i + \sum_i C_i .

**Fictitious default** (:cite:t:`eisenberg2001systemic`; the *greatest clearing vector
algorithm* of :cite:t:`rogers2013failure` for :math:`\alpha, \beta < 1`): start from full
payment, :math:`p^0 = \bar p`. In round :math:`k`, the nodes with :math:`w_i < 0` at
:math:`p^{k-1}` join the default set :math:`D_k`; the payments :math:`p^k` solve the linear
system in which the nodes outside :math:`D_k` pay in full and those inside pay what they
realise,

.. math::
    \left(I - \beta\, \Pi_{DD}^\top\right) p_D = \alpha\, e_D + \beta\, \Pi_{ND}^\top\, \bar p_N .

Stop when a round adds no node. Payments only fall and the default set only grows, so
it ends within :math:`n` rounds at the *greatest* clearing vector. The nodes that join in
round 1 fail on their own (fundamental defaults); those of round 2 fail because of
round 1, and so on: the rounds are the **default waves**. Iterating the map from
:math:`\bar p` (:func:`iterate_clearing`) reaches the greatest clearing vector too, and
iterating from zero the least one.

**Uniqueness.** Following :cite:t:`eisenberg2001systemic`, the network is *regular* if
every node that owes something can reach, through its chain of creditors (itself
included), a node with positive outside assets. Without default costs a regular network
has exactly one clearing vector (the greatest and least coincide), and it is the
solution of the linear programme :math:`\max \sum_i p_i` subject to
:math:`p \le e + \Pi^\top p`, :math:`0 \le p \le \bar p` (their Lemma 4; the tests check
it with an LP solver, which this module does not use). With default costs there can be
several clearing vectors; :func:`solve` returns the greatest.

**The rescue** (:func:`rescue`): a node with cash lends :math:`R` to another, against
:class:`~toymarkets.core.balancesheet.Position` collateral, for repayment *after* the
clearing date. The lender's outside assets fall by :math:`R` and the borrower's rise by
:math:`R`; the loan appears on the lender's balance sheet as a
:class:`~toymarkets.core.balancesheet.Receivable`, whose exposure is the loan less what
selling the collateral would fetch. The borrower's net worth net of the loan does not
change: a rescue changes who fails on the date, and so who bears the loss, not how
large the borrower's hole is.

Assumptions: one date; all debts due then rank equally (no seniority, no netting, no
collateral inside the network); outside assets are a fixed number (no price feedback);
debts not due on the date are left out of :math:`L`. Units: any one currency (the book
uses millions of USD).

References: :cite:t:`eisenberg2001systemic`; :cite:t:`rogers2013failure`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.balancesheet import BalanceSheet, Position, Receivable
from ..core.impact import SquareRoot
from ..core.results import Result, SolverResult
from ..core.solvers import FixedPoint, bisect, iterate

__all__ = [
    "Liabilities",
    "Network",
    "Clearing",
    "RescueLoan",
    "Rescue",
    "DEFAULT_TOL",
    "relative_liabilities",
    "clearing_map",
    "net_worth",
    "equity",
    "is_regular",
    "solve",
    "iterate_clearing",
    "random_network",
    "rescue",
    "rescue_needed",
    "house_token_collateral",
    "house_token_price",
    "lenders_2022",
    "rescue_2022",
    "LENDERS_2022",
]

#: A node defaults when its shortfall exceeds this share of its gross size (what it owes
#: plus what it holds and is owed), so that a last-digit difference in the arithmetic
#: never flips a default.
DEFAULT_TOL = 1e-9


def _strings(name: str, values, n: int | None = None) -> tuple[str, ...]:
    values = tuple(values)
    if any(not isinstance(x, str) or not x.strip() for x in values):
        raise ValueError(f"{name} must be non-empty strings, got {values!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"{name} must be distinct, got {values!r}")
    if n is not None and len(values) != n:
        raise ValueError(f"{name} must name each of the {n} nodes, got {len(values)} names")
    return values


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.flags.writeable = False
    return a


# ----------------------------------------------------------------------------- the network


@dataclass(frozen=True, eq=False)
class Liabilities(v.Parameters):
    """Who owes whom: ``matrix[i, j]`` is what node ``i`` owes node ``j`` (rows owe columns).

    The convention is in the type's name so that it is never left implicit: a
    :class:`Network` accepts only a ``Liabilities``, never a bare matrix. Build one from a
    list of loans (:meth:`from_loans`, the clearest), from a matrix in this convention
    (``Liabilities(matrix)``), or from a matrix of *claims*, ``claims[i, j]`` = what ``i``
    is owed by ``j`` (:meth:`from_claims`, which transposes it).

    ``totals``, if given, is what each node's own books say it owes in all; the rows of
    the matrix must add up to it. This catches a transposed matrix whenever the nodes'
    totals owed and owed to them differ (a transposed matrix swaps the two).
    """

    matrix: np.ndarray                      #: L [USD m], square, >= 0, zero diagonal
    names: tuple[str, ...] | None = None    #: one distinct name per node (default "node i")
    totals: np.ndarray | None = None        #: each node's total obligations per its books

    def __post_init__(self):
        a = np.array(self.matrix, dtype=float)
        if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
            raise ValueError(f"matrix must be a square matrix with at least one node, "
                             f"got shape {a.shape}")
        v.non_negative_array("matrix (what row owes column)", a)
        if np.any(np.diag(a) != 0):
            raise ValueError("matrix must have a zero diagonal: a node does not owe itself")
        n = a.shape[0]
        names = (tuple(f"node {i}" for i in range(n)) if self.names is None
                 else _strings("names", self.names, n))
        object.__setattr__(self, "matrix", _readonly(a))
        object.__setattr__(self, "names", names)
        if self.totals is not None:
            totals = np.array(v.non_negative_array("totals", self.totals))
            if totals.shape != (n,):
                raise ValueError(f"totals must hold one amount per node ({n}), "
                                 f"got shape {totals.shape}")
            rows, cols = a.sum(axis=1), a.sum(axis=0)
            scale = 1e-9 * (1.0 + np.abs(totals))
            if np.any(np.abs(rows - totals) > scale):
                if np.all(np.abs(cols - totals) <= scale):
                    raise ValueError("the matrix looks transposed: its columns, not its rows, "
                                     "add up to what each node owes (totals). Rows must be "
                                     "debtors; for a matrix of claims use "
                                     "Liabilities.from_claims")
                raise ValueError("the rows of matrix (what each node owes) do not add up to "
                                 "totals")
            object.__setattr__(self, "totals", _readonly(totals))

    @classmethod
    def from_loans(cls, loans: Iterable[tuple[str, str, float]],
                   names: Iterable[str] | None = None) -> Liabilities:
        """From ``(debtor, creditor, amount)`` triples; loans between the same pair add up.

        ``names`` fixes the nodes and their order (it may add nodes with no loans);
        by default the nodes appear in the order the loans first name them.
        """
        loans = [tuple(x) for x in loans]
        for loan in loans:
            if len(loan) != 3:
                raise ValueError(f"each loan must be (debtor, creditor, amount), got {loan!r}")
        order = [] if names is None else list(_strings("names", names))
        for debtor, creditor, _ in loans:
            for who in (debtor, creditor):
                if names is None and isinstance(who, str) and who not in order:
                    order.append(who)
        order = list(_strings("names", order))
        where = {name: k for k, name in enumerate(order)}
        matrix = np.zeros((len(order), len(order)))
        for debtor, creditor, amount in loans:
            for role, who in (("debtor", debtor), ("creditor", creditor)):
                if who not in where:
                    raise ValueError(f"{role} {who!r} is not one of the names {order}")
            if debtor == creditor:
                raise ValueError(f"a node cannot owe itself: {debtor!r}")
            matrix[where[debtor], where[creditor]] += v.non_negative(
                f"amount owed by {debtor!r} to {creditor!r}", amount)
        return cls(matrix, tuple(order))

    @classmethod
    def from_claims(cls, claims, names: Iterable[str] | None = None,
                    totals=None) -> Liabilities:
        """From ``claims[i, j]`` = what ``i`` is owed by ``j`` (creditors in rows)."""
        return cls(np.array(claims, dtype=float).T, None if names is None else tuple(names),
                   totals)

    @property
    def n(self) -> int:
        return self.matrix.shape[0]

    def loans(self) -> pd.DataFrame:
        """One row per non-zero debt: debtor, creditor, amount."""
        i, j = np.nonzero(self.matrix)
        return pd.DataFrame({"debtor": [self.names[k] for k in i],
                             "creditor": [self.names[k] for k in j],
                             "amount": self.matrix[i, j]})


@dataclass(frozen=True, eq=False)
class Network(v.Parameters):
    """A network of debts due on one date, with outside assets and default costs.

    ``outside_assets`` is an array in the order of ``liabilities.names``, or a mapping
    ``{name: amount}`` (nodes it leaves out hold none). With ``alpha = beta = 1`` there
    are no default costs (Eisenberg–Noe); below 1 they are Rogers–Veraart's.
    """

    liabilities: Liabilities        #: L, who owes whom [USD m] (rows owe columns)
    outside_assets: object = None   #: e, each node's assets outside the network [USD m], >= 0
    alpha: float = 1.0              #: alpha, share of outside assets a defaulter realises, [0, 1]
    beta: float = 1.0               #: beta, share of what it is paid a defaulter realises, [0, 1]

    def __post_init__(self):
        if isinstance(self.liabilities, np.ndarray | list | tuple):
            raise ValueError(
                "liabilities must be a Liabilities, which names its convention (rows owe "
                "columns): wrap a matrix as Liabilities(matrix) if matrix[i, j] is what i owes "
                "j, or as Liabilities.from_claims(matrix) if it is what i is owed by j; got "
                f"{type(self.liabilities).__name__}")
        v.instance("liabilities", self.liabilities, Liabilities)
        names, n = self.liabilities.names, self.liabilities.n
        e = self.outside_assets
        if e is None:
            e = np.zeros(n)
        elif isinstance(e, Mapping):
            unknown = set(e) - set(names)
            if unknown:
                raise ValueError(f"outside_assets names unknown nodes {sorted(unknown)}; "
                                 f"the nodes are {list(names)}")
            e = np.array([v.non_negative(f"outside_assets[{k!r}]", e.get(k, 0.0))
                          for k in names])
        else:
            e = np.array(v.non_negative_array("outside_assets", e))
            if e.shape != (n,):
                raise ValueError(f"outside_assets must hold one amount per node ({n}), "
                                 f"got shape {e.shape}")
        object.__setattr__(self, "outside_assets", _readonly(e + 0.0))
        v.probability("alpha", self.alpha)
        v.probability("beta", self.beta)

    # ------------------------------------------------------------------ derived values

    @property
    def n(self) -> int:
        """Number of nodes."""
        return self.liabilities.n

    @property
    def names(self) -> tuple[str, ...]:
        return self.liabilities.names

    @property
    def matrix(self) -> np.ndarray:
        """L: what row owes column [USD m]."""
        return self.liabilities.matrix

    @property
    def total_obligations(self) -> np.ndarray:
        r""":math:`\bar p = L\mathbf 1`, what each node owes in all [USD m]."""
        return self.matrix.sum(axis=1)

    @property
    def total_claims(self) -> np.ndarray:
        r""":math:`L^\top \mathbf 1`, what each node is owed in all [USD m]."""
        return self.matrix.sum(axis=0)

    @property
    def relative(self) -> np.ndarray:
        r""":math:`\Pi`, the share of each node's obligations owed to each creditor."""
        return relative_liabilities(self.matrix)

    @property
    def has_default_costs(self) -> bool:
        return self.alpha < 1.0 or self.beta < 1.0

    def index(self, name: str) -> int:
        """The position of the node called ``name``."""
        return self.names.index(v.choice("name", name, self.names))

    # ------------------------------------------------------------------ new networks

    def with_assets(self, changes: Mapping[str, float]) -> Network:
        """A copy with some nodes' outside assets set to new amounts [USD m]."""
        e = dict(zip(self.names, self.outside_assets, strict=True))
        for name, amount in dict(changes).items():
            v.choice("name", name, self.names)
            e[name] = v.non_negative(f"changes[{name!r}]", amount)
        return self.replace(outside_assets=e)

    def shocked(self, losses: Mapping[str, float]) -> Network:
        """A copy in which each named node has lost a share (in [0, 1]) of its outside assets."""
        e = dict(zip(self.names, self.outside_assets, strict=True))
        for name, share in dict(losses).items():
            v.choice("name", name, self.names)
            e[name] = e[name] * (1.0 - v.probability(f"losses[{name!r}]", share))
        return self.replace(outside_assets=e)


def relative_liabilities(matrix) -> np.ndarray:
    r""":math:`\Pi_{ij} = L_{ij} / \bar p_i`, with a zero row where :math:`\bar p_i = 0`."""
    a = np.asarray(matrix, dtype=float)
    owed = a.sum(axis=1, keepdims=True)
    return np.divide(a, owed, out=np.zeros_like(a), where=owed > 0)


def _payments(network: Network, payments) -> np.ndarray:
    p = np.asarray(payments, dtype=float)
    if p.shape != (network.n,) or not np.all(np.isfinite(p)):
        raise ValueError(f"payments must be {network.n} finite amounts, got shape {p.shape}")
    return p


def _scale(network: Network) -> np.ndarray:
    """Each node's gross size: what it owes plus what it holds and is owed."""
    return network.total_obligations + network.outside_assets + network.total_claims


def net_worth(network: Network, payments) -> np.ndarray:
    r""":math:`w = e + \Pi^\top p - \bar p`: what each node keeps after paying in full."""
    v.instance("network", network, Network)
    p = _payments(network, payments)
    return network.outside_assets + network.relative.T @ p - network.total_obligations


def equity(network: Network, payments) -> np.ndarray:
    r""":math:`E = \max(0, w)`: what each node's owners keep [USD m]."""
    return np.maximum(net_worth(network, payments), 0.0) + 0.0


def _defaults(network: Network, worth: np.ndarray, tol: float) -> np.ndarray:
    return worth < -tol * _scale(network)


def clearing_map(network: Network, payments, *, tol: float = DEFAULT_TOL) -> np.ndarray:
    r"""One step of the clearing map :math:`\Phi(p)` (module docstring).

    Without default costs :math:`\Phi(p) = \min(\bar p, \max(0, e + \Pi^\top p))`; with them,
    a node that cannot pay in full pays :math:`\alpha e_i + \beta (\Pi^\top p)_i`. A node
    defaults when its shortfall exceeds ``tol`` times its gross size.
    """
    v.instance("network", network, Network)
    tol = v.non_negative("tol", tol, 1e-3)
    p = _payments(network, payments)
    owed, e = network.total_obligations, network.outside_assets
    received = network.relative.T @ p
    out = np.where(_defaults(network, e + received - owed, tol),
                   network.alpha * e + network.beta * received, owed)
    return np.clip(out, 0.0, owed)


def is_regular(network: Network) -> bool:
    """Eisenberg and Noe's regularity: every node that owes something can reach, through its
    chain of creditors (itself included), a node with positive outside assets."""
    v.instance("network", network, Network)
    reach = network.outside_assets > 0
    edges = network.matrix > 0
    while True:                      # a node reaches a good node if one of its creditors does
        more = reach | (edges & reach[None, :]).any(axis=1)
        if np.array_equal(more, reach):
            break
        reach = more
    return bool(np.all(reach | (network.total_obligations == 0)))


# ----------------------------------------------------------------------------- clearing


@dataclass(frozen=True)
class Clearing(SolverResult):
    """What :func:`solve` returns: the greatest clearing vector and its default waves.

    ``wave[i]`` is the round of the fictitious-default algorithm in which node ``i``
    defaulted (1 for a fundamental default, 2 for the nodes it took down, ...), 0 if it
    paid in full; ``iterations`` counts the rounds (linear solves).
    """

    network: Network
    payments: np.ndarray        #: p*, what each node pays in all [USD m]
    wave: np.ndarray            #: default round per node, 0 = paid in full
    iterations: int
    converged: bool

    @property
    def names(self) -> tuple[str, ...]:
        return self.network.names

    @property
    def received(self) -> np.ndarray:
        r""":math:`\Pi^\top p^*`, what each node is paid [USD m]."""
        return self.network.relative.T @ self.payments

    @property
    def net_worth(self) -> np.ndarray:
        """What each node keeps after paying in full; negative: its shortfall [USD m]."""
        return net_worth(self.network, self.payments)

    @property
    def equity(self) -> np.ndarray:
        """What each node's owners keep, never negative [USD m]."""
        return equity(self.network, self.payments)

    @property
    def defaulted(self) -> np.ndarray:
        """Whether each node defaulted."""
        return self.wave > 0

    @property
    def n_defaults(self) -> int:
        return int(np.count_nonzero(self.wave))

    @property
    def n_waves(self) -> int:
        """The number of default waves (0 when nobody defaults)."""
        return int(self.wave.max(initial=0))

    def waves(self) -> tuple[tuple[str, ...], ...]:
        """The names of the nodes that defaulted in each round, round 1 first."""
        return tuple(tuple(n for n, w in zip(self.names, self.wave, strict=True) if w == k)
                     for k in range(1, self.n_waves + 1))

    @property
    def deadweight(self) -> np.ndarray:
        """What each defaulting node had but did not pay: the default cost [USD m]."""
        lost = self.network.outside_assets + self.received - self.payments
        return np.where(self.defaulted, np.maximum(lost, 0.0), 0.0) + 0.0

    @property
    def unpaid(self) -> np.ndarray:
        r""":math:`\bar p - p^*`: what each node failed to pay [USD m]."""
        return np.maximum(self.network.total_obligations - self.payments, 0.0) + 0.0

    @property
    def unpaid_to(self) -> np.ndarray:
        """What each node was owed but not paid [USD m] (the loss its creditors' defaults
        cause it)."""
        return np.maximum(self.network.total_claims - self.received, 0.0) + 0.0

    @property
    def face_net_worth(self) -> np.ndarray:
        r""":math:`w(\bar p)`: each node's net worth if every debt were paid in full [USD m]."""
        return net_worth(self.network, self.network.total_obligations)

    @property
    def holes(self) -> np.ndarray:
        """What each node lacks to pay in full even if it is paid in full: its own hole."""
        return np.maximum(-self.face_net_worth, 0.0) + 0.0

    @property
    def losses(self) -> np.ndarray:
        r"""What each node's owners lose against full payment, :math:`\max(0, w(\bar p)) - E`.

        They add up to the holes plus the default costs: nothing else is lost, and every
        hole is borne by someone.
        """
        return np.maximum(np.maximum(self.face_net_worth, 0.0) - self.equity, 0.0) + 0.0

    @property
    def share_paid(self) -> np.ndarray:
        r""":math:`p^*_i/\bar p_i`, 1 for a node that owes nothing."""
        owed = self.network.total_obligations
        return np.divide(self.payments, owed, out=np.ones_like(owed), where=owed > 0)

    def value(self, name: str, what: str) -> float:
        """One node's entry of a per-node quantity, e.g. ``value("BlockFi", "share_paid")``."""
        what = v.choice("what", what, ("payments", "received", "net_worth", "equity", "wave",
                                        "deadweight", "unpaid", "unpaid_to", "share_paid",
                                        "face_net_worth", "holes", "losses"))
        return float(np.asarray(getattr(self, what))[self.network.index(name)])

    def to_frame(self) -> pd.DataFrame:
        """One row per node: what it holds, owes, pays and is paid, its equity and wave."""
        net = self.network
        return pd.DataFrame({
            "outside assets": net.outside_assets,
            "owes": net.total_obligations,
            "pays": self.payments,
            "share paid": self.share_paid,
            "is owed": net.total_claims,
            "is paid": self.received,
            "equity": self.equity,
            "default costs": self.deadweight,
            "default wave": self.wave,
        }, index=pd.Index(self.names, name="node"))

    def balance_sheet(self, name: str) -> BalanceSheet:
        """One node's sheet on the date: outside assets, each claim at what it was paid, and
        each debt at its face value. Equity is the net worth (negative when it defaulted)."""
        i = self.network.index(name)
        paid = self.network.relative * self.payments[:, None]       # paid[j, i]: j pays i
        assets = {"outside assets": float(self.network.outside_assets[i])}
        for j, debtor in enumerate(self.names):
            if self.network.matrix[j, i] > 0:
                assets[f"claim on {debtor} (as paid)"] = float(paid[j, i])
        debts = {f"owed to {creditor}": float(self.network.matrix[i, j])
                 for j, creditor in enumerate(self.names) if self.network.matrix[i, j] > 0}
        return BalanceSheet(assets, debts)


def solve(network: Network, *, tol: float = DEFAULT_TOL) -> Clearing:
    """The greatest clearing vector by fictitious default (module docstring), with its waves.

    Without default costs this is Eisenberg and Noe's algorithm; with them, Rogers and
    Veraart's greatest clearing vector algorithm. A node defaults when its shortfall
    exceeds ``tol`` times its gross size.
    """
    v.instance("network", network, Network)
    tol = v.non_negative("tol", tol, 1e-3)
    owed, e = network.total_obligations, network.outside_assets
    pi_t = network.relative.T
    alpha, beta = network.alpha, network.beta
    scale = _scale(network)
    wave = np.zeros(network.n, dtype=int)
    p = owed.copy()
    rounds = 0
    for _ in range(network.n + 1):
        new = (e + pi_t @ p - owed < -tol * scale) & (wave == 0)
        if not new.any():
            return Clearing(network, p, wave, rounds, True)
        rounds += 1
        wave[new] = rounds
        d = wave > 0
        a = np.eye(int(d.sum())) - beta * pi_t[np.ix_(d, d)]
        b = alpha * e[d] + beta * pi_t[np.ix_(d, ~d)] @ owed[~d]
        try:
            x = np.linalg.solve(a, b)
        except np.linalg.LinAlgError as err:     # pragma: no cover - excluded by the theory
            raise ValueError("the defaulting nodes form a closed system with no outside "
                             "assets: the clearing equations are singular") from err
        p = owed.copy()
        p[d] = np.clip(x, 0.0, owed[d])
    raise AssertionError("fictitious default ran more than n rounds")  # pragma: no cover


def iterate_clearing(network: Network, *, start: str = "greatest", tol: float = 1e-12,
                     max_iter: int = 100_000, record: bool = False) -> FixedPoint:
    r"""A clearing vector by iterating :func:`clearing_map` with
    :func:`toymarkets.core.solvers.iterate`.

    From ``start="greatest"`` (:math:`p^0 = \bar p`) the iterates fall to the greatest
    clearing vector; from ``"least"`` (:math:`p^0 = 0`) they rise to the least. For
    comparison with :func:`solve`, which is exact and faster.
    """
    v.instance("network", network, Network)
    start = v.choice("start", start, ("greatest", "least"))
    p0 = network.total_obligations if start == "greatest" else np.zeros(network.n)
    return iterate(lambda p: clearing_map(network, p), p0, tol=tol, max_iter=max_iter,
                   record=record)


def random_network(n_nodes: int, rng: np.random.Generator, *, mean_degree: float = 4.0,
                   capital: float = 0.1, shock: float = 0.5, alpha: float = 1.0,
                   beta: float = 1.0) -> Network:
    """A random network of ``n_nodes`` for experiments and benchmarks.

    Each ordered pair owes with probability ``mean_degree / (n_nodes - 1)`` an amount
    drawn from an exponential law of mean 1. Before the shock every node is solvent with
    a cushion: outside assets cover what it owes less what it is owed, plus ``capital``
    times a uniform draw times what it owes. The shock then takes a uniform share, up to
    ``shock``, of each node's outside assets. Draws, in order: the links (uniform,
    n x n), the amounts (n x n), the cushions (n), the shocks (n).
    """
    n = v.count("n_nodes", n_nodes, 2, 20_000)
    v.generator(rng)
    degree = v.in_range("mean_degree", mean_degree, 0.0, n - 1.0)
    capital = v.non_negative("capital", capital, 10.0)
    shock = v.probability("shock", shock)
    links = rng.random((n, n)) < degree / (n - 1)
    amounts = rng.exponential(1.0, (n, n))
    cushions = rng.random(n)
    hits = rng.random(n)
    matrix = np.where(links, amounts, 0.0)
    np.fill_diagonal(matrix, 0.0)
    owes, owed = matrix.sum(axis=1), matrix.sum(axis=0)
    e = np.maximum(owes - owed, 0.0) + capital * cushions * owes
    e = e * (1.0 - shock * hits)
    return Network(Liabilities(matrix), e, alpha=alpha, beta=beta)


# ----------------------------------------------------------------------------- the rescue


@dataclass(frozen=True)
class RescueLoan(v.Parameters):
    """A loan of ``amount`` from ``lender`` to ``borrower``, paid out before the date and
    due after it, optionally against ``collateral`` (a Position the borrower pledges)."""

    lender: str                             #: the node that lends (it pays from outside assets)
    borrower: str                           #: the node that receives the cash
    amount: float                           #: R [USD m], >= 0
    collateral: Position | None = None      #: what secures the loan, or None
    haircut: float = 0.0                    #: share of the collateral's mark ignored, [0, 1)

    def __post_init__(self):
        _strings("lender and borrower", (self.lender, self.borrower))
        v.non_negative("amount", self.amount)
        if self.collateral is not None:
            v.instance("collateral", self.collateral, Position)
        v.in_range("haircut", self.haircut, 0.0, 1.0, hi_open=True)

    @property
    def receivable(self) -> Receivable:
        """The loan as the lender's asset (core.balancesheet)."""
        return Receivable(self.amount, self.collateral, self.haircut)

    @property
    def exposure(self) -> float:
        """The loan less what its collateral would fetch if sold now [USD m]."""
        return self.receivable.exposure


@dataclass(frozen=True)
class Rescue(Result):
    """What :func:`rescue` returns: the network cleared without and with the rescue loans."""

    before: Clearing                #: the network as it was
    after: Clearing                 #: after the loans moved cash from lenders to borrowers
    loans: tuple                    #: the RescueLoan(s)

    @property
    def names(self) -> tuple[str, ...]:
        return self.before.names

    def saved(self) -> tuple[str, ...]:
        """Nodes that defaulted without the rescue and pay in full with it."""
        return tuple(n for n, b, a in zip(self.names, self.before.defaulted,
                                          self.after.defaulted, strict=True) if b and not a)

    def failing(self) -> tuple[str, ...]:
        """Nodes that default even with the rescue."""
        return tuple(n for n, a in zip(self.names, self.after.defaulted, strict=True) if a)

    @property
    def amount(self) -> float:
        """All rescue loans together [USD m]."""
        return float(sum(loan.amount for loan in self.loans))

    @property
    def exposure(self) -> float:
        """What the rescue lenders stand to lose: loans less what the collateral fetches."""
        return float(sum(loan.exposure for loan in self.loans))

    def hidden_hole(self, name: str) -> float:
        """A borrower's net worth after the rescue less what it borrowed to be rescued:
        negative means it is still insolvent, once the rescue loan is counted [USD m]."""
        borrowed = sum(loan.amount for loan in self.loans if loan.borrower == name)
        return self.after.value(name, "net_worth") - borrowed

    def lender_sheet(self, name: str) -> BalanceSheet:
        """A rescue lender's sheet after the date, with each of its loans as a Receivable."""
        sheet = self.after.balance_sheet(name)
        loans = {f"rescue loan to {loan.borrower}": loan.receivable
                 for loan in self.loans if loan.lender == name}
        if not loans:
            raise ValueError(f"{name!r} made no rescue loan")
        return sheet.with_lines(assets=loans)

    def repayments(self) -> np.ndarray:
        """What each rescue loan gets back after the date [USD m]: each borrower repays its
        rescue loans, pro rata, from its equity after the date."""
        borrowed = {}
        for loan in self.loans:
            borrowed[loan.borrower] = borrowed.get(loan.borrower, 0.0) + loan.amount
        out = []
        for loan in self.loans:
            total = borrowed[loan.borrower]
            can = min(total, self.after.value(loan.borrower, "equity"))
            out.append(0.0 if total == 0 else loan.amount / total * can)
        return np.array(out) + 0.0

    def _kept(self) -> np.ndarray:
        """Each node's equity after the date, rescue loans repaid [USD m]."""
        kept = self.after.equity.copy()
        for loan, back in zip(self.loans, self.repayments(), strict=True):
            kept[self.after.network.index(loan.lender)] += back
            kept[self.after.network.index(loan.borrower)] -= back
        return kept

    def loss_of(self, name: str) -> float:
        """One node's loss with the rescue (the column "with the rescue" of :meth:`losses`)."""
        i = self.after.network.index(name)
        return float(max(self.before.face_net_worth[i], 0.0) - self._kept()[i]) + 0.0

    def losses(self) -> pd.DataFrame:
        """Where the loss lands, without and with the rescue [USD m].

        One row per node whose owners lose anything against full payment (without the
        rescue: :attr:`Clearing.losses`; with it, counting each rescue loan as the
        lender's claim, repaid after the date from the borrower's equity; a lender that
        defaults on the date and is repaid later shows a negative loss, a gain), and the
        total. In both columns the total is the holes of the insolvent nodes (the same in both,
        :attr:`Clearing.holes` of ``before``) plus that column's default costs.
        """
        before = self.before.losses
        after = np.maximum(self.before.face_net_worth, 0.0) - self._kept() + 0.0
        rows = {n: (b, a) for n, b, a in zip(self.names, before, after, strict=True)
                if b > 0 or a != 0}
        frame = pd.DataFrame(rows, index=["without the rescue", "with the rescue"]).T
        frame.loc["total"] = frame.sum()
        return frame + 0.0


def _moved(network: Network, loans: tuple[RescueLoan, ...]) -> Network:
    e = dict(zip(network.names, network.outside_assets, strict=True))
    for loan in loans:
        for role in ("lender", "borrower"):
            v.choice(f"{role}", getattr(loan, role), network.names)
        v.in_range("amount", loan.amount, 0.0, e[loan.lender])
        e[loan.lender] -= loan.amount
        e[loan.borrower] += loan.amount
    return network.replace(outside_assets=e)


def rescue(network: Network, *loans: RescueLoan) -> Rescue:
    """Clear the network without and with the rescue loans (module docstring).

    Each loan moves cash from the lender's outside assets (it must have it) to the
    borrower's before the date; the loan itself is due after the date, so it is not in
    the liability matrix: it shows on the lender's sheet (:meth:`Rescue.lender_sheet`).
    """
    v.instance("network", network, Network)
    if not loans:
        raise ValueError("rescue needs at least one RescueLoan")
    for loan in loans:
        v.instance("loan", loan, RescueLoan)
    return Rescue(solve(network), solve(_moved(network, loans)), tuple(loans))


def rescue_needed(network: Network, lender: str, borrower: str,
                  save: Iterable[str], *, tol: float = 1e-9) -> float:
    """The smallest loan from ``lender`` to ``borrower`` after which no node in ``save``
    defaults [USD m], found by bisection on their lowest net worth (which rises with the
    loan). Raises ValueError if the lender's outside assets are not enough."""
    v.instance("network", network, Network)
    save = tuple(v.choice("save", s, network.names) for s in save)
    if not save:
        raise ValueError("save must name at least one node")
    idx = [network.index(s) for s in save]
    cash = float(network.outside_assets[network.index(lender)])

    def worst(amount: float) -> float:
        cleared = solve(_moved(network, (RescueLoan(lender, borrower, amount),)))
        if not cleared.defaulted[idx].any():
            return max(float(cleared.net_worth[idx].min()), 0.0) + 1.0
        return float(cleared.net_worth[idx].min())

    if worst(0.0) > 0:
        return 0.0
    if worst(cash) < 0:
        raise ValueError(f"no loan of up to {lender}'s outside assets ({cash:g}) saves {save}")
    return bisect(worst, 0.0, cash, tol=tol).hi


def house_token_price(market_cap: float, circulating: float) -> float:
    """A token's price from its market value and the tokens in circulation [USD per token]."""
    return v.positive("market_cap", market_cap) / v.positive("circulating", circulating)


def house_token_collateral(value: float, price: float, *, volatility: float,
                           daily_volume: float) -> Position:
    """House tokens worth ``value`` at ``price`` (quantity = value / price), sold under the
    square-root impact law with daily ``volatility`` and ``daily_volume`` (in the units of the
    quantity), as a Position of kind ``"house"``."""
    value = v.non_negative("value", value)
    price = v.positive("price", price)
    return Position(value / price, price, SquareRoot(volatility, daily_volume), kind="house")


# ----------------------------------------------------------------------------- calibration


@dataclass(frozen=True)
class _Calibration:
    """The illustrative network of 2022 (see :func:`lenders_2022`); amounts in USD m."""

    loans: tuple = (            # (debtor, creditor, amount, basis)
        ("trading firm", "Voyager", 377.0, "documented (single source)"),
        ("trading firm", "BlockFi", 675.0, "documented range 671 to 680, middle"),
        ("trading firm", "Genesis", 400.0, "documented (single source)"),
        ("fund", "Voyager", 650.0, "documented"),
        ("fund", "BlockFi", 250.0, "assumption"),
        ("fund", "Genesis", 1_000.0, "assumption"),
        ("Voyager", "depositors", 1_300.0, "assumption"),
        ("BlockFi", "depositors", 1_500.0, "assumption"),
        ("Genesis", "depositors", 2_500.0, "assumption"),
        ("exchange", "depositors", 1_000.0, "assumption"),
    )
    outside_assets: Mapping = field(default_factory=lambda: {
        "fund": 2_500.0, "Voyager": 350.0, "BlockFi": 700.0, "Genesis": 1_700.0,
        "trading firm": 2_000.0, "exchange": 3_000.0, "depositors": 0.0})
    names: tuple = ("fund", "Voyager", "BlockFi", "Genesis", "trading firm", "exchange",
                    "depositors")
    shocked: tuple = ("fund", "trading firm")   # the nodes the LUNA crash hits
    # the house token pledged for the rescue: its market value and float are documented
    # (30 Jun 2022); its daily volatility and volume [million tokens] are assumptions
    token_market_cap: float = 3_300.0
    token_circulating: float = 133.6
    token_volatility: float = 0.08
    token_daily_volume: float = 2.0
    collateral_ratio: float = 1.0               # tokens pledged at mark per USD lent (assumed)

    def table(self) -> pd.DataFrame:
        """The debts of the calibration, one row each, with what each amount rests on."""
        return pd.DataFrame(list(self.loans), columns=["debtor", "creditor", "amount [USD m]",
                                                      "basis"])

    def assets(self) -> pd.Series:
        """The outside assets before the shock [USD m] (all of them assumptions)."""
        return pd.Series(dict(self.outside_assets), name="outside assets [USD m]",
                         dtype=float).rename_axis("node")


#: The illustrative calibration behind :func:`lenders_2022`.
LENDERS_2022 = _Calibration()


def rescue_2022(amount: float) -> RescueLoan:
    """The rescue loan of the illustrative calibration: the exchange lends ``amount`` [USD m]
    to the trading firm against house tokens worth as much at their market price, priced
    from the token's documented market value and float, sold under the square-root law
    with an assumed daily volatility and volume (:data:`LENDERS_2022`)."""
    c = LENDERS_2022
    amount = v.non_negative("amount", amount)
    tokens = house_token_collateral(c.collateral_ratio * amount,
                                    house_token_price(c.token_market_cap, c.token_circulating),
                                    volatility=c.token_volatility,
                                    daily_volume=c.token_daily_volume)
    return RescueLoan("exchange", "trading firm", amount, tokens)


def lenders_2022(shock: float = 0.5, default_cost: float = 0.0) -> Network:
    """An **illustrative** network of the crypto lenders of mid-2022 [USD m].

    Nodes: a leveraged fund, the lenders Voyager, BlockFi and Genesis, the trading firm,
    the exchange, and the depositors (the lenders' and the exchange's customers, who owe
    nothing). The LUNA crash takes ``shock`` of the fund's and the trading firm's outside
    assets; a defaulting node realises ``1 - default_cost`` of everything it has
    (:math:`\\alpha = \\beta = 1 -` ``default_cost``).

    Documented (the book's sources): the trading firm owed Voyager about 377 (Voyager's
    bankruptcy filing, July 2022); it defaulted on about 671 to 680 owed to BlockFi (the
    figure differs between reports; we use 675); Genesis recalled 400 of loans to it in
    June 2022 (single source); a fund, Three Arrows Capital, failed to repay a loan of
    about 650 from Voyager. **Everything else is an assumption** chosen so that, before
    the shock, every node is solvent with a thin cushion: the fund's loans to BlockFi and
    Genesis, what the lenders owe their depositors, all outside assets, and the
    exchange's withdrawals due on the date. Debts not due on the date (the trading firm's
    borrowing from the exchange) are left out.
    """
    shock = v.probability("shock", shock)
    cost = v.probability("default_cost", default_cost)
    c = LENDERS_2022
    debts = Liabilities.from_loans([loan[:3] for loan in c.loans], c.names)
    network = Network(debts, dict(c.outside_assets),
                      alpha=1.0 - cost, beta=1.0 - cost)
    return network.shocked({name: shock for name in c.shocked})
