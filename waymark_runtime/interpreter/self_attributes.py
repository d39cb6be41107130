"""`getattr`, `hasattr`, `delattr` and `vars` of the instance's workflow object (`self`), where
the compiler could not answer them from the class alone: a computed attribute name, a deleted
attribute, the object's dict.

The class's constants and methods are not stored on the object (the compiler inlines them);
the compiler passes the table of them these need. Nothing here reads a class.
"""

from __future__ import annotations

from typing import Any

from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.attributes import get_attribute_named
from waymark_runtime.values.model_values import ModelValue


def self_lookup(
    builtin: str, obj: ModelValue, constants: dict[str, Any], methods: tuple[str, ...],
    name: Any, *default: Any,
) -> Any:  # fmt: skip
    """`getattr(self, name[, default])` or `hasattr(self, name)` of a computed `name`."""
    if not isinstance(name, str):
        raise TypeError("attribute name must be string, not " + repr(type(name).__name__))
    if name.startswith("__") and name.endswith("__"):
        raise ProgramError(f"{builtin}(self, {name!r}): a special attribute of the workflow "
                           "object, which a workflow does not read")  # fmt: skip
    if name in constants:
        return True if builtin == "hasattr" else constants[name]
    if name in methods:
        if builtin == "hasattr":
            return True
        raise ProgramError(f"getattr(self, {name!r}): a method named by a computed name, "
                           "which a workflow does not read (name it with a string literal)")  # fmt: skip
    if builtin == "hasattr":
        return name in obj.fields
    return get_attribute_named(obj, name, *default)


def self_vars(obj: ModelValue, initial: dict[str, Any]) -> dict[str, Any]:
    """`vars(self)`: the object's own dict (live, as in Python), holding what `__init__` sets
    before what the run set, as Python orders them."""
    fields = obj.fields
    if any(name not in fields for name in initial):
        rest = dict(fields)
        fields.clear()
        fields.update(initial)
        fields.update(rest)
    return fields


def self_delattr(obj: ModelValue, name: str) -> None:
    if obj.fields.pop(name, _MISSING) is _MISSING:
        owner = obj.type.rpartition(":")[2].rpartition(".")[2]
        raise AttributeError(f"'{owner}' object has no attribute '{name}'")


_MISSING = object()
