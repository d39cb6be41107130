"""Classes as a workflow uses them: `isinstance` by class path, an enum member looked up by
value (`Color(raw)`), and an enum class iterated or tested with `in` (`for c in Color`,
`x in Color`), as the running Python does.

The compiler writes the class's literal members; what only the class knows (a `Flag`'s
combinations, its own `_missing_`) is asked of it when its module is loaded here.
"""

from __future__ import annotations

import builtins
import enum
import sys
from typing import Any

from waymark_runtime.errors import ProgramError
from waymark_runtime.values import (
    EnumValue,
    ExceptionValue,
    ModelValue,
    TypeValue,
    find_class,
    plain_value,
    real_value,
    short_name,
    to_json,
    to_value,
    type_name,
    type_path,
)
from waymark_runtime.values.structural import STANDARD_CLASSES

_LINEAGES: dict[type, frozenset[str]] = {}
_BASE_MODEL = "pydantic.main:BaseModel"
_MIXED_PATHS = {"Decimal": "decimal:Decimal"}  # a mixed data type not of `builtins`


def _lineage_of(cls: type) -> frozenset[str]:
    found = _LINEAGES.get(cls)
    if found is None:
        found = _LINEAGES[cls] = frozenset(type_path(c) for c in cls.__mro__)
    return found


def is_instance(obj: Any, cls: Any) -> bool:
    if isinstance(cls, EnumMembers):  # an enum class held in a variable (`held = Color`)
        cls = cls.as_class()
    elif isinstance(cls, tuple):
        return any(is_instance(obj, c) for c in cls)
    if not isinstance(cls, TypeValue):
        raise TypeError("isinstance() arg 2 must be a type, a tuple of types, or a union")
    path = cls.path
    if isinstance(obj, TypeValue):  # a class is an instance of `type`
        return path in ("builtins:type", "builtins:object")
    if isinstance(obj, (ModelValue, ExceptionValue)):
        if path == _BASE_MODEL:  # a root the lineage leaves out
            return isinstance(obj, ModelValue) and obj.kind == "model"
        return path in obj.lineage or path == "builtins:object"
    if isinstance(obj, EnumValue):  # a `StrEnum`/`IntEnum` member is a `str`/an `int` too
        real = find_class(obj.type)
        if real is not None:
            return path in _lineage_of(real)
        mixed = () if obj.mix is None else (_MIXED_PATHS.get(obj.mix, f"builtins:{obj.mix}"),)
        return path in (obj.type, "enum:Enum", "builtins:object", *mixed)
    return path in _lineage_of(_named_tuple_class(type(obj)))


def is_subclass(cls: Any, bases: Any) -> bool:
    """`issubclass(cls, bases)`: `cls` a class value, loaded here to read its bases."""
    if not isinstance(cls, TypeValue):
        raise TypeError("issubclass() arg 1 must be a class")
    if isinstance(bases, tuple):
        return any(is_subclass(cls, base) for base in bases)
    if not isinstance(bases, TypeValue):
        raise TypeError("issubclass() arg 2 must be a class, a tuple of classes, or a union")
    module, _, qualname = cls.path.partition(":")
    real = STANDARD_CLASSES.get(cls.path) or (
        getattr(builtins, qualname, None) if module == "builtins" else find_class(cls.path)
    )
    if not isinstance(real, type):
        raise ProgramError(f"`issubclass` of {short_name(cls.path)}, a class not loaded here")
    return bases.path in _lineage_of(real) or (
        bases.path == _BASE_MODEL and _BASE_MODEL in _lineage_of(real)
    )


def _named_tuple_class(kind: type) -> type:
    """The real class of a named tuple rebuilt as a stand-in (`values.decode`), when it is
    loaded here: a subclass of a named tuple class is an instance of its bases too."""
    path = getattr(kind, "__waymark_path__", None)
    real = find_class(path) if isinstance(path, str) else None
    return real if real is not None else kind


