"""Answer keys for the exercise self-checks, one module per step (see toymarkets.checks)."""
