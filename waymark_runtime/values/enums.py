"""Enum members as workflow values (`EnumValue`): by type path, name and value, compared and
hashed as Python compares members; a data-type enum's (`IntEnum`, `StrEnum`) operators are its
value's, and a `Flag`'s bitwise operators, `in`, iteration and `len` are its class's, run on
the real members when the class is loaded here. Nothing here imports a module.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from waymark_runtime.values.model_values import ModelValue, defines
from waymark_runtime.values.python_errors import BINARY_OPERATIONS, unsupported
from waymark_runtime.values.structural import MISSING, short_name, type_name


class EnumValue:
    """An enum member; `mix` names the data type it subclasses (`str`, `int`), if any.

    `value` is MISSING for a member named in a program whose class was not available.
    """

    __slots__ = ("mix", "name", "plain", "type", "value")

    def __init__(
        self,
        type: str,
        name: str,
        value: Any = MISSING,
        mix: str | None = None,
        plain: bool = False,
    ) -> None:
        self.type = type
        self.name = name
        self.value = value
        self.mix = mix
        self.plain = plain  # str() and format() show the value (StrEnum, IntEnum)

    def __copy__(self) -> EnumValue:  # a member is copied as itself, as `Enum` does
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> EnumValue:
        return self

    def __eq__(self, other: object) -> bool:
        if self.mix is not None and self.value is not MISSING:  # a `str` or `int` too
            return bool(self.value == plain_value(other))
        if isinstance(other, EnumValue):
            return self.type == other.type and self.name == other.name
        return False

    def __hash__(self) -> int:
        if self.mix is not None and self.value is not MISSING:
            return hash(self.value)
        return hash((self.type, self.name))

    def __repr__(self) -> str:
        if self.name is None or "|" in self.name:  # an empty `Flag`, or a combination
            real = _flag(self)
            if real is not None:
                return repr(real)
        name = "" if self.name is None else f".{self.name}"
        return f"<{short_name(self.type)}{name}: {self.value!r}>"

    def __str__(self) -> str:
        if _own(self, "__str__"):
            return str(real_member(self))
        if self.plain:
            return str(self.value)
        if self.name is None:  # an empty `Flag`: `Perm(0)`, as Python shows it
            real = _flag(self)
            return str(real) if real is not None else f"{short_name(self.type)}({self.value!r})"
        return f"{short_name(self.type)}.{self.name}"

    def __format__(self, spec: str) -> str:
        if _own(self, "__format__", "__str__"):
            return format(real_member(self), spec)
        try:
            return format(self.value if self.plain else str(self), spec)
        except ValueError:  # a spec the data type refuses: Python's words name the enum
            if _loaded(self):
                format(real_member(self), spec)
            raise

    def __index__(self) -> int:
        if self.mix != "int":
            raise TypeError(f"'{short_name(self.type)}' object cannot be interpreted as an integer")
        return int(self.value)

    def __bool__(self) -> bool:
        if self.mix is not None or _flag(self) is not None:  # an empty `Flag` is false
            return bool(self.value)
        return True


def _mixed(name: str) -> Callable[..., Any]:
    """An operator or protocol method of a member: the class's own, when it has one (run on
    the real member, `_own`); a `Flag`'s (and `IntFlag`'s) bitwise operators, `in`, iteration
    and `len`, which are its class's (`_flag_operation`); a data-type enum's (`IntEnum`,
    `StrEnum`) value's; else Python's `TypeError`, with the enum's name."""
    flagged = _FLAG_OPERATORS.get(name)
    apply = _OPERATIONS.get(name)

    def method(self: EnumValue, *args: Any) -> Any:
        if flagged is not None and (real := _flag(self)) is not None:
            return _flag_operation(flagged, real, args)
        if _own(self, name):
            return _on_member(self, name, args)
        if self.mix is None or self.value is MISSING:
            if args and isinstance(args[0], ModelValue):
                return NotImplemented  # the model's reflected method answers
            other = type_name(args[0]) if args else ""
            raise unsupported(name, short_name(self.type), other, args[0] if args else None)
        plain = [plain_value(a) for a in args]
        if apply is not None:
            return apply(self.value, *plain)
        method = getattr(self.value, name, None)
        if method is None:  # `Tier.GOLD[0]` of an int enum: the enum's error, as Python's
            raise unsupported(name, short_name(self.type))
        return method(*plain)

    method.__name__ = name
    return method


def _own(member: EnumValue, *methods: str) -> bool:
    """Does the member's enum class (loaded here) define one of `methods` in the user's code?"""
    return member.name is not None and defines(member.type, *methods)


def own_method(member: EnumValue, name: str) -> Callable[..., Any] | None:
    """The member's bound method `name` when its class (loaded here) defines it in the user's
    code: a `StrEnum`'s own `title()` is called instead of `str.title`."""
    return getattr(real_member(member), name) if _own(member, name) else None


