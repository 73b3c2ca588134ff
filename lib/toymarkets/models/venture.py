r"""Step 8: a venture book of heavy-tailed bets, locked up and partly bought with borrowed money.

Units: money in **millions of USD**, time in **years**, multiples as plain numbers
(a bet that returns 3 times its cost has multiple 3).

**The bets.** The firm buys :math:`N` stakes of :math:`c` each at time 0, a book that
cost :math:`K = N c`. Bet :math:`i` returns a multiple :math:`M_i` of its cost: with
probability :math:`q` it fails (:math:`M_i = 0`); otherwise :math:`M_i` is drawn from a
Pareto law with tail index :math:`\alpha > 1` and scale :math:`x_m`,

.. math::  \Pr(M > x \mid \text{survives}) = (x_m / x)^{\alpha}, \qquad x \ge x_m .

The Pareto law is the textbook heavy tail: the chance of a return ten times larger
falls only by the factor :math:`10^{-\alpha}`, so a few bets return most of the value.
Closed forms for the surviving bets (:func:`pareto_mean`, :func:`pareto_median`,
:func:`pareto_top_share`):

.. math::
    \mathbb{E}[M] = \frac{\alpha x_m}{\alpha - 1}, \qquad
    \operatorname{median}(M) = x_m\, 2^{1/\alpha}, \qquad
    S(p) = p^{\,1 - 1/\alpha},

where :math:`S(p)` is the share of the total held by the best fraction :math:`p` of a
large book (the Pareto Lorenz curve, :math:`L(u) = 1 - (1-u)^{1-1/\alpha}`, read from the
top). With failures, the book's multiple per bet has mean :math:`(1-q)\,\alpha x_m/(\alpha-1)`,
median :math:`x_m\,(2(1-q))^{1/\alpha}` when :math:`q < 1/2` (else 0), and the best
fraction :math:`p \le 1-q` of the book holds :math:`(p/(1-q))^{1-1/\alpha}` of its value
(:func:`mean_multiple`, :func:`median_multiple`, :func:`top_share`). For a book of finite
size the expected sum of the :math:`k` best of :math:`n` Pareto bets is exact,
:math:`\sum_{i=1}^{k} \mathbb{E}[M_{(i)}]` with

.. math::
    \mathbb{E}[M_{(i)}] = x_m\,
    \frac{\Gamma(n+1)\,\Gamma(i - 1/\alpha)}{\Gamma(i)\,\Gamma(n + 1 - 1/\alpha)}

for the :math:`i`-th largest (:func:`pareto_expected_top_sum`, a result of order
statistics: :math:`M = x_m U^{-1/\alpha}` with :math:`U` uniform, and the :math:`i`-th
smallest of :math:`n` uniforms is Beta(:math:`i, n-i+1`)).

**Marks over time.** The horizon :math:`H` is cut into :math:`T` equal steps. Each bet
*resolves* at a step drawn uniformly from :math:`1, \dots, T`, independently of its
multiple: until then it is marked at cost, afterwards at :math:`c M_i` (a write-off if
it failed). Every mark is scaled by a common crypto-market factor :math:`m_t`, a
geometric random walk with volatility :math:`\sigma_m` and :math:`\mathbb{E}[m_t] = 1`,
:math:`m_{t} = m_{t-1}\exp(\sigma_m \sqrt{\Delta}\, z_t - \sigma_m^2 \Delta / 2)`,
:math:`m_0 = 1`. The book's mark at step :math:`k` is

.. math::  V_k = c\, m_k \Big( N + \sum_{i:\ \kappa_i \le k} (M_i - 1) \Big),

with :math:`\kappa_i` the step at which bet :math:`i` resolves, and in expectation
:math:`\mathbb{E}[V_k] = K\,(1 + \tfrac{k}{T}(\mathbb{E}[M] - 1))` (:func:`expected_mark`).
The market factor is the book's **directional risk**: every stake moves with it, and
the lock-ups below forbid selling or hedging the locked part, so the firm carries it.

**Lock-ups.** Every stake pays in tokens that unlock on one vesting schedule
(:class:`~toymarkets.core.balancesheet.Vesting`: nothing before a cliff, a share at the
cliff, then linearly to the end). What the book would fetch if it had to be sold at
time :math:`t`, its **cash value**, counts unlocked units at their mark and each locked
unit at its mark less a discount for the time :math:`\tau` it still has to wait:

.. math::  C_t = V_t\,\big(u(t) + (1 - u(t))(1 - \bar d(t))\big),

with :math:`u(t)` the unlocked share and :math:`\bar d(t)` the average discount over the
locked units (:func:`lockup_discount`, :func:`liquidity_factor`). Two discounts
:math:`D(\sigma, \tau)` for a token of volatility :math:`\sigma`:

* Longstaff's bound (:func:`longstaff_bound`). An investor with perfect market timing
  who may not sell for :math:`\tau` loses at most the value of a lookback put, which
  for a lognormal asset is, as a fraction of its value,

  .. math::
      F = \Big(2 + \frac{\sigma^2\tau}{2}\Big) N\!\Big(\frac{\sqrt{\sigma^2\tau}}{2}\Big)
          + \sqrt{\frac{\sigma^2\tau}{2\pi}}\; e^{-\sigma^2\tau/8} - 1 .

  It depends on :math:`\sigma^2\tau` only, is 0 at :math:`\tau = 0`, grows like
  :math:`\sigma\sqrt{2\tau/\pi}` for short lock-ups, and passes 1 (the whole value) near
  :math:`\sigma^2\tau \approx 0.886`; as a discount it is capped at 1.
* A put proxy (:func:`put_discount`): the price of an at-the-money European put over
  the lock-up (Black-Scholes with zero rates), :math:`2N(\sigma\sqrt\tau/2) - 1`, what it
  would cost to insure the locked stake's value until it can be sold. It is smaller
  than Longstaff's bound at every :math:`\tau` (a lookback put is worth more than a put).

**Borrowing.** A share :math:`\ell` of the cost is borrowed at the rate :math:`r`
(continuously compounded): the firm owes :math:`D_t = \ell K e^{r t}`. Its equity is
:math:`V_t - D_t` at mark and :math:`C_t - D_t` at cash value: a book can be solvent at
its marks and unable to repay a loan recalled today.

**Assumptions.** Bets are independent given the market factor and all bought at
time 0; a bet's value is revealed in one jump when it resolves; every stake is
locked on the same schedule; unlocked units sell at their mark (no price impact);
the loan is never repaid early and its interest accrues. The calibration in the
book is illustrative.

References: :cite:t:`longstaff1995much`; :cite:t:`chaffe1993option`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.balancesheet import BalanceSheet, Loan, Position, Vesting
from ..core.results import Result
from ..core.solvers import bisect

__all__ = [
    "VentureBook",
    "VentureRun",
    "DISCOUNTS",
    "simulate",
    "pareto_mean",
    "pareto_median",
    "pareto_top_share",
    "pareto_expected_top_sum",
    "mean_multiple",
    "median_multiple",
    "top_share",
    "longstaff_bound",
    "longstaff_full_lockup",
    "put_discount",
    "lockup_discount",
    "liquidity_factor",
    "expected_mark",
    "debt",
    "discount_table",
    "balance_sheet",
]

#: The lock-up discounts the model knows, with their labels.
DISCOUNTS = {
    "longstaff": "Longstaff's bound",
    "put": "at-the-money put",
}

_GAUSS_NODES = 32        # Gauss-Legendre nodes per smooth piece of a lock-up average


@dataclass(frozen=True)
class VentureBook(v.Parameters):
    """Parameters of the venture book; every field is checked on construction."""

    n_bets: int = 500                   #: N, stakes bought at time 0, in [1, 100000]
    stake: float = 10.0                 #: c, cost of one stake [million USD], in (0, 1e6]
    tail_index: float = 1.5             #: alpha, Pareto tail index of a survivor, in (1, 10]
    min_multiple: float = 0.8           #: x_m, smallest multiple a survivor returns, (0, 100]
    failure_rate: float = 0.4           #: q, chance a stake goes to zero, in [0, 0.99]
    horizon: float = 5.0                #: H, years by which every stake has resolved, (0, 30]
    n_steps: int = 20                   #: T, dates after the start (quarters by default), [1, 1000]
    market_volatility: float = 0.5      #: sigma_m, common market factor [per sqrt(year)], [0, 2]
    token_volatility: float = 0.8       #: sigma, one locked token [per sqrt(year)], in [0, 5]
    vesting: Vesting = field(default_factory=Vesting)   #: the lock-up schedule [years]
    borrowed_share: float = 0.5         #: l, share of the cost borrowed, in [0, 0.99]
    interest_rate: float = 0.08         #: r, on the loan [per year, continuous], in [0, 1]

    def __post_init__(self):
        v.count("n_bets", self.n_bets, 1, 100_000)
        v.positive("stake", self.stake, 1e6)
        v.in_range("tail_index", self.tail_index, 1.0, 10.0, lo_open=True)
        v.positive("min_multiple", self.min_multiple, 100.0)
        v.in_range("failure_rate", self.failure_rate, 0.0, 0.99)
        v.positive("horizon", self.horizon, 30.0)
        v.count("n_steps", self.n_steps, 1, 1_000)
        v.non_negative("market_volatility", self.market_volatility, 2.0)
        v.non_negative("token_volatility", self.token_volatility, 5.0)
        v.instance("vesting", self.vesting, Vesting)
        v.in_range("borrowed_share", self.borrowed_share, 0.0, 0.99)
        v.non_negative("interest_rate", self.interest_rate, 1.0)

    @property
    def cost(self) -> float:
        """K = N c, what the book cost [million USD]."""
        return self.n_bets * self.stake

    @property
    def times(self) -> np.ndarray:
        """The dates 0, H/T, ..., H [years]."""
        return np.linspace(0.0, self.horizon, self.n_steps + 1)


# ------------------------------------------------------------------ heavy tails


def pareto_mean(tail_index: float, min_multiple: float) -> float:
    r"""The mean of a Pareto law, :math:`\alpha x_m / (\alpha - 1)` (finite for
    :math:`\alpha > 1`)."""
    a = v.in_range("tail_index", tail_index, 1.0, 1e6, lo_open=True)
    xm = v.positive("min_multiple", min_multiple, 1e9)
    return a * xm / (a - 1.0)


def pareto_median(tail_index: float, min_multiple: float) -> float:
    r"""The median of a Pareto law, :math:`x_m\, 2^{1/\alpha}`."""
    a = v.positive("tail_index", tail_index, 1e6)
    xm = v.positive("min_multiple", min_multiple, 1e9)
    return xm * 2.0 ** (1.0 / a)


def pareto_top_share(tail_index: float, top: float) -> float:
    r"""Share of a large Pareto book's total held by its best fraction ``top``:
    :math:`p^{1-1/\alpha}`."""
    a = v.in_range("tail_index", tail_index, 1.0, 1e6, lo_open=True)
    p = v.in_range("top", top, 0.0, 1.0, lo_open=True)
    return p ** (1.0 - 1.0 / a)


def pareto_expected_top_sum(tail_index: float, min_multiple: float, n: int, k: int) -> float:
    r"""The expected sum of the ``k`` largest of ``n`` Pareto draws (module docstring).

    Uses :math:`\mathbb{E}[M_{(i+1)}] = \mathbb{E}[M_{(i)}]\,(i - 1/\alpha)/i`, from the
    largest down; exact for :math:`\alpha > 1`.
    """
    a = v.in_range("tail_index", tail_index, 1.0, 1e6, lo_open=True)
    xm = v.positive("min_multiple", min_multiple, 1e9)
    n = v.count("n", n, 1, 10_000_000)
    k = v.count("k", k, 1, n)
    b = 1.0 / a
    largest = xm * math.exp(math.lgamma(n + 1.0) + math.lgamma(1.0 - b)
                            - math.lgamma(n + 1.0 - b))
    i = np.arange(1, k, dtype=float)
    ratios = np.concatenate([[1.0], np.cumprod((i - b) / i)])
    return float(largest * ratios.sum())


def mean_multiple(params: VentureBook) -> float:
    r"""Expected multiple of one stake, failures included: :math:`(1-q)\,\alpha x_m/(\alpha-1)`."""
    v.instance("params", params, VentureBook)
    return (1.0 - params.failure_rate) * pareto_mean(params.tail_index, params.min_multiple)


def median_multiple(params: VentureBook) -> float:
    r"""Median multiple of one stake: :math:`x_m (2(1-q))^{1/\alpha}` if :math:`q < 1/2`, else 0."""
    v.instance("params", params, VentureBook)
    q = params.failure_rate
    if q >= 0.5:
        return 0.0
    return params.min_multiple * (2.0 * (1.0 - q)) ** (1.0 / params.tail_index)


def top_share(params: VentureBook, top: float) -> float:
    r"""Share of a large book's value from its best fraction ``top`` of stakes.

    :math:`\min\big(1, (p/(1-q))^{1-1/\alpha}\big)`: the best :math:`p` of the book are the
    best :math:`p/(1-q)` of the survivors.
    """
    v.instance("params", params, VentureBook)
    p = v.in_range("top", top, 0.0, 1.0, lo_open=True)
    survivors = 1.0 - params.failure_rate
    return pareto_top_share(params.tail_index, min(1.0, p / survivors))


# ------------------------------------------------------------------ lock-up discounts


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _longstaff(x: float) -> float:
    """Longstaff's bound as a function of x = sigma^2 tau >= 0 (unchecked)."""
    return ((2.0 + x / 2.0) * _normal_cdf(math.sqrt(x) / 2.0)
            + math.sqrt(x / (2.0 * math.pi)) * math.exp(-x / 8.0) - 1.0)


