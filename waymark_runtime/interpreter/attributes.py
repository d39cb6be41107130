"""Attribute reads of workflow values: `obj.name`, `getattr` and `hasattr`, as a workflow may
make them.

A model's or dataclass's field, an exception's attribute, an enum member's name and value, a
data attribute of a plain value or of a value's class (`Quota.per_day`, an exception class's
`status = 404`), and a property the compiler left out, computed on a real object. Never a
special attribute (`__class__`) and never a method, which is called (`library`), not read.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import inspect
import re
import string
import urllib.parse
import uuid
from collections import ChainMap, deque
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.csv_readers import READER_TYPES
from waymark_runtime.values import (
    MISSING,
    MODEL_VALUES,
    STRUCTURAL_VALUES,
    EnumValue,
    ExceptionValue,
    TypeValue,
    as_workflow_value,
    find_class,
    kind_of,
    real_member,
    real_value,
    short_name,
    to_json,
    to_value,
    type_name,
    type_path,
)
from waymark_runtime.values.callables import PartialValue
from waymark_runtime.values.fields import DataclassField, field_attribute
from waymark_runtime.values.matches import MatchValue
from waymark_runtime.values.model_fields import ModelField, model_field_attribute, model_fields
from waymark_runtime.values.structural import ISO_CALENDAR_DATE

_PLAIN_TYPES = (int, float, complex, bool, str, bytes, dt.date, dt.datetime, dt.time,
                dt.timedelta, dt.timezone, ZoneInfo, uuid.UUID, Decimal, Fraction, PurePosixPath, range, slice, deque,
                ChainMap, ISO_CALENDAR_DATE, re.Pattern, MatchValue, string.Template,
                *READER_TYPES)  # fmt: skip


def no_attribute(obj: Any, name: str) -> AttributeError:
    if obj.__class__ is TypeValue:
        return AttributeError(f"type object '{short_name(obj.path)}' has no attribute '{name}'")
    if isinstance(obj, _PLAIN_TYPES + _CONTAINERS) and not hasattr(obj, name):
        try:  # Python's own words (`'collections.OrderedDict' object has no attribute ...`)
            getattr(obj, name)
        except AttributeError as error:
            return error
    return AttributeError(f"'{type_name(obj)}' object has no attribute '{name}'")


_CONTAINERS = (list, tuple, dict, set, frozenset)

# Named tuples the standard functions return whose properties are pure and cheap
# (`urlparse(url).hostname`, `.port`): read as data, like a field.
STANDARD_TUPLES = (urllib.parse.ParseResult, urllib.parse.SplitResult, urllib.parse.DefragResult)


def get_attribute(obj: Any, name: str) -> Any:
    """`obj.name`, for fields of models and exceptions and data attributes of plain values."""
    kind = type(obj)
    if kind in MODEL_VALUES:
        try:
            return obj.fields[name]
        except KeyError:
            return _class_attribute(obj, obj.type, name, lambda cls: cls)
    if kind is ExceptionValue:
        return _exception_attribute(obj, name)
    if kind is EnumValue:
        return _enum_attribute(obj, name)
    if kind is TypeValue:  # `Order.kind`: a data attribute of the class itself
        if name in _NAMED_TUPLE_DATA:
            return _named_tuple_data(obj, name)
        cls = None if name.startswith("_") else find_class(obj.path)
        if name == "model_fields" and cls is not None and kind_of(cls) == "model":
            return model_fields(cls)
        if cls is not None and not isinstance(getattr(cls, name), _CLASS_DATA):  # (or its error)
            raise ProgramError(f"`{cls.__name__}.{name}` is not data a workflow can read")
        return _class_attribute(obj, obj.path, name, lambda cls: cls)
    if kind is PartialValue and name in _PARTIAL_DATA:  # `functools.partial`'s own attributes
        return getattr(obj, name)
    if kind is DataclassField:  # an item of `dataclasses.fields(...)`
        return field_attribute(obj, name)
    if kind is ModelField:  # an item of `Model.model_fields`
        return model_field_attribute(obj, name)
    fields = getattr(kind, "_fields", None) if isinstance(obj, tuple) else None
    if isinstance(fields, tuple) and name == "_field_defaults":  # the class's, when loaded
        return _named_tuple_data(TypeValue(type_path(kind)), name)
    if isinstance(fields, tuple) and (name in fields or name == "_fields"):
        return getattr(obj, name)  # a field of a named tuple, or its field names
    if kind in STANDARD_TUPLES and isinstance(getattr(kind, name, None), property):
        return getattr(obj, name)
    if name.startswith("_") or not isinstance(obj, _PLAIN_TYPES):
        raise no_attribute(obj, name)
    value = getattr(obj, name)
    if callable(value):
        raise ProgramError(f"`{type(obj).__name__}.{name}` is a method: call it")
    if isinstance(value, MappingProxyType):  # `pattern.groupindex`: a read-only dict
        return dict(value)
    return value


_PARTIAL_DATA = frozenset({"func", "args", "keywords"})
_NO_DEFAULT: Any = object()


def get_attribute_named(obj: Any, name: Any, default: Any = _NO_DEFAULT) -> Any:
    """`getattr(obj, name[, default])`: what `obj.name` reads (fields, data attributes),
    `default` for a missing one."""
    if not isinstance(name, str):
        raise TypeError("attribute name must be string, not " + repr(type(name).__name__))
    try:
        return get_attribute(obj, name)
    except AttributeError:
        if default is _NO_DEFAULT:
            raise
        return default


def has_attribute(obj: Any, name: Any) -> bool:
    """`hasattr(obj, name)`, as Python answers it: a field or data attribute, and a method or
    property of the value's class (loaded here) or of a plain value's type."""
    kind = obj.__class__
    if kind not in STRUCTURAL_VALUES and kind is not TypeValue:
        return hasattr(obj, name)  # (Python's own `TypeError` for a name that is no string)
    try:
        get_attribute_named(obj, name)
    except AttributeError:
        pass
    else:
        return True
    if kind in MODEL_VALUES or kind is ExceptionValue:  # a property that raises says False
        return find_class(obj.type) is not None and hasattr(real_value(obj, find_class), name)
    if kind is EnumValue:
        return find_class(obj.type) is not None and hasattr(real_member(obj), name)
    return False


_NAMED_TUPLE_DATA = frozenset({"_fields", "_field_defaults"})


def _named_tuple_data(named: TypeValue, name: str) -> Any:
    """`Line._fields` or `Line._field_defaults` of a named tuple class (loaded here)."""
    cls = find_class(named.path)
    if cls is None or kind_of(cls) != "namedtuple" or not hasattr(cls, "_fields"):
        raise no_attribute(named, name)
    return as_workflow_value(getattr(cls, name))


def _exception_attribute(error: ExceptionValue, name: str) -> Any:
    if name == "args":
        return error.args
    chain = _CHAIN.get(name)
    if chain is not None:
        return getattr(error, chain)
    try:
        return error.attrs[name]
    except KeyError:
        return _class_attribute(error, error.lineage[0], name, lambda cls: cls)


# An exception's chain, as Python names it, by the slot of `ExceptionValue` that holds it.
_CHAIN = {"__cause__": "cause", "__context__": "context", "__suppress_context__": "suppress"}


# What a class attribute read through a value may be: data, never a function or a descriptor.
_CLASS_DATA = (int, float, str, bool, type(None), tuple, frozenset, Decimal, dt.date, dt.time,
               dt.timedelta, enum.Enum)  # fmt: skip


def _class_attribute(obj: Any, path: str, name: str, holder: Callable[[type], Any]) -> Any:
    """`obj.name` read from `obj`'s class when `obj` itself has no such field: a data attribute
    of the class or a base (`status = 404` of an exception class, a `ClassVar` of a model, an
    attribute an enum member's `__init__` set), as Python finds it. `holder` picks what to read
    from the class (the class itself, or an enum's member). Needs the class loaded here."""
    cls = None if name.startswith("_") else find_class(path)
    if cls is not None:
        value = getattr(holder(cls), name, MISSING)
        if isinstance(value, _CLASS_DATA):
            return to_value(to_json(value))
        if isinstance(
            inspect.getattr_static(cls, name, None), property | functools.cached_property
        ):  # one the compiler left out (it calls a method, `super()`): Python computes it
            real = holder(cls) if obj.__class__ is EnumValue else real_value(obj, find_class)
            result = getattr(real, name)
            return as_workflow_value(result)
        if value is not MISSING and not callable(value):  # one object the class shares
            raise ProgramError(f"`{cls.__name__}.{name}` is not data a workflow can read")
    raise no_attribute(obj, name)


def _enum_attribute(member: EnumValue, name: str) -> Any:
    if name == "name":
        return member.name
    if name == "value":
        if member.value is MISSING:
            raise ProgramError(f"the value of {member.type}.{member.name} is unknown here")
        return member.value
    return _class_attribute(member, member.type, name, lambda cls: real_member(member))
