"""Decoding JSON to workflow values: structural (for the interpreter) or real classes.

`to_value` gives what the interpreter computes with (no user code needed); `from_json` gives the
caller's objects, classes found among loaded modules (or by a `TypeResolver`), validated into an
annotation with pydantic when one is given (how a worker rebuilds action arguments).
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.values.encode import to_json
from waymark_runtime.values.structural import (
    JSON,
    MISSING,
    EnumValue,
    ExceptionValue,
    ModelValue,
    TypeResolver,
    TypeValue,
    builtin_type,
    loaded_type,
    short_name,
)
from waymark_runtime.values.text import big_int_value, text_value

if TYPE_CHECKING:
    from pydantic import TypeAdapter

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
    return _adapter(annotation).validate_python(decoded)


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(annotation: Any) -> TypeAdapter[Any]:
    """One `TypeAdapter` per annotation: building one costs far more than validating with it.
    pydantic is imported here, on first use: runners never validate and do without it."""
    from pydantic import TypeAdapter

    try:
        return _ADAPTERS[annotation]
    except KeyError:
        adapter = _ADAPTERS[annotation] = TypeAdapter(annotation)
        return adapter
    except TypeError:  # an unhashable annotation
        return TypeAdapter(annotation)


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
        return ExceptionValue(lineage, dec.decode(value["message"]), args, attrs)
    return _real_exception(dec, lineage, args, attrs)


def _real_exception(
    dec: Decoder,
    lineage: tuple[str, ...],
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
    return error


_STAND_INS: dict[tuple[str, ...], type[BaseException]] = {}


def _stand_in(dec: Decoder, lineage: tuple[str, ...]) -> type[BaseException]:
    """A same-named subclass of the nearest known base, for a class that is not loaded here."""
    cached = _STAND_INS.get(lineage)
    if cached is None:
        base = next((c for p in lineage[1:] if isinstance(c := dec.resolve(p), type)
                     and issubclass(c, BaseException)), Exception)  # fmt: skip
        module, _, qualname = lineage[0].partition(":")
        cached = type(
            short_name(lineage[0]), (base,), {"__module__": module, "__qualname__": qualname}
        )
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
    "int": lambda dec, v: big_int_value(v),
    "str": lambda dec, v: text_value(v),
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