def _put(x: float) -> float:
    """The at-the-money put as a function of x = sigma^2 tau >= 0 (unchecked)."""
    return 2.0 * _normal_cdf(math.sqrt(x) / 2.0) - 1.0


def longstaff_bound(volatility: float, lockup: float) -> float:
    r"""Longstaff's (1995) upper bound on the discount for a lock-up, as a share of value.

    .. math::
        F = \Big(2 + \frac{\sigma^2\tau}{2}\Big) N\!\Big(\frac{\sqrt{\sigma^2\tau}}{2}\Big)
            + \sqrt{\frac{\sigma^2\tau}{2\pi}}\, e^{-\sigma^2\tau/8} - 1

    ``volatility`` :math:`\sigma` per sqrt(year), in [0, 10]; ``lockup`` :math:`\tau` in
    years, in [0, 100]. It can exceed 1: the bound then says nothing (a stake cannot
    lose more than its value).
    """
    s = v.non_negative("volatility", volatility, 10.0)
    t = v.non_negative("lockup", lockup, 100.0)
    return _longstaff(s * s * t)


def put_discount(volatility: float, lockup: float) -> float:
    r"""An at-the-money European put over the lock-up, as a share of value (zero rates).

    .. math::  P = N(\sigma\sqrt\tau/2) - N(-\sigma\sqrt\tau/2) = 2N(\sigma\sqrt\tau/2) - 1

    ``volatility`` in [0, 10] per sqrt(year), ``lockup`` in [0, 100] years.
    """
    s = v.non_negative("volatility", volatility, 10.0)
    t = v.non_negative("lockup", lockup, 100.0)
    return _put(s * s * t)


