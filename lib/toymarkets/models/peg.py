r"""Step 10: an algorithmic stablecoin's peg, held by mint-and-burn arbitrage against finite pools.

Units: dollars and the stablecoin (UST, counted at its face value of 1 USD) in
**millions**; the sister token (LUNA) in **millions of tokens**; prices in USD per
token; one step is one **block** (Terra made about 14,400 a day, one every six seconds).

**The venue.** UST trades against dollar stablecoins in one pool (the real venue was
a Curve pool) holding :math:`x` UST and :math:`y` USD, its liquidity measured by
:math:`D`, the value of both reserves when the pool is balanced (:math:`x = y = D/2`).
Two invariants are carried, at equal :math:`D`:

* constant product (Uniswap v2, :mod:`toymarkets.core.pool`): :math:`xy = (D/2)^2`, with
  price of UST :math:`P = y/x`;
* StableSwap (:cite:t:`egorov2019stableswap`), for :math:`n` coins
  :math:`A n^n \sum x_i + D = A D n^n + D^{n+1}/(n^n \prod x_i)`, so for two coins

  .. math::  4A(x + y) + D = 4AD + \frac{D^3}{4xy} .

  :func:`stableswap_d` and :func:`stableswap_y` solve it by Newton's method as Curve's
  contract does (``get_D``, ``get_y``), raising ``ConvergenceError`` if Newton stalls.
  *The book's derivation:* for two coins ``get_y``'s equation is the quadratic
  :math:`y^2 + (x + D/4A - D)\,y - D^3/(16Ax) = 0`, whose positive root is
  :func:`stableswap_y_quadratic`; differentiating the invariant along the curve gives the
  marginal price of UST in USD,

  .. math::  P = -\frac{dy}{dx} = \frac{16A x^2 y^2 + D^3 y}{16A x^2 y^2 + D^3 x} ,

  which is 1 at balance, tends to the constant-product price :math:`y/x` as
  :math:`A \to 0` and to the constant-sum price 1 as :math:`A \to \infty`.
  The venue charges no fee (Curve's is a few basis points), an assumption.

**The market module.** Terra's protocol swapped 1 UST for 1 USD of LUNA at the
oracle's price, less a spread, through a *virtual* constant-product pool
(:cite:t:`terra2022market`): with base pool :math:`B` and imbalance :math:`\delta`, its
Terra side is :math:`B + \delta` and its LUNA side, in dollars, :math:`B^2/(B + \delta)`.
Burning :math:`a` UST pays the constant-product out-amount
:math:`B^2/(B+\delta) - B^2/(B+\delta+a)` (:func:`module_swap`, through
:func:`toymarkets.core.pool.amount_out`) but never more than :math:`a(1 - s_{\min})`,
and adds :math:`a` to :math:`\delta`. Each block the imbalance decays toward the base,

.. math::  \delta \leftarrow \delta\,(1 - 1/R) ,

with :math:`R` the *pool recovery period* in blocks. The spread is charged per swap, so
arbitrageurs burn each block's amount in one swap, which pays :math:`\Pi(\delta, a) =
\min\bigl(B^2 a/((B+\delta)(B+\delta+a)),\; a(1 - s_{\min})\bigr)`; its marginal rate
for a first small burn is :math:`r(\delta) = \min(1 - s_{\min}, B^2/(B+\delta)^2)`
(:func:`module_rate`). *The book's derivation:* if arbitrageurs burn each block until
the marginal spread is :math:`s \ge s_{\min}`, the module sits at
:math:`\delta_s = B\,((1-s)^{-1/2} - 1)` after each block's burns and recovers
:math:`\delta_s/R` before the next, so the steady daily capacity is

.. math::  C(s) = \frac{N}{R}\, B \left((1-s)^{-1/2} - 1\right),

with :math:`N` blocks a day (:func:`daily_capacity`): capacity scales with :math:`B/R`.
Calibration (from Terra's governance forum, :cite:t:`terra2022prop1164`): before
9 May 2022, :math:`B` = 50 million SDR and :math:`R` = 36 blocks; Proposal 1164 raised
:math:`B` to 100 million and cut :math:`R` to 18, a fourfold rise in :math:`B/R`; the minimum
spread was 0.5% (:cite:t:`terra2022market`). The module counted in SDR; the model counts
in dollars, an assumption that changes the scale, not the shape.

**The sister token.** Minted LUNA, :math:`\Pi/P^o` tokens at the oracle price
:math:`P^o`, is sold at once on an exchange modelled as a constant-product pool of LUNA
and dollars, so LUNA's price falls as its supply grows; the oracle reports the exchange's
price at the end of the previous block. Each block arbitrageurs buy :math:`a` UST from the
venue, burn it and sell the LUNA, choosing :math:`a` where the marginal cost equals the
marginal proceeds,

.. math::  P\bigl(x - a\bigr) = \frac{\partial \Pi}{\partial a}(\delta, a)\,
           \Bigl(\frac{U}{U + \Pi(\delta, a)}\Bigr)^2 ,

with :math:`U` the exchange's dollar reserve, and they trade only if the profit beats a
fixed cost per block.

**The defence, the liquidity providers and the run.** A reserve of :math:`K` dollars
buys UST on the venue whenever its price closes below the floor :math:`p_f`, back up to
:math:`p_f`, until the reserve is spent. While the price is below :math:`1 -` ``lp_trigger``
a share of the venue's liquidity leaves each block. Holders of :math:`H` UST (deposits
that can run) place sell orders at a rate that grows with the discount,
:math:`o_t = H_t \min(1, \kappa \max(0, 1 - P_t - \tau))`, which reach the venue only
``queue_delay`` blocks later (a delayed sell queue). A large sale :math:`Q` is spread over
``sale_blocks`` blocks, and retail flow adds :math:`\sigma z_t` each block
(:math:`z_t` standard normal, every draw made up front).

**When does the peg break?** *The book's derivation:* a sale fed in small pieces into
the balanced system meets, at every price down to the floor, the venue, the arbitrage
through the module and then the reserve; the peg breaks when the sale exceeds

.. math::  Q^* = n_{\text{venue}}(p_f) + \delta(p_f) + K/p_f ,

where :math:`n_{\text{venue}}(p)` is the UST the venue absorbs before its price falls to
:math:`p` (:math:`\tfrac{D}{2}(p^{-1/2} - 1)` for constant product; by bisection for
StableSwap) and :math:`\delta(p)` the UST the arbitrage burns in the block before its
marginal proceeds fall to :math:`p`: when the exchange for LUNA is deep,
:math:`\delta(p) = B \max\bigl(s_{\min}/(1-s_{\min}),\, p^{-1/2} - 1\bigr)` for
:math:`p < 1 - s_{\min}` and 0 above. For a constant-product venue and a floor well
below :math:`1 - s_{\min}`, :math:`Q^* = (D/2 + B)(p_f^{-1/2} - 1) + K/p_f`
(:func:`break_size_constant_product`): within a block the module acts as extra
constant-product depth :math:`B`, small beside a pool, because its strength is a rate, not
a stock. A deeper pool or a bigger reserve never breaks the peg sooner. The formula is the
limit of a sale in ever smaller pieces; a sale dumped in lumps walks down the curve before
anyone buys and breaks the peg no sooner. :func:`break_size` evaluates the general case and
:func:`breaking_sale` finds the boundary of the full simulation by bisection.

References: :cite:t:`egorov2019stableswap`; :cite:t:`adams2020uniswapv2`;
:cite:t:`terra2022market`; :cite:t:`terra2022prop1164`; :cite:t:`liu2023anatomy`;
:cite:t:`diamond1983bank`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core import pool
from ..core.results import Result
from ..core.solvers import ConvergenceError, bisect

__all__ = [
    "Peg",
    "PegRun",
    "INVARIANTS",
    "BLOCKS_PER_DAY",
    "simulate",
    "stableswap_d",
    "stableswap_y",
    "stableswap_y_quadratic",
    "stableswap_price",
    "stableswap_out",
    "venue_price",
    "venue_absorption",
    "module_rate",
    "module_swap",
    "module_absorption",
    "daily_capacity",
    "break_size",
    "break_size_constant_product",
    "break_size_table",
    "price_table",
    "sale_curve",
    "breaking_sale",
]

#: The venue's invariants, by name.
INVARIANTS = ("stableswap", "constant_product")
#: Blocks in a day on Terra (one every six seconds), Terra's own constant.
BLOCKS_PER_DAY = 14_400
#: Newton's iterations before giving up, as in Curve's contract.
_NEWTON_MAX = 255
#: Relative tolerance of every iterative solve inside a block.
_TOL = 1e-13
#: Relative depth below the floor that counts as a broken peg (robust to rounding).
_BREAK_TOL = 1e-9


@dataclass(frozen=True)
class Peg(v.Parameters):
    """Parameters of the peg model; every field is checked on construction.

    The defaults are an *illustrative* Terra-like case: the module's base pool,
    recovery period and minimum spread are Terra's documented values before May 2022,
    LUNA's supply its documented 340 million, the sale the 85 million UST sold into
    Curve's pool; the venue's depth, the reserve, the run and the exchange are
    assumptions of the book.
    """

    n_blocks: int = 10_000             #: T, blocks simulated, in [1, 200000]
    invariant: str = "stableswap"      #: the venue's invariant, one of INVARIANTS
    amplification: float = 100.0       #: A, StableSwap's amplification, in (0, 1e6]
    depth: float = 300.0               #: D, venue liquidity at balance [million USD], (0, 1e6]
    base_pool: float = 50.0            #: B, the module's base pool [million USD], (0, 1e6]
    recovery_period: int = 36          #: R, blocks for the module's imbalance to decay, [1, 1e9]
    min_spread: float = 0.005          #: s_min, the module's minimum spread, in [0, 0.5]
    floor: float = 0.98                #: p_f, defended price; the peg breaks below it, (0, 1)
    reserve: float = 300.0             #: K, the defender's dollars [million USD], in [0, 1e6]
    sale: float = 85.0                 #: Q, the large sale [million UST], in [0, 1e6]
    sale_start: int = 100              #: block of the sale's first piece, in [1, n_blocks]
    sale_blocks: int = 100             #: blocks the sale is spread over, sale ends by n_blocks
    holders: float = 5_000.0           #: H_0, UST that can run [million UST], in [0, 1e6]
    run_trigger: float = 0.005         #: tau, discount at which holders start to run, [0, 1)
    run_speed: float = 0.005           #: kappa, share of holdings queued per block per unit
                                       #: of discount beyond tau, in [0, 1e4]
    queue_delay: int = 600             #: blocks from a holder's order to its sale, [1, 100000]
    lp_trigger: float = 0.05           #: discount at which liquidity starts to leave, [0, 1)
    lp_exit: float = 0.0005            #: share of venue liquidity leaving per block, [0, 1)
    luna_price: float = 80.0           #: LUNA's starting price [USD], in (0, 1e6]
    luna_supply: float = 340.0         #: LUNA's starting supply [million tokens], (0, 1e9]
    cex_depth: float = 500.0           #: U_0, dollars in the LUNA exchange pool [million], (0, 1e9]
    arb_cost: float = 0.001            #: cost of a block's arbitrage [million USD], [0, 1e3]
    noise: float = 0.2                 #: sigma, retail flow per block [million UST], in [0, 1e3]

    def __post_init__(self):
        v.count("n_blocks", self.n_blocks, 1, 200_000)
        v.choice("invariant", self.invariant, INVARIANTS)
        v.positive("amplification", self.amplification, 1e6)
        v.positive("depth", self.depth, 1e6)
        v.positive("base_pool", self.base_pool, 1e6)
        v.count("recovery_period", self.recovery_period, 1, 1_000_000_000)
        v.in_range("min_spread", self.min_spread, 0.0, 0.5)
        v.in_range("floor", self.floor, 0.0, 1.0, lo_open=True, hi_open=True)
        v.non_negative("reserve", self.reserve, 1e6)
        v.non_negative("sale", self.sale, 1e6)
        v.count("sale_start", self.sale_start, 1, self.n_blocks)
        v.count("sale_blocks", self.sale_blocks, 1, self.n_blocks - self.sale_start + 1)
        v.non_negative("holders", self.holders, 1e6)
        v.in_range("run_trigger", self.run_trigger, 0.0, 1.0, hi_open=True)
        v.non_negative("run_speed", self.run_speed, 1e4)
        v.count("queue_delay", self.queue_delay, 1, 100_000)
        v.in_range("lp_trigger", self.lp_trigger, 0.0, 1.0, hi_open=True)
        v.in_range("lp_exit", self.lp_exit, 0.0, 1.0, hi_open=True)
        v.positive("luna_price", self.luna_price, 1e6)
        v.positive("luna_supply", self.luna_supply, 1e9)
        v.positive("cex_depth", self.cex_depth, 1e9)
        v.non_negative("arb_cost", self.arb_cost, 1e3)
        v.non_negative("noise", self.noise, 1e3)


@dataclass(frozen=True)
class PegRun(Result):
    """What :func:`simulate` returns: one path, block by block.

    States (``price`` ... ``queued``) have ``n_blocks + 1`` entries, entry 0 being the
    start and entry ``t`` the state at the end of block ``t``; flows (``sold`` ...
    ``lp_withdrawn``) have ``n_blocks``, entry ``t - 1`` for block ``t``.
    """

    params: Peg
    price: np.ndarray            #: P_t, UST's price on the venue [USD]
    luna_price: np.ndarray       #: LUNA's price on the exchange (the next block's oracle) [USD]
    luna_supply: np.ndarray      #: LUNA in existence [million tokens]
    delta: np.ndarray            #: the module's imbalance [million USD]
    reserve_left: np.ndarray     #: the defender's dollars left [million USD]
    liquidity: np.ndarray        #: D_t, the venue's liquidity [million USD]
    holders: np.ndarray          #: H_t, UST still held by those who can run [million UST]
    queued: np.ndarray           #: sell orders waiting in the queue [million UST]
    venue_ust: np.ndarray        #: x_t, UST in the venue [million UST]
    venue_usd: np.ndarray        #: y_t, dollars in the venue [million USD]
    sold: np.ndarray             #: net UST sold into the venue: sale, queue and retail
                                 #: (retail buys count negative) [million UST]
    burned: np.ndarray           #: UST the arbitrage burned through the module [million UST]
    minted: np.ndarray           #: LUNA the module minted [million tokens]
    defended: np.ndarray         #: UST the defender bought [million UST]
    lp_withdrawn: np.ndarray     #: venue liquidity withdrawn [million USD]

    @property
    def blocks(self) -> np.ndarray:
        """Block numbers of the states, 0 to ``n_blocks``."""
        return np.arange(self.price.size)

    def broken(self) -> np.ndarray:
        """Per state: True where the price closed below the floor (the peg is broken)."""
        return self.price < self.params.floor * (1.0 - _BREAK_TOL)

    def break_block(self) -> float:
        """The first block at whose end the peg was broken, NaN if it held throughout."""
        broken = self.broken()
        return float(np.argmax(broken)) if broken.any() else math.nan

    def reserve_out_block(self) -> float:
        """The first block at whose end the reserve was spent, NaN if it never was."""
        out = self.reserve_left <= 0.0
        return float(np.argmax(out)) if self.params.reserve > 0 and out.any() else math.nan

    def luna_growth(self) -> float:
        """LUNA's supply at the end over its supply at the start."""
        return float(self.luna_supply[-1] / self.luna_supply[0])

    def min_price(self) -> float:
        """The lowest price UST closed at [USD]."""
        return float(self.price.min())

    def totals(self) -> pd.Series:
        """Where the sold UST went, over the whole run [million UST or USD]."""
        return pd.Series({
            "sold into the venue": float(self.sold.sum()),
            "burned by arbitrage": float(self.burned.sum()),
            "bought by the defender": float(self.defended.sum()),
            "liquidity withdrawn [m USD]": float(self.lp_withdrawn.sum()),
            "LUNA minted [m tokens]": float(self.minted.sum()),
        }, name="total")

    def frame(self) -> pd.DataFrame:
        """The states block by block."""
        out = pd.DataFrame({
            "UST price": self.price,
            "LUNA price": self.luna_price,
            "LUNA supply": self.luna_supply,
            "module imbalance": self.delta,
            "reserve left": self.reserve_left,
            "venue liquidity": self.liquidity,
            "holders": self.holders,
            "queued": self.queued,
        })
        out.index.name = "block"
        return out


