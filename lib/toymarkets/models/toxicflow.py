r"""Step 2: a B-book on a slow exchange, and why toxic flow loses money.

**Two venues.** Price discovery happens on a *leading venue*, whose price is an
arithmetic random walk (USD; arithmetic rather than geometric so that the closed
forms below are exact, which needs :math:`\sigma\sqrt{T} \ll S_0`):

.. math::  p_t = p_{t-1} + \sigma\,\varepsilon_t, \qquad \varepsilon_t \sim N(0, 1).

The exchange's own mid follows it with a lag of :math:`L \ge 0` steps and a
partial adjustment (catch-up share :math:`\kappa \in (0, 1]` per step):

.. math::  m_t = m_{t-1} + \kappa\,(p_{t-L} - m_{t-1}).

With :math:`L = 0, \kappa = 1` the two venues agree, :math:`m_t = p_t`. The model
starts in its stationary state (a pre-history of prices is drawn), so the gap
:math:`g_t = p_t - m_t` is a stationary Gaussian with

.. math::
    \operatorname{Var} g = \sigma^2 \left(L + \frac{a^2}{1 - a^2}\right), \quad a = 1 - \kappa,

because :math:`g_t = \sum_{j \ge 0} c_j\,\Delta p_{t-j}` with :math:`c_j = 1` for
:math:`j < L` and :math:`c_j = a^{\,j-L+1}` after.

**Clients by kind.** The house (the exchange's in-house market maker, booked
together with the exchange) fills every client at the exchange's quote
:math:`m_t \pm h`, and earns a fee :math:`f` on the notional :math:`q\,m_t`: the
taker fee the client pays, with the exchange and its market maker counted together,
or the maker rebate the exchange pays its market maker, with the market maker
counted alone.
Each kind has a share :math:`s_k` of the expected volume (the shares sum to 1;
volume shares, as in the volume clock of Easley, López de Prado & O'Hara, 2012)
and exponentially distributed sizes with mean :math:`\bar q_k`:

* *uninformed*: at a random step, buying or selling with equal chance;
* *informed* (latency arbitrage): at a random step, trading toward where the
  leading venue already is, :math:`d = \operatorname{sign}(g_t)`;
* *liquidations*: forced trades at steps just after a large move of the leading
  venue, :math:`|p_t - p_{t-W}| > z\,\sigma\sqrt{W}`, in the direction of the
  move. Steps are drawn with replacement from the flagged ones, so liquidations
  come in bursts.

**The house's choices** for the position :math:`-d\,q` each trade leaves it:
the *A-book* passes it straight on, hedging at once on the leading venue at
:math:`p_t` plus a cost :math:`c` of the notional; the *B-book* keeps it (marked
at :math:`p_T` at the end); the *delayed hedge* keeps it for :math:`D` steps and
then hedges at :math:`p_{\tau}`, :math:`\tau = \min(t + D, T)`, plus the cost.
With :math:`\tau = t` (A-book) or :math:`\tau = T` and no cost (B-book), one
identity splits each trade's profit exactly, on every path:

.. math::
    \pi_i = \underbrace{f\,q\,m_t}_{\text{fees}}
          + \underbrace{q\,h}_{\text{spread}}
          + \underbrace{d\,q\,(m_t - p_t)}_{\text{adverse selection}}
          - \underbrace{d\,q\,(p_{\tau} - p_t)}_{\text{hedging slippage}}
          - \underbrace{c\,q\,p_{\tau}}_{\text{hedging cost}} .

Adverse selection is the gap between the exchange's stale quote and the price
already discovered elsewhere, lost at the moment of the fill. Because
:math:`p` is a martingale, the slippage term has mean zero whatever the hedge
delay: hedging later, on the faster venue, cannot win the gap back.

**Expected adverse selection per unit** (the house's loss, USD per token). With
:math:`\operatorname{sign}` of a Gaussian signal :math:`S` setting the direction,
:math:`\mathbb{E}[d\,g] = \operatorname{Cov}(g, S)/\operatorname{sd}(S) \cdot K`:

* informed, :math:`S = g`: :math:`A_I = \sqrt{2/\pi}\,\operatorname{sd}(g)`;
* liquidations, :math:`S = X = p_t - p_{t-W}` given :math:`|X| > z\,\operatorname{sd}(X)`:
  :math:`A_L = \frac{\operatorname{Cov}(g, X)}{\sigma\sqrt{W}}\,\frac{\phi(z)}{1 - \Phi(z)}`,
  :math:`\operatorname{Cov}(g, X) = \sigma^2 \sum_{j<W} c_j`;
* uninformed: :math:`A_U = 0`.

**Break-even toxic share.** Every unit pays :math:`F = h + f S_0` in
expectation; a toxic unit (informed or liquidation, in the mix
:math:`\lambda = s_L / (s_I + s_L)`) also loses :math:`A = (1-\lambda) A_I + \lambda A_L`.
A B-book with toxic share :math:`s` earns :math:`F - sA` per unit, so it stops
paying at

.. math::  s^* = \frac{F}{A} = \frac{F}{F + \ell}, \qquad \ell = A - F ,

where :math:`\ell` is the house's net loss per toxic unit (hedged choices
subtract the cost :math:`c S_0` from :math:`F`). This is Glosten & Milgrom's
(1985) zero-profit condition read the other way round: there the spread is set
so that the uninformed pay for the informed; here the spread and fees are given
and the toxic share at which they stop paying is found. Kyle (1985) gives the
same trade-off for a market maker who sets prices against order flow.

**Markouts** (the standard toxicity measure): the house's profit per token
:math:`H` steps after a trade, :math:`d\,(m_t + d\,h - x_{t+H})`, where :math:`m_t + d\,h`
is the fill price and :math:`x` the leading venue's price or the exchange's own mid
(fees excluded). Against the leading venue it is :math:`h - A_k` at every horizon;
against the exchange's mid it starts at :math:`h` and falls to :math:`h - A_k` as
the mid catches up:

.. math::  h - \sum_{j=1}^{H} \kappa\, a^{H-j}\,\mathbb{E}\left[d\,(p_{t - (L-j)^+} - m_t)\right].

References: :cite:t:`glosten1985bid`; :cite:t:`kyle1985continuous`;
:cite:t:`easley2012flow`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.results import Result

__all__ = [
    "KINDS",
    "CHOICES",
    "COMPONENTS",
    "ToxicFlow",
    "ToxicFlowRun",
    "simulate",
    "simulate_many",
    "pnl_table",
    "markout_table",
    "gap_sd",
    "truncation_factor",
    "expected_adverse_selection",
    "expected_markout",
    "expected_pnl_parts",
    "expected_pnl_per_unit",
    "break_even_toxic_share",
    "break_even_curve",
]

#: Client kinds, in the order of their integer codes in :attr:`ToxicFlowRun.kind`.
KINDS = ("uninformed", "informed", "liquidation")
#: The house's choices for the position a client trade leaves it, with labels.
CHOICES = {
    "a_book": "A-book (hedge at once)",
    "b_book": "B-book (keep the risk)",
    "delayed": "B-book, hedge later",
}
#: P&L sources, in the order the book plots them, with their labels.
COMPONENTS = {
    "fees": "fees",
    "spread": "spread",
    "adverse_selection": "adverse selection",
    "slippage": "hedging slippage",
    "hedging_cost": "hedging cost",
}
REFERENCES = ("lead", "exchange")
_BLOCK = 64            # block length of the vectorised partial-adjustment recursion
_SHARE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ToxicFlow(v.Parameters):
    """Parameters of the Step 2 model; every field is checked on construction."""

    s0: float = 100.0                   #: leading venue's starting price [USD], > 0
    volatility: float = 0.05            #: sigma, price change per step [USD], in [0, s0]
    lag: int = 2                        #: L, steps the exchange's mid lags, in [0, 10000]
    catch_up: float = 0.3               #: kappa, share of the gap closed per step, in (0, 1]
    trades_per_step: float = 1.0        #: client trades per price step, in (0, 1000]
    share_uninformed: float = 0.7       #: share of volume, in [0, 1]
    share_informed: float = 0.15        #: share of volume, in [0, 1]
    share_liquidation: float = 0.15     #: share of volume, in [0, 1]; the three sum to 1
    size_uninformed: float = 1.0        #: mean trade size [tokens], > 0
    size_informed: float = 1.0          #: mean trade size [tokens], > 0
    size_liquidation: float = 3.0       #: mean trade size [tokens], > 0
    liquidation_window: int = 10        #: W, steps over which a large move is measured, >= 1
    liquidation_threshold: float = 2.0  #: z, a large move is > z sd of the W-step move, in [0, 6]
    half_spread: float = 0.01           #: h, the exchange's quote distance from its mid [USD]
    fee: float = 2e-4                   #: f, house's fee income [fraction of notional], [0, 0.01]
    hedge_cost: float = 1e-4            #: c, cost of a hedge [fraction of notional], [0, 0.01]
    hedge_delay: int = 10               #: D, steps before the delayed hedge, in [0, 100000]

    def __post_init__(self):
        v.positive("s0", self.s0, 1e9)
        v.non_negative("volatility", self.volatility, self.s0)
        v.count("lag", self.lag, 0, 10_000)
        v.in_range("catch_up", self.catch_up, 0.0, 1.0, lo_open=True)
        v.positive("trades_per_step", self.trades_per_step, 1_000.0)
        for kind in KINDS:
            v.probability(f"share_{kind}", getattr(self, f"share_{kind}"))
            v.positive(f"size_{kind}", getattr(self, f"size_{kind}"), 1e9)
        total = sum(self.shares.values())
        if abs(total - 1.0) > _SHARE_TOLERANCE:
            raise ValueError("share_uninformed + share_informed + share_liquidation must sum "
                             f"to 1, got {total!r}")
        v.count("liquidation_window", self.liquidation_window, 1, 10_000)
        v.non_negative("liquidation_threshold", self.liquidation_threshold, 6.0)
        v.in_range("half_spread", self.half_spread, 0.0, self.s0, hi_open=True)
        v.non_negative("fee", self.fee, 0.01)
        v.non_negative("hedge_cost", self.hedge_cost, 0.01)
        v.count("hedge_delay", self.hedge_delay, 0, 100_000)

    @property
    def shares(self) -> dict[str, float]:
        """Share of the expected volume by kind."""
        return {k: float(getattr(self, f"share_{k}")) for k in KINDS}

    @property
    def toxic_share(self) -> float:
        """Share of volume that is informed or liquidation flow."""
        return float(self.share_informed + self.share_liquidation)

    def with_toxic_share(self, toxic_share: float, liquidation_part: float | None = None):
        """A copy whose informed plus liquidation share is ``toxic_share`` (in [0, 1]).

        ``liquidation_part`` (in [0, 1]) is the liquidations' part of the toxic
        flow; by default the current mix is kept (half and half if there is none).
        """
        s = v.probability("toxic_share", toxic_share)
        lam = _mix(self) if liquidation_part is None else liquidation_part
        lam = v.probability("liquidation_part", lam)
        return self.replace(share_uninformed=1.0 - s, share_informed=s * (1.0 - lam),
                            share_liquidation=s * lam)


def _mix(params: ToxicFlow) -> float:
    toxic = params.toxic_share
    return params.share_liquidation / toxic if toxic > 0 else 0.5


def _check_params(params) -> ToxicFlow:
    return v.instance("params", params, ToxicFlow)


def _check_choice(choice: str) -> str:
    return v.choice("choice", choice, CHOICES)


# --------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class ToxicFlowRun(Result):
    """What :func:`simulate` returns: one path of both venues and every client trade.

    ``lead`` and ``mid`` have ``n_steps + 1`` entries (steps 0..T). Trades are
    listed by kind (not by time); ``step`` is when each happened, ``side`` is
    +1 when the client bought, ``fill`` the price per token the client paid or
    received (``mid[step] + side * half_spread``).
    """

    params: ToxicFlow
    lead: np.ndarray        #: p_t, leading venue's price [USD]
    mid: np.ndarray         #: m_t, the exchange's mid [USD]
    step: np.ndarray        #: step of each trade, in [0, T - 1]
    kind: np.ndarray        #: index into KINDS
    side: np.ndarray        #: d, +1 client buys, -1 client sells
    size: np.ndarray        #: q [tokens]
    fill: np.ndarray        #: the client's price [USD per token]

    @property
    def n_steps(self) -> int:
        return self.lead.size - 1

    @property
    def volume(self) -> float:
        """Tokens traded with clients."""
        return float(self.size.sum())

    def client_legs(self) -> tuple[np.ndarray, np.ndarray]:
        """Per trade, the client's (tokens received, USD received), fee included."""
        fee = self.params.fee * self.mid[self.step] * self.size
        return self.side * self.size, -self.side * self.size * self.fill - fee

    def house_legs(self) -> tuple[np.ndarray, np.ndarray]:
        """Per trade, the house's (tokens received, USD received) from the client, fee included."""
        notional = self.size * self.fill
        fee_income = self.params.fee * self.size * self.mid[self.step]
        return -self.side * self.size, self.side * notional + fee_income

    def hedge_step(self, choice: str) -> np.ndarray:
        """When each trade's position is laid off (the B-book: marked at the last step, T)."""
        choice = _check_choice(choice)
        if choice == "a_book":
            return self.step
        if choice == "delayed":
            return np.minimum(self.step + self.params.hedge_delay, self.n_steps)
        return np.full_like(self.step, self.n_steps)

    def components(self, choice: str) -> dict[str, np.ndarray]:
        """Each trade's P&L by source under one choice [USD], see COMPONENTS."""
        tau = self.hedge_step(choice)
        pr = self.params
        p_t, p_tau, m_t = self.lead[self.step], self.lead[tau], self.mid[self.step]
        dq = self.side * self.size
        cost = 0.0 if choice == "b_book" else pr.hedge_cost
        return {
            "fees": pr.fee * self.size * m_t,
            "spread": pr.half_spread * self.size,
            "adverse_selection": dq * (m_t - p_t),
            "slippage": -dq * (p_tau - p_t),
            "hedging_cost": -cost * self.size * p_tau,
        }

    def ledger(self, choice: str) -> float:
        """Total P&L from the cash and token accounts alone: cash from clients and hedges,
        plus the tokens left at the end valued at the leading venue's last price [USD]."""
        choice = _check_choice(choice)
        tokens, cash = self.house_legs()
        tokens, cash = tokens.sum(), cash.sum()
        if choice != "b_book":
            p_tau = self.lead[self.hedge_step(choice)]
            bought = self.side * self.size                       # the hedge buys back -tokens
            cash += -(bought * p_tau).sum() - self.params.hedge_cost * (self.size * p_tau).sum()
            tokens += bought.sum()
        return float(cash + tokens * self.lead[-1])

    def totals(self, per_unit: bool = False) -> pd.DataFrame:
        """P&L by source (columns) and choice (rows), with a ``total`` column [USD].

        With ``per_unit`` the figures are per token of client volume [USD per token].
        """
        scale = 1.0 / self.volume if per_unit else 1.0
        rows = {c: {k: scale * x.sum() for k, x in self.components(c).items()} for c in CHOICES}
        frame = pd.DataFrame.from_dict(rows, orient="index")[list(COMPONENTS)]
        frame["total"] = frame.sum(axis=1)
        frame.index.name = "choice"
        return frame

    def by_kind(self, choice: str = "b_book", per_unit: bool = False) -> pd.DataFrame:
        """P&L by source (columns) and client kind (rows) under one choice, with ``volume``."""
        volume = np.bincount(self.kind, weights=self.size, minlength=len(KINDS))
        frame = pd.DataFrame({k: np.bincount(self.kind, weights=x, minlength=len(KINDS))
                              for k, x in self.components(choice).items()}, index=list(KINDS))
        frame["total"] = frame.sum(axis=1)
        if per_unit:
            with np.errstate(invalid="ignore", divide="ignore"):
                frame = frame.div(volume, axis=0)
        frame["volume"] = volume
        frame.index.name = "kind"
        return frame

    def markouts(self, horizons=(1, 10, 100), reference: str = "lead") -> pd.DataFrame:
        """Volume-weighted markout per token, by horizon (rows) and kind (columns) [USD/token].

        The house's profit on each trade ``h`` steps later, ``side * (fill - x[step + h])``,
        against ``reference`` "lead" (the leading venue) or "exchange" (its own mid), fees
        excluded. Only trades with ``step + h <= T`` count; a kind with none is NaN.
        """
        v.choice("reference", reference, REFERENCES)
        x = self.lead if reference == "lead" else self.mid
        rows = {}
        for h in horizons:
            h = v.count("horizon", h, 0, self.n_steps)
            ok = self.step + h <= self.n_steps
            gain = self.side[ok] * (self.fill[ok] - x[self.step[ok] + h]) * self.size[ok]
            weight = np.bincount(self.kind[ok], weights=self.size[ok], minlength=len(KINDS))
            total = np.bincount(self.kind[ok], weights=gain, minlength=len(KINDS))
            rows[h] = np.divide(total, weight, out=np.full(len(KINDS), np.nan), where=weight > 0)
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(KINDS))
        frame.index.name = "horizon"
        return frame


