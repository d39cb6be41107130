"""How each type of workflow value is encoded: one function per type, found by exact type in
`_ENCODERS` and, for subclasses, by `isinstance` in `_FALLBACKS`.

Each takes the `Encoder` doing the work (`encode`), which encodes the parts of a value and
numbers what a state's encoder must keep apart; the entry points are in `encode`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import functools
import math
import re
import string
import uuid
from collections import ChainMap, Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.values.callables import ActionValue, HelperValue, PartialValue, TaskValue
from waymark_runtime.values.enums import EnumValue, mix_of
from waymark_runtime.values.exception_values import MAX_CHAIN, ExceptionValue, exception_value
from waymark_runtime.values.fields import DataclassField
from waymark_runtime.values.matches import MatchValue, match_value
from waymark_runtime.values.model_fields import ModelField
from waymark_runtime.values.model_values import IndexedModelValue, ModelValue
from waymark_runtime.values.structural import (
    DEFAULT_FACTORIES,
    ISO_CALENDAR_DATE,
    JSON,
    MISSING,
    TypeValue,
    lineage,
    type_path,
)
from waymark_runtime.values.text import big_int_json, plain_text, text_json
from waymark_runtime.values.times import given_name, moment_json

if TYPE_CHECKING:
    from waymark_runtime.values.encode import Encoder


def _timezone_json(enc: Encoder, obj: dt.timezone) -> JSON:
    """A fixed offset, with its name when it was given one (`timezone(offset, "CET")`)."""
    offset = obj.utcoffset(None)
    out: dict[str, Any] = {
        "$t": "timezone",
        "v": [offset.days, offset.seconds, offset.microseconds],
    }
    name = given_name(obj)
    if name is not None:
        out["name"] = name
    return out


def _zone_json(enc: Encoder, obj: ZoneInfo) -> JSON:
    if not isinstance(obj.key, str):
        raise ValueNotSerializable("a ZoneInfo read from a file (it has no key) cannot be stored")
    return {"$t": "zone", "v": obj.key}


def _str_json(enc: Encoder, obj: str) -> JSON:
    return obj if plain_text(obj) else text_json(obj)


def _float_json(enc: Encoder, obj: float) -> JSON:
    if math.isfinite(obj):
        return obj
    if obj == obj:
        return {"$t": "float", "v": repr(obj)}
    return {"$t": "float", "v": "nan", "id": enc.nan_id(obj)}


def _dict_json(enc: Encoder, obj: dict[Any, Any]) -> JSON:
    if "$t" not in obj and all(type(k) is str and plain_text(k) for k in obj):
        return {k: enc.encode(v) for k, v in obj.items()}
    return {"$t": "dict", "items": [[enc.encode(k), enc.encode(v)] for k, v in obj.items()]}


def _pairs(enc: Encoder, obj: dict[Any, Any]) -> list[JSON]:
    return [[enc.encode(k), enc.encode(v)] for k, v in obj.items()]


def _defaultdict_json(enc: Encoder, obj: defaultdict[Any, Any]) -> JSON:
    factory = obj.default_factory
    name = None if factory is None else getattr(factory, "__name__", None)
    if factory is not None and DEFAULT_FACTORIES.get(name or "") is not factory:
        raise ValueNotSerializable(
            f"a defaultdict whose default factory is {factory!r} cannot be stored: use a "
            f"builtin type ({', '.join(DEFAULT_FACTORIES)}) or None"
        )
    return {"$t": "defaultdict", "factory": name, "items": _pairs(enc, obj)}


def _dataclass_json(enc: Encoder, obj: Any) -> JSON:
    fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return _structure_json(enc, "dataclass", lineage(type(obj)), fields)


def _structure_json(
    enc: Encoder, kind: str, lineage: tuple[str, ...], fields: dict[str, Any]
) -> JSON:
    for name in fields:
        if not plain_text(name):
            raise ValueNotSerializable(f"field name {name!r} of {lineage[0]} cannot be stored")
    out = {"$t": kind, "type": lineage[0], "fields": {k: enc.encode(v) for k, v in fields.items()}}
    if len(lineage) > 1:
        out["bases"] = list(lineage[1:])
    return out


def _model_value_json(enc: Encoder, obj: ModelValue) -> JSON:
    return _structure_json(enc, obj.kind, obj.lineage, obj.fields)


def _enum_json(enc: Encoder, obj: enum.Enum) -> JSON:
    mix = mix_of(obj)
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


def _exception_json(enc: Encoder, obj: ExceptionValue, links: list[int] | None = None) -> JSON:
    """An exception value; its chain (`cause`, `context`) as exception values within it, at
    most `MAX_CHAIN` links in all (`links`: how many more may be kept)."""
    message = _str_json(enc, obj.message)
    try:
        args = enc.attempt(lambda: [enc.encode(a) for a in obj.args])
    except (ValueNotSerializable, RecursionError):
        args = [message]
    attrs = _attributes_json(enc, obj.attrs)
    out = {"$t": "exception", "type": obj.type, "bases": list(obj.lineage[1:]),
           "message": message, "args": args, "attrs": attrs}  # fmt: skip
    if obj.traceback is not None:
        out["traceback"] = _str_json(enc, obj.traceback)
    budget = [MAX_CHAIN] if links is None else links
    context = obj.context
    if context is not None and context is obj.cause:  # `raise ... from error` in its handler
        out["context"], context = "cause", None
    for name, link in (("cause", obj.cause), ("context", context)):
        if link is not None and budget[0] > 0:
            budget[0] -= 1
            out[name] = enc.chain_link(link, budget)
    if obj.suppress:
        out["suppress"] = True
    return out


def _attributes_json(enc: Encoder, attrs: dict[str, Any]) -> dict[str, JSON]:
    out = {}
    for key, value in attrs.items():
        try:
            if plain_text(key):
                out[key] = enc.attempt(functools.partial(enc.encode, value))
        except (ValueNotSerializable, RecursionError):
            continue  # an attribute that cannot be stored is dropped; the message survives
    return out


def _real_exception_json(enc: Encoder, obj: BaseException) -> JSON:
    return _exception_json(enc, exception_value(obj))


_ENCODERS: dict[type, Callable[[Encoder, Any], JSON]] = {
    type(None): lambda enc, o: o,
    bool: lambda enc, o: o,
    int: lambda enc, o: big_int_json(o),
    str: _str_json,
    float: _float_json,
    complex: lambda enc, o: {
        "$t": "complex",
        "v": [_float_json(enc, o.real), _float_json(enc, o.imag)],
    },
    list: lambda enc, o: [enc.encode(x) for x in o],
    dict: _dict_json,
    Counter: lambda enc, o: {"$t": "counter", "items": _pairs(enc, o)},
    OrderedDict: lambda enc, o: {"$t": "odict", "items": _pairs(enc, o)},
    defaultdict: _defaultdict_json,
    deque: lambda enc, o: {"$t": "deque", "items": [enc.encode(x) for x in o], "maxlen": o.maxlen},
    ChainMap: lambda enc, o: {"$t": "chainmap", "maps": enc.encode(o.maps)},
    tuple: lambda enc, o: enc.tagged("tuple", o),
    set: lambda enc, o: enc.tagged("set", o),
    frozenset: lambda enc, o: enc.tagged("frozenset", o),
    bytes: lambda enc, o: {"$t": "bytes", "v": base64.b64encode(o).decode()},
    dt.datetime: lambda enc, o: moment_json("datetime", o),
    dt.date: lambda enc, o: {"$t": "date", "v": o.isoformat()},
    dt.time: lambda enc, o: moment_json("time", o),
    dt.timedelta: lambda enc, o: {"$t": "timedelta", "v": [o.days, o.seconds, o.microseconds]},
    dt.timezone: _timezone_json,
    ISO_CALENDAR_DATE: lambda enc, o: {"$t": "isocalendar", "v": list(o)},
    ZoneInfo: _zone_json,
    uuid.UUID: lambda enc, o: {"$t": "uuid", "v": str(o)},
    Decimal: lambda enc, o: {"$t": "decimal", "v": str(o)},
    PurePosixPath: lambda enc, o: {"$t": "purepath", "v": enc.encode(str(o))},
    string.Template: lambda enc, o: {"$t": "template", "v": enc.encode(o.template)},
    Fraction: lambda enc, o: {
        "$t": "fraction",
        "v": [enc.encode(o.numerator), enc.encode(o.denominator)],
    },
    ModelValue: _model_value_json,
    IndexedModelValue: _model_value_json,
    EnumValue: _enum_value_json,
    ExceptionValue: _exception_json,
    TypeValue: lambda enc, o: {"$t": "type", "v": o.path},
    ActionValue: lambda enc, o: {"$t": "action", "v": o.path},
    HelperValue: lambda enc, o: {"$t": "helper", "v": o.path},
    TaskValue: lambda enc, o: {"$t": "task", "v": o.path},
    PartialValue: lambda enc, o: _partial_json(enc, o),
    re.Pattern: lambda enc, o: _pattern_json(enc, o),
    DataclassField: lambda enc, o: {"$t": "dataclass.field", "type": o.owner, "name": o.field.name},
    ModelField: lambda enc, o: {"$t": "model.field", "type": o.owner, "name": o.name},
    type(dataclasses.MISSING): lambda enc, o: {"$t": "dataclasses.MISSING"},
    MatchValue: lambda enc, o: _match_json(enc, o),
    re.Match: lambda enc, o: _match_json(enc, match_value(o)),
}


def _enum_class_json(path: str | None) -> JSON:
    """An enum class named in a workflow (its members, as the interpreter holds it), passed to
    an action or returned: the class itself, as CPython passes it."""
    if path is None:
        raise ValueNotSerializable("an enum class with no members is not a workflow value")
    return {"$t": "type", "v": path}


def _partial_json(enc: Encoder, obj: PartialValue) -> JSON:
    # Encoded as a dict value is, so a state's decoder numbers it where its encoder did: the
    # references after it (a closure's cells, the lists it holds) stay the objects they were.
    keywords = enc.encode(obj.keywords)
    return {"$t": "partial", "func": enc.encode(obj.func), "args": enc.encode(obj.args),
            "keywords": keywords}  # fmt: skip


def _pattern_json(enc: Encoder, obj: re.Pattern[Any]) -> JSON:
    if not isinstance(obj.pattern, str):
        raise ValueNotSerializable("a bytes pattern is not a workflow value")
    return {"$t": "re.pattern", "v": _str_json(enc, obj.pattern), "flags": obj.flags}


def _match_json(enc: Encoder, obj: MatchValue) -> JSON:
    """A match as the spans of its groups in its string (`values.matches`)."""
    if not isinstance(obj.string, str):
        raise ValueNotSerializable("a match of a bytes pattern is not a workflow value")
    return {"$t": "re.match", "re": _pattern_json(enc, obj.re), "string": _str_json(enc, obj.string),
            "regs": [list(span) for span in obj.regs], "last": obj.lastindex, "pos": obj.pos,
            "endpos": obj.endpos}  # fmt: skip


_FALLBACKS: tuple[tuple[type, Callable[[Encoder, Any], JSON]], ...] = (
    (enum.Enum, _enum_json),
    (BaseException, _real_exception_json),
    (bool, _ENCODERS[bool]),
    # A subclass is stored as its base value, read by the base type's own conversion: an
    # overridden `__str__`, `__int__` or `__float__` must not change what is stored.
    (int, lambda enc, o: big_int_json(int.__int__(o))),
    (float, lambda enc, o: _float_json(enc, float.__float__(o))),
    (str, lambda enc, o: _str_json(enc, str.__str__(o))),
    (dict, _dict_json),
    (list, _ENCODERS[list]),
    (tuple, lambda enc, o: _tuple_json(enc, o)),
    (dt.datetime, _ENCODERS[dt.datetime]),
    (dt.date, _ENCODERS[dt.date]),
)


def _tuple_json(enc: Encoder, obj: tuple[Any, ...]) -> JSON:
    """A tuple of a subclass: a `NamedTuple` (or `collections.namedtuple`) keeps its class and
    field names, so it comes back with its attributes; any other is a plain tuple."""
    fields = getattr(type(obj), "_fields", None)
    if not isinstance(fields, tuple) or not all(isinstance(f, str) for f in fields):
        return enc.tagged("tuple", obj)
    path = getattr(type(obj), "__waymark_path__", None) or type_path(type(obj))
    return {"$t": "namedtuple", "type": path, "fields": list(fields),
            "items": [enc.encode(x) for x in obj]}  # fmt: skip
