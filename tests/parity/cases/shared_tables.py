"""Tables of functions and `functools.partial` constants of a module without workflows, read
by `module_values` through imports (by name and through the module)."""

from __future__ import annotations

from functools import partial

from waymark import action


@action
async def scale(value: int, factor: int = 2, *, offset: int = 0) -> int:
    return value * factor + offset


def to_csv(rows: list[str], sep: str = ",") -> str:
    return sep.join(rows)


def to_lines(rows: list[str]) -> str:
    return "\n".join(rows)


FORMATS = {"csv": to_csv, "lines": to_lines}
ACTIONS = {"scale": scale}
STEPS = [to_lines, to_csv]
TRIPLE = partial(scale, factor=3)
SEMICOLONS = partial(to_csv, sep=";")
