r"""A constant-product pool (Uniswap v2): swaps, pool shares, impermanent loss, a token launch.

**The pool.** A pool holds :math:`x` tokens and :math:`y` of cash (USD, or a stablecoin)
and quotes the token at its spot price :math:`p = y/x`. A swap pays a fee :math:`1-\gamma`
on its input (Uniswap v2: :math:`\gamma = 0.997`); what is left of the input must keep the
product of the reserves, so selling :math:`\Delta x` tokens brings

.. math::  \Delta y = \frac{\gamma\,\Delta x\, y}{x + \gamma\,\Delta x},
           \qquad \Delta x = \frac{x\,\Delta y}{\gamma\,(y - \Delta y)}

(the second, the input needed for a desired output, inverts the first), and the whole
input, fee included, joins the reserves, so :math:`k = xy` never falls on a swap and
rises when :math:`\gamma < 1` (:cite:t:`adams2020uniswapv2`; the arithmetic is
:mod:`toymarkets.core.pool`). The *execution price* of a swap is cash per token,
:math:`\Delta y/\Delta x`. After a sale of :math:`q` tokens the spot price is

.. math::  p' = p\,\frac{x^2}{(x+q)(x+\gamma q)} , \qquad
           \left.\frac{dp'}{dq}\right|_{q=0} = -\frac{(1+\gamma)\,p}{x} ,

and a purchase raises it at :math:`(1 + 1/\gamma)\,p/x` at the first token: a pool's
depth is set by the tokens it holds, and a trade of 1% of them moves the price by
about 2% (:func:`price_ratio_after_sale`, :func:`marginal_impact`).

**No arbitrage.** With an outside price :math:`m` no trade with the pool pays while
:math:`\gamma y/x \le m \le y/(\gamma x)`; outside this band an arbitrageur trades the pool
back to its edge (:cite:t:`angeris2019analysis`; :func:`arbitrage`).

**Pool shares.** A liquidity provider who deposits into a pool receives shares, as the
v2 contract mints them. The first deposit of :math:`(x, y)` mints
:math:`\sqrt{xy}` shares (the contract also locks ``MINIMUM_LIQUIDITY`` = 1000 of the
smallest units of the share token forever, so that a pool can never be emptied; the
toy leaves it out). Later deposits :math:`(\Delta x, \Delta y)` into a pool with
:math:`S` shares mint the smaller pro-rata amount,
:math:`S\min(\Delta x/x, \Delta y/y)`, and the pool keeps all that was deposited (a
deposit out of proportion gives its surplus to the existing holders). Burning
:math:`s` shares pays out :math:`s/S` of each reserve.

**Impermanent loss.** A provider whose deposit was worth as much in tokens as in cash
at price :math:`p_0`, in a pool without fees kept at the outside price by arbitrage,
holds :math:`\sqrt{k/p}` tokens and :math:`\sqrt{kp}` cash when the price is :math:`p`,
worth :math:`2\sqrt{kp}`; simply holding the deposit is worth
:math:`\sqrt{k/p_0}\,(p + p_0)`. With :math:`r = p/p_0`,

.. math::  \mathrm{IL}(r) = \frac{2\sqrt{r}}{1+r} - 1 \;\le\; 0,
           \qquad \mathrm{IL}(r) = \mathrm{IL}(1/r),

the impermanent loss in the form given by :cite:t:`aigner2021uniswap`; the book
derives it as above and tests it against a brute-force simulation of a pool arbitraged
to the new price (:func:`impermanent_loss`, :func:`impermanent_loss_by_arbitrage`).
The arbitrageur's profit is the provider's loss: the pool sells the token as it
rises and buys it as it falls, always at a stale price (:cite:t:`milionis2022lvr`).

**A token launch** (:func:`simulate`). A house bought tokens cheaply in a presale at
:math:`c` per token. At listing, the outside market prices the token at :math:`p_0`, and
a pool is seeded with :math:`x_0` tokens and :math:`p_0 x_0` cash, a share
:math:`\phi` of it by the house, the rest by other providers. The outside price follows
a geometric random walk with drift :math:`\mu` (fading hype, say) and volatility
:math:`\sigma` per day,

.. math::  m_t = p_0\, e^{\mu t} \prod_{s \le t} e^{\sigma z_s - \sigma^2/2} ,

so :math:`\mathbb{E}[m_t] = p_0 e^{\mu t}`. Each day the house sells a clip
:math:`Q/D` of its :math:`Q` other tokens into the pool for the first :math:`D` days;
then arbitrageurs trade the pool back into its band around :math:`m_t`, passing the
tokens they buy to (or taking the tokens they sell from) buyers in the outside market
at :math:`m_t`: the *late buyers*. Tokens and cash are only ever moved between the house,
the pool's providers, the arbitrageurs and the late buyers, so, marked at the final
price :math:`m_T`, their profits against holding what each started with sum to zero
exactly (:meth:`LaunchRun.pnl`): whatever the house gains by selling, the others lose.
The house's own profit adds what holding its tokens was worth,
:math:`(Q + \phi x_0)(m_T - c)`, of which :math:`(Q + \phi x_0)(p_0 - c)` is the presale
discount.

**Assumptions.** One pool, one outside market deep enough to take every arbitrage at
:math:`m_t`; the house's sales do not move the outside price (the drift stands in for
whatever does); arbitrage is free and immediate; no gas, no reward tokens for the
providers, no MEV; the contract's integer rounding is ignored.

Units: tokens in **millions of tokens**, cash in **millions of USD**, prices in USD per
token, time in days.

References: :cite:t:`adams2020uniswapv2`; :cite:t:`angeris2019analysis`;
:cite:t:`aigner2021uniswap`; :cite:t:`milionis2022lvr`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from ..core import pool as cp
from ..core.prices import random_walk
from ..core.results import Result

__all__ = [
    "Pool",
    "PoolState",
    "Trade",
    "Mint",
    "Burn",
    "Launch",
    "LaunchRun",
    "AGENTS",
    "open_pool",
    "swap",
    "swap_for",
    "mint",
    "burn",
    "arbitrage",
    "spot_price",
    "price_ratio_after_sale",
    "marginal_impact",
    "largest_sale",
    "impermanent_loss",
    "impermanent_loss_by_arbitrage",
    "simulate",
]

#: Who trades in a launch, in the order the book plots them, with their labels.
AGENTS = {
    "house_sales": "house: tokens sold",
    "house_liquidity": "house: its liquidity",
    "providers": "other liquidity providers",
    "arbitrageurs": "arbitrageurs",
    "late_buyers": "late buyers",
}

_SIDES = ("token", "cash")


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Pool(v.Parameters):
    """A pool's reserves and fee, as it opens; every field is checked on construction."""

    reserve_token: float = 10.0     #: x, tokens in the pool [million tokens], in (0, 1e12]
    reserve_cash: float = 10.0      #: y, cash in the pool [million USD], in (0, 1e12]
    fee: float = 0.003              #: 1 - gamma, the fee on a swap's input, in [0, 0.5]

    def __post_init__(self):
        v.positive("reserve_token", self.reserve_token, 1e12)
        v.positive("reserve_cash", self.reserve_cash, 1e12)
        v.in_range("fee", self.fee, 0.0, 0.5)

    @property
    def price(self) -> float:
        """p = y / x, the spot price of the token [USD per token]."""
        return self.reserve_cash / self.reserve_token

    @property
    def gamma(self) -> float:
        """gamma = 1 - fee, the share of a swap's input that trades."""
        return 1.0 - self.fee

    @classmethod
    def at_price(cls, price: float, tokens: float, fee: float = 0.003) -> Pool:
        """A pool of ``tokens`` (> 0) tokens quoting ``price`` (> 0): cash ``price * tokens``."""
        price = v.positive("price", price, 1e6)
        return cls(tokens, price * v.positive("tokens", tokens, 1e12), fee)