@functools.cache
def _longstaff_cap() -> float:
    """The value of sigma^2 tau at which Longstaff's bound reaches 1 (about 0.886)."""
    return bisect(lambda x: _longstaff(x) - 1.0, 0.1, 10.0, tol=1e-14).x


def longstaff_full_lockup(volatility: float) -> float:
    r"""The lock-up [years] beyond which Longstaff's bound exceeds the whole value.

    The bound depends on :math:`\sigma^2\tau` only and reaches 1 at
    :math:`\sigma^2\tau \approx 0.886`, so this is that number over :math:`\sigma^2`.
    ``volatility`` in (0, 10] per sqrt(year).
    """
    s = v.positive("volatility", volatility, 10.0)
    return _longstaff_cap() / (s * s)


def _discount(method: str, volatility: float, lockup: float) -> float:
    x = volatility * volatility * lockup
    return _put(x) if method == "put" else min(1.0, _longstaff(x))


@functools.cache
def _gauss() -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(_GAUSS_NODES)


def _average(method: str, volatility: float, a: float, b: float) -> float:
    """The mean of D(sigma, tau) for tau uniform on [a, b], by Gauss-Legendre in s = sqrt(tau)."""
    if b <= a:
        return _discount(method, volatility, a)
    cuts = [math.sqrt(a), math.sqrt(b)]
    if method == "longstaff" and volatility > 0:
        cap = math.sqrt(_longstaff_cap()) / volatility      # where the bound reaches 1
        if cuts[0] < cap < cuts[1]:
            cuts.insert(1, cap)
    nodes, weights = _gauss()
    total = 0.0
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        s = 0.5 * (hi - lo) * nodes + 0.5 * (hi + lo)
        values = [_discount(method, volatility, x * x) for x in s.tolist()]
        total += 0.5 * (hi - lo) * float(np.dot(weights, np.multiply(values, 2.0 * s)))
    return min(1.0, max(0.0, total / (b - a)))


