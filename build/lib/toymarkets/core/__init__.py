"""Mechanics shared by two or more models: price paths, hedging, the balance sheet,
results and solvers. ``core`` imports only :mod:`toymarkets._validate`, never a model,
matplotlib or a widget."""
