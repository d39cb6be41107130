"""Decoding JSON to workflow values: structural (for the interpreter) or real classes.

`to_value` gives what the interpreter computes with (no user code needed); `from_json` gives the
caller's objects, classes found in the type registry (or by a `TypeResolver`); exceptions are
`decode_errors`, validation against an annotation `validation`. A type tag builds a class only
when the class is of that kind (a `model` tag, a pydantic model; ...).
"""

from __future__ import annotations

import base64
import builtins
import collections
import dataclasses
import datetime as dt
import enum
import functools
import re
import string
import sys
import uuid
from collections import ChainMap, Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.values.callables import ActionValue, HelperValue, TaskValue, partial_of
from waymark_runtime.values.cycles import nesting_problem
from waymark_runtime.values.decode_errors import exception_from
from waymark_runtime.values.encode import attributes_json, made_json, to_json
from waymark_runtime.values.enums import EnumValue
from waymark_runtime.values.exception_values import exception_value
from waymark_runtime.values.fields import stored_field
from waymark_runtime.values.matches import MatchValue
from waymark_runtime.values.model_fields import stored_model_field
from waymark_runtime.values.model_values import MODEL_KINDS, ModelValue
from waymark_runtime.values.registry import find_class, kind_of
from waymark_runtime.values.structural import (
    DEFAULT_FACTORIES,
    ISO_CALENDAR_DATE,
    JSON,
    MISSING,
    STANDARD_CLASSES,
    TypeResolver,
    TypeValue,
    short_name,
)
from waymark_runtime.values.text import big_int_value, text_value
from waymark_runtime.values.times import datetime_value, time_value

# ---------------------------------------------------------------------------------------------
# Decoding: JSON -> Python values
# ---------------------------------------------------------------------------------------------


class Decoder:
    """JSON -> Python values: structural (`types=None`) or real classes found by `types`."""

    def __init__(self, types: TypeResolver | None = None) -> None:
        self.types = types
        self.nans: dict[Any, float] = {}
        """One NaN object per number the encoder gave (`Encoder.nan_id`)."""

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

    def resolve(self, path: str, kind: str) -> type | None:
        """The class at `path` if the resolver knows it and it is of `kind`, else None."""
        found = self.types(path) if self.types is not None else None
        return found if isinstance(found, type) and kind_of(found) == kind else None

    def items(self, value: JSON) -> list[Any]:
        return [self.decode(x) for x in value["items"]]


def to_value(value: JSON) -> Any:
    """JSON -> structural workflow value (what the interpreter computes with). A value that
    contains itself or nests past the recursion limit raises `ValueNotSerializable`."""
    try:
        return Decoder().decode(value)
    except RecursionError:
        raise nesting_problem(value) from None


def from_json(value: JSON, types: TypeResolver | None = None) -> Any:
    """JSON -> Python objects: models, dataclasses, enums and exceptions as their real classes,
    found by `types` (default: the type registry). A value that contains itself or nests past
    the recursion limit raises `ValueNotSerializable`."""
    try:
        return Decoder(types or find_class).decode(value)
    except RecursionError:
        raise nesting_problem(value) from None


def real_value(value: Any, types: TypeResolver | None = None) -> Any:
    """A structural value turned into real objects (classes from `types`)."""
    return from_json(to_json(value), types=types)


_PLAIN = (bool, int, float, str, type(None))


def as_workflow_value(obj: Any) -> Any:
    """A real object (model, dataclass, enum, exception) as a workflow value: the inverse of
    `real_value`. A number, string, bool or None is its own."""
    if obj.__class__ in _PLAIN:
        return obj
    if isinstance(obj, BaseException):
        error = exception_value(obj)
        error.args = to_value(to_json(error.args))
        error.attrs = to_value(attributes_json(error.attrs))
        return error
    return to_value(made_json(obj))