# --------------------------------------------------------------------------- pool states


def _amounts(name: str, value) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"{name} must be finite and in [0, inf), got {value!r}")
    return a


def _out(a: np.ndarray):
    return float(a) if a.ndim == 0 else a


@dataclass(frozen=True)
class PoolState(Result):
    """One pool, or many (arrays of one shape): reserves, shares outstanding and the fee.

    An empty pool (all three zero) is a valid state: the next :func:`mint` is then the
    first deposit. Reserves and shares are either all zero or all positive.
    """

    reserve_token: np.ndarray       #: x [million tokens]
    reserve_cash: np.ndarray        #: y [million USD]
    shares: np.ndarray              #: S, pool shares outstanding [million shares]
    fee: float = 0.003              #: 1 - gamma, in [0, 0.5]

    def __post_init__(self):
        x, y, s = np.broadcast_arrays(_amounts("reserve_token", self.reserve_token),
                                      _amounts("reserve_cash", self.reserve_cash),
                                      _amounts("shares", self.shares))
        empty = (x == 0) | (y == 0) | (s == 0)
        if np.any(empty & ((x > 0) | (y > 0) | (s > 0))):
            raise ValueError("reserve_token, reserve_cash and shares must be all zero (an empty "
                             "pool) or all positive")
        v.in_range("fee", self.fee, 0.0, 0.5)
        for name, a in (("reserve_token", x), ("reserve_cash", y), ("shares", s)):
            object.__setattr__(self, name, np.array(a))
        super().__post_init__()

    @classmethod
    def empty(cls, fee: float = 0.003, shape: tuple[int, ...] = ()) -> PoolState:
        """A pool with nothing in it (or an array of them), waiting for its first deposit."""
        zero = np.zeros(shape)
        return cls(zero, zero, zero, fee)

    @property
    def gamma(self) -> float:
        return 1.0 - self.fee

    def price(self):
        """Spot price y / x [USD per token] (a float for one pool, an array for many)."""
        return cp.spot_price(self.reserve_token, self.reserve_cash)

    def invariant(self):
        """k = x y [million tokens times million USD]."""
        return _out(self.reserve_token * self.reserve_cash)

    def band(self):
        """The outside prices at which no arbitrage pays, ``(gamma p, p / gamma)``."""
        return cp.no_arbitrage_band(self.reserve_token, self.reserve_cash, self.fee)

    def value(self, price):
        """What the reserves are worth with the token at ``price`` (>= 0): x m + y [million USD]."""
        return _out(self.reserve_token * _amounts("price", price) + self.reserve_cash)

    def share_of(self, shares):
        """The fraction ``shares / S`` of the pool that ``shares`` (>= 0, <= S) own."""
        s = _amounts("shares", shares)
        if np.any(s > self.shares * (1 + 1e-12)):
            raise ValueError(f"shares must be in [0, shares outstanding], got {shares!r}")
        return _out(np.where(self.shares > 0, s / np.where(self.shares > 0, self.shares, 1.0),
                             0.0))


