"""The step map: which chapter tells which step, and which library modules serve it.

This is the one place the map is written. The introduction's table of the
seventeen steps is drawn from it (the book's Sphinx extension,
``booktools.sphinx_reader``), every "which Try-it, which answer key" lookup goes
through :func:`chapter`, and the tests check that each chapter notebook imports
exactly the models its entry names.

A chapter that is not written yet has ``file=None``; its row in the map names
the models planned for it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = ["Chapter", "CHAPTERS", "STEPS", "chapter", "chapter_for_file", "written"]


@dataclass(frozen=True)
class Chapter:
    """One entry of the map."""

    key: str                        #: "step01" ... "step17", "epilogue", "capstone"
    step: int | None                #: the essay's step number, None for the other chapters
    title: str                      #: the chapter's short title
    summary: str                    #: what happens, in the essay's telling, in a few words
    model: str                      #: the model, in a few words
    models: tuple[str, ...] = ()    #: modules of toymarkets.models the notebook imports
    story: tuple[str, ...] = ()     #: modules of toymarkets.story it imports
    figures: tuple[str, ...] = ()   #: modules of toymarkets.figures it imports
    file: str | None = None         #: the notebook, "book/NN-slug.ipynb", once written

    @property
    def explore(self) -> str:
        """The module of the chapter's Try-it control."""
        return f"toymarkets.chapters.explore.{self.key}"

    @property
    def answers(self) -> str:
        """The module of the chapter's answer keys."""
        return f"toymarkets.chapters.answers.{self.key}"

    @property
    def doc(self) -> str | None:
        """The chapter's page name for Sphinx (``book/01-market-maker``), once written."""
        return None if self.file is None else str(PurePosixPath(self.file).with_suffix(""))

    def tryit(self):
        """The chapter's Try-it control, built (``explore.<key>.tryit()``)."""
        return importlib.import_module(self.explore).tryit()


def _step(n: int, title: str, summary: str, model: str, models=(), figures=None, story=(),
          file=None) -> Chapter:
    return Chapter(f"step{n:02d}", n, title, summary, model, tuple(models), tuple(story),
                   tuple(models if figures is None else figures), file)


#: Every chapter of the book, in reading order.
CHAPTERS: tuple[Chapter, ...] = (
    _step(1, "The delta-neutral market maker",
          "A market maker that hedges everything opens an OTC desk",
          "spread, rebates, hedging and inventory", ("marketmaking",),
          file="book/01-market-maker.ipynb"),
    _step(2, "Taking the other side of toxic flow",
          "The exchange's liquidations go to its own market maker",
          "a B-book against toxic flow; markouts; Glosten–Milgrom quotes",
          ("toxicflow", "glostenmilgrom"), figures=("toxicflow",),
          file="book/02-b-book.ipynb"),
    _step(3, "Making markets in your own token",
          "The market maker props up the exchange's token",
          "a price floor defended with a budget", ("pricesupport",),
          file="book/03-own-token.ipynb"),
    _step(4, "Cheap tokens, a pool and a thin hedge",
          "Cheap tokens are seeded into pools and sold",
          "a constant-product pool; impermanent loss; who pays for a sale into a pool",
          ("amm",), file="book/04-pools.ipynb"),
    _step(5, "A rescue that became a bet",
          "A rescue leaves a long position in a thin market",
          "price support in a thin pool as an option-like bet", ("pricesupport", "amm"),
          figures=("pricesupport", "rescue"), story=("rescue",), file="book/05-rescue.ipynb"),
    _step(6, "Farming on borrowed deposits",
          "Customer deposits are lent to the trading firm against the token",
          "pro-rata farm rewards; a loan against the house token", ("farming",),
          file="book/06-farming.ipynb"),
    _step(7, "Paper gains in low-float tokens",
          "Thinly traded tokens are marked up and held",
          "mark value against liquidation value; the square-root law", ("impact",),
          file="book/07-low-float.ipynb"),
    _step(8, "Venture stakes and locked tokens",
          "Hundreds of illiquid bets, some bought with borrowed money",
          "heavy-tailed venture returns; lock-ups and vesting", ("venture",),
          file="book/08-venture.ipynb"),
    _step(9, "Taking stock: a directional firm",
          "The firm is now long, illiquid and concentrated",
          "one balance sheet at mark and at liquidation value", ("marketmaking",),
          figures=("directional",), story=("directional",), file="book/09-balance-sheet.ipynb"),
    _step(10, "The Terra/LUNA spiral",
          "A stablecoin loses its peg and its sister token collapses",
          "mint-and-burn arbitrage against a finite pool", ("peg",),
          file="book/10-terra.ipynb"),
    _step(11, "Catching falling knives",
          "Liquidations in a crash land on the house",
          "a liquidation cascade with price impact; a backstop", ("liquidation",),
          file="book/11-falling-knives.ipynb"),
    _step(12, "Contagion among lenders",
          "Lenders fail and are bailed out against the token",
          "Eisenberg–Noe clearing with default costs", ("clearing",),
          file="book/12-contagion.ipynb"),
    _step(13, "Loans that pile up",
          "Illiquid tokens fall and the exchange lends again",
          "fire sales against margin calls; loans against the house token", ("firesale",),
          file="book/13-loans-pile-up.ipynb"),
    _step(14, "The collateral loop",
          "Pushing the token up lets the firm borrow more",
          "a fixed point of price, collateral and borrowing", ("collateral",),
          file="book/14-collateral-loop.ipynb"),
    _step(15, "The run",
          "A large holder sells and depositors run",
          "a threshold run against finite reserves", ("bankrun",),
          file="book/15-run.ipynb"),
    _step(16, "The hole",
          "The assets are worth less than what customers are owed",
          "the combined sheet and the shortfall", ("shortfall",),
          file="book/16-the-hole.ipynb"),
    _step(17, "Bailout and bankruptcy",
          "No rescuer; the estate pays out by priority",
          "an absolute-priority waterfall; petition-date dollars", ("waterfall", "shortfall"),
          file="book/17-bankruptcy.ipynb"),
    Chapter("epilogue", None, "Lessons", "Directional bets, integrity, making money slowly",
            "the Kelly criterion and over-betting", ("kelly",), (), ("kelly",),
            file="book/epilogue.ipynb"),
    Chapter("capstone", None, "What if nothing had been done?",
            "The whole story in one model, every decision a switch",
            "the story on one balance sheet; Shapley attribution", (), ("capstone",),
            ("capstone",), file="book/capstone.ipynb"),
)

#: The essay's seventeen steps by number.
STEPS: dict[int, Chapter] = {c.step: c for c in CHAPTERS if c.step is not None}


def chapter(key: str) -> Chapter:
    """The chapter with this key (``"step01"``, ``"epilogue"``, ...)."""
    for c in CHAPTERS:
        if c.key == key:
            return c
    raise ValueError(f"key must be one of {[c.key for c in CHAPTERS]}, got {key!r}")


def chapter_for_file(path) -> Chapter:
    """The chapter whose notebook is ``path`` (any prefix; matched on the file name)."""
    name = PurePosixPath(str(path).replace("\\", "/")).name
    for c in CHAPTERS:
        if c.file is not None and PurePosixPath(c.file).name == name:
            return c
    raise ValueError(f"no chapter of the step map has the notebook {name!r} (path {path!r})")


def written() -> tuple[Chapter, ...]:
    """The chapters that have a notebook."""
    return tuple(c for c in CHAPTERS if c.file is not None)
