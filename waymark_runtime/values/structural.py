"""Structural workflow values: models, enums, exceptions and classes by type path.

A runner computes with these without importing user code: a model is its type path and fields,
an exception its class lineage (paths, most derived first), message, args and attributes, so
`except ConnectionError` matches subclasses by name. Classes are looked up only in the type
registry (`registry`); nothing here imports a module.
"""

from __future__ import annotations

import builtins
import enum
import functools
import operator
from collections.abc import Callable, Iterator
from typing import Any, TypeAlias

from waymark_runtime.errors import ProgramError
from waymark_runtime.values.foreign import foreign_attrs
from waymark_runtime.vocabulary import DEFAULT_FACTORY_TYPES

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


# The default factories a stored `defaultdict` may have (`vocabulary.DEFAULT_FACTORY_TYPES`).
DEFAULT_FACTORIES: dict[str, type] = {
    name: getattr(builtins, name) for name in DEFAULT_FACTORY_TYPES
}


def short_name(path: str) -> str:
    return path.rpartition(":")[2].rpartition(".")[2]


# ---------------------------------------------------------------------------------------------
# Structural values
# ---------------------------------------------------------------------------------------------


class ModelValue:
    """A pydantic model (`kind="model"`) or dataclass instance by type path and field values."""

    __slots__ = ("fields", "kind", "lineage", "type")

    def __init__(
        self, type: str, kind: str, fields: dict[str, Any], lineage: tuple[str, ...] = ()
    ) -> None:
        self.type = type
        self.kind = kind
        self.fields = fields
        self.lineage = lineage or (type,)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ModelValue):
            return NotImplemented
        return self.type == other.type and self.fields == other.fields

    def __hash__(self) -> int:
        cls = _class_of(self)
        if cls is not None and cls.__hash__ is None:  # a mutable model or dataclass
            raise TypeError(f"unhashable type: '{short_name(self.type)}'")
        return hash((self.type, *self.fields.values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.fields.items())
        return f"{short_name(self.type)}({inner})"

    def __str__(self) -> str:
        if self.kind == "model":
            return " ".join(f"{k}={v!r}" for k, v in self.fields.items())
        return repr(self)

    # What Python does with such an object, with its class's name in the errors (not this
    # class's): a pydantic model iterates its (name, value) pairs, a `@dataclass(order=True)`
    # compares its fields in order, anything else refuses.

    def __iter__(self) -> Iterator[Any]:
        if self.kind != "model":
            raise TypeError(f"'{short_name(self.type)}' object is not iterable")
        return iter([(k, v) for k, v in self.fields.items() if not k.startswith("_")])

    def __len__(self) -> int:
        self._not_run("__len__")
        raise TypeError(f"object of type '{short_name(self.type)}' has no len()")

    def __bool__(self) -> bool:
        self._not_run("__bool__", "__len__")
        return True

    def _not_run(self, *methods: str) -> None:
        """A method of the class that Python would call here, which a workflow does not run
        (the class's code is not compiled with it): refused rather than answered otherwise."""
        cls = _class_of(self)
        for method in methods:
            if cls is not None and _defines(cls, method):
                raise ProgramError(
                    f"`{short_name(self.type)}` defines `{method}`, which a workflow does not "
                    "call: use what it computes instead (a field, or a helper method)"
                )

    # Arithmetic: Python's TypeError with the class's name, or the refusal above when the
    # class defines the operator.

    def __add__(self, other: Any) -> Any:
        return self._operand(other, "+", "__add__")

    def __radd__(self, other: Any) -> Any:
        return self._operand(other, "+", "__radd__", reflected=True)

    def __sub__(self, other: Any) -> Any:
        return self._operand(other, "-", "__sub__")

    def __rsub__(self, other: Any) -> Any:
        return self._operand(other, "-", "__rsub__", reflected=True)

    def __mul__(self, other: Any) -> Any:
        return self._operand(other, "*", "__mul__")

    def __rmul__(self, other: Any) -> Any:
        return self._operand(other, "*", "__rmul__", reflected=True)

    def __truediv__(self, other: Any) -> Any:
        return self._operand(other, "/", "__truediv__")

    def __rtruediv__(self, other: Any) -> Any:
        return self._operand(other, "/", "__rtruediv__", reflected=True)

    def _operand(self, other: Any, op: str, method: str, *, reflected: bool = False) -> Any:
        self._not_run(method)
        mine, theirs = short_name(self.type), type_name(other)
        left, right = (theirs, mine) if reflected else (mine, theirs)
        raise TypeError(f"unsupported operand type(s) for {op}: '{left}' and '{right}'")

    def __getitem__(self, key: Any) -> Any:
        raise TypeError(f"'{short_name(self.type)}' object is not subscriptable")

    def __lt__(self, other: Any) -> bool:
        return self._ordered(other, "<", operator.lt)

    def __le__(self, other: Any) -> bool:
        return self._ordered(other, "<=", operator.le)

    def __gt__(self, other: Any) -> bool:
        return self._ordered(other, ">", operator.gt)

    def __ge__(self, other: Any) -> bool:
        return self._ordered(other, ">=", operator.ge)

    def _ordered(self, other: Any, op: str, compare: Callable[[Any, Any], bool]) -> bool:
        cls = _class_of(self)
        params = getattr(cls, "__dataclass_params__", None)
        same = other.__class__ is ModelValue and other.type == self.type
        if same and params is not None and params.order:
            return compare(tuple(self.fields.values()), tuple(other.fields.values()))
        self._not_run({"<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__"}[op])
        mine, theirs = short_name(self.type), type_name(other)
        raise TypeError(f"'{op}' not supported between instances of '{mine}' and '{theirs}'")


@functools.cache
def _defines(cls: type, method: str) -> bool:
    """Does `cls` (or a base of the user's) define `method`, beyond what pydantic, dataclasses
    and `object` give every model?"""
    for base in cls.__mro__:
        if base.__module__.partition(".")[0] in ("builtins", "pydantic", "dataclasses", "abc"):
            continue
        if method in vars(base):
            params = getattr(base, "__dataclass_params__", None)
            return not (method in _GENERATED and params is not None and params.order)
    return False


# Ordering methods `@dataclass(order=True)` writes (compared field by field, above).
_GENERATED = frozenset({"__lt__", "__le__", "__gt__", "__ge__"})


def _class_of(value: ModelValue) -> type | None:
    """The real class of a model or dataclass, when this process has it loaded."""
    from waymark_runtime.values.registry import find_class

    return find_class(value.type)


class _Missing:
    def __repr__(self) -> str:
        return "<unknown>"


MISSING: Any = _Missing()


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

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EnumValue):
            return self.type == other.type and self.name == other.name
        if self.mix is not None and self.value is not MISSING:
            return bool(self.value == other)
        return False

    def __hash__(self) -> int:
        if self.mix is not None and self.value is not MISSING:
            return hash(self.value)
        return hash((self.type, self.name))

    def __repr__(self) -> str:
        return f"<{short_name(self.type)}.{self.name}: {self.value!r}>"

    def __str__(self) -> str:
        return str(self.value) if self.plain else f"{short_name(self.type)}.{self.name}"

    def __format__(self, spec: str) -> str:
        return format(self.value if self.plain else str(self), spec)

    def __index__(self) -> int:
        if self.mix != "int":
            raise TypeError(f"'{short_name(self.type)}' object cannot be interpreted as an integer")
        return int(self.value)

    def __bool__(self) -> bool:
        if self.mix is not None or _flag(self) is not None:  # an empty `Flag` is false
            return bool(self.value)
        return True


