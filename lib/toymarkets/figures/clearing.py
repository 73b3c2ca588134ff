"""Figures of the clearing model (Step 12): a network of debts, its default waves, a rescue.

Each function takes results of :mod:`toymarkets.models.clearing` (a
:class:`~toymarkets.models.clearing.Clearing` or a
:class:`~toymarkets.models.clearing.Rescue`), draws in the book's style and returns a
``Figure``. Amounts are in millions of USD. A node's colour *and* its marker say in
which wave it defaulted, so the figures read in grey too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.lines import Line2D

from ..models.clearing import Clearing, Rescue, RescueLoan
from .style import COLORS, PALETTE, figure, label, styled

__all__ = ["STORY_LAYOUT", "WAVES", "network_diagram", "defaults_by_shock", "rescue_effect",
           "rescue_sweep", "ContagionPanels"]

#: Where each node of the 2022 network is drawn: sources of loss left, lenders in the
#: middle, the depositors right, the exchange below.
STORY_LAYOUT = {
    "fund": (0.0, 2.0), "trading firm": (0.0, 0.0),
    "Voyager": (1.6, 2.0), "BlockFi": (1.6, 1.0), "Genesis": (1.6, 0.0),
    "depositors": (3.2, 1.0), "exchange": (1.6, -1.25),
}

#: How each default wave is drawn: (label, colour, marker); wave 3 stands for 3 and later.
WAVES = {
    0: ("pays in full", PALETTE["blue"], "o"),
    1: ("defaults in wave 1", PALETTE["vermillion"], "X"),
    2: ("defaults in wave 2", PALETTE["orange"], "s"),
    3: ("defaults in wave 3 or later", PALETTE["purple"], "D"),
}
_NODE_SIZE = 620


def _clearing(result) -> Clearing:
    if not isinstance(result, Clearing):
        raise ValueError(f"clearing must be a Clearing, got {type(result).__name__}")
    return result


def _layout(names: Sequence[str], layout: Mapping | None) -> dict[str, tuple[float, float]]:
    if layout is None:
        layout = STORY_LAYOUT if set(names) <= set(STORY_LAYOUT) else None
    if layout is None:
        angles = np.pi / 2 - 2 * np.pi * np.arange(len(names)) / len(names)
        return {n: (float(np.cos(a)), float(np.sin(a))) for n, a in zip(names, angles,
                                                                        strict=True)}
    missing = set(names) - set(layout)
    if missing:
        raise ValueError(f"layout has no position for {sorted(missing)}")
    return {n: tuple(layout[n]) for n in names}


def _label_spots(where) -> dict[str, tuple[float, float, str, str]]:
    """Where each node's label goes: left of the left column, right of the right column,
    under the others (so that arrows into the outer columns never cross a label)."""
    xs = [x for x, _ in where.values()]
    lo, hi = min(xs), max(xs)
    spots = {}
    for name, (x, y) in where.items():
        if x == lo and hi > lo:
            spots[name] = (x - 0.2, y, "right", "center")
        elif x == hi and hi > lo:
            spots[name] = (x + 0.2, y, "left", "center")
        else:
            spots[name] = (x, y - 0.27, "center", "top")
    return spots


def _wave_style(wave: int) -> tuple[str, str, str]:
    return WAVES[min(int(wave), 3)]


def _arrow(ax, start, end, **style):
    """An arrow from ``start`` to ``end`` (data coordinates), stopping short of the markers."""
    props = {"arrowstyle": "-|>", "mutation_scale": 12, "shrinkA": 13, "shrinkB": 15, **style}
    return ax.annotate("", xy=end, xytext=start, arrowprops=props, zorder=props.pop("zorder", 1))


def _arrows(ax, names, matrix, where, *, amounts: bool = True) -> None:
    """One arrow per debt, from debtor to creditor, its width growing with the amount."""
    top = matrix.max(initial=0.0)
    for i, j in zip(*np.nonzero(matrix), strict=True):
        (x0, y0), (x1, y1) = where[names[i]], where[names[j]]
        _arrow(ax, (x0, y0), (x1, y1), lw=0.8 + 4.0 * matrix[i, j] / top, color="#9a9a9a")
        if amounts:
            ax.text(0.62 * x0 + 0.38 * x1, 0.62 * y0 + 0.38 * y1, f"{matrix[i, j]:,.0f}",
                    fontsize=7, ha="center", va="center", zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})


_RESCUE = {"mutation_scale": 14, "lw": 2.0, "ls": "--", "color": PALETTE["green"],
           "connectionstyle": "arc3,rad=-0.25"}


def _rescue_arrows(ax, loans: Sequence[RescueLoan], where) -> None:
    for loan in loans:
        _arrow(ax, where[loan.lender], where[loan.borrower], **_RESCUE)


def _frame_axes(ax, where) -> None:
    xs, ys = zip(*where.values(), strict=True)
    ax.set_xlim(min(xs) - 0.95, max(xs) + 0.95)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.45)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("arrows run from debtor to creditor, wider for larger debts", fontsize=8)
    ax.set_ylabel("marker: default wave", fontsize=8)
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)


def _wave_legend(fig, waves, rescue: bool = False) -> None:
    handles = [Line2D([], [], ls="none", marker=_wave_style(w)[2], color=_wave_style(w)[1],
                      markersize=9, label=_wave_style(w)[0]) for w in waves]
    if rescue:
        handles.append(Line2D([], [], color=PALETTE["green"], ls="--", lw=2,
                              label="rescue loan"))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8)


@styled
def network_diagram(clearing: Clearing, *, title: str, layout: Mapping | None = None,
                    loans: Sequence[RescueLoan] = ()):
    """The network: an arrow from each debtor to each creditor labelled with the amount owed
    [USD m], each node marked by its default wave and labelled with the share it pays.

    ``loans`` (rescue loans) are drawn as dashed green arrows from lender to borrower.
    """
    out = _clearing(clearing)
    names = out.names
    where = _layout(names, layout)
    fig, ax = figure(size=(7.6, 4.9))
    _arrows(ax, names, out.network.matrix, where)
    _rescue_arrows(ax, loans, where)
    spots = _label_spots(where)
    for name, wave, share, owes in zip(names, out.wave, out.share_paid,
                                       out.network.total_obligations, strict=True):
        _, colour, marker = _wave_style(wave)
        x, y = where[name]
        ax.scatter([x], [y], s=_NODE_SIZE, color=colour, marker=marker, zorder=4,
                   edgecolors="white", linewidths=1.2)
        text = name if owes == 0 else f"{name}\npays {share:.0%}"
        tx, ty, ha, va = spots[name]
        ax.text(tx, ty, text, ha=ha, va=va, fontsize=8.5, zorder=5)
    _frame_axes(ax, where)
    ax.set_title(title, loc="left")
    _wave_legend(fig, sorted({min(int(w), 3) for w in out.wave} | {0}), rescue=bool(loans))
    return fig


@styled
def defaults_by_shock(shocks, groups: Mapping[str, Sequence[Clearing]], *, title: str):
    """Number of defaults (top) and what the owners lose in all (bottom) against the shock.

    ``groups`` maps a legend label to one Clearing per shock (the same network with and
    without default costs, say).
    """
    shocks = np.asarray(shocks, dtype=float)
    if not groups:
        raise ValueError("groups must name at least one list of clearings")
    fig, (top, bottom) = figure(2, 1, size=(7.0, 5.2), sharex=True)
    for k, (name, runs) in enumerate(groups.items()):
        runs = [_clearing(r) for r in runs]
        if len(runs) != shocks.size:
            raise ValueError(f"groups[{name!r}] must hold one clearing per shock")
        style = {"color": COLORS[k], "ls": ["-", "--", "-.", ":"][k % 4], "lw": 1.8}
        top.step(shocks * 100, [r.n_defaults for r in runs], where="post", label=name, **style)
        bottom.plot(shocks * 100, [r.losses.sum() for r in runs], **style)
    top.legend(loc="upper left")
    top.yaxis.get_major_locator().set_params(integer=True)
    label(top, x="shock [% of outside assets lost]", y="nodes in default [count]", title=title)
    label(bottom, x="shock [% of outside assets lost]", y="owners' losses [million USD]")
    top.label_outer()
    return fig


@styled
def rescue_effect(rescue: Rescue, *, title: str):
    """Left: the share of its debts each node pays, without and with the rescue. Right:
    where the loss lands (each node's owners' loss [USD m]), without and with it."""
    if not isinstance(rescue, Rescue):
        raise ValueError(f"rescue must be a Rescue, got {type(rescue).__name__}")
    fig, (left, right) = figure(1, 2, size=(8.4, 4.0), gridspec_kw={"width_ratios": [1, 1.2]})
    owes = rescue.before.network.total_obligations > 0
    names = [n for n, o in zip(rescue.names, owes, strict=True) if o]
    y = np.arange(len(names))
    for k, (name, run, hatch) in enumerate((("without the rescue", rescue.before, None),
                                            ("with the rescue", rescue.after, "//"))):
        left.barh(y + (0.2 if k == 0 else -0.2), run.share_paid[owes] * 100, height=0.38,
                  color=COLORS[k], hatch=hatch, edgecolor="white", label=name)
    left.set_yticks(y, names)
    left.invert_yaxis()
    left.set_xlim(0, 105)
    label(left, x="debts paid [%]", y="node [name]", title=title)
    frame = rescue.losses().drop(index="total")
    y = np.arange(len(frame))
    for k, (col, hatch) in enumerate((("without the rescue", None), ("with the rescue", "//"))):
        right.barh(y + (0.2 if k == 0 else -0.2), frame[col], height=0.38, color=COLORS[k],
                   hatch=hatch, edgecolor="white")
    right.set_yticks(y, frame.index)
    right.invert_yaxis()
    right.axvline(0, color="grey", lw=0.8)
    label(right, x="owners' loss [million USD]", y="who loses [name]", title="Where the loss lands")
    fig.legend(handles=left.get_legend_handles_labels()[0], loc="outside lower center", ncols=2)
    return fig


@styled
def rescue_sweep(amounts, rescues: Sequence[Rescue], *, lender: str, title: str):
    """Against the size of the rescue loan [USD m]: the number of defaults (top), and below
    the rescue lender's loss on the loan (what the borrower cannot repay) and its exposure
    (the loan less what the collateral would fetch)."""
    amounts = np.asarray(amounts, dtype=float)
    if len(rescues) != amounts.size:
        raise ValueError("rescues must hold one Rescue per amount")
    for r in rescues:
        if not isinstance(r, Rescue):
            raise ValueError(f"rescues must be Rescue results, got {type(r).__name__}")
    fig, (top, bottom) = figure(2, 1, size=(7.0, 5.2), sharex=True)
    top.step(amounts, [r.after.n_defaults for r in rescues], where="post", color=COLORS[0],
             lw=1.8)
    top.yaxis.get_major_locator().set_params(integer=True)
    label(top, x="rescue loan [million USD]", y="nodes in default [count]", title=title)
    moved = [r.loss_of(lender) for r in rescues]
    bottom.plot(amounts, moved, color=COLORS[3], lw=1.8,
                label=f"{lender}'s loss: the loan the borrower cannot repay")
    bottom.plot(amounts, [r.exposure for r in rescues], color=COLORS[1], ls="--", lw=1.8,
                label=f"{lender}'s exposure: the loan less the collateral sold")
    bottom.legend(loc="upper left", fontsize=8)
    label(bottom, x="rescue loan [million USD]", y="lender's loss [million USD]")
    top.label_outer()
    return fig


class ContagionPanels:
    """The Step 12 Try-it figure, built once and updated in place.

    Left: the network (arrows and names static; each node's marker, which says in which
    wave it defaulted, animated). Right: the share of its debts each node pays, one bar per
    debtor. The title carries the settings; a line over the bars the rescue lender's
    exposure.
    """

    @styled
    def __init__(self, clearing: Clearing, *, layout: Mapping | None = None,
                 waves: Sequence[int] = (0, 1, 2, 3)):
        out = _clearing(clearing)
        self.names = out.names
        self.where = _layout(self.names, layout)
        self.figure, (self.left, self.right) = figure(
            1, 2, size=(9.6, 4.6), gridspec_kw={"width_ratios": [1.8, 1]})
        self.suptitle = self.figure.suptitle(" ", fontweight="bold", fontsize=11, animated=True)
        _arrows(self.left, self.names, out.network.matrix, self.where, amounts=False)
        xy = np.array([self.where[n] for n in self.names])
        self.nodes = {}
        for w in WAVES:            # one scatter per wave, so each keeps its own marker
            _, colour, marker = WAVES[w]
            self.nodes[w] = self.left.scatter(xy[:, 0], xy[:, 1], s=_NODE_SIZE, color=colour,
                                              marker=marker, zorder=4, edgecolors="white",
                                              linewidths=1.2, animated=True)
        spots = _label_spots(self.where)
        for n in self.names:        # static: the bars on the right give each share paid
            self.left.text(*spots[n][:2], n, ha=spots[n][2], va=spots[n][3], fontsize=8,
                           zorder=5)
        self.rescue = _arrow(self.left, (0.0, 0.0), (0.0, 0.0), **_RESCUE)
        self.rescue.set_animated(True)
        _frame_axes(self.left, self.where)
        owes = out.network.total_obligations > 0
        self.debtors = np.flatnonzero(owes)
        y = np.arange(self.debtors.size)
        self.bars = self.right.barh(y, np.zeros(y.size), height=0.6, color=COLORS[0],
                                    animated=True)
        self.right.set_yticks(y, [self.names[i] for i in self.debtors])
        self.right.invert_yaxis()
        self.right.set_xlim(0, 100)
        label(self.right, x="debts paid [%]", y="node [name]")
        self.note = self.right.set_title(" ", loc="left", fontsize=9)
        self.note.set_animated(True)
        handles = [Line2D([], [], ls="none", marker=WAVES[w][2], color=WAVES[w][1],
                          markersize=9, label=WAVES[w][0]) for w in waves]
        handles.append(Line2D([], [], color=PALETTE["green"], ls="--", lw=2,
                              label="rescue loan"))
        self.figure.legend(handles=handles, loc="outside lower center", ncols=len(handles),
                           fontsize=8)

    @styled
    def show(self, rescue: Rescue, *, title: str):
        """Draw the network as cleared after the rescue (``rescue.after``)."""
        if not isinstance(rescue, Rescue):
            raise ValueError(f"rescue must be a Rescue, got {type(rescue).__name__}")
        out = rescue.after
        if out.names != self.names:
            raise ValueError("the rescue's network must have the nodes this figure was built for")
        waves = np.minimum(out.wave, 3)
        for w, scatter in self.nodes.items():
            scatter.set_sizes(np.where(waves == w, _NODE_SIZE, 0.0))
        for bar, i in zip(self.bars, self.debtors, strict=True):
            bar.set_width(out.share_paid[i] * 100)
            bar.set_color(_wave_style(out.wave[i])[1])
        lent = [loan for loan in rescue.loans if loan.amount > 0]
        self.rescue.set_visible(bool(lent))
        if lent:
            self.rescue.set_position(self.where[lent[0].lender])       # the arrow's tail
            self.rescue.xy = self.where[lent[0].borrower]              # its head
        self.note.set_text(f"{out.n_defaults} in default; exposure {rescue.exposure:,.0f} m USD")
        self.suptitle.set_text(title)
        return self.figure
