"""toymarkets: small, tested toy models of the market mechanisms in *Learning from FTX*.

One mechanism per module, named for it; the book's map (``book/00-introduction``)
lists which step uses which module.

================  ==========================================================
module            mechanism
================  ==========================================================
``prices``        reference price paths (geometric random walk)
``marketmaking``  Step 1: delta-neutral market maker and OTC desk
``toxicflow``     Step 2: B-book, toxic flow, markouts, Glosten-Milgrom quotes
``pricesupport``  Step 3 (and 5, 7, 14, 15): a price floor defended with a budget,
                  Kyle price impact, inventory drift
``hedging``       proportional hedging of client flow (Steps 1, 3 and later)
``balancesheet``  the balance-sheet type every chapter shares
``checks``        exercise self-checks (and the grader's scoring)
``style``         the book's figure style (colour-blind-safe palette)
``plots``         the book's figures, drawn from model results (``plots_<model>``
                  for one model's own figures)
``explore``       each chapter's Try-it control (``explore.stepNN.tryit()``)
``answers``       exercise answer keys (``answers.stepNN.ANSWERS``)
``notebook``      glue and tables for chapter notebooks
``tryit``         the "Try it" widget pattern
================  ==========================================================
"""

__version__ = "0.1.0"
