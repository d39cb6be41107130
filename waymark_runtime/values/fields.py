"""`dataclasses.fields(obj_or_class)` as a workflow value: each field of a dataclass (loaded in
this process) kept with the path of its class, so it can be stored across an await (by class
and name) and read as Python reads a `dataclasses.Field`: `name`, `type`, `default`,
`default_factory`, `init`, `repr`, `compare`, `hash`, `kw_only`, `metadata`.

A field is the class's own `Field` object, as Python returns it: two reads of one field are the
same field. Nothing here constructs a class or calls a default factory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from waymark_runtime.errors import ProgramError
from waymark_runtime.values.model_values import ModelValue
from waymark_runtime.values.structural import TypeValue, type_path

FIELD_DATA = frozenset(
    {"name", "type", "default", "default_factory", "init", "repr", "compare", "hash",
     "kw_only", "metadata"}
)  # fmt: skip


class DataclassField:
    """One field of the dataclass at `owner`: its `Field` object, equal only to itself."""

    __slots__ = ("field", "owner")

    def __init__(self, owner: str, field: dataclasses.Field[Any]) -> None:
        self.owner = owner
        self.field = field

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataclassField) and other.field is self.field

    def __hash__(self) -> int:
        return id(self.field)

    def __repr__(self) -> str:
        return repr(self.field)

    def __copy__(self) -> DataclassField:  # a field is copied as itself, as in Python
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> DataclassField:
        return self


def dataclass_fields(value: Any, find: Callable[[str], Any]) -> tuple[DataclassField, ...]:
    """`dataclasses.fields(value)` of a dataclass instance or class, Python's `TypeError` for
    anything else; the class must be loaded here (else `LookupError`)."""
    if isinstance(value, ModelValue) and value.kind == "dataclass":
        path = value.type
    elif isinstance(value, TypeValue):
        path = value.path
    else:
        raise TypeError("must be called with a dataclass type or instance")
    cls = find(path)
    if cls is None:
        raise LookupError(f"the dataclass `{path}` is not loaded in the runner's process")
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise TypeError("must be called with a dataclass type or instance")
    return tuple(DataclassField(path, f) for f in dataclasses.fields(cls))


def stored_field(owner: type, name: str) -> DataclassField | None:
    """The field `name` of the dataclass `owner`, as a stored value names it; None if gone."""
    field = getattr(owner, "__dataclass_fields__", {}).get(name)
    return None if field is None else DataclassField(type_path(owner), field)


def field_attribute(field: DataclassField, name: str) -> Any:
    """`field.name` for the data a `Field` holds; `type` a class as a class value (a string
    annotation stays a string; any other, `list[str]`, is refused), `dataclasses.MISSING` where Python has it; a read-only
    `metadata` as a dict."""
    if name not in FIELD_DATA:
        raise AttributeError(f"'Field' object has no attribute '{name}'")
    value = getattr(field.field, name)
    if name == "metadata":
        return dict(value)
    if isinstance(value, type):
        return TypeValue(type_path(value))
    if name == "type" and not isinstance(value, str):  # `list[str]`, `int | None`
        raise ProgramError(
            f"the annotation of field `{field.field.name}`, `{value}`, is not a class: a "
            "workflow holds classes and strings (`from __future__ import annotations`)"
        )
    if callable(value):
        raise ProgramError(f"the {name} of field `{field.field.name}` is a function, not a value")
    return value