@dataclass(frozen=True)
class Trade(Result):
    """A swap (or an arbitrage): the pool before and after, and the flows *into* the pool.

    ``token_in`` > 0 is a sale of tokens to the pool, < 0 a purchase from it; ``cash_in``
    has the opposite sign (or both are zero: no trade).
    """

    before: PoolState
    after: PoolState
    token_in: np.ndarray            #: tokens into the pool (negative: out) [million tokens]
    cash_in: np.ndarray             #: cash into the pool (negative: out) [million USD]

    def execution_price(self):
        """Cash per token of the trade, fee included [USD per token]; the spot price where
        nothing traded. A seller receives it, a buyer pays it."""
        t = np.asarray(self.token_in)
        traded = t != 0
        return _out(np.where(traded, -np.asarray(self.cash_in) / np.where(traded, t, 1.0),
                             np.asarray(self.before.price())))

    def price_impact(self):
        """The relative move of the spot price, ``p_after / p_before - 1``."""
        return _out(np.asarray(self.after.price()) / np.asarray(self.before.price()) - 1.0)

    def fee_paid(self):
        """The fee the trader paid, in the units of what it sold (tokens or cash)."""
        sold = np.maximum(self.token_in, 0.0) + np.maximum(self.cash_in, 0.0)
        return _out(self.before.fee * sold)


@dataclass(frozen=True)
class Mint(Result):
    """A deposit: the pool before and after, what was deposited and the shares minted."""

    before: PoolState
    after: PoolState
    token_in: np.ndarray            #: tokens deposited [million tokens]
    cash_in: np.ndarray             #: cash deposited [million USD]
    minted: np.ndarray              #: shares minted to the depositor [million shares]


@dataclass(frozen=True)
class Burn(Result):
    """A withdrawal: the pool before and after, the shares burned and what they paid out."""

    before: PoolState
    after: PoolState
    burned: np.ndarray              #: shares burned [million shares]
    token_out: np.ndarray           #: tokens paid out [million tokens]
    cash_out: np.ndarray            #: cash paid out [million USD]


def _state(state) -> PoolState:
    return v.instance("state", state, PoolState)


