"""Workflow values: the structural value types and the JSON codec at every boundary.

Inputs, action arguments and results, workflow results and interpreter state cross process and
storage boundaries as JSON-shaped values; tagged objects (`{"$t": ...}`) keep tuples, sets,
non-str keys, datetimes, models, enums and exceptions apart. Models, enums and exceptions also
have structural forms (`ModelValue`, `EnumValue`, `ExceptionValue`) so a runner can work with them
without user code. Nothing here imports a module: classes are found only among loaded modules.
"""

from __future__ import annotations

import base64
import builtins
import dataclasses
import datetime as dt
import enum
import math
import sys
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeAlias

import pydantic

from waymark_runtime.errors import WaymarkError

JSON: TypeAlias = Any
TypeResolver: TypeAlias = Callable[[str], type | None]
"""Finds the class at `module:QualName`, or None; must never import on a program's say-so."""


class ValueNotSerializable(WaymarkError):
    """value cannot be stored"""


def type_path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def loaded_type(path: str) -> type | None:
    """The class at `module:QualName` if its module is already imported, else None."""
    module_name, _, qualname = path.partition(":")
    found: Any = sys.modules.get(module_name)
    for part in qualname.split(".") if found is not None else ():
        found = getattr(found, part, None)
    return found if isinstance(found, type) else None


def builtin_type(path: str) -> type | None:
    """Builtin classes (`builtins:ValueError`) and Waymark's own, which need no resolver."""
    module_name, _, name = path.partition(":")
    if module_name == "builtins":
        found = getattr(builtins, name, None)
        return found if isinstance(found, type) else None
    if module_name.startswith("waymark_runtime.") or module_name == "waymark":
        return loaded_type(path)
    return None


_ROOTS = frozenset({"builtins:object", "pydantic.main:BaseModel", "typing:Generic"})


def _lineage(cls: type) -> tuple[str, ...]:
    """The class and its bases as paths, most derived first, without the universal roots."""
    return tuple(p for p in (type_path(c) for c in cls.__mro__) if p not in _ROOTS)


def _short(path: str) -> str:
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
        return hash((self.type, *self.fields.values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.fields.items())
        return f"{_short(self.type)}({inner})"

    def __str__(self) -> str:
        if self.kind == "model":
            return " ".join(f"{k}={v!r}" for k, v in self.fields.items())
        return repr(self)


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
        return f"<{_short(self.type)}.{self.name}: {self.value!r}>"

    def __str__(self) -> str:
        return str(self.value) if self.plain else f"{_short(self.type)}.{self.name}"

    def __format__(self, spec: str) -> str:
        return format(self.value if self.plain else str(self), spec)

    def __index__(self) -> int:
        if self.mix != "int":
            raise TypeError(f"'{_short(self.type)}' object cannot be interpreted as an integer")
        return int(self.value)

    def __bool__(self) -> bool:
        return bool(self.value) if self.mix is not None else True


def _mixed(name: str) -> Callable[..., Any]:
    """An operator of a data-type enum (`IntEnum`, `StrEnum`): the member's value answers."""

    def method(self: EnumValue, *args: Any) -> Any:
        if self.mix is None or self.value is MISSING:
            return NotImplemented
        plain = [a.value if isinstance(a, EnumValue) and a.mix is not None else a for a in args]
        return getattr(self.value, name)(*plain)

    method.__name__ = name
    return method


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
)
for _name in _MIXED_OPERATORS:
    setattr(EnumValue, _name, _mixed(_name))


class ExceptionValue:
    """An exception by class lineage (paths, most derived first), message, args and attributes."""

    __slots__ = ("args", "attrs", "lineage", "message")

    def __init__(
        self,
        lineage: tuple[str, ...],
        message: str,
        args: tuple[Any, ...] = (),
        attrs: dict[str, Any] | None = None,
    ) -> None:
        self.lineage = lineage
        self.message = message
        self.args = args
        self.attrs = attrs or {}

    @property
    def type(self) -> str:
        return self.lineage[0]

    def is_a(self, wanted: str) -> bool:
        """Does the class or a base match `wanted` (`module:QualName`, or a bare class name)?"""
        if ":" in wanted:
            return wanted in self.lineage or (
                wanted.startswith("waymark:") and _short(wanted) in map(_short, self.lineage)
            )
        return any(_short(path) == wanted for path in self.lineage)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{_short(self.type)}({', '.join(map(repr, self.args))})"


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
        return f"<class '{_short(self.path)}'>"