# --------------------------------------------------------------------------- StableSwap


def _ss_d(x: float, y: float, amp: float) -> float:
    """Curve's get_D for two coins (whitepaper A): Newton from D = x + y."""
    s = x + y
    ann = 4.0 * amp
    d = s
    for _ in range(_NEWTON_MAX):
        d_p = d * d * d / (4.0 * x * y)
        new = (ann * s + 2.0 * d_p) * d / ((ann - 1.0) * d + 3.0 * d_p)
        if abs(new - d) <= _TOL * new:
            return new
        d = new
    raise ConvergenceError(f"stableswap_d did not converge in {_NEWTON_MAX} iterations "
                           f"(x={x!r}, y={y!r}, amplification={amp!r})")


def _ss_y(x: float, d: float, amp: float) -> float:
    """Curve's get_y for two coins: Newton on y^2 + (b - D) y = c from y = D."""
    ann = 4.0 * amp
    c = d * d * d / (4.0 * x * ann)
    b = x + d / ann
    y = d
    for _ in range(_NEWTON_MAX):
        new = (y * y + c) / (2.0 * y + b - d)
        if abs(new - y) <= _TOL * new:
            return new
        y = new
    raise ConvergenceError(f"stableswap_y did not converge in {_NEWTON_MAX} iterations "
                           f"(x={x!r}, d={d!r}, amplification={amp!r})")


