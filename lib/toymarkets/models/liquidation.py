r"""Liquidation cascades on a perpetual future, and the backstop that catches what is left.

**Accounts.** :math:`N` traders are long a perpetual future on one token whose
mark price is :math:`P_0` before a crash. Account :math:`i` holds :math:`q_i` tokens
bought at :math:`P_0` with leverage :math:`L_i`, so it posted collateral
:math:`c_i = q_i P_0 / L_i`. At a price :math:`P` its *margin fraction* (equity over
the position's notional) is

.. math::  \mathrm{MF}(P) = \frac{c_i + q_i (P - P_0)}{q_i P}
           = \frac{P_0/L_i + P - P_0}{P} .

Setting :math:`\mathrm{MF}(P) = m` and solving gives the closed forms
(:func:`margin_fraction`, :func:`liquidation_price`, :func:`bankruptcy_price`):

.. math::  p_i = P_0\,\frac{1 - 1/L_i}{1 - m} \quad\text{(liquidation, maintenance margin } m),
           \qquad
           a_i = P_0\,\frac{1 - 1/L_i}{1 - m_a} \quad\text{(auto-close, } m_a < m),
           \qquad
           b_i = P_0 \left(1 - 1/L_i\right) \quad\text{(bankruptcy, } m = 0) .

Below :math:`p_i` the exchange sends liquidation orders to the order book; below
:math:`a_i` it hands the account to its backstop liquidity providers; below
:math:`b_i` the account's equity is negative. FTX's own worked example (a 20x long
at USD 10,000, :math:`m` = 3%, :math:`m_a` = 1.5%) is checked against these forms in
the tests :cite:p:`ftx2022backstop`.

**The crash and the cascade.** An outside shock moves the price from :math:`P_0` to
:math:`P_s = (1 - s) P_0` before any account is touched. Every account whose
liquidation price is at or above the price is liquidated; its tokens are sold into
the order book, whose price after :math:`S` tokens of liquidation selling follows the
square-root law of :mod:`toymarkets.core.impact` :cite:p:`toth2011anomalous`,

.. math::  g(S) = P_s \left(1 - \min\!\big(1,\ Y\sigma\sqrt{S/V}\big)\right),

with :math:`V` the book's daily volume (its *depth*). With
:math:`T(P) = \sum_i q_i\,\mathbf 1[p_i \ge P]` the size of the accounts under water
at price :math:`P`, and :math:`K = \kappa V` the most the exchange sends to the book
during the event, the cascade proceeds in rounds

.. math::  S_0 = 0, \qquad S_{n+1} = \min\!\big(K,\ T(g(S_n))\big) ,

and stops at the first fixed point :math:`S^* = \min(K, T(g(S^*)))`, found by
:func:`toymarkets.core.solvers.iterate` (which reports the number of rounds and
raises if they do not settle). The map is increasing in :math:`S` and takes values in a
finite set (partial sums of the :math:`q_i`, and :math:`K`), so the rounds settle after
at most :math:`N + 1` steps. The cascade ends at price :math:`P^* = g(S^*)`, with
:math:`T^* = T(P^*)` tokens liquidated; it *runs through the whole book* when
:math:`T^*` is all the open interest. Two monotonicities follow, and are tested: a
higher leverage raises every :math:`p_i`, hence :math:`T`, hence the fixed point;
a deeper book (larger :math:`V`, hence larger :math:`K` but a smaller impact per token)
never lowers :math:`P^*`.

**The backstop.** Liquidations beyond the book's capacity, :math:`B = T^* - S^*`
tokens, pass to a backstop provider at the price where the cascade stops,
:math:`P^*`, together with the accounts' remaining equity; a share :math:`\beta` of
that equity is its fee (FTX's page: one third) and the rest goes to the insurance
fund. Accounts sold into the book keep any equity left after the sale. Whatever
equity is negative (the account lost more than its collateral) is paid by the
insurance fund. The backstop cannot hedge: there is no deeper market for the
token elsewhere, so it holds its :math:`B` tokens for :math:`H` days while the price
follows a driftless geometric random walk from :math:`P^*`,
:math:`P_H = P^* \exp(\sigma\sqrt H z - \sigma^2 H/2)`, then sells them into the book
with the same square-root impact. Its profit is

.. math::  \Pi_{\mathrm{backstop}} = \beta \sum_i e_i^+ + L_{P_H}(B) - B P^* ,

where :math:`L_{P}(Q)` is what selling :math:`Q` tokens from price :math:`P` fetches
(:meth:`toymarkets.core.impact.ImpactLaw.proceeds`). Since :math:`\mathbb E[P_H] = P^*` and
the square-root proceeds are proportional to the price, its expected profit has the
closed form

.. math::  \mathbb E[\Pi_{\mathrm{backstop}}] = \beta \sum_i e_i^+ - P^* \big(B - L_1(B)\big) ,

its fee less the cost of unwinding (tested against the simulation).

**Zero sum.** Perpetuals are zero-sum before fees: each long contract has a short on
the other side. Marked at :math:`P_H`, the P&L of the longs, of everyone on the short
side (the original shorts and the buyers in the book), of the backstop and of the
insurance fund add up to zero on every path; the tests check it.

**Assumptions.** Every account opened at :math:`P_0` with the same size;
leverages are spread around a median :math:`L`, with :math:`\ln L_i` following a
logistic law of standard deviation :math:`\omega` (its quantiles, so a book is the
same on every run), capped at the exchange's maximum; the cascade's impact on the
book lasts for the event, and the book refills before the backstop unwinds; accounts
are sold in the order of their liquidation prices, each whole, except the one where
the book's capacity ends, which is split; no funding payments and no fees; nothing
more is liquidated after the cascade (the horizon serves the backstop's unwind; the
other accounts are marked there). Applied to sales of the order of a day's volume,
the square-root law is an extrapolation.

Units: prices in USD per token, sizes in tokens, money in USD, time in days.

References: :cite:t:`ftx2022backstop`; :cite:t:`toth2011anomalous`;
:cite:t:`brunnermeier2009market`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core.impact import SquareRoot
from ..core.results import Result, SolverResult
from ..core.solvers import iterate

__all__ = [
    "Perpetual",
    "Cascade",
    "BackstopRun",
    "PARTIES",
    "SWEEP",
    "margin_fraction",
    "liquidation_price",
    "bankruptcy_price",
    "solve",
    "sweep",
    "simulate",
]

#: The parties to the perpetual, in the order the book shows them, with their labels.
PARTIES = {
    "longs": "leveraged longs",
    "shorts": "short side and book buyers",
    "backstop": "backstop provider",
    "insurance_fund": "insurance fund",
}


@dataclass(frozen=True)
class Perpetual(v.Parameters):
    """A book of leveraged longs on a perpetual future, its order book and a crash.

    Every field is checked on construction; :attr:`market` is the order book's
    square-root impact law and :attr:`capacity` the most liquidation selling the
    book takes during the event.
    """

    price: float = 100.0                #: P0, mark price before the crash [USD per token], (0, 1e6]
    n_positions: int = 2_000            #: N, leveraged long accounts, in [1, 1e6]
    open_interest: float = 1e6          #: Q, total size of the longs [tokens], (0, 1e12]
    leverage: float = 5.0               #: L, median leverage [times], in [1, max_leverage]
    leverage_spread: float = 0.5        #: omega, sd of log leverage across accounts, in [0, 2]
    max_leverage: float = 20.0          #: L_max, the exchange's cap [times], in [1, 1/m)
    maintenance_margin: float = 0.03    #: m, margin fraction where liquidation starts, (0, 0.5]
    auto_close_margin: float = 0.015    #: m_a, margin fraction of the hand-over, in [0, m]
    daily_volume: float = 1.5e6         #: V, the book's depth: tokens traded a day, (0, 1e15]
    volatility: float = 0.1             #: sigma, daily volatility [fraction], in (0, 1]
    impact_y: float = 1.0               #: Y, prefactor of the square-root law, in (0, 10]
    book_capacity: float = 0.4          #: kappa, book's share of liquidations [days of V], (0, 1e6]
    crash: float = 0.10                 #: s, outside fall before any liquidation, in [0, 1)
    backstop_fee: float = 1 / 3         #: beta, backstop's share of handed-over equity, [0, 1]
    horizon: float = 5.0                #: H, days the backstop holds before it sells, in [0, 365]

    def __post_init__(self):
        v.positive("price", self.price, 1e6)
        v.count("n_positions", self.n_positions, 1, 1_000_000)
        v.positive("open_interest", self.open_interest, 1e12)
        m = v.in_range("maintenance_margin", self.maintenance_margin, 0.0, 0.5, lo_open=True)
        v.in_range("max_leverage", self.max_leverage, 1.0, 1.0 / m, hi_open=True)
        v.in_range("leverage", self.leverage, 1.0, self.max_leverage)
        v.in_range("leverage_spread", self.leverage_spread, 0.0, 2.0)
        v.in_range("auto_close_margin", self.auto_close_margin, 0.0, m)
        v.positive("daily_volume", self.daily_volume, 1e15)
        v.positive("volatility", self.volatility, 1.0)
        v.positive("impact_y", self.impact_y, 10.0)
        v.positive("book_capacity", self.book_capacity, 1e6)
        v.in_range("crash", self.crash, 0.0, 1.0, hi_open=True)
        v.probability("backstop_fee", self.backstop_fee)
        v.non_negative("horizon", self.horizon, 365.0)

    @property
    def market(self) -> SquareRoot:
        """The order book's impact law (square-root, :mod:`toymarkets.core.impact`)."""
        return SquareRoot(self.volatility, self.daily_volume, self.impact_y)

    @property
    def capacity(self) -> float:
        """K = kappa V, the most liquidation selling the book takes in the event [tokens]."""
        return self.book_capacity * self.daily_volume

    @property
    def crash_price(self) -> float:
        """P_s = (1 - s) P0, the price after the outside shock [USD]."""
        return (1.0 - self.crash) * self.price

    def leverages(self) -> np.ndarray:
        r"""Each account's leverage, in decreasing order:
        :math:`L_i = \min(L_{max}, \max(1, L e^{\omega z_i}))` with
        :math:`z_i = \tfrac{\sqrt 3}{\pi} \ln\frac{u_i}{1 - u_i}` at
        :math:`u_i = (N - i - \tfrac12)/N`, the quantiles of a logistic law with mean 0
        and variance 1."""
        n = self.n_positions
        u = (n - np.arange(n) - 0.5) / n
        z = (math.sqrt(3.0) / math.pi) * np.log(u / (1.0 - u))
        return np.clip(self.leverage * np.exp(self.leverage_spread * z), 1.0, self.max_leverage)


