"""One mechanism per module, named for the mechanism (never for a step).

A model imports :mod:`toymarkets.core` and :mod:`toymarkets._validate` only: never
another model (a piece two models need moves to ``core``), never matplotlib or a
widget. ``toymarkets.chapters.steps`` says which step uses which model.
"""
