"""Why a value overflowed the recursion of the codec: it contains itself, or nests too deeply.

Encoding, decoding and input validation recurse once per level of a value. A list that holds
itself (`x.append(x)`) recurses for ever and a list nested 100,000 deep past Python's limit;
either way the codec stops with a `RecursionError`, which the callers turn into
`ValueNotSerializable` with `nesting_problem`: only then is the value walked again, without
recursion, to say which of the two it is. Shared references (`[a, a]`) are not cycles. A
workflow's inputs are measured before they are stored (`check_input_nesting`).
"""

from __future__ import annotations

import dataclasses
from collections import ChainMap, deque
from collections.abc import Iterator
from typing import Any

from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.nesting import VALUE_NESTING
from waymark_runtime.values.exception_values import ExceptionValue
from waymark_runtime.values.model_values import ModelValue

_CONTAINERS = (list, tuple, set, frozenset, deque)


def nesting_problem(value: Any) -> ValueNotSerializable:
    """The error for a value the codec could not get to the bottom of."""
    return self_containing(value) or ValueNotSerializable(
        "the value nests too deeply (more levels than Python's recursion limit)"
    )


def self_containing(value: Any) -> ValueNotSerializable | None:
    """The error for a `value` that holds itself (naming the container that does), or None."""
    cycle = holds_itself(value)
    if cycle is None:
        return None
    return ValueNotSerializable(
        f"the value contains itself: a {type(cycle).__name__} holds itself, directly or "
        "through other values, and has no JSON form"
    )


def holds_itself(value: Any) -> object | None:
    """A container (list, tuple, set, deque, dict, ChainMap, model, dataclass) reachable from `value` that
    holds itself, or None. Iterative: any depth of nesting is fine."""
    on_path: set[int] = set()
    done: set[int] = set()
    stack: list[tuple[object, Iterator[Any]]] = []
    children = _children(value)
    if children is None:
        return None
    on_path.add(id(value))
    stack.append((value, children))
    while stack:
        node, pending = stack[-1]
        child = next(pending, _END)
        if child is _END:
            stack.pop()
            on_path.discard(id(node))
            done.add(id(node))
            continue
        if id(child) in on_path:
            return child
        if id(child) in done:
            continue
        grandchildren = _children(child)
        if grandchildren is not None:
            on_path.add(id(child))
            stack.append((child, grandchildren))
    return None


def check_input_nesting(inputs: dict[str, Any]) -> None:
    """Refuse (`ValueNotSerializable`) an input nested deeper than `VALUE_NESTING` levels:
    the process that starts an instance may encode it, but a worker is not sure to read it."""
    for name, value in inputs.items():
        if nests_deeper(value, VALUE_NESTING):
            raise self_containing(value) or ValueNotSerializable(
                f"input `{name}` nests more than {VALUE_NESTING} levels deep (lists in lists, "
                f"dicts in dicts...); values may nest {VALUE_NESTING} levels"
            )


def nests_deeper(value: Any, levels: int) -> bool:
    """Whether `value` nests more than `levels` containers deep (a list in a list is two).
    Level by level, without recursion; a container that holds itself nests without end."""
    frontier = [value]
    for _ in range(levels):
        below: dict[int, Any] = {}
        for node in frontier:
            for child in _children(node) or ():
                if _children(child) is not None:
                    below[id(child)] = child
        if not below:
            return False
        frontier = list(below.values())
    return True


_END = object()


def _children(value: Any) -> Iterator[Any] | None:
    if isinstance(value, _CONTAINERS):
        return iter(value)
    if isinstance(value, dict):
        return iter([*value.keys(), *value.values()])
    if isinstance(value, ChainMap):
        return iter(value.maps)
    if isinstance(value, ModelValue):
        return iter(value.fields.values())
    if isinstance(value, ExceptionValue):
        return iter([value.args, value.attrs])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return iter([getattr(value, field.name, None) for field in dataclasses.fields(value)])
    fields = getattr(type(value), "model_fields", None)  # a pydantic model
    if isinstance(fields, dict):
        return iter([getattr(value, name, None) for name in fields])
    return None