def _prices(name: str, value) -> np.ndarray | float:
    """A price or an array of prices, each finite and >= 0."""
    a = v.non_negative_array(name, value)
    return float(a) if a.ndim == 0 else a


def margin_fraction(price, entry: float, leverage: float):
    r"""The margin fraction of a long opened at ``entry`` with ``leverage``, at ``price``:
    :math:`\mathrm{MF}(P) = (P_0/L + P - P_0)/P` (``price`` > 0; arrays allowed)."""
    p = _prices("price", price)
    if np.any(np.asarray(p) <= 0):
        raise ValueError(f"price must be in (0, inf), got {price!r}")
    p0 = v.positive("entry", entry)
    lev = v.in_range("leverage", leverage, 1.0, 1e6)
    return (p0 / lev + p - p0) / p


def liquidation_price(entry: float, leverage: float, margin: float) -> float:
    r"""The price at which a long's margin fraction falls to ``margin``:
    :math:`P_0 (1 - 1/L)/(1 - m)`.

    With the maintenance margin it is the liquidation price; with the auto-close
    margin, the price at which the account passes to the backstop.
    """
    p0 = v.positive("entry", entry)
    lev = v.in_range("leverage", leverage, 1.0, 1e6)
    m = v.in_range("margin", margin, 0.0, 1.0, hi_open=True)
    return p0 * (1.0 - 1.0 / lev) / (1.0 - m)