def _partial_adjustment(target: np.ndarray, a: float, start: float) -> np.ndarray:
    """``y_t = a y_{t-1} + (1 - a) target_t``, t = 1..n, from ``y_0 = start``; returns y_1..y_n.

    Vectorised in blocks of ``_BLOCK`` steps: inside a block the recursion is a product
    with the lower-triangular matrix of powers ``a**(k - j)``; a short loop carries the
    end of each block into the next.
    """
    n = target.size
    n_blocks = -(-n // _BLOCK)
    x = np.zeros(n_blocks * _BLOCK)
    x[:n] = (1.0 - a) * target
    k = np.arange(_BLOCK)
    lag = k[None, :] - k[:, None]
    powers = np.where(lag >= 0, a ** np.maximum(lag, 0), 0.0)
    local = x.reshape(n_blocks, _BLOCK) @ powers        # each block started from zero
    carry, a_block, starts = start, a**_BLOCK, np.empty(n_blocks)
    for i, last in enumerate(local[:, -1].tolist()):
        starts[i] = carry
        carry = a_block * carry + last
    return (local + starts[:, None] * a ** (k + 1)).ravel()[:n]


def simulate(params: ToxicFlow, rng: np.random.Generator, n_trades: int = 20_000) -> ToxicFlowRun:
    """Simulate ``n_trades`` client trades over ``ceil(n_trades / trades_per_step)`` steps.

    Random numbers are drawn in a fixed order whatever the shares (prices first, then
    one uniform per trade for its kind, one for its time, one for its direction, one
    exponential for its size), so two runs from the same seed differ only where the
    parameters make them differ: common random numbers for comparisons.
    """
    pr = _check_params(params)
    rng = v.generator(rng)
    n = v.count("n_trades", n_trades, 1, 10_000_000)
    n_steps = math.ceil(n / pr.trades_per_step)
    if 4.0 * pr.volatility * math.sqrt(n_steps) >= pr.s0:
        raise ValueError(
            "the arithmetic walk must stay far from zero: need 4 * volatility * sqrt(n_steps) "
            f"< s0, got volatility={pr.volatility}, n_steps={n_steps} (n_trades / "
            f"trades_per_step), s0={pr.s0}; lower volatility or n_trades, or raise "
            "trades_per_step")
    sigma, lag, window, a = pr.volatility, pr.lag, pr.liquidation_window, 1.0 - pr.catch_up

    # Leading venue from step -P to T, P = L + W, with p_0 = s0. The exchange's mid starts
    # at step -W from its stationary law: the gap then, p_{-W-L} - m_{-W}, depends only on
    # moves before step -P, which are not drawn, so it is independent of every drawn move.
    history = lag + window
    moves = sigma * rng.standard_normal(history + n_steps)
    path = np.concatenate([[0.0], np.cumsum(moves)])
    p = pr.s0 + path - path[history]
    stationary_sd = sigma * a / math.sqrt(1.0 - a * a)
    m_start = p[0] - stationary_sd * rng.standard_normal()
    mid = _partial_adjustment(p[1: 1 + window + n_steps], a, m_start)[window - 1:]
    lead = p[history:]
    gap = lead - mid
    recent = lead[:n_steps] - p[lag: lag + n_steps]           # p_t - p_{t-W}

    u_kind, u_time, u_side = rng.random(n), rng.random(n), rng.random(n)
    unit_size = rng.standard_exponential(n)

    # Kind of each trade: count probabilities proportional to share / mean size.
    means = np.array([getattr(pr, f"size_{k}") for k in KINDS])
    per_trade = np.array(list(pr.shares.values())) / means
    kind = np.minimum(np.searchsorted(np.cumsum(per_trade / per_trade.sum()), u_kind,
                                      side="right"), len(KINDS) - 1).astype(np.int8)
    step = (u_time * n_steps).astype(np.int64)
    liquidation = kind == 2
    if liquidation.any():
        flagged = np.flatnonzero(np.abs(recent) > pr.liquidation_threshold * sigma
                                 * math.sqrt(window))
        if flagged.size == 0:           # no large move at all: the largest one
            flagged = np.array([np.argmax(np.abs(recent))])
        step[liquidation] = flagged[(u_time[liquidation] * flagged.size).astype(np.int64)]

    coin = np.where(u_side < 0.5, 1.0, -1.0)
    signal = np.select([kind == 1, liquidation], [gap[step], recent[step]], 0.0)
    side = np.where(signal != 0.0, np.sign(signal), coin)
    size = unit_size * means[kind]
    fill = mid[step] + side * pr.half_spread
    return ToxicFlowRun(pr, lead, mid, step, kind, side, size, fill)


def simulate_many(params: ToxicFlow, rng: np.random.Generator, n_runs: int = 20,
                  n_trades: int = 20_000) -> tuple[ToxicFlowRun, ...]:
    """``n_runs`` independent runs (independent price paths and clients) from one generator."""
    n_runs = v.count("n_runs", n_runs, 1, 10_000)
    return tuple(simulate(params, rng, n_trades) for _ in range(n_runs))


def pnl_table(runs, per_unit: bool = True) -> pd.DataFrame:
    """Totals of many runs: one row per (run, choice), components and ``total`` as columns."""
    return pd.concat({i: r.totals(per_unit=per_unit) for i, r in enumerate(runs)},
                     names=["run", "choice"])


def markout_table(runs, horizons=(0, 1, 10, 100), reference: str = "lead") -> pd.DataFrame:
    """Markouts of many runs: mean and standard error across runs by horizon and kind.

    Columns ``horizon``, ``kind``, ``mean`` and ``se`` [USD per token]; runs are
    independent, so ``se`` is the standard deviation across runs over sqrt(runs).
    """
    runs = list(runs)
    if len(runs) < 2:
        raise ValueError(f"runs must hold at least 2 runs for a standard error, got {len(runs)}")
    stacked = np.stack([r.markouts(horizons, reference).to_numpy() for r in runs])
    rows = []
    for i, h in enumerate(horizons):
        for j, kind in enumerate(KINDS):
            x = stacked[:, i, j]
            x = x[np.isfinite(x)]
            se = x.std(ddof=1) / math.sqrt(x.size) if x.size > 1 else math.nan
            rows.append((int(h), kind, x.mean() if x.size else math.nan, se))
    return pd.DataFrame(rows, columns=["horizon", "kind", "mean", "se"])


# --------------------------------------------------------------------------- closed forms


def gap_sd(params: ToxicFlow) -> float:
    r"""Stationary standard deviation of the gap :math:`g = p - m` [USD]."""
    pr = _check_params(params)
    a = 1.0 - pr.catch_up
    return pr.volatility * math.sqrt(pr.lag + a * a / (1.0 - a * a))


def truncation_factor(threshold: float) -> float:
    r"""Mean size of a normal move beyond ``threshold`` sd, in sd: :math:`\phi(z) / (1 - \Phi(z))`.

    :math:`\mathbb{E}[|X| \mid |X| > z\,\mathrm{sd}(X)] / \mathrm{sd}(X)` for a centred
    normal :math:`X` (the same on both sides); :math:`\sqrt{2/\pi}` at :math:`z = 0`.
    ``threshold`` = z in [0, 6], like ``ToxicFlow.liquidation_threshold``.
    """
    z = v.non_negative("threshold", threshold, 6.0)
    tail = 0.5 * math.erfc(z / math.sqrt(2.0))
    density = math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return density / tail


def _signal(params: ToxicFlow, kind: str):
    """For a toxic kind: (K, sd of its signal S, Cov(g, S), cumulated S coefficients)."""
    pr, sigma = params, params.volatility
    a, lag, w, z = 1.0 - pr.catch_up, pr.lag, pr.liquidation_window, pr.liquidation_threshold
    if kind == "informed":
        sd = gap_sd(pr)
        return math.sqrt(2.0 / math.pi), sd, sd * sd, lambda i: float(i)
    cov = sigma**2 * (min(w, lag) + float(np.sum(a ** np.arange(1, max(w - lag, 0) + 1))))
    return truncation_factor(z), sigma * math.sqrt(w), cov, lambda i: float(min(i, w))


def expected_adverse_selection(params: ToxicFlow) -> dict[str, float]:
    """The house's expected adverse-selection loss per token, by kind [USD per token]."""
    pr = _check_params(params)
    out = {"uninformed": 0.0}
    for kind in KINDS[1:]:
        k, sd, cov, _ = _signal(pr, kind)
        out[kind] = k * cov / sd if sd > 0 else 0.0
    return out


def expected_markout(params: ToxicFlow, kind: str, horizons, reference: str = "lead"):
    """Closed-form expected markout per token at each horizon [USD per token] (module doc)."""
    pr = _check_params(params)
    v.choice("kind", kind, KINDS)
    v.choice("reference", reference, REFERENCES)
    horizons = [v.count("horizon", h, 0) for h in horizons]
    out = np.full(len(horizons), pr.half_spread)
    if kind == "uninformed":
        return out
    k, sd, cov, cumulated = _signal(pr, kind)
    if sd == 0:
        return out
    if reference == "lead":
        return out - k * cov / sd
    a, lag = 1.0 - pr.catch_up, pr.lag
    for n, h in enumerate(horizons):
        j = np.arange(1, h + 1)
        stale = np.array([cumulated(max(lag - jj, 0)) for jj in j])
        drift = k * (cov - pr.volatility**2 * stale) / sd     # E[d (p_{t-(L-j)+} - m_t)]
        out[n] -= float(np.sum(pr.catch_up * a ** (h - j) * drift))
    return out


def expected_pnl_parts(params: ToxicFlow, choice: str = "b_book") -> dict[str, float]:
    r"""Expected profit per token of client volume by source [USD per token], see COMPONENTS.

    Fees :math:`f S_0`, spread :math:`h`, adverse selection :math:`-\sum_k s_k A_k`,
    hedging slippage 0 (the leading venue's price is a martingale) and hedging cost
    :math:`-c S_0` (0 for the B-book); they sum to :func:`expected_pnl_per_unit`.
    """
    pr = _check_params(params)
    choice = _check_choice(choice)
    loss = sum(pr.shares[k] * a for k, a in expected_adverse_selection(pr).items())
    return {
        "fees": pr.fee * pr.s0,
        "spread": pr.half_spread,
        "adverse_selection": -loss,
        "slippage": 0.0,
        "hedging_cost": 0.0 if choice == "b_book" else -pr.hedge_cost * pr.s0,
    }


def expected_pnl_per_unit(params: ToxicFlow, choice: str = "b_book") -> float:
    r"""Expected profit per token of client volume [USD]: :math:`F - \sum_k s_k A_k` less the
    hedging cost :math:`c S_0` for the hedged choices (the sum of :func:`expected_pnl_parts`)."""
    return sum(expected_pnl_parts(params, choice).values())


def break_even_toxic_share(params: ToxicFlow, choice: str = "b_book",
                           liquidation_part: float | None = None) -> float:
    r"""The toxic share :math:`s^* = (F - \text{cost}) / A` at which a choice stops paying.

    ``liquidation_part`` is the liquidations' part of the toxic flow (default: the
    params' own mix). The result is capped to [0, 1]: 1 means the house is paid
    even if all its flow is toxic, 0 that it loses even with none.
    """
    pr = _check_params(params)
    choice = _check_choice(choice)
    lam = v.probability("liquidation_part",
                        _mix(pr) if liquidation_part is None else liquidation_part)
    a = expected_adverse_selection(pr)
    loss = (1.0 - lam) * a["informed"] + lam * a["liquidation"]
    income = pr.half_spread + pr.fee * pr.s0 - (0.0 if choice == "b_book" else pr.hedge_cost
                                                * pr.s0)
    if loss <= 0.0:
        return 1.0 if income >= 0.0 else 0.0
    return min(1.0, max(0.0, income / loss))


def break_even_curve(params: ToxicFlow, fees, rng: np.random.Generator, n_runs: int = 10,
                     n_trades: int = 20_000) -> pd.DataFrame:
    r"""The B-book's break-even toxic share against the fee: closed form and simulation.

    For each fee, ``n_runs`` runs estimate :math:`s^* = \hat F / \hat A` from the
    simulated trades: fee and spread income per token of all flow over the
    adverse-selection loss per token of toxic flow (the slippage term has mean zero
    and would only add noise). Columns ``fee``, ``closed_form``, ``simulated``, ``se``.
    """
    pr = _check_params(params)
    if pr.toxic_share <= 0:
        raise ValueError("params must have toxic flow (share_informed + share_liquidation > 0) "
                         "to measure its loss")
    rows = []
    for fee in fees:
        p = pr.replace(fee=fee)
        estimates = []
        for run in simulate_many(p, rng, n_runs, n_trades):
            parts = run.by_kind("b_book")
            income = (parts["fees"].sum() + parts["spread"].sum()) / parts["volume"].sum()
            toxic = parts.loc[["informed", "liquidation"]]
            loss = -toxic["adverse_selection"].sum() / toxic["volume"].sum()
            estimates.append(income / loss)
        est = np.array(estimates)
        se = est.std(ddof=1) / math.sqrt(est.size) if est.size > 1 else math.nan
        rows.append((float(fee), break_even_toxic_share(p), est.mean(), se))
    return pd.DataFrame(rows, columns=["fee", "closed_form", "simulated", "se"])