def _structure_value(dec: Decoder, value: JSON) -> Any:
    kind, lineage = value["$t"], (value["type"], *value.get("bases", ()))
    fields = {k: dec.decode(v) for k, v in value["fields"].items()}
    cls = dec.resolve(lineage[0], kind)
    if cls is None:
        return ModelValue(lineage[0], kind, fields, lineage)
    if kind == "model":
        return _model_from(cls, fields)
    obj: Any = object.__new__(cls)
    declared = set(fields) if kind == "object" else {f.name for f in dataclasses.fields(cls)}
    for key, field_value in fields.items():
        if key in declared:  # anything else (a field since removed, a dunder) is dropped
            object.__setattr__(obj, key, field_value)
    return obj


def _model_from(cls: Any, fields: dict[str, Any]) -> Any:
    """A model made without validation; its private attributes (`_token`) are set after, and
    only those the class declares (a stored name never reaches `model_construct`'s own
    `_fields_set`, nor an attribute the class does not have)."""
    model = cls.model_construct(**{k: v for k, v in fields.items() if not k.startswith("_")})
    private = cls.__private_attributes__
    for key, value in fields.items():
        if key in private:
            setattr(model, key, value)
    return model


def _namedtuple_value(dec: Decoder, value: JSON) -> tuple[Any, ...]:
    """A named tuple as its class when it is known here, else as a named tuple class of the
    same name and fields (what a workflow reads: `line.code`, `line[0]`, unpacking)."""
    items = dec.items(value)
    if len(items) != len(value["fields"]):
        return tuple(items)  # not what `_tuple_json` writes
    cls = _standard_tuple(value["type"], tuple(value["fields"]))
    cls = cls or dec.resolve(value["type"], "namedtuple")
    if cls is None:
        try:
            cls = _standin(value["type"], tuple(value["fields"]))
        except (TypeError, ValueError):  # not field names a named tuple may have
            return tuple(items)
    return cls(*items)  # type: ignore[no-any-return]


def _standard_tuple(path: str, fields: tuple[str, ...]) -> type | None:
    """The standard library's named tuple class at `path` (`urllib.parse:ParseResult`, with
    its methods: `geturl()`), when its module is loaded here and its fields are `fields`."""
    module, _, qualname = path.partition(":")
    if module.partition(".")[0] not in sys.stdlib_module_names:
        return None
    found: Any = sys.modules.get(module)
    for name in qualname.split("."):
        found = getattr(found, name, None)
    if (
        isinstance(found, type)
        and issubclass(found, tuple)
        and getattr(found, "_fields", None) == fields
    ):
        return found
    return None


@functools.lru_cache(maxsize=256)
def _standin(path: str, fields: tuple[str, ...]) -> type:
    """Named as the real class, `module:QualName`, so that `isinstance` with the class (by
    path) holds and it is encoded as the real class."""
    standin = collections.namedtuple(short_name(path), fields)  # type: ignore[misc]
    module, _, qualname = path.partition(":")
    standin.__module__, standin.__qualname__ = module, qualname
    standin.__waymark_path__ = path  # type: ignore[attr-defined]
    return standin


def _enum_value(dec: Decoder, value: JSON) -> Any:
    member_value = dec.decode(value["value"]) if "value" in value else MISSING
    cls = dec.resolve(value["type"], "enum")
    if cls is None:
        return EnumValue(value["type"], value["name"], member_value, value.get("mix"),
                         value.get("plain", False))  # fmt: skip
    try:
        return cls[value["name"]]  # type: ignore[index]
    except KeyError:
        if issubclass(cls, enum.Flag) and member_value is not MISSING:
            return cls(member_value)  # a combination of members (`READ|WRITE`) or none
        raise ValueNotSerializable(f"{value['type']} has no member {value['name']!r}") from None


def _float_value(dec: Decoder, value: JSON) -> float:
    number = value.get("id")
    if number is None or isinstance(number, (dict, list)):
        return float(value["v"])
    nan = dec.nans.get(number)
    if nan is None:
        nan = dec.nans[number] = float(value["v"])
    return nan


