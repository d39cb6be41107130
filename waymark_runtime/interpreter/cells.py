"""The cells of variables that closures keep (`vocabulary.CELL_BOUND`)."""

from __future__ import annotations

from typing import Any

from waymark_runtime.interpreter.operators import unbound


def cell_bound(cell: dict[int, Any], name: str, free: bool) -> dict[int, Any]:
    """`cell` when it holds the value of variable `name`, else CPython's error for reading
    it unbound: from a closure (`free`), or from the function it belongs to."""
    if 0 in cell:
        return cell
    if not free:
        raise unbound(name)
    error = NameError(
        f"cannot access free variable '{name}' where it is not associated with a value in "
        "enclosing scope"
    )
    error.name = name
    raise error