def _ss_price(x: float, y: float, d: float, amp: float) -> float:
    k = 16.0 * amp * x * x * y * y
    d3 = d * d * d
    return (k + d3 * y) / (k + d3 * x)


def stableswap_d(x: float, y: float, amplification: float) -> float:
    """The StableSwap invariant D of a two-coin pool with balances ``x``, ``y`` > 0.

    Newton's method as in Curve's ``get_D``; raises ``ConvergenceError`` if it stalls.
    """
    x, y = v.positive("x", x, 1e12), v.positive("y", y, 1e12)
    return _ss_d(x, y, v.positive("amplification", amplification, 1e6))


def stableswap_y(x: float, d: float, amplification: float) -> float:
    """The balance y that keeps the invariant ``d`` when the other balance is ``x``.

    Newton's method as in Curve's ``get_y``; raises ``ConvergenceError`` if it stalls.
    """
    x, d = v.positive("x", x, 1e12), v.positive("d", d, 1e12)
    return _ss_y(x, d, v.positive("amplification", amplification, 1e6))


def _ss_y_quadratic(x: float, d: float, amp: float) -> float:
    beta = x + d / (4.0 * amp) - d
    c = d * d * d / (16.0 * amp * x)
    root = math.sqrt(beta * beta + 4.0 * c)
    return 2.0 * c / (beta + root) if beta > 0 else (root - beta) / 2.0


