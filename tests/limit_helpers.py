"""Functions of another module than the workflows of `limit_flows` that call them: a limit
passed in one names this file and line, as a traceback would."""

from __future__ import annotations


def spin(n: int) -> int:
    """Counts to `n` one step at a time: past the step budget, it stops here."""
    total = 0
    while total < n:
        total += 1
    return total
