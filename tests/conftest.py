"""Hypothesis profiles for the suite.

``make test`` and CI use the default profile, ``repeatable``: every property test draws
the same examples on every run (``derandomize``), so a run that passes today passes on
a clean clone tomorrow, and a failure can be reproduced exactly. Authors looking for new
counterexamples run the ``explore`` profile, which draws fresh random examples each time
and many more of them:

    HYPOTHESIS_PROFILE=explore .venv/bin/python -m pytest tests -n 2

A counterexample found that way is fixed in the code and kept as an explicit test (an
``@example`` or a plain test), so that the repeatable run covers it from then on.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", max_examples=500, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