def _mixed(name: str) -> Callable[..., Any]:
    """An operator of a data-type enum (`IntEnum`, `StrEnum`): the member's value answers (a
    reflected one as the plain operator with the operands swapped: `str` has no `__radd__`).
    A `Flag`'s (and `IntFlag`'s) bitwise operators, `in`, iteration and `len` are its class's,
    run on the real members when this process has the class (`_flag_operation`)."""
    swapped = _REFLECTED.get(name)
    flagged = _FLAG_OPERATORS.get(name)

    def method(self: EnumValue, *args: Any) -> Any:
        if flagged is not None and (real := _flag(self)) is not None:
            return _flag_operation(flagged, real, args)
        if self.mix is None or self.value is MISSING:
            return NotImplemented
        plain = [plain_value(a) for a in args]
        if swapped is not None:
            return swapped(plain[0], self.value)
        return getattr(self.value, name)(*plain)

    method.__name__ = name
    return method


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


def _member_value(member: enum.Enum) -> EnumValue:
    mix = next((t.__name__ for t in (str, int, float) if isinstance(member, t)), None)
    path = f"{type(member).__module__}:{type(member).__qualname__}"
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


_REFLECTED: dict[str, Callable[[Any, Any], Any]] = {
    "__radd__": operator.add,
    "__rsub__": operator.sub,
    "__rmul__": operator.mul,
    "__rtruediv__": operator.truediv,
    "__rfloordiv__": operator.floordiv,
    "__rmod__": operator.mod,
    "__rpow__": operator.pow,
    "__rdivmod__": divmod,
    "__rand__": operator.and_,
    "__ror__": operator.or_,
    "__rxor__": operator.xor,
    "__rlshift__": operator.lshift,
    "__rrshift__": operator.rshift,
}


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


