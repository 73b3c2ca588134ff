"""toymarkets: small, tested toy models of the market mechanisms in *Learning from FTX*.

One mechanism per module, named for it; the book's map (``book/00-introduction``)
lists which step uses which module.

================  ==========================================================
module            mechanism
================  ==========================================================
``prices``        reference price paths (geometric random walk)
``marketmaking``  Step 1: delta-neutral market maker and OTC desk
``balancesheet``  the balance-sheet type every chapter shares
``checks``        exercise self-checks (and the grader's scoring)
``style``         the book's figure style (colour-blind-safe palette)
``plots``         the book's figures, drawn from model results
``tryit``         the "Try it" widget pattern
================  ==========================================================
"""

__version__ = "0.1.0"
