"""Risk and issue registers."""