class ExceptionValue:
    """An exception by class lineage (paths, most derived first), message, args and attributes,
    and the traceback text of where an action raised it (`tracebacks`), when it was recorded."""

    __slots__ = ("args", "attrs", "lineage", "message", "traceback")

    def __init__(
        self,
        lineage: tuple[str, ...],
        message: str,
        args: tuple[Any, ...] = (),
        attrs: dict[str, Any] | None = None,
        traceback: str | None = None,
    ) -> None:
        self.lineage = lineage
        self.message = message
        self.args = args
        self.attrs = attrs or {}
        self.traceback = traceback

    @property
    def type(self) -> str:
        return self.lineage[0]

    def is_a(self, wanted: str) -> bool:
        """Does the class or a base match `wanted` (`module:QualName`, or a bare class name)?"""
        if ":" in wanted:
            return wanted in self.lineage or (
                wanted.startswith("waymark:")
                and short_name(wanted) in map(short_name, self.lineage)
            )
        return any(short_name(path) == wanted for path in self.lineage)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{short_name(self.type)}({', '.join(map(repr, self.args))})"


class TypeValue:
    """A class used as a value (`isinstance(x, ValueError)`), by path."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TypeValue) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)

    def __repr__(self) -> str:
        return f"<class '{short_name(self.path)}'>"


def type_name(obj: Any) -> str:
    """`type(obj).__name__` of a workflow value: a model, enum or exception by its class."""
    if isinstance(obj, ModelValue | EnumValue | ExceptionValue):
        return short_name(obj.type)
    return type(obj).__name__


def exception_value(error: BaseException) -> ExceptionValue:
    """The structural form of a real exception (args and attributes as workflow values)."""
    if isinstance(error, ExceptionCarrier):
        return error.value
    try:
        message = str(error)
    except Exception:  # a broken __str__ must not hide the exception itself
        message = repr(error)
    found = lineage(type(error))
    attrs = foreign_attrs(error, found[0])
    if attrs is None:
        attrs = {k: v for k, v in vars(error).items() if not k.startswith("_")}
    return ExceptionValue(found, message, tuple(error.args), attrs)


class ExceptionCarrier(Exception):
    """Carries an `ExceptionValue` through Python's own raise/except inside the interpreter."""

    def __init__(self, value: ExceptionValue) -> None:
        super().__init__(value.message)
        self.value = value
