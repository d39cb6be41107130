"""`itertools.starmap(f, items)`'s items, checked against `f`'s parameters as CPython's call of
`f` checks them: the compiler applies `f` to each tuple this gives (`lower.starmap`), so an item
of the wrong length raises the `TypeError` CPython's call raises, worded as it words it.

`spec` describes `f`: `(name, arity)` for an `operator` function (C code, which counts its
arguments), `(qualname, parameters, bound)` for a Python function (`bound` is 1 for a method,
whose `self` CPython counts among the arguments given).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def starmap_items(iterable: Any, spec: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    """The items of `iterable` as argument tuples; its iterator is made now, as `starmap`'s."""
    source = iter(iterable)

    def items() -> Iterator[tuple[Any, ...]]:
        for item in source:
            args = tuple(item)
            message = _arity_error(spec, len(args))
            if message is not None:
                raise TypeError(message)
            yield args

    return items()


def _arity_error(spec: tuple[Any, ...], given: int) -> str | None:
    if len(spec) == 2:  # an `operator` function
        name, arity = spec
        if given == arity:
            return None
        if arity == 1:
            return f"_operator.{name}() takes exactly one argument ({given} given)"
        return f"{name} expected {arity} arguments, got {given}"
    name, parameters, bound = spec
    given += bound
    if given < len(parameters):
        missing = [f"'{p}'" for p in parameters[given:]]
        listed = missing[0] if len(missing) == 1 else _and(missing)
        plural = "s" if len(missing) > 1 else ""
        return f"{name}() missing {len(missing)} required positional argument{plural}: {listed}"
    if given > len(parameters):
        plural = "" if len(parameters) == 1 else "s"
        verb = "was" if given == 1 else "were"
        count = len(parameters)
        return f"{name}() takes {count} positional argument{plural} but {given} {verb} given"
    return None


def _and(names: list[str]) -> str:
    """`'a' and 'b'`, `'a', 'b', and 'c'`: CPython's list of missing parameters."""
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + f", and {names[-1]}"