def _dict_value(dec: Decoder, value: JSON) -> dict[Any, Any]:
    return {dec.decode(k): dec.decode(v) for k, v in value["items"]}


def _counter_value(dec: Decoder, value: JSON) -> Counter[Any]:
    counts: Counter[Any] = Counter()
    for k, v in value["items"]:
        counts[dec.decode(k)] = dec.decode(v)
    return counts


def default_factory(name: str | None) -> type | None:
    """The default factory a stored `defaultdict` names."""
    factory = None if name is None else DEFAULT_FACTORIES.get(name)
    if name is not None and factory is None:
        raise ValueNotSerializable(f"unknown defaultdict factory {name!r}")
    return factory


def _maxlen(value: JSON) -> int | None:
    if value is None or (type(value) is int and value >= 0):
        return value
    raise ValueNotSerializable(f"a deque's maxlen must be None or an int >= 0, not {value!r}")


def _defaultdict_value(dec: Decoder, value: JSON) -> defaultdict[Any, Any]:
    return defaultdict(default_factory(value["factory"]), _dict_value(dec, value))


def _type_value(dec: Decoder, value: JSON) -> Any:
    """A class value: as a `TypeValue` in a workflow (structural decoding); as the real class
    outside one, when it is a builtin or standard type or one of the classes the type registry
    knows (the user's models, dataclasses, enums and exceptions) — never the stand-in."""
    path = str(value["v"])
    if dec.types is None:
        return TypeValue(path)
    found = STANDARD_CLASSES.get(path) or _builtin_class(path) or dec.types(path)
    if isinstance(found, type):
        return found
    raise ValueNotSerializable(
        f"the value holds the class {path}, which this process cannot give as a class: a value "
        "may hold builtin and standard types, and the models, dataclasses, enums and exceptions "
        "of the modules loaded here (for a worker, list them in WAYMARK_USER_MODULE)"
    )


def _partial_value(dec: Decoder, value: JSON) -> Any:
    try:
        return partial_of(dec.decode(value["func"]), tuple(dec.decode(value["args"])),
                          dec.decode(value["keywords"]))  # fmt: skip
    except TypeError:
        raise ValueNotSerializable("a stored partial must be of an action or helper") from None


def _builtin_class(path: str) -> type | None:
    module, _, name = path.partition(":")
    found = getattr(builtins, name, None) if module == "builtins" else None
    return found if isinstance(found, type) else None


_DECODERS: dict[str, Callable[[Decoder, JSON], Any]] = {
    "tuple": lambda dec, v: tuple(dec.items(v)),
    "namedtuple": lambda dec, v: _namedtuple_value(dec, v),
    "set": lambda dec, v: set(dec.items(v)),
    "frozenset": lambda dec, v: frozenset(dec.items(v)),
    "dict": _dict_value,
    "counter": _counter_value,
    "odict": lambda dec, v: OrderedDict((dec.decode(k), dec.decode(x)) for k, x in v["items"]),
    "defaultdict": _defaultdict_value,
    "deque": lambda dec, v: deque(dec.items(v), _maxlen(v.get("maxlen"))),
    "chainmap": lambda dec, v: _chain_map(dec.decode(v["maps"])),
    "int": lambda dec, v: big_int_value(v),
    "str": lambda dec, v: text_value(v),
    "float": _float_value,
    "complex": lambda dec, v: complex(*(float(dec.decode(part)) for part in v["v"])),
    "bytes": lambda dec, v: base64.b64decode(v["v"]),
    "datetime": lambda dec, v: datetime_value(v),
    "date": lambda dec, v: dt.date.fromisoformat(v["v"]),
    "isocalendar": lambda dec, v: ISO_CALENDAR_DATE(*map(int, v["v"])),
    "time": lambda dec, v: time_value(v),
    "timedelta": lambda dec, v: dt.timedelta(*v["v"]),
    "timezone": lambda dec, v: dt.timezone(
        dt.timedelta(*v["v"]), *([v["name"]] if "name" in v else [])
    ),
    "zone": lambda dec, v: ZoneInfo(v["v"]),
    "uuid": lambda dec, v: uuid.UUID(v["v"]),
    "decimal": lambda dec, v: Decimal(v["v"]),
    "purepath": lambda dec, v: PurePosixPath(dec.decode(v["v"])),
    "template": lambda dec, v: string.Template(dec.decode(v["v"])),
    "fraction": lambda dec, v: Fraction(*(int(dec.decode(part)) for part in v["v"])),
    **dict.fromkeys(MODEL_KINDS, _structure_value),  # `object`: `objects`
    "enum": _enum_value,
    "exception": exception_from,
    "type": _type_value,
    "action": lambda dec, v: ActionValue(str(v["v"])),
    "helper": lambda dec, v: HelperValue(str(v["v"])),
    "task": lambda dec, v: TaskValue(str(v["v"])),
    "partial": lambda dec, v: _partial_value(dec, v),
    "dataclass.field": lambda dec, v: _field_value(dec, v),
    "model.field": lambda dec, v: _model_field(dec, v),
    "dataclasses.MISSING": lambda dec, v: dataclasses.MISSING,
    "re.pattern": lambda dec, v: _pattern_value(dec, v),
    "re.match": lambda dec, v: _match_value(dec, v),
}