def bankruptcy_price(entry: float, leverage: float) -> float:
    r"""The price at which a long's equity is zero: :math:`P_0 (1 - 1/L)`."""
    return liquidation_price(entry, leverage, 0.0)


@dataclass(frozen=True)
class Cascade(SolverResult):
    """What :func:`solve` returns: the cascade's fixed point and where every account ended.

    Account arrays are in decreasing order of liquidation price (the order in which
    the accounts are liquidated). ``rounds`` holds the book's cumulative liquidation
    sales after each round, from :math:`S_0 = 0` to the fixed point, and
    ``round_prices`` the book's price after each.
    """

    params: Perpetual
    leverage: np.ndarray            #: L_i [times]
    size: np.ndarray                #: q_i [tokens]
    collateral: np.ndarray          #: c_i = q_i P0 / L_i [USD]
    liquidation_price: np.ndarray   #: p_i [USD]
    auto_close_price: np.ndarray    #: a_i [USD]
    bankruptcy_price: np.ndarray    #: b_i [USD]
    rounds: np.ndarray              #: S_0, S_1, ..., S* [tokens]
    round_prices: np.ndarray        #: g(S_n) [USD]
    sold: np.ndarray                #: tokens of each account sold into the book
    proceeds: np.ndarray            #: USD those sales fetched
    handed: np.ndarray              #: tokens of each account passed to the backstop
    equity: np.ndarray              #: each account's equity at the cascade's end [USD]
    final_price: float              #: P* = g(S*) [USD]
    book_sold: float                #: S* [tokens]
    triggered: float                #: T* = T(P*) [tokens]
    iterations: int                 #: rounds until the fixed point
    converged: bool                 #: always True (the solver raises otherwise)

    @property
    def to_backstop(self) -> float:
        """B = T* - S*, the tokens the backstop took over."""
        return float(self.handed.sum()) + 0.0

    @property
    def liquidated(self) -> np.ndarray:
        """Which accounts were liquidated (into the book, the backstop or both)."""
        return self.liquidation_price >= self.final_price

    @property
    def whole_book(self) -> bool:
        """Whether the cascade liquidated every account."""
        return bool(np.all(self.liquidated))

    @property
    def liquidated_share(self) -> float:
        """T*/Q: the share of the open interest liquidated."""
        return self.triggered / self.params.open_interest

    @property
    def drop(self) -> float:
        """1 - P*/P0: the total fall, the crash and the cascade together."""
        return 1.0 - self.final_price / self.params.price

    @property
    def deepening(self) -> float:
        """1 - P*/P_s: how much further the liquidations pushed the price after the crash."""
        return 1.0 - self.final_price / self.params.crash_price

    def book_price(self, quantity):
        """g(S): the book's price after ``quantity`` tokens of liquidation selling [USD]."""
        return _book_price(self.params, quantity)

    def under_water(self, price):
        """T(P): tokens of the accounts whose liquidation price is at or above ``price``."""
        p = _prices("price", price)
        k = np.searchsorted(-self.liquidation_price, -np.asarray(p), side="right")
        cum = np.concatenate([[0.0], np.cumsum(self.size)])
        out = cum[k]
        return float(out) if np.ndim(out) == 0 else out

    def backstop_fee(self) -> float:
        """beta times the positive equity of the accounts handed to the backstop [USD]."""
        handed = self.handed > 0
        return float(self.params.backstop_fee * np.maximum(self.equity[handed], 0.0).sum()) + 0.0

    def insurance_fund(self) -> float:
        """The fund's P&L: its share of handed-over equity less every negative equity [USD]."""
        handed = self.handed > 0
        kept = (1.0 - self.params.backstop_fee) * np.maximum(self.equity[handed], 0.0).sum()
        paid = np.maximum(-self.equity[self.liquidated], 0.0).sum()
        return float(kept - paid) + 0.0

    def summary(self) -> pd.Series:
        """The cascade in a few numbers (prices in USD, sizes in tokens)."""
        return pd.Series({
            "price after the crash [USD]": self.params.crash_price,
            "price where the cascade stops [USD]": self.final_price,
            "rounds": self.iterations,
            "accounts liquidated": int(self.liquidated.sum()),
            "tokens liquidated": self.triggered,
            "sold into the book [tokens]": self.book_sold,
            "passed to the backstop [tokens]": self.to_backstop,
            "share of open interest liquidated": self.liquidated_share,
        }, name="cascade", dtype=object)