def receiver_of(kind: str, method: str, obj: Any) -> Any:
    """`obj`, the receiver of `kind.method(obj, ...)` (`str.upper(s)`), when it is a `kind`
    (a subclass's instance too, a `StrEnum` member a `str`); else Python's `TypeError`."""
    if isinstance(plain_value(obj), getattr(builtins, kind)):
        return obj
    raise TypeError(
        f"descriptor '{method}' for '{kind}' objects doesn't apply to a '{type_name(obj)}' object"
    )


def type_is(obj: Any, cls: Any) -> bool:
    """`type(obj) is cls` (or one of a tuple of classes): the exact class, not a subclass."""
    if isinstance(cls, tuple):
        return any(type_is(obj, c) for c in cls)
    return isinstance(cls, TypeValue) and _exact_path(obj) == cls.path


def type_of(obj: Any) -> TypeValue:
    """`type(obj)` as a value: its exact class (`type` itself for a class)."""
    return TypeValue("builtins:type" if isinstance(obj, TypeValue) else _exact_path(obj))


def _exact_path(obj: Any) -> str:
    if isinstance(obj, (ModelValue, ExceptionValue)):
        return obj.lineage[0]
    if isinstance(obj, EnumValue):
        return obj.type
    return type_path(type(obj))


def enum_by_value(table: dict[Any, EnumValue], value: Any, name: str) -> EnumValue:
    """`Color(value)`: the member whose value it is (or the member itself); else what the
    class answers when it is loaded here (a `Flag`'s combination, its own `_missing_`, a
    value its `__new__` set, or Python's own error); else Python's `ValueError`."""
    if value.__class__ is EnumValue and value in table.values():
        return value
    try:
        return table[value]
    except (KeyError, TypeError):
        member = next(iter(table.values()), None)
        cls = None if member is None else find_class(member.type)
        if cls is not None:
            found: EnumValue = to_value(to_json(cls(real_value(value, types=find_class))))
            return found
        raise ValueError(f"{value!r} is not a valid {name}") from None


def enum_members(members: tuple[EnumValue, ...]) -> tuple[EnumValue, ...]:
    """What iterating an enum class gives: `members` (the compiler left aliases out), less
    those a `Flag` does not iterate (a combination or zero), when the class is loaded here;
    `x in` it answers as the running Python's `in` of the class does (`EnumMembers`)."""
    cls = find_class(members[0].type) if members else None
    if cls is not None and issubclass(cls, enum.Flag):
        iterated = {member.name for member in cls}
        members = tuple(member for member in members if member.name in iterated)
    return EnumMembers(members)


class EnumMembers(tuple[EnumValue, ...]):
    """An enum class's members: `value in Color` is Python's answer, a `TypeError` for what is
    not a member before 3.12, whether it is a member's value from 3.12 on. As the class it
    stands for, it equals the class's value (`type(member) == Color`) and looks members up by
    name (`held["RED"]`) and by value (`held(1)`, `interpreter.calling`) as the class does."""

    __slots__ = ()

    @property
    def enum_path(self) -> str | None:
        return tuple.__getitem__(self, 0).type if self else None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EnumMembers):
            return self.enum_path == other.enum_path and tuple.__eq__(self, other)
        return isinstance(other, TypeValue) and other.path == self.enum_path

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.enum_path)

    def __getitem__(self, key: Any) -> Any:
        """`held[key]` as the class answers `Color[key]`: a member by name, never by position
        (`held[0]` is a `KeyError`, as `Color[0]` is)."""
        if self.enum_path is None:
            raise KeyError(key)
        return self.as_class()[key]

    def as_class(self) -> TypeValue:
        """The class these are the members of, as a value."""
        if self.enum_path is None:
            raise TypeError("an enum without members is not looked up here")
        return TypeValue(self.enum_path)

    def __contains__(self, item: object) -> bool:
        if item.__class__ is EnumValue:
            return tuple.__contains__(self, item)
        if sys.version_info < (3, 12):
            raise TypeError(
                f"unsupported operand type(s) for 'in': '{type_name(item)}' and 'EnumType'"
            )
        return any(member.value == item for member in self)