def _chain_map(maps: Any) -> ChainMap[Any, Any]:
    """A stored `ChainMap` over its very maps (a list of at least one)."""
    if type(maps) is not list or not maps:
        raise ValueNotSerializable(f"a ChainMap's maps must be a non-empty list, not {maps!r}")
    chain: ChainMap[Any, Any] = ChainMap()
    chain.maps = maps
    return chain


def _field_value(dec: Decoder, value: JSON) -> Any:
    """A stored `dataclasses.fields(...)` item: the field of that name of the loaded class; the
    real `dataclasses.Field` where real objects are wanted (an action's arguments)."""
    cls = _loaded(dec, value["type"], "dataclass")
    field = None if cls is None else stored_field(cls, value["name"])
    if field is None:
        raise ValueNotSerializable(f"no dataclass field {value['type']}.{value['name']} here")
    return field if dec.types is None else field.field


def _model_field(dec: Decoder, value: JSON) -> Any:
    """A stored `Model.model_fields` item: the workflow's value of it, or the model's own
    `FieldInfo` where real objects are wanted (an action's arguments)."""
    field = stored_model_field(_loaded(dec, value["type"], "model"), value["name"])
    return field if dec.types is None else field.field


def _loaded(dec: Decoder, path: str, kind: str) -> type | None:
    """The class of a stored field: the one `dec` resolves, or for a structural decoder (a
    workflow's saved state, which holds the field as a value of its own) the loaded class."""
    if dec.types is not None:
        return dec.resolve(path, kind)
    found = find_class(path)
    return found if isinstance(found, type) and kind_of(found) == kind else None


def _pattern_value(dec: Decoder, value: JSON) -> re.Pattern[str]:
    pattern, flags = dec.decode(value["v"]), value["flags"]
    if type(pattern) is not str or type(flags) is not int:
        raise ValueNotSerializable(f"not a stored pattern: {value!r}")
    return re.compile(pattern, flags)


def _match_value(dec: Decoder, value: JSON) -> MatchValue:
    """A stored match: its pattern, its string and the spans of its groups."""
    pattern, string = _pattern_value(dec, value["re"]), dec.decode(value["string"])
    regs = tuple((int(a), int(b)) for a, b in value["regs"])
    if type(string) is not str or len(regs) != pattern.groups + 1:
        raise ValueNotSerializable("a stored match does not fit its pattern")
    last = value["last"]
    return MatchValue(pattern, string, regs, last if type(last) is int else None,
                      int(value["pos"]), int(value["endpos"]))  # fmt: skip