def open_pool(pool: Pool) -> Mint:
    """The first deposit into an empty pool: it mints ``sqrt(x y)`` shares (see the module
    docstring for the ``MINIMUM_LIQUIDITY`` the contract also locks)."""
    pool = v.instance("pool", pool, Pool)
    return mint(PoolState.empty(pool.fee), pool.reserve_token, pool.reserve_cash)


def mint(state: PoolState, token, cash) -> Mint:
    r"""Deposit ``token`` tokens and ``cash`` (both >= 0) into the pool, as the v2 contract does.

    Into an empty pool both must be positive and mint :math:`\sqrt{\Delta x \Delta y}`
    shares; otherwise the deposit mints :math:`S \min(\Delta x / x, \Delta y / y)` and the
    pool keeps all of it.
    """
    state = _state(state)
    dx, dy = _amounts("token", token), _amounts("cash", cash)
    x, y, s = state.reserve_token, state.reserve_cash, state.shares
    first = s == 0
    if np.any(first & ((dx <= 0) | (dy <= 0))):
        raise ValueError("token and cash must both be in (0, inf) for a pool's first deposit")
    held = np.where(first, 1.0, x), np.where(first, 1.0, y)
    minted = np.where(first, np.sqrt(dx * dy),
                      s * np.minimum(dx / held[0], dy / held[1]))
    after = PoolState(x + dx, y + dy, s + minted, state.fee)
    return Mint(state, after, *np.broadcast_arrays(dx, dy, minted))


def burn(state: PoolState, shares) -> Burn:
    """Burn ``shares`` (in [0, S]): they pay out ``shares / S`` of each reserve. Burning all
    the shares empties the pool."""
    state = _state(state)
    share = np.asarray(state.share_of(shares))
    s = _amounts("shares", shares)
    all_of_it = s >= state.shares
    dx = np.where(all_of_it, state.reserve_token, share * state.reserve_token)
    dy = np.where(all_of_it, state.reserve_cash, share * state.reserve_cash)
    after = PoolState(np.where(all_of_it, 0.0, state.reserve_token - dx),
                      np.where(all_of_it, 0.0, state.reserve_cash - dy),
                      np.where(all_of_it, 0.0, state.shares - s), state.fee)
    return Burn(state, after, *np.broadcast_arrays(s, dx, dy))


def swap(state: PoolState, amount_in, sell: str = "token") -> Trade:
    """Sell ``amount_in`` (>= 0) of ``sell`` ("token" or "cash") to the pool, fee on the input.

    Works elementwise: a million independent swaps against a million pools (or against one)
    are one call.
    """
    state = _state(state)
    sell = v.choice("sell", sell, _SIDES)
    dx = _amounts("amount_in", amount_in)
    x, y = state.reserve_token, state.reserve_cash
    if sell == "token":
        out = np.asarray(cp.amount_out(dx, x, y, state.fee))
        token_in, cash_in = dx, -out
    else:
        out = np.asarray(cp.amount_out(dx, y, x, state.fee))
        token_in, cash_in = -out, dx
    return _trade(state, token_in, cash_in)


def swap_for(state: PoolState, amount_out, buy: str = "token") -> Trade:
    """Buy exactly ``amount_out`` of ``buy`` ("token" or "cash") from the pool, paying the
    input the contract asks for (the inverse of :func:`swap`); ``amount_out`` must be less
    than the pool holds."""
    state = _state(state)
    buy = v.choice("buy", buy, _SIDES)
    dy = _amounts("amount_out", amount_out)
    x, y = state.reserve_token, state.reserve_cash
    if buy == "token":
        paid = np.asarray(cp.amount_in(dy, y, x, state.fee))
        token_in, cash_in = -dy, paid
    else:
        paid = np.asarray(cp.amount_in(dy, x, y, state.fee))
        token_in, cash_in = paid, -dy
    return _trade(state, token_in, cash_in)


def _trade(state: PoolState, token_in, cash_in) -> Trade:
    token_in, cash_in = np.broadcast_arrays(np.asarray(token_in, float), np.asarray(cash_in, float))
    after = PoolState(state.reserve_token + token_in, state.reserve_cash + cash_in, state.shares,
                      state.fee)
    return Trade(state, after, token_in.copy(), cash_in.copy())