def _book_price(params: Perpetual, quantity):
    q = v.non_negative_array("quantity", quantity)
    out = params.crash_price * (1.0 - np.asarray(params.market.impact(q)))
    return float(out) if out.ndim == 0 else out


def solve(params: Perpetual) -> Cascade:
    """The liquidation cascade after the crash, to its fixed point (module docstring)."""
    v.instance("params", params, Perpetual)
    lev = params.leverages()
    n = params.n_positions
    q_tot = params.open_interest
    size = np.full(n, q_tot / n)
    cum = np.cumsum(size)
    cum[-1] = q_tot
    p0 = params.price
    liq = p0 * (1.0 - 1.0 / lev) / (1.0 - params.maintenance_margin)
    neg_liq = -liq                                  # increasing, for searchsorted
    cap = params.capacity / q_tot                   # the book's capacity, as a share of Q
    ps, impact = params.crash_price, params.market.impact

    def one_round(share: np.ndarray) -> np.ndarray:
        price = ps * (1.0 - impact(float(share) * q_tot))
        k = int(np.searchsorted(neg_liq, -price, side="right"))   # accounts with p_i >= price
        under = cum[k - 1] / q_tot if k else 0.0
        return np.array(min(cap, under))

    # Iterating on shares of Q keeps the tolerance far below one account's share (1/N).
    fixed = iterate(one_round, 0.0, tol=1e-12, max_iter=n + 2, record=True)
    rounds = fixed.history * q_tot
    book_sold = float(rounds[-1])
    final = _book_price(params, book_sold)
    k = int(np.searchsorted(neg_liq, -final, side="right"))
    triggered = float(cum[k - 1]) if k else 0.0

    before = cum - size
    hit = np.arange(n) < k
    sold_to = np.minimum(params.capacity, cum)
    sold_from = np.minimum(params.capacity, before)
    sold = np.where(hit, np.clip(sold_to - sold_from, 0.0, size), 0.0)
    market = params.market
    proceeds = np.where(sold > 0, market.proceeds(sold_to, ps) - market.proceeds(sold_from, ps),
                        0.0)
    handed = np.where(hit, size - sold, 0.0)
    collateral = size * p0 / lev
    equity = np.where(hit, collateral + proceeds - sold * p0 + handed * (final - p0),
                      collateral + size * (final - p0))
    return Cascade(params, lev, size, collateral, liq,
                   p0 * (1.0 - 1.0 / lev) / (1.0 - params.auto_close_margin),
                   p0 * (1.0 - 1.0 / lev), rounds, _book_price(params, rounds), sold, proceeds,
                   handed, equity, final, book_sold, triggered, fixed.iterations, True)