def exception_value(error: BaseException) -> ExceptionValue:
    """The structural form of a real exception (args and attributes as workflow values)."""
    if isinstance(error, ExceptionCarrier):
        return error.value
    try:
        message = str(error)
    except Exception:  # a broken __str__ must not hide the exception itself
        message = repr(error)
    attrs = {k: v for k, v in vars(error).items() if not k.startswith("_")}
    return ExceptionValue(_lineage(type(error)), message, tuple(error.args), attrs)


class ExceptionCarrier(Exception):
    """Carries an `ExceptionValue` through Python's own raise/except inside the interpreter."""

    def __init__(self, value: ExceptionValue) -> None:
        super().__init__(value.message)
        self.value = value


def error_json(error: BaseException) -> JSON:
    """A JSON exception value for any exception, never failing (unstorable parts are dropped)."""
    return _exception_json(Encoder(), exception_value(error))


# ---------------------------------------------------------------------------------------------
# Encoding: Python values (real or structural) -> JSON
# ---------------------------------------------------------------------------------------------


class Encoder:
    """Python value -> JSON. Subclasses add forms that only interpreter state holds."""

    def encode(self, obj: Any) -> JSON:
        encode_as = _ENCODERS.get(type(obj))
        if encode_as is not None:
            return encode_as(self, obj)
        return self.fallback(obj)

    def fallback(self, obj: Any) -> JSON:
        for kind, encode_as in _FALLBACKS:
            if isinstance(obj, kind):
                return encode_as(self, obj)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return _dataclass_json(self, obj)
        raise ValueNotSerializable(
            f"a value of type {type_path(type(obj))} cannot be stored in a workflow: use "
            "primitives, lists, dicts, pydantic models, dataclasses, enums or datetimes"
        )

    def tagged(self, tag: str, items: Any) -> JSON:
        return {"$t": tag, "items": [self.encode(x) for x in items]}


def to_json(obj: Any) -> JSON:
    """Encode a value for storage; raises `ValueNotSerializable` naming the offending type."""
    return Encoder().encode(obj)


def _float_json(enc: Encoder, obj: float) -> JSON:
    return obj if math.isfinite(obj) else {"$t": "float", "v": repr(obj)}


def _dict_json(enc: Encoder, obj: dict[Any, Any]) -> JSON:
    if "$t" not in obj and all(type(k) is str for k in obj):
        return {k: enc.encode(v) for k, v in obj.items()}
    return {"$t": "dict", "items": [[enc.encode(k), enc.encode(v)] for k, v in obj.items()]}


def _model_json(enc: Encoder, obj: pydantic.BaseModel) -> JSON:
    fields = {name: getattr(obj, name) for name in type(obj).model_fields}
    fields.update(obj.__pydantic_extra__ or {})
    return _structure_json(enc, "model", _lineage(type(obj)), fields)


def _dataclass_json(enc: Encoder, obj: Any) -> JSON:
    fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return _structure_json(enc, "dataclass", _lineage(type(obj)), fields)


def _structure_json(
    enc: Encoder, kind: str, lineage: tuple[str, ...], fields: dict[str, Any]
) -> JSON:
    out = {"$t": kind, "type": lineage[0], "fields": {k: enc.encode(v) for k, v in fields.items()}}
    if len(lineage) > 1:
        out["bases"] = list(lineage[1:])
    return out


def _model_value_json(enc: Encoder, obj: ModelValue) -> JSON:
    return _structure_json(enc, obj.kind, obj.lineage, obj.fields)


def _enum_json(enc: Encoder, obj: enum.Enum) -> JSON:
    mix = next((t.__name__ for t in (str, int, float) if isinstance(obj, t)), None)
    plain = isinstance(obj, enum.ReprEnum)
    return _enum_value_json(enc, EnumValue(type_path(type(obj)), obj.name, obj.value, mix, plain))


def _enum_value_json(enc: Encoder, obj: EnumValue) -> JSON:
    out: dict[str, Any] = {"$t": "enum", "type": obj.type, "name": obj.name}
    if obj.value is not MISSING:
        out["value"] = enc.encode(obj.value)
    if obj.mix:
        out["mix"] = obj.mix
    if obj.plain:
        out["plain"] = True
    return out