def arbitrage(state: PoolState, market_price) -> Trade:
    """The trade that brings the pool back into its no-arbitrage band around ``market_price``
    (> 0, USD per token; elementwise): an arbitrageur sells tokens to an overpriced pool
    and buys them from an underpriced one (:func:`toymarkets.core.pool.arbitrage_inputs`)."""
    state = _state(state)
    x, y = state.reserve_token, state.reserve_cash
    dx, dy = cp.arbitrage_inputs(x, y, market_price, state.fee)
    tokens_out = np.asarray(cp.amount_out(dy, y, x, state.fee))
    cash_out = np.asarray(cp.amount_out(dx, x, y, state.fee))
    return _trade(state, dx - tokens_out, dy - cash_out)


# --------------------------------------------------------------------------- closed forms


def spot_price(state: PoolState):
    """The pool's spot price y / x [USD per token]."""
    return _state(state).price()


def price_ratio_after_sale(pool: Pool, quantity):
    r"""The spot price after selling ``quantity`` (>= 0) tokens, over the spot price before:
    :math:`x^2 / ((x + q)(x + \gamma q))`."""
    pool = v.instance("pool", pool, Pool)
    q = _amounts("quantity", quantity)
    x = pool.reserve_token
    return _out(x * x / ((x + q) * (x + pool.gamma * q)))


def largest_sale(pool: Pool, discount):
    r"""The most tokens a sale can bring to ``pool`` while its average price stays within
    ``discount`` (in [0, 1)) of the spot price: the :math:`q` with
    :math:`\gamma x / (x + \gamma q) = 1 - \delta`, that is
    :math:`q = x\,(\gamma/(1-\delta) - 1)/\gamma`, and 0 when the fee alone costs more than
    :math:`\delta` [million tokens]."""
    pool = v.instance("pool", pool, Pool)
    d = np.asarray(discount, dtype=float)
    if not np.all(np.isfinite(d)) or np.any((d < 0) | (d >= 1)):
        raise ValueError(f"discount must be in [0, 1), got {discount!r}")
    g = pool.gamma
    return _out(np.maximum(0.0, pool.reserve_token * (g / (1.0 - d) - 1.0) / g))


def marginal_impact(pool: Pool, side: str = "sell") -> float:
    r"""How fast the spot price moves per token traded, at the first token [USD per token, per
    million tokens]: a sale ("sell") lowers it at :math:`(1 + \gamma)\, p / x`, a purchase
    ("buy") raises it at :math:`(1 + 1/\gamma)\, p / x` (the fee is paid on the input)."""
    pool = v.instance("pool", pool, Pool)
    side = v.choice("side", side, ("sell", "buy"))
    g = pool.gamma if side == "sell" else 1.0 / pool.gamma
    return (1.0 + g) * pool.price / pool.reserve_token


def impermanent_loss(price_ratio):
    r"""Impermanent loss of a fee-free constant-product pool when the price moves by the
    factor ``price_ratio`` = :math:`r` (> 0): :math:`2\sqrt{r}/(1 + r) - 1`, as a fraction of
    what holding the deposit would be worth (:cite:t:`aigner2021uniswap`)."""
    r = np.asarray(price_ratio, dtype=float)
    if not np.all(np.isfinite(r)) or np.any(r <= 0):
        raise ValueError(f"price_ratio must be finite and in (0, inf), got {price_ratio!r}")
    return _out(2.0 * np.sqrt(r) / (1.0 + r) - 1.0)


def impermanent_loss_by_arbitrage(pool: Pool, price_ratio, steps: int = 1):
    """Impermanent loss found by brute force: a provider owning the whole ``pool`` (with its
    fee), whose outside price moves from the pool's price to ``price_ratio`` (> 0) times it in
    ``steps`` (>= 1) equal steps of its logarithm, each followed by an :func:`arbitrage`. Returns
    the provider's value over the value of holding the deposit, minus one."""
    pool = v.instance("pool", pool, Pool)
    impermanent_loss(price_ratio)           # the same check on price_ratio
    steps = v.count("steps", steps, 1, 100_000)
    r = np.asarray(price_ratio, dtype=float)
    state = open_pool(pool).after
    for i in range(1, steps + 1):
        state = arbitrage(state, pool.price * r ** (i / steps)).after
    final = pool.price * r
    hold = pool.reserve_token * final + pool.reserve_cash
    return _out(np.asarray(state.value(final)) / hold - 1.0)


# --------------------------------------------------------------------------- a token launch


