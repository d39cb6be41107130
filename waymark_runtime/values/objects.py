"""Instances of the user's plain classes (`class Strategy:` whose `__init__` stores attributes,
no `@dataclass`, no model) as workflow values: a `ModelValue` of kind `object` whose fields are
what the instance's `__dict__` holds, rebuilt as an instance of its class (no `__init__` run)
where the class is loaded.

Inside a workflow they are kept as any value is (saved across awaits, shared by every name that
holds them); they cannot leave it. A plain instance has no form an action's worker or a caller
could rebuild as its class (pydantic, which an action's values follow, has none), so
`leaving_json` refuses one as an action's argument or result and as a workflow's result. So
it does a task's handle (`asyncio.create_task`), which means something only inside the
instance that started it.
"""

from __future__ import annotations

from typing import Any

from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.values.callables import TaskValue
from waymark_runtime.values.cycles import nesting_problem
from waymark_runtime.values.encode import Encoder
from waymark_runtime.values.model_values import MODEL_VALUES
from waymark_runtime.values.registry import kind_of
from waymark_runtime.values.structural import short_name, type_path

OBJECT = "object"


class _Leaving(Encoder):
    """The encoder of a value that leaves the workflow: a plain instance is refused."""

    def encode(self, obj: Any) -> Any:
        if type(obj) in MODEL_VALUES and obj.kind == OBJECT:
            raise _not_leaving(obj.type)
        if type(obj) is TaskValue:
            raise ValueNotSerializable(
                f"a task ({obj!r}) cannot leave the workflow (as an action's argument or "
                "result, or the workflow's result): await it and pass its result"
            )
        return super().encode(obj)

    def fallback(self, obj: Any) -> Any:
        if kind_of(type(obj)) == OBJECT:
            raise _not_leaving(type_path(type(obj)))
        return super().fallback(obj)


def _not_leaving(path: str) -> ValueNotSerializable:
    name = short_name(path)
    return ValueNotSerializable(
        f"an instance of the plain class {name} ({path}) cannot leave the workflow (as an "
        f"action's argument or result, or the workflow's result): make {name} a @dataclass or "
        "a pydantic model, or pass its attributes"
    )


def leaving_json(obj: Any) -> Any:
    """`to_json` of a value that leaves the workflow (see `_Leaving`)."""
    try:
        return _Leaving().encode(obj)
    except RecursionError:
        raise nesting_problem(obj) from None