def stableswap_y_quadratic(x: float, d: float, amplification: float) -> float:
    r"""The same balance in closed form (the book's derivation): the positive root of
    :math:`y^2 + (x + D/4A - D)\,y - D^3/(16Ax) = 0`, computed without cancellation.

    The simulation uses this form: one square root instead of a Newton loop.
    """
    x, d = v.positive("x", x, 1e12), v.positive("d", d, 1e12)
    return _ss_y_quadratic(x, d, v.positive("amplification", amplification, 1e6))


def stableswap_price(x: float, y: float, amplification: float) -> float:
    r"""The marginal price of the first coin in the second, :math:`-dy/dx` along the curve.

    :math:`(16Ax^2y^2 + D^3 y)/(16Ax^2y^2 + D^3 x)` (module docstring).
    """
    x, y = v.positive("x", x, 1e12), v.positive("y", y, 1e12)
    amp = v.positive("amplification", amplification, 1e6)
    return _ss_price(x, y, _ss_d(x, y, amp), amp)


def stableswap_out(amount_in: float, x: float, y: float, amplification: float) -> float:
    """Coins of the second kind out for ``amount_in`` of the first, keeping the invariant."""
    dx = v.non_negative("amount_in", amount_in, 1e12)
    x, y = v.positive("x", x, 1e12), v.positive("y", y, 1e12)
    amp = v.positive("amplification", amplification, 1e6)
    d = _ss_d(x, y, amp)
    return max(0.0, y - _ss_y(x + dx, d, amp))