@dataclass(frozen=True)
class Launch(v.Parameters):
    """A token launch: a presale, a pool at listing and a house selling into it.

    The defaults are illustrative: a token listed at 1 USD, bought in a presale at 0.10 USD,
    a pool of 10 million tokens (a fifth of it seeded by the house) and 20 million tokens
    sold over the first 30 days, while the outside price drifts down 1% a day.
    """

    listing_price: float = 1.0      #: p0, outside price at listing [USD per token], (0, 1e6]
    presale_price: float = 0.1      #: c, the house's cost per token [USD per token], [0, 1e6]
    pool_tokens: float = 10.0       #: x0, tokens in the pool at listing [million], (0, 1e9]
    house_pool_share: float = 0.2   #: phi, share of the pool the house seeds, in [0, 1]
    house_sale: float = 20.0        #: Q, tokens the house sells [million tokens], [0, 1e9]
    sale_days: int = 30             #: D, days over which it sells, in [1, n_days]
    n_days: int = 90                #: T, days simulated, in [1, 10000]
    drift: float = -0.01            #: mu, log drift of the outside price per day, [-0.2, 0.2]
    volatility: float = 0.05        #: sigma, log volatility per day, in [0, 0.5]
    fee: float = 0.003              #: 1 - gamma, the pool's fee, in [0, 0.1]

    def __post_init__(self):
        v.positive("listing_price", self.listing_price, 1e6)
        v.non_negative("presale_price", self.presale_price, 1e6)
        v.positive("pool_tokens", self.pool_tokens, 1e9)
        v.probability("house_pool_share", self.house_pool_share)
        v.non_negative("house_sale", self.house_sale, 1e9)
        v.count("n_days", self.n_days, 1, 10_000)
        v.count("sale_days", self.sale_days, 1, self.n_days)
        v.in_range("drift", self.drift, -0.2, 0.2)
        v.non_negative("volatility", self.volatility, 0.5)
        v.in_range("fee", self.fee, 0.0, 0.1)

    @property
    def pool(self) -> Pool:
        """The pool at listing: x0 tokens and p0 x0 cash."""
        return Pool.at_price(self.listing_price, self.pool_tokens, self.fee)

    @property
    def house_tokens(self) -> float:
        """Tokens the house bought in the presale, Q + phi x0 [million tokens]."""
        return self.house_sale + self.house_pool_share * self.pool_tokens


@dataclass(frozen=True)
class LaunchRun(Result):
    """What :func:`simulate` returns. Arrays have one row per path.

    State arrays (``outside_price``, ``pool_token``, ``pool_cash``) have ``n_days + 1``
    columns, column 0 being the listing; flows have ``n_days``, one per day. Each day the
    house sells first (``sold``, ``proceeds``, leaving the pool at ``price_after_sale``),
    then arbitrageurs trade (``arb_token_in``, ``arb_cash_in``, signed flows into the pool).
    """

    params: Launch
    outside_price: np.ndarray       #: m_t [USD per token]
    pool_token: np.ndarray          #: x_t, tokens in the pool at the end of day t [million]
    pool_cash: np.ndarray           #: y_t [million USD]
    sold: np.ndarray                #: tokens the house sold into the pool [million tokens]
    proceeds: np.ndarray            #: cash it received [million USD]
    price_after_sale: np.ndarray    #: the pool's spot price just after the house's sale [USD]
    arb_token_in: np.ndarray        #: tokens arbitrageurs sold to the pool (< 0: bought)
    arb_cash_in: np.ndarray         #: cash arbitrageurs paid into the pool (< 0: received)

    AGENTS = AGENTS

    @property
    def n_paths(self) -> int:
        return self.outside_price.shape[0]

    def pool_price(self) -> np.ndarray:
        """The pool's spot price at the end of each day (after arbitrage) [USD per token]."""
        return self.pool_cash / self.pool_token

    def final_price(self) -> np.ndarray:
        """m_T, the outside price at which everything is marked [USD per token]."""
        return self.outside_price[:, -1]

    def arbitrage_profit(self) -> np.ndarray:
        """Each day's arbitrage profit [million USD]: the cash it took from the pool less
        what its tokens cost (or fetched) outside at m_t."""
        return -self.arb_cash_in - self.outside_price[:, 1:] * self.arb_token_in

    def _provider_value(self, share: float) -> np.ndarray:
        m_t = self.final_price()
        return share * (self.pool_token[:, -1] * m_t + self.pool_cash[:, -1])

    def pnl(self) -> pd.DataFrame:
        """Each party's profit against holding what it started with, marked at m_T, one row
        per path [million USD]; the parties sum to zero (``total``, to rounding)."""
        p = self.params
        m_t = self.final_price()
        x0, phi = p.pool_tokens, p.house_pool_share
        deposit = lambda tokens: tokens * m_t + p.listing_price * tokens   # noqa: E731
        frame = pd.DataFrame({
            "house_sales": self.proceeds.sum(axis=1) - self.sold.sum(axis=1) * m_t,
            "house_liquidity": self._provider_value(phi) - deposit(phi * x0),
            "providers": self._provider_value(1.0 - phi) - deposit((1.0 - phi) * x0),
            "arbitrageurs": self.arbitrage_profit().sum(axis=1),
            "late_buyers": (-self.arb_token_in * (m_t[:, None] - self.outside_price[:, 1:])
                            ).sum(axis=1),
        })
        frame["total"] = frame.sum(axis=1)
        frame.index.name = "path"
        return frame

    def house_profit(self) -> pd.DataFrame:
        """The house's profit from its presale tokens, split three ways, one row per path
        [million USD]: the presale discount (p0 - c) per token, the price move (m_T - p0) per
        token, and its trading (selling and providing liquidity) against holding."""
        p = self.params
        n = p.house_tokens
        pnl = self.pnl()
        frame = pd.DataFrame({
            "presale discount": np.full(self.n_paths, n * (p.listing_price - p.presale_price)),
            "price move": n * (self.final_price() - p.listing_price),
            "trading": (pnl["house_sales"] + pnl["house_liquidity"]).to_numpy(),
        })
        frame["total"] = frame.sum(axis=1)
        frame.index.name = "path"
        return frame

    def late_buyer_tokens(self) -> np.ndarray:
        """Tokens the late buyers hold at the end, net, per path [million tokens]."""
        return -self.arb_token_in.sum(axis=1)