def real_member(member: EnumValue) -> enum.Enum:
    """The real member (a `Flag` combination, `READ|WRITE`, by its value)."""
    from waymark_runtime.values.registry import find_class

    cls: Any = find_class(member.type)
    found = cls.__members__.get(member.name)
    return cls(member.value) if found is None else found  # type: ignore[no-any-return]


def _on_member(member: EnumValue, name: str, args: tuple[Any, ...]) -> Any:
    """The class's own `name` run on the real member, its result as a workflow value."""
    from waymark_runtime.values.decode import as_workflow_value, real_value
    from waymark_runtime.values.registry import find_class

    real = real_member(member)
    others = [real_value(a, types=find_class) for a in args]
    apply = _OPERATIONS.get(name)
    result = apply(real, *others) if apply is not None else getattr(real, name)(*others)
    if isinstance(result, Iterator):
        return iter(as_workflow_value(list(result)))
    return as_workflow_value(result)


def _loaded(member: EnumValue) -> bool:
    from waymark_runtime.values.registry import find_class

    return find_class(member.type) is not None


def _flag(value: EnumValue) -> Any:
    """The real member of a `Flag` value (a combination too), or None: not a `Flag`, or its
    class is not loaded here."""
    from waymark_runtime.values.registry import find_class

    cls = find_class(value.type) if value.value is not MISSING else None
    if cls is None or not issubclass(cls, enum.Flag):
        return None
    return cls(value.value)


def _flag_operation(operation: Callable[..., Any], real: Any, args: tuple[Any, ...]) -> Any:
    others = [_flag(a) if a.__class__ is EnumValue else a for a in args]
    if any(other is None for other in others):
        return NotImplemented
    result = operation(real, *others)
    if isinstance(result, enum.Enum):
        return _member_value(result)
    if isinstance(result, Iterator):
        return iter([_member_value(member) for member in result])
    return result


MIXES: tuple[type, ...] = (str, int, float, Decimal)
"""The data types an enum may subclass (`class Fee(Decimal, Enum)`): its members' operators and
methods are their values'."""


def mix_of(member: enum.Enum) -> str | None:
    """The name of the data type `member`'s enum subclasses, if any (`EnumValue.mix`)."""
    return next((t.__name__ for t in MIXES if isinstance(member, t)), None)


def _member_value(member: enum.Enum) -> EnumValue:
    path = f"{type(member).__module__}:{type(member).__qualname__}"
    mix = mix_of(member)
    return EnumValue(path, member.name, member.value, mix, isinstance(member, enum.ReprEnum))


def _reflected(operation: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    return lambda member, other: operation(other, member)


_FLAG_OPERATORS: dict[str, Callable[..., Any]] = {
    "__or__": operator.or_,
    "__and__": operator.and_,
    "__xor__": operator.xor,
    "__ror__": _reflected(operator.or_),
    "__rand__": _reflected(operator.and_),
    "__rxor__": _reflected(operator.xor),
    "__invert__": operator.invert,
    "__contains__": operator.contains,
    "__iter__": iter,
    "__len__": len,
}


def plain_value(value: Any) -> Any:
    """A data-type enum member (`StrEnum`, `IntEnum`) as its value, anything else as it is:
    what `str` and `int` code sees of a member, which is one of theirs in Python."""
    if value.__class__ is EnumValue and value.mix is not None and value.value is not MISSING:
        return value.value
    return value


_OPERATIONS: dict[str, Callable[..., Any]] = {
    **{f"__{stem}__": apply for stem, apply in BINARY_OPERATIONS.items()},
    **{f"__r{stem}__": _reflected(apply) for stem, apply in BINARY_OPERATIONS.items()},
    "__lt__": operator.lt,
    "__le__": operator.le,
    "__gt__": operator.gt,
    "__ge__": operator.ge,
    "__neg__": operator.neg,
    "__pos__": operator.pos,
    "__abs__": abs,
    "__invert__": operator.invert,
}
"""The operators a member runs as Python's operator (so `IntEnum + float` falls back to
float's reflected method), the reflected ones with the operands swapped."""


_MIXED_OPERATORS = (
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__add__",
    "__radd__",
    "__sub__",
    "__rsub__",
    "__mul__",
    "__rmul__",
    "__truediv__",
    "__rtruediv__",
    "__floordiv__",
    "__rfloordiv__",
    "__mod__",
    "__rmod__",
    "__pow__",
    "__rpow__",
    "__neg__",
    "__pos__",
    "__abs__",
    "__int__",
    "__float__",
    "__len__",
    "__iter__",
    "__contains__",
    "__getitem__",
    "__and__",
    "__or__",
    "__xor__",
    "__rand__",
    "__ror__",
    "__rxor__",
    "__divmod__",
    "__rdivmod__",
    "__lshift__",
    "__rlshift__",
    "__rshift__",
    "__rrshift__",
    "__invert__",
    "__round__",
    "__trunc__",
    "__floor__",
    "__ceil__",
)
for _name in _MIXED_OPERATORS:
    setattr(EnumValue, _name, _mixed(_name))
