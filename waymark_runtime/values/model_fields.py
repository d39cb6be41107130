"""`Model.model_fields` of a pydantic model class: a dict of field name to the field's
`FieldInfo`, as pydantic gives it (iterated for CSV headers, `len`, `in`, `.items()`). Each
`FieldInfo` is held as the class's own object (equal only to itself), stored by its class and
name, and reads the data it holds (`description`, `alias`, `title`, `default`, `annotation`)."""

from __future__ import annotations

from typing import Any

from waymark_runtime.errors import ProgramError, ValueNotSerializable
from waymark_runtime.values.fields import DataclassField
from waymark_runtime.values.structural import TypeValue, type_path

_DATA = (str, int, float, bool, type(None))


class ModelField(DataclassField):
    """One item of `Model.model_fields`: the `FieldInfo` of field `name` of the model at
    `owner`."""

    __slots__ = ("name",)

    def __init__(self, owner: str, name: str, info: Any) -> None:
        super().__init__(owner, info)
        self.name = name


def model_fields(owner: type) -> dict[str, ModelField]:
    """`owner.model_fields`, its items as workflow values."""
    path = type_path(owner)
    fields: dict[str, Any] = owner.model_fields  # type: ignore[attr-defined]
    return {name: ModelField(path, name, info) for name, info in fields.items()}


def stored_model_field(owner: type | None, name: str) -> ModelField:
    """The field `name` of the model `owner` (None: not loaded here), as a stored value names
    it; `ValueNotSerializable` when there is no such field (any more)."""
    fields = getattr(owner, "model_fields", None)
    info = fields.get(name) if isinstance(fields, dict) else None
    if owner is None or info is None:
        raise ValueNotSerializable(f"no model field {name!r} of {owner!r} here")
    return ModelField(type_path(owner), name, info)


def model_field_attribute(field: ModelField, name: str) -> Any:
    """`info.name` for the data a `FieldInfo` holds: text, numbers, None, a class (as a class
    value); anything else (a default factory, a validator, `list[str]`) is refused by name."""
    if name.startswith("_"):
        raise AttributeError(f"'FieldInfo' object has no attribute '{name}'")
    value = getattr(field.field, name)
    if isinstance(value, type):
        return TypeValue(type_path(value))
    if not isinstance(value, _DATA):
        raise ProgramError(
            f"`{name}` of model field `{field.name}` is {type(value).__name__}, not data a "
            "workflow can read"
        )
    return value