# --------------------------------------------------------------------------- the venue


def _venue_y(params: Peg, x: float, d: float) -> float:
    if params.invariant == "constant_product":
        return d * d / (4.0 * x)
    return _ss_y_quadratic(x, d, params.amplification)


def _venue_price(params: Peg, x: float, y: float, d: float) -> float:
    if params.invariant == "constant_product":
        return y / x
    return _ss_price(x, y, d, params.amplification)


def venue_price(params: Peg, sold):
    """UST's price on a balanced venue after ``sold`` UST (>= 0, array allowed) is sold in.

    Negative ``sold`` is UST bought out of the pool (down to just above an empty side).
    """
    v.instance("params", params, Peg)
    a = np.asarray(sold, dtype=float)
    half = params.depth / 2.0
    if not np.all(np.isfinite(a)) or np.any(a <= -half):
        raise ValueError(f"sold must be finite and in (-depth/2, inf), got {sold!r}")
    d = params.depth
    out = np.array([_venue_price(params, half + q, _venue_y(params, half + q, d), d)
                    for q in a.ravel()]).reshape(a.shape)
    return float(out) if out.ndim == 0 else out


def venue_absorption(params: Peg, price: float) -> float:
    """UST a balanced venue takes before its price falls to ``price`` (in (0, 1]).

    Constant product: :math:`\\tfrac{D}{2}(p^{-1/2} - 1)`; StableSwap: by bisection.
    """
    v.instance("params", params, Peg)
    p = v.in_range("price", price, 0.0, 1.0, lo_open=True)
    half = params.depth / 2.0
    if params.invariant == "constant_product" or p == 1.0:
        return half * (1.0 / math.sqrt(p) - 1.0)
    hi = half
    while venue_price(params, hi) > p:
        hi *= 2.0
    return bisect(lambda q: venue_price(params, q) - p, 0.0, hi, tol=1e-13).x


# --------------------------------------------------------------------------- the module


def module_rate(delta: float, base_pool: float, min_spread: float) -> float:
    r"""Dollars of LUNA paid for the marginal UST burned: :math:`\min(1 - s, B^2/(B+\delta)^2)`."""
    d = v.non_negative("delta", delta)
    b = v.positive("base_pool", base_pool)
    s = v.in_range("min_spread", min_spread, 0.0, 0.5)
    return min(1.0 - s, (b / (b + d)) ** 2)


def _payout(delta: float, amount: float, b: float, s: float) -> float:
    """:func:`module_swap` without the checks (the simulation's inner loop)."""
    return min(b * b * amount / ((b + delta) * (b + delta + amount)), amount * (1.0 - s))


def _marginal(delta: float, amount: float, b: float, s: float) -> tuple[float, float]:
    """First and second derivative of :func:`_payout` in ``amount``."""
    u = b + delta + amount
    if b * b * amount / ((b + delta) * u) < amount * (1.0 - s):
        rate = (b / u) ** 2
        return rate, -2.0 * rate / u
    return 1.0 - s, 0.0


def module_swap(amount: float, delta: float, base_pool: float, min_spread: float) -> float:
    """Dollars of LUNA for burning ``amount`` (> 0) UST in one swap, as Terra's module did.

    The constant-product out-amount of the virtual pool (:func:`toymarkets.core.pool.amount_out`
    with no fee, reserves :math:`B + \\delta` and :math:`B^2/(B + \\delta)`), capped at
    ``amount * (1 - min_spread)``.
    """
    a = v.positive("amount", amount)
    d = v.non_negative("delta", delta)
    b = v.positive("base_pool", base_pool)
    s = v.in_range("min_spread", min_spread, 0.0, 0.5)
    ask = pool.amount_out(a, b + d, b * b / (b + d), fee=0.0)
    return min(ask, a * (1.0 - s))


def daily_capacity(base_pool: float, recovery_period: float, spread: float,
                   blocks_per_day: int = BLOCKS_PER_DAY) -> float:
    r"""UST the module burns a day in steady state at marginal spread ``spread``:
    :math:`(N/R)\,B\,((1-s)^{-1/2} - 1)` (the book's derivation, module docstring)."""
    b = v.positive("base_pool", base_pool)
    r = v.in_range("recovery_period", recovery_period, 1.0, 1e9)
    s = v.in_range("spread", spread, 0.0, 1.0, hi_open=True)
    n = v.count("blocks_per_day", blocks_per_day, 1)
    return n / r * b * (1.0 / math.sqrt(1.0 - s) - 1.0)


