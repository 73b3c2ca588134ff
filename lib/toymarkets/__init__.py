"""toymarkets: small, tested toy models of the market mechanisms in *Learning from FTX*.

The package has four layers; imports only point down this list:

================  ==========================================================
layer             what it holds
================  ==========================================================
``chapters``      everything named by step: the step map (``chapters.steps``),
                  each chapter's Try-it control (``chapters.explore``), answer
                  keys (``chapters.answers``), self-checks, glue and tables
``figures``       the book's figures, one module per model, and its style
``story``         models composed into one story (the capstone)
``models``        one mechanism per module, named for the mechanism; a model
                  never imports another model
``core``          what two or more models share: price paths, hedging, the
                  balance sheet, the result base class, solvers
================  ==========================================================

``_validate`` holds the parameter checks every layer uses. Which step uses which
model is data, not prose: see ``toymarkets.chapters.steps.CHAPTERS``.
"""

__version__ = "1.0"