def lockup_discount(vesting: Vesting, t: float, volatility: float, method: str = "put") -> float:
    r"""The average discount :math:`\bar d(t)` over the units still locked at time ``t``.

    Before the cliff a share ``cliff_share`` of the units waits until the cliff and the
    rest unlock evenly between the cliff and the end; after the cliff the locked
    units unlock evenly until the end. Each locked unit is discounted by
    ``method`` (``"put"`` or ``"longstaff"``, capped at 1) for its own wait. 0 when
    nothing is locked.
    """
    v.instance("vesting", vesting, Vesting)
    t = v.non_negative("t", t, 1e6)
    s = v.non_negative("volatility", volatility, 10.0)
    return _lockup_discount(vesting, t, s, v.choice("method", method, DISCOUNTS))


def _lockup_discount(vesting: Vesting, t: float, s: float, method: str) -> float:
    if t >= vesting.end:
        return 0.0
    if t >= vesting.cliff:
        return _average(method, s, 0.0, vesting.end - t)
    wait = vesting.cliff - t
    at_cliff = _discount(method, s, wait)
    if vesting.end == vesting.cliff:
        return at_cliff
    later = _average(method, s, wait, vesting.end - t)
    return vesting.cliff_share * at_cliff + (1.0 - vesting.cliff_share) * later