def module_absorption(params: Peg, price: float) -> float:
    r"""UST the arbitrage burns in one block, from rest, before its marginal proceeds fall to
    ``price`` (in (0, 1]), with the LUNA sold into the exchange (dollar reserve :math:`U`).

    The book's closed form: the marginal proceeds are :math:`\Pi'(a)\,(U/(U + \Pi(a)))^2`.
    While the minimum spread binds (:math:`a < a^* = sB/(1-s)`) they equal :math:`p` at
    :math:`a = U(\sqrt{(1-s)/p} - 1)/(1-s)`; on the constant-product branch at
    :math:`a = BU(1 - \sqrt p)/(\sqrt p\,(U + B))`, which tends to :math:`B(p^{-1/2} - 1)` for a
    deep exchange; between the two the proceeds jump down at :math:`a^*`. Zero at or above
    :math:`1 - s`.
    """
    v.instance("params", params, Peg)
    p = v.in_range("price", price, 0.0, 1.0, lo_open=True)
    b, s, u = params.base_pool, params.min_spread, params.cex_depth
    if p >= 1.0 - s:
        return 0.0
    kink = s * b / (1.0 - s)
    flat = u * (math.sqrt((1.0 - s) / p) - 1.0) / (1.0 - s)
    if flat < kink:
        return flat
    root = math.sqrt(p)
    return max(kink, b * u * (1.0 - root) / (root * (u + b)))


# --------------------------------------------------------------------------- when it breaks


def break_size(params: Peg) -> float:
    """The sale (million UST), fed in small pieces into the system at rest, that breaks
    the peg: venue absorption plus arbitrage absorption at the floor plus the reserve's
    purchases at the floor (module docstring; no recovery, run or exit during the sale)."""
    v.instance("params", params, Peg)
    p = params.floor
    return venue_absorption(params, p) + module_absorption(params, p) + params.reserve / p


def break_size_constant_product(depth: float, base_pool: float, reserve: float, floor: float,
                                min_spread: float = 0.005) -> float:
    r"""The closed form for a constant-product venue and a deep LUNA market (the book's
    derivation): :math:`Q^* = \tfrac{D}{2}(p_f^{-1/2} - 1) + \delta(p_f) + K/p_f` with
    :math:`\delta(p) = B \max\bigl(s/(1-s),\, p^{-1/2} - 1\bigr)` for :math:`p < 1 - s`
    and 0 above.

    Where the second term of the max wins, :math:`Q^* = (D/2 + B)(p_f^{-1/2} - 1) + K/p_f`:
    the module acts as extra constant-product depth.
    """
    d = v.positive("depth", depth)
    b = v.positive("base_pool", base_pool)
    k = v.non_negative("reserve", reserve)
    p = v.in_range("floor", floor, 0.0, 1.0, lo_open=True, hi_open=True)
    s = v.in_range("min_spread", min_spread, 0.0, 0.5)
    module = b * max(s / (1.0 - s), 1.0 / math.sqrt(p) - 1.0) if p < 1.0 - s else 0.0
    return d / 2.0 * (1.0 / math.sqrt(p) - 1.0) + module + k / p


def break_size_table(params: Peg, depths, reserves) -> pd.DataFrame:
    """:func:`break_size` for both invariants over a grid: one row per invariant, reserve
    and depth (``depths`` > 0 and ``reserves`` >= 0 in million USD)."""
    v.instance("params", params, Peg)
    rows = []
    for invariant in INVARIANTS:
        for k in np.atleast_1d(np.asarray(reserves, dtype=float)):
            for d in np.atleast_1d(np.asarray(depths, dtype=float)):
                q = params.replace(invariant=invariant, reserve=float(k), depth=float(d))
                rows.append((invariant, q.reserve, q.depth, break_size(q)))
    return pd.DataFrame(rows, columns=["invariant", "reserve", "depth", "break size"])


def price_table(params: Peg, sold) -> pd.DataFrame:
    """UST's price on a balanced venue after each of ``sold`` (million UST), for both
    invariants at ``params``' depth: one column per invariant, indexed by the sale."""
    v.instance("params", params, Peg)
    sold = np.asarray(sold, dtype=float)
    frame = pd.DataFrame({inv: venue_price(params.replace(invariant=inv), sold)
                          for inv in INVARIANTS}, index=pd.Index(sold, name="sold"))
    return frame


