"""Everything named by step: the step map (:mod:`~toymarkets.chapters.steps`), each
chapter's Try-it control (``explore.stepNN``), its answer keys (``answers.stepNN``),
the self-checks and the notebook helpers (glue, tables, Try-it)."""
