"""Structural workflow values by type path: class paths and lineages, the standard classes a
value may hold, and classes and functions used as values (`PathValue`, `TypeValue`); models and
dataclasses are `model_values`, exceptions `exception_values`, enum members `enums`.

A runner computes with these without importing user code: a model is its type path and fields,
an exception its class lineage (paths, most derived first), message, args and attributes, so
`except ConnectionError` matches subclasses by name. Classes are looked up only in the type
registry (`registry`); nothing here imports a module.
"""

from __future__ import annotations

import builtins
import collections
import datetime as dt
import decimal
import fractions
import uuid
from collections.abc import Callable
from typing import Any, Self, TypeAlias
from zoneinfo import ZoneInfo

from waymark_runtime.values.enum_classes import ClassBehaviour
from waymark_runtime.vocabulary import DEFAULT_FACTORY_CLASSES, DEFAULT_FACTORY_TYPES

JSON: TypeAlias = Any
TypeResolver: TypeAlias = Callable[[str], type | None]
"""Finds the class at `module:QualName`, or None; must never import on a program's say-so."""


def type_path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


_ROOTS = frozenset({"builtins:object", "pydantic.main:BaseModel", "typing:Generic"})


_LINEAGES: dict[type, tuple[str, ...]] = {}


def lineage(cls: type) -> tuple[str, ...]:
    """The class and its bases as paths, most derived first, without the universal roots."""
    found = _LINEAGES.get(cls)
    if found is None:
        paths = (type_path(c) for c in cls.__mro__)
        found = _LINEAGES[cls] = tuple(p for p in paths if p not in _ROOTS)
    return found


# What `date.isocalendar()` returns: a tuple with `year`, `week` and `weekday` (not public).
ISO_CALENDAR_DATE: type = type(dt.date.min.isocalendar())


STANDARD_CLASSES: dict[str, type] = {
    type_path(cls): cls
    for cls in (dt.date, dt.datetime, dt.time, dt.timedelta, dt.timezone, decimal.Decimal,
                fractions.Fraction, uuid.UUID, ZoneInfo, collections.ChainMap,
                collections.Counter, collections.OrderedDict, collections.defaultdict,
                collections.deque)
}  # fmt: skip
"""The standard value classes by path (`decimal:Decimal`): the classes a value may hold and a
program may name besides builtins and the user's."""

# The default factories a stored `defaultdict` may have (`vocabulary.DEFAULT_FACTORY_TYPES` and
# `DEFAULT_FACTORY_CLASSES`).
DEFAULT_FACTORY_PATHS: dict[str, type] = {
    **{f"builtins:{name}": getattr(builtins, name) for name in DEFAULT_FACTORY_TYPES},
    **{path: STANDARD_CLASSES[path] for path in DEFAULT_FACTORY_CLASSES},
}
"""A factory by the class path a program names (`builtins:list`, `decimal:Decimal`)."""
DEFAULT_FACTORIES: dict[str, type] = {cls.__name__: cls for cls in DEFAULT_FACTORY_PATHS.values()}
"""A factory by the name a stored `defaultdict` keeps (`list`, `Decimal`)."""


def short_name(path: str) -> str:
    return path.rpartition(":")[2].rpartition(".")[2]


class _Missing:
    def __repr__(self) -> str:
        return "<unknown>"


MISSING: Any = _Missing()


class PathValue:
    """A class or function used as a value, by its import path `module:QualName`: equal to
    the same kind of value at the same path, and copied as itself, as Python copies them."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)


class TypeValue(ClassBehaviour, PathValue):
    """A class used as a value (`isinstance(x, ValueError)`), by path; an enum class's
    members are read through it (`ClassBehaviour`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<class '{short_name(self.path)}'>"


def type_name(obj: Any) -> str:
    """`type(obj).__name__` of a workflow value: a model, enum or exception by its class."""
    from waymark_runtime.values.enums import EnumValue  # (these import this module)
    from waymark_runtime.values.exception_values import ExceptionValue
    from waymark_runtime.values.model_values import ModelValue

    if isinstance(obj, ModelValue | EnumValue | ExceptionValue):
        return short_name(obj.type)
    if isinstance(obj, TypeValue):  # a class: an instance of `type`
        return "type"
    return type(obj).__name__