def sale_curve(params: Peg, lowest: float = 0.2, points: int = 120) -> pd.DataFrame:
    """UST's price against a sale fed in small pieces into the system at rest (the path
    behind :func:`break_size`): the venue and the arbitrage absorb it down to the floor, the
    reserve holds the floor, then the price falls again, down to ``lowest`` (in (0, floor)).

    One row per point, ``sold`` [million UST] and ``price`` [USD], in order of the sale; the
    floor is reached at the row whose ``sold`` is the venue's and module's absorption, and
    left at ``break_size(params)``.
    """
    v.instance("params", params, Peg)
    lowest = v.in_range("lowest", lowest, 0.0, params.floor, lo_open=True, hi_open=True)
    points = v.count("points", points, 4, 10_000)
    floor, cash = params.floor, params.reserve / params.floor
    venue = np.linspace(0.0, venue_absorption(params, lowest), points)
    price = np.asarray(venue_price(params, venue))
    module = np.array([module_absorption(params, min(1.0, float(p))) for p in price])
    sold = venue + module + np.where(price < floor, cash, 0.0)
    held = venue_absorption(params, floor) + module_absorption(params, floor)
    frame = pd.DataFrame({"sold": np.concatenate([sold, [held, held + cash]]),
                          "price": np.concatenate([price, [floor, floor]])})
    return frame.sort_values(["sold", "price"], ascending=[True, False]).reset_index(drop=True)


def breaking_sale(params: Peg, rng: np.random.Generator, *, hi: float | None = None,
                  tol: float = 1e-6) -> float:
    """The smallest sale that breaks the peg within the run of :func:`simulate`, by bisection.

    The retail flow is drawn once from ``rng``, so every trial shares it. Raises
    ``ValueError`` when no sale up to ``hi`` (default: the break size plus the holders'
    stock, doubled) breaks the peg, or when the peg breaks with no sale at all.
    """
    v.instance("params", params, Peg)
    v.generator(rng)
    z = rng.standard_normal(params.n_blocks)
    hi = v.positive("hi", hi, 1e6) if hi is not None else min(
        1e6, 2.0 * (break_size(params) + params.holders))
    floor = params.floor * (1.0 - _BREAK_TOL)

    def gap(q: float) -> float:
        return floor - _run(params.replace(sale=q), z).min_price()

    if gap(0.0) > 0:
        raise ValueError("the peg breaks with no sale at all: breaking_sale needs a held peg")
    if gap(hi) <= 0:
        raise ValueError(f"no sale up to hi={hi!r} breaks the peg")
    return bisect(gap, 0.0, hi, tol=v.positive("tol", tol, 1.0)).x


# --------------------------------------------------------------------------- the simulation


def _increasing_root(g, hi: float) -> float:
    """The root in (0, hi) of an increasing ``g`` with g(0) < 0 < g(hi).

    ``g(a)`` returns the value and the derivative. Newton's method from 0, safeguarded
    by bisection inside the bracket; raises ``ConvergenceError`` if it does not settle.
    """
    lo, a = 0.0, 0.0
    val, slope = g(0.0)
    for _ in range(_NEWTON_MAX):
        new = a - val / slope if slope > 0.0 else math.inf
        if not lo < new < hi:
            new = 0.5 * (lo + hi)
        val, slope = g(new)
        if val < 0.0:
            lo = new
        else:
            hi = new
        if val == 0.0 or abs(new - a) <= _TOL * (1.0 + new):
            return new
        a = new
    raise ConvergenceError(f"no root found in {_NEWTON_MAX} iterations below {hi!r}")


def _venue_slope(p: Peg, x: float, y: float, d: float, px: float) -> float:
    """d P / d a when ``a`` UST is bought out of the venue at (x, y): -(P_x - P P_y)."""
    if p.invariant == "constant_product":
        return 2.0 * y / (x * x)
    amp16 = 16.0 * p.amplification
    d3 = d * d * d
    k = amp16 * x * x * y * y
    kx, ky = 2.0 * amp16 * x * y * y, 2.0 * amp16 * x * x * y
    num, den = k + d3 * y, k + d3 * x
    p_x = (kx * (den - num) - num * d3) / (den * den)
    p_y = (ky * (den - num) + d3 * den) / (den * den)
    return -(p_x - px * p_y)


def _arbitrage_gap(p: Peg, x0: float, d: float, delta0: float, usd0: float):
    """The arbitrageur's first-order condition in the UST ``a`` it buys and burns, with its
    derivative: venue price after buying, less marginal proceeds from the LUNA sold."""
    b, s = p.base_pool, p.min_spread

    def gap(a: float) -> tuple[float, float]:
        xa = x0 - a
        ya = _venue_y(p, xa, d)
        pa = _venue_price(p, xa, ya, d)
        rate, d_rate = _marginal(delta0, a, b, s)
        phi = usd0 / (usd0 + _payout(delta0, a, b, s))
        d_proceeds = d_rate * phi * phi - 2.0 * rate * rate * phi * phi * phi / usd0
        return pa - rate * phi * phi, _venue_slope(p, xa, ya, d, pa) - d_proceeds

    return gap


def _defence_gap(p: Peg, x0: float, d: float):
    """The venue's price after the defender buys ``a`` UST, less the floor, and its slope."""

    def short(a: float) -> tuple[float, float]:
        xa = x0 - a
        ya = _venue_y(p, xa, d)
        pa = _venue_price(p, xa, ya, d)
        return pa - p.floor, _venue_slope(p, xa, ya, d, pa)

    return short


