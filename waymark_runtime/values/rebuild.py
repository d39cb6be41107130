"""Real objects rebuilt from workflow values with their identities kept, for the user's own
methods the runtime runs on them (`__eq__`, `__repr__`, an operator).

Python runs `a == b` on the objects themselves: when `a` and `b` hold the same object (one
`Leaf` in both), a class's `__eq__` comparing `self.leaf == other.leaf` sees that one object
twice, and an object whose attributes lead back to it (`node.parent.child is node`) is still
that object when reached again. So the values given together are rebuilt in one pass: a list,
dict, model, dataclass or plain instance reached twice is one real object, a cycle included.
A tuple is made before the lists and instances it holds are filled, as Python made it before
they could lead back to it (`team = (a, b); a.team = team`). What is none of these is rebuilt
as `real_value` rebuilds it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from waymark_runtime.nesting import VALUE_NESTING
from waymark_runtime.values.cycles import nesting_problem, nests_deeper
from waymark_runtime.values.model_values import MODEL_VALUES
from waymark_runtime.values.registry import find_class, kind_of
from waymark_runtime.values.structural import TypeResolver

_ATOMS = frozenset({int, str, float, bool, type(None)})
_REBUILT_IN_PLACE = frozenset({"dataclass", "object"})
"""The kinds made without their `__init__` and given their fields (as `decode` makes them)."""


def rebuilt(*values: Any, types: TypeResolver = find_class) -> tuple[Any, ...]:
    """The real objects for `values`, one pass over all of them (identities kept). A value
    nested past the recursion limit is `ValueNotSerializable`, as where it is stored: the
    `RecursionError` is the rebuilder's, not the workflow's (`ValueError(rows)` raises none)."""
    rebuilder = _Rebuilder(types)
    try:
        return tuple(rebuilder.real(value) for value in values)
    except RecursionError:
        if not nests_deeper(values, VALUE_NESTING):
            raise  # a user's own method, rebuilding a model, recursed without end
        raise nesting_problem(values) from None


class _Rebuilder:
    def __init__(self, types: TypeResolver) -> None:
        self.types = types
        self.made: dict[int, Any] = {}  # a value's id -> its real object
        # Lists and instances made empty for a tuple being made, by id: what fills each. They
        # are filled once the outermost such tuple is made (`fills` holds them until then),
        # or at once where something must hash them.
        self.unfilled: dict[int, Callable[[], None]] = {}
        self.fills: list[int] | None = None

    def real(self, value: Any) -> Any:
        kind = value.__class__
        if kind in _ATOMS:
            return value
        found = self.made.get(id(value), _NONE)
        if found is not _NONE:
            if self.fills is None and id(value) in self.unfilled:
                self.unfilled.pop(id(value))()
            return found
        if kind is slice:  # `page[1:]`: a slice is no stored value, its bounds are
            return slice(self.real(value.start), self.real(value.stop), self.real(value.step))
        if kind is list:
            items: list[Any] = self._made(value, [])
            items.extend(self.real(item) for item in value)
            return items
        if kind is dict:
            table: dict[Any, Any] = self._made(value, {})
            for key, item in value.items():
                table[self._hashed(key)] = self.real(item)
            return table
        if kind is tuple:
            return self._tuple(value)
        if kind in (set, frozenset):
            return self._made(value, kind(self._hashed(item) for item in value))
        if kind in MODEL_VALUES:
            cls = self.types(value.type)
            in_place = value.kind in _REBUILT_IN_PLACE and isinstance(cls, type)
            if in_place and kind_of(cls) == value.kind:  # type: ignore[arg-type]
                return self._instance(value, cls)  # type: ignore[arg-type]
        return self._made(value, _real_value(value, self.types))

    def _tuple(self, value: tuple[Any, ...]) -> tuple[Any, ...]:
        outer = self.fills
        fills = self.fills = [] if outer is None else outer
        try:
            made: tuple[Any, ...] = self._made(value, tuple(self._early(i) for i in value))
        finally:
            self.fills = outer
        if outer is None:
            for key in fills:
                fill = self.unfilled.pop(key, None)
                if fill is not None:
                    fill()
        return made

    def _early(self, item: Any) -> Any:
        """A tuple's item: a list or instance not made yet is made empty, filled later."""
        kind = item.__class__
        if id(item) in self.made or self.fills is None:
            return self.real(item)
        if kind is list:
            shell: list[Any] = self._made(item, [])
            self._later(item, lambda: shell.extend(self.real(i) for i in item))
            return shell
        if kind in MODEL_VALUES and item.kind in _REBUILT_IN_PLACE:
            cls = self.types(item.type)
            if isinstance(cls, type) and kind_of(cls) == item.kind:
                obj = self._made(item, object.__new__(cls))
                self._later(item, lambda: self._fields(item, cls, obj))
                return obj
        return self.real(item)

    def _later(self, value: Any, fill: Callable[[], None]) -> None:
        assert self.fills is not None
        self.unfilled[id(value)] = fill
        self.fills.append(id(value))

    def _hashed(self, value: Any) -> Any:
        """A dict's key or a set's item: filled before it is hashed (its `__hash__` may read
        its fields)."""
        outer, self.fills = self.fills, None
        try:
            return self.real(value)
        finally:
            self.fills = outer

    def _made(self, value: Any, real: Any) -> Any:
        self.made[id(value)] = real
        return real

    def _instance(self, value: Any, cls: type) -> Any:
        """A dataclass or plain instance made without its `__init__`, then given its fields
        (a dataclass only those it declares), known before them so that a field may lead back
        to it."""
        obj = self._made(value, object.__new__(cls))
        self._fields(value, cls, obj)
        return obj

    def _fields(self, value: Any, cls: type, obj: Any) -> None:
        declared = _declared(cls) if value.kind == "dataclass" else None
        for key, field in value.fields.items():
            if declared is None or key in declared:
                object.__setattr__(obj, key, self.real(field))


_NONE = object()


def _declared(cls: type) -> frozenset[str]:
    return frozenset(field.name for field in dataclasses.fields(cls))


def _real_value(value: Any, types: TypeResolver) -> Any:
    from waymark_runtime.values.decode import real_value  # (it imports model values)

    return real_value(value, types=types)