def liquidity_factor(params: VentureBook, t: float, method: str = "put") -> float:
    r"""Cash value per USD of mark at time ``t``: :math:`u(t) + (1 - u(t))(1 - \bar d(t))`."""
    v.instance("params", params, VentureBook)
    t = v.non_negative("t", t, 1e6)
    unlocked = params.vesting.unlocked(t)
    if unlocked >= 1.0:
        return 1.0
    d = lockup_discount(params.vesting, t, params.token_volatility, method)
    return unlocked + (1.0 - unlocked) * (1.0 - d)


def expected_mark(params: VentureBook, step: int) -> float:
    r"""Expected mark of the book at ``step``: :math:`K\,(1 + \tfrac{k}{T}(\mathbb{E}[M] - 1))`."""
    v.instance("params", params, VentureBook)
    k = v.count("step", step, 0, params.n_steps)
    return params.cost * (1.0 + k / params.n_steps * (mean_multiple(params) - 1.0))


def debt(params: VentureBook, t: float) -> float:
    r"""What the firm owes at time ``t`` [million USD]: :math:`\ell K e^{r t}`."""
    v.instance("params", params, VentureBook)
    t = v.non_negative("t", t, 1e6)
    return params.borrowed_share * params.cost * math.exp(params.interest_rate * t)


def discount_table(volatilities, lockups) -> pd.DataFrame:
    """Both discounts for every pair of volatility and lock-up, one row a pair (tidy).

    Columns: ``volatility``, ``lockup`` [years], ``longstaff`` (the bound, uncapped) and
    ``put``; shares of value.
    """
    vols = [v.non_negative("volatilities", x, 10.0) for x in np.atleast_1d(volatilities)]
    taus = [v.non_negative("lockups", x, 100.0) for x in np.atleast_1d(lockups)]
    rows = [(s, t, longstaff_bound(s, t), put_discount(s, t)) for s in vols for t in taus]
    return pd.DataFrame(rows, columns=["volatility", "lockup", "longstaff", "put"])


# ------------------------------------------------------------------ simulation


