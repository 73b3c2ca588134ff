"""The book's figures: its style (:mod:`~toymarkets.figures.style`) and one module per
model, each function taking a model's result and returning a matplotlib ``Figure``."""