def simulate(params: Peg, rng: np.random.Generator) -> PegRun:
    """Simulate one path of ``params.n_blocks`` blocks.

    The retail flow is drawn first, ``n_blocks`` standard normals, so runs with the same
    seed share it whatever the other parameters. Within a block, in order: the sale, the
    matured orders of the queue and the retail flow reach the venue; arbitrageurs burn
    through the module and sell the LUNA; the defender buys back to the floor; liquidity
    leaves; holders queue new orders; the module recovers and the oracle reads the exchange.
    """
    v.instance("params", params, Peg)
    v.generator(rng)
    return _run(params, rng.standard_normal(params.n_blocks))


def _run(p: Peg, z: np.ndarray) -> PegRun:
    t_max = p.n_blocks
    n = t_max + 1
    price, lprice, supply = np.empty(n), np.empty(n), np.empty(n)
    delta_s, reserve_s, liq_s, hold_s, queue_s, x_s, y_s = (np.empty(n) for _ in range(7))
    sold, burned, minted, defended, withdrawn = (np.zeros(t_max) for _ in range(5))
    queue = np.zeros(t_max + p.queue_delay + 2)

    d = p.depth
    x = y = d / 2.0
    delta = 0.0
    reserve = p.reserve
    holders = p.holders
    waiting = 0.0
    cex_luna = p.cex_depth / p.luna_price
    cex_usd = p.cex_depth
    luna = p.luna_supply
    b, s, recover = p.base_pool, p.min_spread, 1.0 - 1.0 / p.recovery_period
    piece = p.sale / p.sale_blocks
    sale_end = p.sale_start + p.sale_blocks
    ceiling = 1.0 - s

    def record(t: int) -> None:
        price[t] = _venue_price(p, x, y, d)
        lprice[t] = cex_usd / cex_luna
        supply[t], delta_s[t], reserve_s[t] = luna, delta, reserve
        liq_s[t], hold_s[t], queue_s[t], x_s[t], y_s[t] = d, holders, waiting, x, y

    record(0)
    for t in range(1, n):
        i = t - 1
        # 1. Sells reach the venue: the sale, the queue's matured orders, the retail flow.
        flow = (piece if p.sale_start <= t < sale_end else 0.0) + queue[t]
        waiting -= queue[t]
        retail = p.noise * z[i] * d / p.depth          # retail trades scale with liquidity
        if retail >= 0.0:
            flow += retail
        if flow > 0.0:
            x += flow
            y = _venue_y(p, x, d)
        sold[i] = flow
        if retail < 0.0:                              # retail buys UST with dollars
            x_before = x
            y -= retail
            x = _venue_y(p, y, d)
            sold[i] -= x_before - x
        px = _venue_price(p, x, y, d)

        # 2. Arbitrage: buy UST on the venue, burn it for LUNA, sell the LUNA.
        rate0 = min(ceiling, (b / (b + delta)) ** 2)
        if px < rate0 and cex_usd > p.arb_cost:            # else no profit can pay the cost
            oracle = cex_usd / cex_luna
            x0, y0, delta0, usd0 = x, y, delta, cex_usd

            gap = _arbitrage_gap(p, x0, d, delta0, usd0)
            a = _increasing_root(gap, x0 * (1.0 - 1e-9))
            new_y = _venue_y(p, x0 - a, d)
            m = _payout(delta0, a, b, s) / oracle
            proceeds = cex_usd * m / (cex_luna + m)       # constant product, no fee
            if a > 0.0 and proceeds - (new_y - y0) > p.arb_cost:
                x, y = x0 - a, new_y
                delta += a
                cex_luna, cex_usd = cex_luna + m, cex_usd - proceeds
                luna += m
                burned[i], minted[i] = a, m
                px = _venue_price(p, x, y, d)

        # 3. The defender buys UST back up to the floor while its reserve lasts.
        if px < p.floor and reserve > 0.0:
            x0, y0 = x, y

            short = _defence_gap(p, x0, d)
            a = _increasing_root(short, x0 * (1.0 - 1e-9))
            cost = _venue_y(p, x0 - a, d) - y0
            if cost <= reserve:
                x, y, reserve = x0 - a, y0 + cost, reserve - cost
            else:
                y = y0 + reserve
                x = _venue_y(p, y, d)
                reserve = 0.0
            defended[i] = x0 - x
            px = _venue_price(p, x, y, d)

        # 4. Liquidity providers leave while the discount is deep.
        if px < 1.0 - p.lp_trigger and p.lp_exit > 0.0:
            keep = 1.0 - p.lp_exit
            withdrawn[i] = d * p.lp_exit
            x, y, d = x * keep, y * keep, d * keep

        # 5. Holders queue sell orders, which reach the venue queue_delay blocks later.
        order = holders * min(1.0, p.run_speed * max(0.0, 1.0 - px - p.run_trigger))
        if order > 0.0:
            holders -= order
            waiting += order
            queue[t + p.queue_delay] += order

        # 6. The module's imbalance decays toward its base; the oracle reads the exchange.
        delta *= recover
        record(t)

    return PegRun(p, price, lprice, supply, delta_s, reserve_s, liq_s, hold_s, queue_s, x_s, y_s,
                  sold, burned, minted, defended, withdrawn)
