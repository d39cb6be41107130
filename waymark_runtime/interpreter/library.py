"""The pure functions a workflow may call: whitelisted builtins, methods and attribute reads.

Everything a program can reach from a value goes through here, so a stored program can never
touch `__class__`, call `datetime.now()` or import a module. Construction of user classes goes
through the host's `TypeResolver` (held in a context variable while the interpreter runs).
"""

from __future__ import annotations

import _string  # type: ignore[import-not-found]
import builtins
import datetime as dt
import string
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from waymark_runtime.errors import WaymarkError
from waymark_runtime.interpreter import bounded
from waymark_runtime.values import (
    MISSING,
    EnumValue,
    ExceptionValue,
    ModelValue,
    TypeResolver,
    TypeValue,
    builtin_type,
    exception_value,
    from_json,
    to_json,
    to_value,
    type_path,
)


class ProgramError(WaymarkError):
    """the workflow program asks for something the runtime does not allow"""


TYPES: ContextVar[TypeResolver | None] = ContextVar("waymark_types", default=None)


def resolve_class(path: str) -> type:
    """The class at `path`: builtins always, other classes only through the host's resolver."""
    found = builtin_type(path)
    types = TYPES.get()
    if found is None and types is not None:
        found = types(path)
    if found is None:
        raise ProgramError(
            f"class {path} is not available to this runtime: load the module that defines it "
            "in the process that runs workflows"
        )
    return found


# ---------------------------------------------------------------------------------------------
# Construction of user values
# ---------------------------------------------------------------------------------------------


def structural(obj: Any) -> Any:
    """A real object (model, dataclass, enum, exception) as a workflow value."""
    if isinstance(obj, BaseException):
        error = exception_value(obj)
        error.args = to_value(to_json(error.args))
        error.attrs = to_value(to_json(error.attrs))
        return error
    return to_value(to_json(obj))


def _real(value: Any) -> Any:
    if type(value) in (int, str, float, bool) or value is None:
        return value
    return from_json(to_json(value), types=_loose_resolver())


def _loose_resolver() -> TypeResolver:
    types = TYPES.get()
    return lambda path: builtin_type(path) or (types(path) if types else None)


