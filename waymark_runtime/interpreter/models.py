"""The methods of pydantic models a workflow may call: `model_dump`, `model_dump_json` and
`model_copy` (and pydantic v1's `copy`, which v2 still answers), with pydantic's own results;
and `dataclasses.replace`, `asdict` and `astuple` of dataclasses, with the module's own.

`model_dump` and `model_dump_json` run on a real instance rebuilt from the value (pydantic's
serializers, aliases, `exclude`/`include`, `mode="json"` all apply) and their result comes back
as a workflow value. `model_copy` copies the fields as pydantic does — shallow by default, so
the copy shares nested lists with the original, deep with `deep=True` — and applies `update`
without validation. Which fields were set is not kept with a value, so `exclude_unset` is
refused rather than answered wrongly. Nothing here touches a class the value does not name.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

from waymark_runtime.values import ModelValue, to_json, to_value

MODEL_METHODS = frozenset({"model_dump", "model_dump_json", "model_copy", "copy"})

Real = Callable[[Any], Any]


class ModelMethodError(Exception):
    """A model method called in a way a workflow cannot reproduce (raised as `ProgramError`)."""


def call_model_method(
    model: ModelValue, name: str, args: list[Any], kwargs: dict[str, Any], real: Real
) -> Any:
    """`model.name(*args, **kwargs)` for a method of `MODEL_METHODS`; `real` rebuilds a real
    object (the model, or an argument) from a workflow value."""
    if name == "model_copy":
        return _copy(model, *args, **kwargs)
    if name == "copy":  # pydantic v1's, deprecated in v2 and still answered there
        narrowed = sorted(kwargs.keys() & {"include", "exclude"})
        if narrowed:
            raise ModelMethodError(
                f"`copy({narrowed[0]}=...)` would make a model without some of its fields: "
                "use `model_copy(update=...)`"
            )
        return _copy(model, *args, **kwargs)
    if kwargs.get("exclude_unset"):
        raise ModelMethodError(
            f"`{name}(exclude_unset=True)`: a workflow does not keep which fields were set"
        )
    method = getattr(real(model), name)
    result = method(*map(real, args), **{key: real(value) for key, value in kwargs.items()})
    return result if isinstance(result, str) else to_value(to_json(result))


def _copy(model: ModelValue, *, update: Any = None, deep: bool = False) -> ModelValue:
    """`model_copy`: pydantic copies the instance's fields and updates them unvalidated."""
    fields = copy.deepcopy(model.fields) if deep else dict(model.fields)
    if update:
        fields.update(update)
    return ModelValue(model.type, model.kind, fields, model.lineage)


def call_dataclass_function(
    name: str, args: list[Any], kwargs: dict[str, Any], real: Real, structural: Real
) -> Any:
    """`dataclasses.replace(obj, **changes)`, `asdict(obj)` or `astuple(obj)` (`name` without
    the module): run on a real instance rebuilt from the value (its `__init__` and
    `__post_init__` run, as `replace` runs them); fields `replace` leaves as they were stay the
    same objects, shared with the original, as in Python."""
    if len(args) != 1 or (name != "replace" and kwargs):
        raise ModelMethodError(f"`dataclasses.{name}` takes one dataclass instance" +
                               ("" if name == "replace" else ", and no factory"))  # fmt: skip
    value = args[0]
    if not (isinstance(value, ModelValue) and value.kind == "dataclass"):
        raise TypeError(f"{name}() should be called on dataclass instances")
    instance = real(value)
    if name == "asdict":
        return to_value(to_json(dataclasses.asdict(instance)))
    if name == "astuple":
        return to_value(to_json(dataclasses.astuple(instance)))
    changes = {key: real(change) for key, change in kwargs.items()}
    replaced = structural(dataclasses.replace(instance, **changes))
    for key, kept in value.fields.items():
        if key not in kwargs and replaced.fields.get(key) == kept:
            replaced.fields[key] = kept
    return replaced