@dataclass(frozen=True)
class VentureRun(Result):
    """What :func:`simulate` returns. Arrays have one row per path.

    ``multiples`` has one column per stake, **in the order the stakes resolve** (the
    first ``resolved[:, 1]`` resolve at step 1, and so on); ``resolved``, ``market``
    and ``mark`` have one column per date (``n_steps + 1``, column 0 the start);
    ``times``, ``debt``, ``unlocked`` and each entry of ``discount`` hold one value
    per date.
    """

    params: VentureBook
    times: np.ndarray               #: dates [years]
    multiples: np.ndarray           #: M_i, what each stake returns per USD of cost
    resolved: np.ndarray            #: stakes resolved by each date (0 at the start, N at the end)
    market: np.ndarray              #: m_t, the common market factor (1 at the start)
    mark: np.ndarray                #: V_t, the book at its marks [million USD]
    debt: np.ndarray                #: D_t, the loan with interest [million USD]
    unlocked: np.ndarray            #: u(t), the unlocked share of every stake
    discount: dict                  #: method -> average discount on the locked units

    @property
    def n_paths(self) -> int:
        return self.mark.shape[0]

    def resolution_step(self) -> np.ndarray:
        """kappa_i, the step at which each stake resolves (1..T), shaped like ``multiples``."""
        counts = np.diff(self.resolved, axis=1)
        steps = np.arange(1, self.params.n_steps + 1)
        return np.vstack([np.repeat(steps, row) for row in counts])

    def liquidity_factor(self, method: str = "put") -> np.ndarray:
        """Cash value per USD of mark at each date (see :func:`liquidity_factor`)."""
        d = self.discount[v.choice("method", method, DISCOUNTS)]
        return self.unlocked + (1.0 - self.unlocked) * (1.0 - d)

    def cash_value(self, method: str = "put") -> np.ndarray:
        """What the book would fetch if sold at each date [million USD]."""
        return self.mark * self.liquidity_factor(method)

    def equity(self, value: str = "mark", method: str = "put") -> np.ndarray:
        """Book value less debt at each date [million USD], at ``"mark"`` or ``"cash"``."""
        if v.choice("value", value, ("mark", "cash")) == "mark":
            return self.mark - self.debt
        return self.cash_value(method) - self.debt

    def shortfall_share(self, value: str = "cash", method: str = "put") -> np.ndarray:
        """Share of paths at each date on which the book, at ``value``, is worth less than
        the debt."""
        return np.mean(self.equity(value, method) < 0.0, axis=0)

    def stake_multiple(self) -> np.ndarray:
        """The stakes' own multiple per path, their mean: the book's final value over its cost
        with the market factor left out."""
        return self.multiples.mean(axis=1)

    def book_multiple(self) -> np.ndarray:
        """The book's final mark over its cost, per path (market factor included)."""
        return self.mark[:, -1] / self.params.cost

    def top_share(self, top: float) -> np.ndarray:
        """Per path, the share of the stakes' total multiple from the best ``top`` fraction.

        The best ``max(1, round(top * N))`` stakes; NaN on a path where every stake failed.
        """
        p = v.in_range("top", top, 0.0, 1.0, lo_open=True)
        n = self.params.n_bets
        k = max(1, min(n, int(round(p * n))))
        best = -np.partition(-self.multiples, k - 1, axis=1)[:, :k]
        total = self.multiples.sum(axis=1)
        safe = np.where(total > 0, total, 1.0)
        return np.where(total > 0, best.sum(axis=1) / safe, np.nan)

    def concentration(self, path: int = 0) -> pd.DataFrame:
        """One path's stakes ranked best first: the share of stakes against the share of value.

        Columns ``share of stakes`` (k/N) and ``share of value`` (the best k stakes'
        share of the total multiple), with a first row (0, 0).
        """
        path = self._path(path, self.n_paths)
        ranked = np.sort(self.multiples[path])[::-1]
        total = ranked.sum()
        n = ranked.size
        value = np.cumsum(ranked) / total if total > 0 else np.zeros(n)
        return pd.DataFrame({"share of stakes": np.arange(n + 1) / n,
                             "share of value": np.concatenate([[0.0], value])})

    def percentiles(self, levels=(10, 50, 90), value: str = "mark",
                    method: str = "put") -> pd.DataFrame:
        """Percentiles across paths of the book at ``value`` (``"mark"`` or ``"cash"``),
        one row per date and one column per level [million USD]."""
        book = self.mark if v.choice("value", value, ("mark", "cash")) == "mark" else \
            self.cash_value(method)
        levels = [v.in_range("levels", x, 0.0, 100.0) for x in np.atleast_1d(levels)]
        frame = pd.DataFrame(np.percentile(book, levels, axis=0).T, columns=levels,
                             index=pd.Index(self.times, name="time [years]"))
        return frame

    def summary(self, method: str = "put") -> pd.DataFrame:
        """One row per date: mean and median mark and cash value, debt, shares underwater."""
        cash = self.cash_value(method)
        frame = pd.DataFrame({
            "time [years]": self.times,
            "mark, mean": self.mark.mean(axis=0),
            "mark, median": np.median(self.mark, axis=0),
            "cash value, mean": cash.mean(axis=0),
            "cash value, median": np.median(cash, axis=0),
            "debt": self.debt,
            "unlocked share": self.unlocked,
            "paths with mark < debt": self.shortfall_share("mark"),
            "paths with cash < debt": self.shortfall_share("cash", method),
        })
        frame.index.name = "step"
        return frame


