"""Encoding workflow values to JSON: real Python objects and structural values alike.

Tagged objects (`{"$t": ...}`) keep apart what JSON cannot say: tuples, sets, non-str keys,
bytes, datetimes, decimals, fractions, `string.Template`s, UUIDs, non-finite floats, complex numbers, models, dataclasses, enums, exceptions,
and what would not survive storage as it is: ints too long for decimal text and strings with
NUL or surrogates (see `text`). A value that cannot be stored raises `ValueNotSerializable`.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from typing import Any

from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.values.cycles import check_input_nesting, nesting_problem
from waymark_runtime.values.encode_types import (
    _ENCODERS,
    _FALLBACKS,
    _attributes_json,
    _dataclass_json,
    _enum_class_json,
    _exception_json,
    _structure_json,
)
from waymark_runtime.values.exception_values import ExceptionValue, chained_value, exception_value
from waymark_runtime.values.registry import kind_of
from waymark_runtime.values.structural import JSON, lineage, type_path
from waymark_runtime.values.text import check_storable

# ---------------------------------------------------------------------------------------------
# Encoding: Python values (real or structural) -> JSON
# ---------------------------------------------------------------------------------------------


class Encoder:
    """Python value -> JSON. Subclasses add forms that only interpreter state holds."""

    objects = False  # a plain class's instance, only where a workflow made it (`made_json`)

    def encode(self, obj: Any) -> JSON:
        encode_as = _ENCODERS.get(type(obj))
        if encode_as is not None:
            return encode_as(self, obj)
        return self.fallback(obj)

    def fallback(self, obj: Any) -> JSON:
        if _is_model(obj):
            return _model_json(self, obj)
        if isinstance(obj, tuple) and hasattr(obj, "enum_path"):  # `interpreter.EnumMembers`
            return _enum_class_json(obj.enum_path)
        for kind, encode_as in _FALLBACKS:
            if isinstance(obj, kind):
                return encode_as(self, obj)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return _dataclass_json(self, obj)
        if self.objects and kind_of(type(obj)) == "object":  # its `__dict__` (`objects`)
            return _structure_json(self, "object", lineage(type(obj)), dict(vars(obj)))
        raise ValueNotSerializable(
            f"{type_path(type(obj))} is not a workflow value (use primitives, lists, dicts, "
            "pydantic models, dataclasses, enums or datetimes)"
        )

    def chain_link(self, link: ExceptionValue, links: list[int]) -> JSON:
        """A link of an exception's chain (`__cause__`, `__context__`), inside the exception
        (`links`: how many more the chain may keep)."""
        return _exception_json(self, link, links)

    def attempt(self, encode: Callable[[], JSON]) -> JSON:
        """`encode()`, which may fail: a value left out then (an exception's attribute) must
        leave no trace in what is encoded after it (a state's numbering, `StateEncoder`)."""
        return encode()

    def tagged(self, tag: str, items: Any) -> JSON:
        return {"$t": tag, "items": [self.encode(x) for x in items]}

    def nan_id(self, nan: float) -> int:
        """The number of this NaN object among those of the value, by identity: Python's
        `[n] == [n]` is true because both hold one `n` (containers compare items by identity
        first), so the decoder makes one object of each number again."""
        nans: dict[int, tuple[int, float]] = self.__dict__.setdefault("_nans", {})
        found = nans.get(id(nan))
        if found is None:
            found = nans[id(nan)] = (len(nans), nan)  # the object kept: its id stays its own
        return found[0]


def to_json(obj: Any) -> JSON:
    """Encode a value for storage; raises `ValueNotSerializable` naming the offending type."""
    try:
        return Encoder().encode(obj)
    except RecursionError:  # nested past Python's recursion limit, or contains itself
        raise nesting_problem(obj) from None


def made_json(obj: Any) -> JSON:
    """`to_json` of an object the workflow made (`Cls(...)`): a plain class's instance too,
    which comes into a workflow no other way (not as an input, nor from an action)."""
    encoder = Encoder()
    encoder.objects = True
    try:
        return encoder.encode(obj)
    except RecursionError:
        raise nesting_problem(obj) from None


def inputs_json(inputs: dict[str, Any], max_bytes: int) -> JSON:
    """A workflow's inputs for storage: refused (`ValueNotSerializable`) past `max_bytes` of
    JSON (`WAYMARK_MAX_PAYLOAD_BYTES`), as the runner would decode them on every claim, or
    nested deeper than every codec of a worker is sure to read them (`check_input_nesting`)."""
    check_input_nesting(inputs)
    encoded = to_json(inputs)
    try:
        check_storable(encoded, max_bytes)
    except ValueNotSerializable as error:
        raise ValueNotSerializable(f"the inputs cannot be stored: {error}") from None
    return encoded


def _is_model(obj: Any) -> bool:
    # A model instance can only exist once pydantic is loaded: processes that never see one
    # (a runner holding structural values) do not pay for importing it.
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(obj, pydantic.BaseModel)


def _model_json(enc: Encoder, obj: Any) -> JSON:
    fields = {name: getattr(obj, name) for name in type(obj).model_fields}
    fields.update(obj.__pydantic_extra__ or {})
    fields.update(_private_attributes(obj))
    return _structure_json(enc, "model", lineage(type(obj)), fields)


def _private_attributes(obj: Any) -> dict[str, Any]:
    """A model's private attributes (`_token: str = PrivateAttr()`) that can be stored, kept
    with its fields: a workflow reads them as Python does. One that cannot (a client, a lock)
    is left out, as it was before private attributes were kept, rather than failing the value."""
    private = obj.__pydantic_private__ or {}
    return {k: v for k, v in private.items() if k.startswith("_") and _storable(v)}


def _storable(value: Any) -> bool:
    try:
        Encoder().encode(value)
    except (ValueNotSerializable, RecursionError):
        return False
    return True


def attributes_json(attrs: dict[str, Any]) -> dict[str, JSON]:
    """An exception's attributes as JSON, those that cannot be stored (a lock an `__init__`
    made, say) left out, as they are when the exception is stored."""
    return _attributes_json(Encoder(), attrs)


def error_json(error: BaseException, *, chained: bool = False) -> JSON:
    """A JSON exception value for any exception, never failing (unstorable parts are dropped);
    `chained`: with its `__cause__` and `__context__` (one user code raised)."""
    value = chained_value(error) if chained else exception_value(error)
    return _exception_json(Encoder(), value)
