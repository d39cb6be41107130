"""Instances a workflow constructs: what a constructed object keeps of the workflow's own values
(`sharing`), and a class value called (`STRATEGIES[name](dest)`, `kind(2)`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from waymark_runtime.values import ExceptionValue, TypeValue
from waymark_runtime.values.model_values import MODEL_VALUES
from waymark_runtime.values.registry import kind_of

if TYPE_CHECKING:
    from waymark_runtime.interpreter.library import Library


def new_of(library: Library, cls: TypeValue, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """`cls(...)` of a class value: an instance of the user's model, dataclass, named tuple,
    plain class or exception, built as `Cls(...)` is (`Library.new`); an enum's member by
    value, and Python's errors for any other class (`TypeValue.call`)."""
    found = library.types(cls.path)
    if not isinstance(found, type) or kind_of(found) in (None, "enum"):
        return cls.call(args, kwargs)
    return library.new(cls.path, args, kwargs)


def sharing(made: Any, obj: Any, given: dict[int, Any]) -> Any:
    """`made`, the workflow value of the constructed `obj`, holding the workflow's own values
    where the constructor kept an argument as it was (`given`: a real argument's id -> the
    value it was built from): `Invoice(lines)` keeps the very list, as in Python, so appending
    to `lines` later shows in the invoice; what the class copied or built (pydantic's validated
    lists) stays apart, as in Python."""
    kind = made.__class__
    if kind in MODEL_VALUES or kind is ExceptionValue:
        fields = made.fields if kind in MODEL_VALUES else made.attrs
        for name in fields:
            kept = given.get(id(getattr(obj, name, None)))
            if kept is not None:
                fields[name] = kept
        if kind is ExceptionValue:
            made.args = tuple(
                given.get(id(real), value) for real, value in zip(obj.args, made.args, strict=True)
            )
    elif isinstance(made, tuple):  # a named tuple
        made = type(made)(
            *(given.get(id(real), value) for real, value in zip(obj, made, strict=True))
        )
    return made