def simulate(params: VentureBook, rng: np.random.Generator, n_paths: int = 1) -> VentureRun:
    """Simulate ``n_paths`` books (vectorised over paths and stakes).

    Draws, in this order and all before any arithmetic: one uniform per stake (its
    multiple, by the inverse of the distribution function), the number of stakes
    that resolve at each step (multinomial, equal chances), one normal per path and
    step (the market factor). The stakes are independent and identically distributed,
    so letting the first ones drawn resolve first is the same law as giving each its
    own uniform resolution step, and the book's mark needs only the sum of each
    step's block of stakes. The draws depend on the parameters only through the shapes, so
    runs with the same seed and sizes share them: a lower tail index or failure rate
    gives every stake a multiple at least as large.
    """
    v.instance("params", params, VentureBook)
    v.generator(rng)
    n_paths = v.count("n_paths", n_paths, 1, 100_000)
    p = params
    u = rng.random((n_paths, p.n_bets))
    counts = rng.multinomial(p.n_bets, np.full(p.n_steps, 1.0 / p.n_steps), size=n_paths)
    z = rng.standard_normal((n_paths, p.n_steps))

    # Inverse CDF of the mixture: u < q fails; otherwise x_m ((1 - u)/(1 - q))^(-1/alpha).
    q = p.failure_rate
    survives = u >= q
    np.subtract(1.0, u, out=u)              # in (0, 1]: never a zero to a negative power
    u *= 1.0 / (1.0 - q)
    np.power(u, -1.0 / p.tail_index, out=u)
    u *= p.min_multiple
    np.multiply(u, survives, out=u)         # failures return nothing
    multiples = u

    # Stakes resolved[k-1] to resolved[k] - 1 resolve at step k. The non-empty blocks of
    # all paths, in order, tile the stakes: one pass sums each; empty blocks sum to 0.
    resolved = np.hstack([np.zeros((n_paths, 1), dtype=np.int64), np.cumsum(counts, axis=1)])
    starts = resolved[:, :-1] + p.n_bets * np.arange(n_paths, dtype=np.int64)[:, None]
    filled = counts.ravel() > 0
    blocks = np.zeros(n_paths * p.n_steps)
    blocks[filled] = np.add.reduceat(multiples.reshape(-1), starts.ravel()[filled])
    gains = blocks.reshape(n_paths, p.n_steps) - counts
    held = p.n_bets + np.hstack([np.zeros((n_paths, 1)), np.cumsum(gains, axis=1)])

    dt = p.horizon / p.n_steps
    sm = p.market_volatility
    steps = sm * math.sqrt(dt) * z - 0.5 * sm * sm * dt
    market = np.exp(np.hstack([np.zeros((n_paths, 1)), np.cumsum(steps, axis=1)]))
    mark = p.stake * market * held

    times = p.times
    unlocked = np.array([p.vesting.unlocked(t) for t in times.tolist()])
    discount = {m: np.array([_lockup_discount(p.vesting, t, p.token_volatility, m)
                             for t in times.tolist()]) for m in DISCOUNTS}
    owed = p.borrowed_share * p.cost * np.exp(p.interest_rate * times)
    return VentureRun(p, times, multiples, resolved, market, mark, owed, unlocked, discount)


def balance_sheet(run: VentureRun, path: int = 0, step: int | None = None,
                  method: str = "put") -> BalanceSheet:
    """The firm's balance sheet on one path at one date [million USD].

    One asset line, the venture book, a :class:`~toymarkets.core.balancesheet.Position`
    marked at the book's mark, with the locked share and the average lock-up discount
    of that date (so its liquidation value is the cash value); one liability, the
    loan with interest.
    """
    v.instance("run", run, VentureRun)
    path = run._path(path, run.n_paths)
    last = run.params.n_steps
    step = last if step is None else v.count("step", step, 0, last)
    method = v.choice("method", method, DISCOUNTS)
    book = Position(1.0, float(run.mark[path, step]), kind="venture",
                    locked=float(1.0 - run.unlocked[step]),
                    lockup_discount=float(run.discount[method][step]))
    return BalanceSheet({"venture book": book}, {"loan": Loan(float(run.debt[step]))})