def simulate(params: Launch, rng: np.random.Generator, n_paths: int = 1) -> LaunchRun:
    """Simulate ``n_paths`` launches (vectorised over paths, a loop over days).

    The only random draws are the outside price's shocks, one per path and day, drawn
    first: runs with the same seed share their outside prices whatever the pool, the sale
    or the drift.
    """
    v.instance("params", params, Launch)
    v.generator(rng)
    n_paths = v.count("n_paths", n_paths, 1, 100_000)
    p = params
    days = np.arange(p.n_days + 1)
    outside = random_walk(1.0, p.volatility, p.n_days, rng, n_paths) \
        * (p.listing_price * np.exp(p.drift * days))
    shape = (n_paths, p.n_days)
    pool_token, pool_cash = np.empty((n_paths, p.n_days + 1)), np.empty((n_paths, p.n_days + 1))
    pool_token[:, 0], pool_cash[:, 0] = p.pool_tokens, p.pool_tokens * p.listing_price
    sold, proceeds, after_sale = np.zeros(shape), np.zeros(shape), np.empty(shape)
    arb_token, arb_cash = np.empty(shape), np.empty(shape)
    clip = p.house_sale / p.sale_days
    x, y = pool_token[:, 0].copy(), pool_cash[:, 0].copy()
    # The arithmetic of swap() and arbitrage(), on plain arrays: a day is three calls to core.
    for t in range(p.n_days):
        if t < p.sale_days and clip > 0:
            cash = cp.amount_out(np.full(n_paths, clip), x, y, p.fee)
            sold[:, t], proceeds[:, t] = clip, cash
            x, y = x + clip, y - cash
        after_sale[:, t] = y / x
        dx, dy = cp.arbitrage_inputs(x, y, outside[:, t + 1], p.fee)
        out = cp.amount_out(np.concatenate([dx, dy]), np.concatenate([x, y]),
                            np.concatenate([y, x]), p.fee)
        cash_out, tokens_out = out[:n_paths], out[n_paths:]
        arb_token[:, t], arb_cash[:, t] = dx - tokens_out, dy - cash_out
        x, y = x + arb_token[:, t], y + arb_cash[:, t]
        pool_token[:, t + 1], pool_cash[:, t + 1] = x, y
    return LaunchRun(p, outside, pool_token, pool_cash, sold, proceeds, after_sale, arb_token,
                     arb_cash)