def _exception_json(enc: Encoder, obj: ExceptionValue) -> JSON:
    try:
        args = [enc.encode(a) for a in obj.args]
    except ValueNotSerializable:
        args = [obj.message]
    attrs = {}
    for key, value in obj.attrs.items():
        try:
            attrs[key] = enc.encode(value)
        except ValueNotSerializable:
            continue  # an attribute that cannot be stored is dropped; the message survives
    return {"$t": "exception", "type": obj.type, "bases": list(obj.lineage[1:]),
            "message": obj.message, "args": args, "attrs": attrs}  # fmt: skip


def _real_exception_json(enc: Encoder, obj: BaseException) -> JSON:
    return _exception_json(enc, exception_value(obj))


_ENCODERS: dict[type, Callable[[Encoder, Any], JSON]] = {
    type(None): lambda enc, o: o,
    bool: lambda enc, o: o,
    int: lambda enc, o: o,
    str: lambda enc, o: o,
    float: _float_json,
    list: lambda enc, o: [enc.encode(x) for x in o],
    dict: _dict_json,
    tuple: lambda enc, o: enc.tagged("tuple", o),
    set: lambda enc, o: enc.tagged("set", o),
    frozenset: lambda enc, o: enc.tagged("frozenset", o),
    bytes: lambda enc, o: {"$t": "bytes", "v": base64.b64encode(o).decode()},
    dt.datetime: lambda enc, o: {"$t": "datetime", "v": o.isoformat()},
    dt.date: lambda enc, o: {"$t": "date", "v": o.isoformat()},
    dt.time: lambda enc, o: {"$t": "time", "v": o.isoformat()},
    dt.timedelta: lambda enc, o: {"$t": "timedelta", "v": [o.days, o.seconds, o.microseconds]},
    uuid.UUID: lambda enc, o: {"$t": "uuid", "v": str(o)},
    Decimal: lambda enc, o: {"$t": "decimal", "v": str(o)},
    ModelValue: _model_value_json,
    EnumValue: _enum_value_json,
    ExceptionValue: _exception_json,
    TypeValue: lambda enc, o: {"$t": "type", "v": o.path},
}

_FALLBACKS: tuple[tuple[type, Callable[[Encoder, Any], JSON]], ...] = (
    (pydantic.BaseModel, _model_json),
    (enum.Enum, _enum_json),
    (BaseException, _real_exception_json),
    (bool, _ENCODERS[bool]),
    (int, lambda enc, o: int(o)),
    (float, lambda enc, o: _float_json(enc, float(o))),
    (str, lambda enc, o: str(o)),
    (dict, _dict_json),
    (list, _ENCODERS[list]),
    (tuple, _ENCODERS[tuple]),
    (dt.datetime, _ENCODERS[dt.datetime]),
    (dt.date, _ENCODERS[dt.date]),
)


# ---------------------------------------------------------------------------------------------
# Decoding: JSON -> Python values
# ---------------------------------------------------------------------------------------------


class Decoder:
    """JSON -> Python values: structural (`types=None`) or real classes found by `types`.

    `loose_models`: a model whose class is not found becomes a plain dict of its fields (for
    validation against an annotation) instead of a `ModelValue`.
    """

    def __init__(self, types: TypeResolver | None = None, *, loose_models: bool = False) -> None:
        self.types = types
        self.loose_models = loose_models

    def decode(self, value: JSON) -> Any:
        kind = type(value)
        if kind is list:
            return [self.decode(x) for x in value]
        if kind is dict:
            tag = value.get("$t")
            if tag is None:
                return {k: self.decode(v) for k, v in value.items()}
            decode_as = _DECODERS.get(tag)
            if decode_as is None:
                return self.decode_tag(tag, value)
            return decode_as(self, value)
        return value

    def decode_tag(self, tag: str, value: JSON) -> Any:
        raise ValueNotSerializable(f"unknown value tag {tag!r}")

    def resolve(self, path: str) -> type | None:
        found = builtin_type(path)
        if found is None and self.types is not None:
            found = self.types(path)
        return found

    def items(self, value: JSON) -> list[Any]:
        return [self.decode(x) for x in value["items"]]


def to_value(value: JSON) -> Any:
    """JSON -> structural workflow value (what the interpreter computes with)."""
    return Decoder().decode(value)


def from_json(value: JSON, annotation: Any = None, types: TypeResolver | None = None) -> Any:
    """JSON -> Python objects: models, dataclasses, enums and exceptions as their real classes.

    Classes come from `types` (default: already-imported modules). With an `annotation`, the
    result is validated into that type with pydantic (how a worker rebuilds action arguments).
    """
    resolver = types or loaded_type
    if annotation is None or annotation is Any:
        return Decoder(resolver).decode(value)
    decoded = Decoder(resolver, loose_models=True).decode(value)
    return pydantic.TypeAdapter(annotation).validate_python(decoded)