def new(path: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """`Cls(...)`: build the real object (validation, defaults), keep its structural form."""
    cls = resolve_class(path)
    obj = cls(*map(_real, args), **{k: _real(v) for k, v in kwargs.items()})
    return structural(obj)


def enum_member(path: str, member: str) -> EnumValue:
    types = TYPES.get()
    cls = builtin_type(path) or (types(path) if types else None)
    if cls is None:
        return EnumValue(path, member)
    return structural(getattr(cls, member))  # type: ignore[no-any-return]


def raise_value(value: Any) -> ExceptionValue:
    """What `raise value` raises: an exception value, or a class instantiated with no args."""
    if isinstance(value, TypeValue):
        value = new(value.path, [], {})
    if not isinstance(value, ExceptionValue):
        raise TypeError("exceptions must derive from BaseException")
    return value


# ---------------------------------------------------------------------------------------------
# isinstance by class path
# ---------------------------------------------------------------------------------------------


_LINEAGES: dict[type, frozenset[str]] = {}


def _lineage_of(cls: type) -> frozenset[str]:
    found = _LINEAGES.get(cls)
    if found is None:
        found = _LINEAGES[cls] = frozenset(type_path(c) for c in cls.__mro__)
    return found


def is_instance(obj: Any, cls: Any) -> bool:
    if isinstance(cls, tuple):
        return any(is_instance(obj, c) for c in cls)
    if not isinstance(cls, TypeValue):
        raise TypeError("isinstance() arg 2 must be a type, a tuple of types, or a union")
    path = cls.path
    if isinstance(obj, (ModelValue, ExceptionValue)):
        return path in obj.lineage or path == "builtins:object"
    if isinstance(obj, EnumValue):
        return path in (obj.type, "enum:Enum", "builtins:object")
    return path in _lineage_of(type(obj))


# ---------------------------------------------------------------------------------------------
# Attributes and methods
# ---------------------------------------------------------------------------------------------

_PLAIN_TYPES = (int, float, complex, bool, str, bytes, dt.date, dt.datetime, dt.time,
                dt.timedelta, uuid.UUID, Decimal, range, slice)  # fmt: skip


def _no_attribute(obj: Any, name: str) -> AttributeError:
    kind = obj.type.rpartition(":")[2] if isinstance(obj, (ModelValue, EnumValue)) else None
    return AttributeError(f"'{kind or type(obj).__name__}' object has no attribute '{name}'")


def get_attribute(obj: Any, name: str) -> Any:
    """`obj.name`, for fields of models and exceptions and data attributes of plain values."""
    kind = type(obj)
    if kind is ModelValue:
        try:
            return obj.fields[name]
        except KeyError:
            raise _no_attribute(obj, name) from None
    if kind is ExceptionValue:
        return _exception_attribute(obj, name)
    if kind is EnumValue:
        return _enum_attribute(obj, name)
    if name.startswith("_") or not isinstance(obj, _PLAIN_TYPES):
        raise _no_attribute(obj, name)
    value = getattr(obj, name)
    if callable(value):
        raise ProgramError(f"`{type(obj).__name__}.{name}` is a method: call it")
    return value


def _exception_attribute(error: ExceptionValue, name: str) -> Any:
    if name == "args":
        return error.args
    try:
        return error.attrs[name]
    except KeyError:
        raise _no_attribute(error, name) from None


def _enum_attribute(member: EnumValue, name: str) -> Any:
    if name == "name":
        return member.name
    if name == "value":
        if member.value is MISSING:
            raise ProgramError(f"the value of {member.type}.{member.name} is unknown here")
        return member.value
    raise _no_attribute(member, name)


def _public(cls: type, *, without: Iterable[str] = ()) -> frozenset[str]:
    return frozenset(n for n in dir(cls) if not n.startswith("_")) - frozenset(without)


_CLOCK = ("now", "today", "utcnow", "fromtimestamp", "utcfromtimestamp", "timestamp",
          "astimezone")  # fmt: skip

METHODS: dict[type, frozenset[str]] = {
    str: _public(str),
    list: _public(list),
    dict: _public(dict),
    set: _public(set),
    frozenset: _public(frozenset),
    tuple: _public(tuple),
    int: _public(int),
    bool: _public(bool),
    float: _public(float),
    bytes: _public(bytes),
    range: _public(range),
    dt.datetime: _public(dt.datetime, without=_CLOCK),
    dt.date: _public(dt.date, without=_CLOCK),
    dt.time: _public(dt.time),
    dt.timedelta: _public(dt.timedelta),
    Decimal: _public(Decimal),
}


class _SafeFormatter(string.Formatter):
    """`str.format` whose `{0.attr}` fields read attributes the way workflow code does.

    One per call: it keeps the running length of the result, refused past the string limit."""

    def __init__(self) -> None:
        self.length = 0

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        first, rest = _string.formatter_field_name_split(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            obj = get_attribute(obj, key) if is_attribute else obj[key]
        return obj, first

    def format_field(self, value: Any, format_spec: str) -> Any:
        self.length = bounded.check_field(value, format_spec, self.length)
        return super().format_field(value, format_spec)


def _model_dump(model: ModelValue) -> dict[str, Any]:
    return {k: _dump(v) for k, v in model.fields.items()}


def _dump(value: Any) -> Any:
    if isinstance(value, ModelValue):
        return _model_dump(value)
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def _model_copy(model: ModelValue, update: dict[str, Any] | None = None) -> ModelValue:
    return ModelValue(model.type, model.kind, {**model.fields, **(update or {})}, model.lineage)


_SPECIAL: dict[tuple[type, str], Callable[..., Any]] = {
    (str, "format"): lambda s, *a, **k: _SafeFormatter().vformat(s, a, k),
    (str, "format_map"): lambda s, mapping: _SafeFormatter().vformat(s, (), mapping),
    (ModelValue, "model_dump"): _model_dump,
    (ModelValue, "model_copy"): _model_copy,
}


def call_method(obj: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    kind = type(obj)
    if kind is EnumValue and obj.mix is not None and obj.value is not MISSING:
        obj, kind = obj.value, type(obj.value)  # `Tier.PRO.upper()`: str's own method
    special = _SPECIAL.get((kind, name))
    if special is not None:
        bounded.charge_visit(obj)
        return special(obj, *args, **kwargs)
    allowed = METHODS.get(kind)
    if allowed is None or name not in allowed:
        if kind in (ModelValue, ExceptionValue, EnumValue) or not hasattr(obj, name):
            raise _no_attribute(obj, name)
        raise ProgramError(f"`{kind.__name__}.{name}()` is not allowed in a workflow")
    return bounded.call_method(obj, name, getattr(obj, name), args, kwargs)


# ---------------------------------------------------------------------------------------------
# Builtin functions
# ---------------------------------------------------------------------------------------------

_PURE = ("len min max sum sorted abs round str int float bool any all zip range enumerate dict "
         "list set tuple frozenset reversed repr divmod pow chr ord hex bin oct format iter next "
         "slice")  # fmt: skip

BUILTINS: dict[str, Callable[..., Any]] = {name: getattr(builtins, name) for name in _PURE.split()}
BUILTINS["isinstance"] = is_instance
BUILTINS.update(bounded.BUILTINS)  # those whose work or result grows with their input


def builtin(name: str) -> Callable[..., Any]:
    try:
        return BUILTINS[name]
    except KeyError:
        raise ProgramError(f"`{name}` is not a function a workflow may call") from None
