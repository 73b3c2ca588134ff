"""Each chapter's "Try it" control, one module per step: ``toymarkets.explore.stepNN.tryit()``."""