def real_value(value: Any, types: TypeResolver | None = None) -> Any:
    """A structural value turned into real objects (classes from `types`)."""
    return from_json(to_json(value), types=types)


def _structure_value(dec: Decoder, value: JSON) -> Any:
    lineage = (value["type"], *value.get("bases", ()))
    fields = {k: dec.decode(v) for k, v in value["fields"].items()}
    cls = dec.resolve(lineage[0]) if dec.types is not None else None
    if cls is None:
        return fields if dec.loose_models else ModelValue(lineage[0], value["$t"], fields, lineage)
    if value["$t"] == "model":
        return cls.model_construct(**fields)  # type: ignore[attr-defined]
    obj: Any = object.__new__(cls)
    for key, field_value in fields.items():
        object.__setattr__(obj, key, field_value)
    return obj


def _enum_value(dec: Decoder, value: JSON) -> Any:
    member_value = dec.decode(value["value"]) if "value" in value else MISSING
    cls = dec.resolve(value["type"]) if dec.types is not None else None
    if cls is not None:
        return cls[value["name"]]  # type: ignore[index]
    return EnumValue(value["type"], value["name"], member_value, value.get("mix"),
                     value.get("plain", False))  # fmt: skip


def _exception_from(dec: Decoder, value: JSON) -> Any:
    lineage = (value["type"], *value["bases"])
    args = tuple(dec.decode(a) for a in value["args"])
    attrs = {k: dec.decode(v) for k, v in value["attrs"].items()}
    if dec.types is None:
        return ExceptionValue(lineage, value["message"], args, attrs)
    return _real_exception(dec, lineage, value["message"], args, attrs)


def _real_exception(
    dec: Decoder,
    lineage: tuple[str, ...],
    message: str,
    args: tuple[Any, ...],
    attrs: dict[str, Any],
) -> BaseException:
    cls = dec.resolve(lineage[0])
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        cls = _stand_in(dec, lineage)
    error: BaseException = cls.__new__(cls, *args)
    error.args = args
    for key, attr in attrs.items():
        try:
            setattr(error, key, attr)
        except AttributeError:
            continue  # read-only attributes are rebuilt from args by the class itself
    if type(error).__str__ is not BaseException.__str__ and str(error) != message:
        error.args = (message,)
    return error


_STAND_INS: dict[tuple[str, ...], type[BaseException]] = {}


def _stand_in(dec: Decoder, lineage: tuple[str, ...]) -> type[BaseException]:
    """A same-named subclass of the nearest known base, for a class that is not loaded here."""
    cached = _STAND_INS.get(lineage)
    if cached is None:
        base = next((c for p in lineage[1:] if isinstance(c := dec.resolve(p), type)
                     and issubclass(c, BaseException)), Exception)  # fmt: skip
        module, _, qualname = lineage[0].partition(":")
        cached = type(_short(lineage[0]), (base,), {"__module__": module, "__qualname__": qualname})
        _STAND_INS[lineage] = cached
    return cached


def _float_value(dec: Decoder, value: JSON) -> float:
    return float(value["v"])


def _dict_value(dec: Decoder, value: JSON) -> dict[Any, Any]:
    return {dec.decode(k): dec.decode(v) for k, v in value["items"]}


def _type_value(dec: Decoder, value: JSON) -> Any:
    return TypeValue(value["v"])


_DECODERS: dict[str, Callable[[Decoder, JSON], Any]] = {
    "tuple": lambda dec, v: tuple(dec.items(v)),
    "set": lambda dec, v: set(dec.items(v)),
    "frozenset": lambda dec, v: frozenset(dec.items(v)),
    "dict": _dict_value,
    "float": _float_value,
    "bytes": lambda dec, v: base64.b64decode(v["v"]),
    "datetime": lambda dec, v: dt.datetime.fromisoformat(v["v"]),
    "date": lambda dec, v: dt.date.fromisoformat(v["v"]),
    "time": lambda dec, v: dt.time.fromisoformat(v["v"]),
    "timedelta": lambda dec, v: dt.timedelta(*v["v"]),
    "uuid": lambda dec, v: uuid.UUID(v["v"]),
    "decimal": lambda dec, v: Decimal(v["v"]),
    "model": _structure_value,
    "dataclass": _structure_value,
    "enum": _enum_value,
    "exception": _exception_from,
    "type": _type_value,
}
