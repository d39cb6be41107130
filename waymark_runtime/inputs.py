"""One validation of a workflow's inputs, made at every entry point before anything is written.

`Workflow.run()` (on PostgreSQL and on `LocalRuntime`), `schedule_workflow` and `waymark run`
all bind their inputs to `run()`'s parameters through `WorkflowDefinition.bind_inputs`, which
validates each annotated input with pydantic (lax mode: JSON's `"2026-01-01"` becomes a date, a
dict becomes the annotated model) and passes on the validated value, so the workflow body sees
the annotated types; numbers stay as given where validation only changed their type (the int
`3` for `amount: float` stays `3`, as Python passes it). Unannotated, `Any` and pydantic-unknown annotations are not checked.
"""

from __future__ import annotations

import inspect
import typing
from typing import TYPE_CHECKING, Any

from waymark_runtime.errors import WaymarkError, clipped

if TYPE_CHECKING:
    from waymark_runtime.workflows import WorkflowDefinition


_VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


class InvalidInputError(WaymarkError, TypeError):
    """the inputs do not match the workflow's run() parameters"""


def validated_inputs(definition: WorkflowDefinition, inputs: dict[str, Any]) -> dict[str, Any]:
    """`inputs` (already bound by name) validated into `run()`'s annotations; an input nested
    too deeply to store is refused first (`ValueNotSerializable`, naming it)."""
    from waymark_runtime.values.cycles import check_input_nesting

    check_input_nesting(inputs)
    hints = run_hints(definition.cls)
    if not hints:
        return inputs
    from pydantic import PydanticSchemaGenerationError, ValidationError

    from waymark_runtime.values.validation import validated

    checked = dict(inputs)
    parameters = definition.signature.parameters
    for name, value in inputs.items():
        hint = hints.get(name, Any)
        if hint is Any or parameters[name].kind in _VARIADIC:
            continue
        try:
            checked[name] = validated(hint, value)
        except PydanticSchemaGenerationError:  # a class pydantic cannot check: passed as is
            continue
        except ValidationError as failure:
            where, message, shown = mismatch(failure, value)
            raise InvalidInputError(
                f"input `{name}`{where} does not match {definition.name}.run(): {message} "
                f"(`{name}: {_type_name(hint)}`, got {shown})"
            ) from None
    return checked


def mismatch(failure: Any, value: Any) -> tuple[str, str, str]:
    """Where a pydantic `ValidationError` of `value` points (`['items'][0]`), its message, and
    the offending part of the value, shown short."""
    first = failure.errors()[0]
    where = "".join(f"[{part!r}]" for part in first["loc"])
    return where, first["msg"], clipped(value if not where else first.get("input"), 60)


def run_hints(cls: type) -> dict[str, Any]:
    """`run()`'s resolved parameter annotations (none when they do not resolve here), resolved
    once per class."""
    if cls not in _HINTS:
        run = cls.__dict__.get("__waymark_inline_run__") or cls.__dict__.get("run")
        try:
            hints = typing.get_type_hints(run, include_extras=True) if run is not None else {}
        except Exception:  # annotations that do not resolve here are not checked
            hints = {}
        hints.pop("return", None)
        _HINTS[cls] = hints
    return _HINTS[cls]


_HINTS: dict[type, dict[str, Any]] = {}


def _type_name(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) else str(hint).replace("typing.", "")
