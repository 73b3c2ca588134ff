"""Compositions of several models: a step that combines mechanisms, and the capstone
that runs the whole story on one balance sheet. ``story`` imports models and ``core``;
it never plots."""