#: What :func:`sweep` reports for each value, with the Cascade attribute it comes from.
SWEEP = {
    "final price [USD]": "final_price",
    "total fall": "drop",
    "deepening": "deepening",
    "share liquidated": "liquidated_share",
    "sold into the book [tokens]": "book_sold",
    "to the backstop [tokens]": "to_backstop",
    "rounds": "iterations",
    "whole book": "whole_book",
}


def sweep(params: Perpetual, name: str, values) -> pd.DataFrame:
    """The cascade with one parameter set to each of ``values``: one row per value,
    the columns of :data:`SWEEP`."""
    v.instance("params", params, Perpetual)
    known = [f for f in Perpetual.__dataclass_fields__]
    v.choice("name", name, known)
    values = list(np.atleast_1d(values))
    if not values:
        raise ValueError("values must hold at least one value")
    rows = []
    for x in values:
        c = solve(params.replace(**{name: x.item() if isinstance(x, np.generic) else x}))
        rows.append({col: getattr(c, attr) for col, attr in SWEEP.items()})
    frame = pd.DataFrame(rows, index=pd.Index(values, name=name))
    return frame


@dataclass(frozen=True)
class BackstopRun(Result):
    """What :func:`simulate` returns: the cascade at each crash size, then the backstop's horizon.

    Arrays over crashes have one entry per crash size; arrays over paths one row per
    crash size and one column per path. ``pnl`` maps each party of :data:`PARTIES`
    to its P&L [USD] marked at the horizon price, ``(crashes, paths)``.
    """

    params: Perpetual
    crashes: np.ndarray             #: s, the outside falls [fraction]
    final_price: np.ndarray         #: P* of each cascade [USD]
    triggered: np.ndarray           #: T*, tokens liquidated
    inventory: np.ndarray           #: B, tokens the backstop took over
    takeover_cost: np.ndarray       #: B P* [USD]
    fee: np.ndarray                 #: the backstop's share of handed-over equity [USD]
    horizon_price: np.ndarray       #: P_H [USD], (crashes, paths)
    unwind_proceeds: np.ndarray     #: L_{P_H}(B) [USD], (crashes, paths)
    pnl: dict                       #: party -> P&L [USD], (crashes, paths)

    @property
    def n_paths(self) -> int:
        return self.horizon_price.shape[1]

    def total(self) -> np.ndarray:
        """The four parties' P&L summed, (crashes, paths): zero up to rounding."""
        return sum(self.pnl[k] for k in PARTIES)

    def backstop_quantiles(self, levels=(0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Quantiles of the backstop's P&L over paths, one row per crash size [USD]."""
        levels = [v.probability("levels", x) for x in levels]
        table = np.quantile(self.pnl["backstop"], levels, axis=1).T
        return pd.DataFrame(table + 0.0, index=pd.Index(self.crashes, name="crash"),
                            columns=[f"q{round(100 * x):02d}" for x in levels])

    def loss_probability(self) -> np.ndarray:
        """For each crash size, the share of paths on which the backstop loses money."""
        return (self.pnl["backstop"] < 0).mean(axis=1)

    def summary(self, crash: int = 0) -> pd.DataFrame:
        """Each party's mean and standard deviation of P&L at one crash size [USD]."""
        i = v.count("crash", crash, 0, self.crashes.size - 1)
        frame = pd.DataFrame({label: [self.pnl[k][i].mean(), self.pnl[k][i].std()]
                              for k, label in PARTIES.items()}, index=["mean", "sd"]).T
        frame.loc["sum of all four"] = [self.total()[i].mean(), self.total()[i].std()]
        frame.index.name = "party"
        return frame + 0.0


def simulate(params: Perpetual, rng: np.random.Generator, n_paths: int = 1000,
             crashes=None) -> BackstopRun:
    """Cascades at each crash size, then ``n_paths`` horizons of the backstop's position.

    Draws ``n_paths`` standard normals first (the horizon's shocks), shared by every
    crash size so that the sizes are compared on the same paths. ``crashes`` is a
    sequence of outside falls in [0, 1) (default: ``params.crash`` alone).
    """
    v.instance("params", params, Perpetual)
    v.generator(rng)
    n_paths = v.count("n_paths", n_paths, 1, 1_000_000)
    crashes = [params.crash] if crashes is None else list(np.atleast_1d(crashes))
    if not crashes:
        raise ValueError("crashes must hold at least one crash size")
    crashes = np.array([v.in_range("crashes", s, 0.0, 1.0, hi_open=True) for s in crashes])
    z = rng.standard_normal(n_paths)

    sig, h, p0, q_tot = params.volatility, params.horizon, params.price, params.open_interest
    growth = np.exp(sig * math.sqrt(h) * z - 0.5 * sig * sig * h)
    rows = {k: [] for k in ("final", "trig", "inv", "cost", "fee", "ph", "unwind", *PARTIES)}
    for s in crashes:
        c = solve(params.replace(crash=float(s)))
        ph = c.final_price * growth
        b = c.to_backstop
        # The square-root law's proceeds are the mark price times a function of the quantity.
        unwind = params.market.proceeds(b, 1.0) * ph
        fee = c.backstop_fee()
        hit = c.liquidated
        handed = c.handed > 0
        kept = np.where(handed, 0.0, np.maximum(c.equity, 0.0))     # equity a sold account keeps
        longs = (c.size[~hit].sum() * (ph - p0) + kept[hit].sum() - c.collateral[hit].sum())
        shorts = q_tot * p0 - c.proceeds.sum() - unwind + (c.book_sold + b - q_tot) * ph
        rows["final"].append(c.final_price)
        rows["trig"].append(c.triggered)
        rows["inv"].append(b)
        rows["cost"].append(b * c.final_price)
        rows["fee"].append(fee)
        rows["ph"].append(ph)
        rows["unwind"].append(unwind)
        rows["longs"].append(longs)
        rows["shorts"].append(shorts)
        rows["backstop"].append(fee + unwind - b * c.final_price)
        rows["insurance_fund"].append(np.full(n_paths, c.insurance_fund()))
    arr = {k: np.array(x, dtype=float) for k, x in rows.items()}
    return BackstopRun(params, crashes, arr["final"], arr["trig"], arr["inv"], arr["cost"],
                       arr["fee"], arr["ph"], arr["unwind"], {k: arr[k] for k in PARTIES})
