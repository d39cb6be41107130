"""Run one attempt of an action: look it up in the registry, rebuild its arguments, resolve its
dependencies, enforce the timeout, and encode the result or the exception.

Only functions registered with `@action` in already-loaded modules can run: an unknown path is an
error outcome, never an import. Worker processes and `LocalRuntime` both call `execute_action`,
so a result that cannot be stored fails its attempt with `ValueNotSerializable` on both alike.
"""

from __future__ import annotations

import functools
import inspect
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from waymark_runtime.actions import (
    Action,
    ActionDefinition,
    ActionTimeout,
    bounded,
    invoke,
    registered_action,
)
from waymark_runtime.errors import WaymarkError
from waymark_runtime.logs import ATTEMPT, AttemptContext
from waymark_runtime.tracebacks import failure_json
from waymark_runtime.tracing import start_attempt
from waymark_runtime.values import (
    JSON,
    ModelValue,
    TypeResolver,
    error_json,
    from_json,
    unstorable,
)
from waymark_runtime.values.objects import leaving_json
from waymark_runtime.values.registry import find_class

if TYPE_CHECKING:
    from waymark_runtime.overrides import Overrides


class UnknownAction(WaymarkError):
    """no action is registered at this path"""


class UnknownClass(WaymarkError):
    """an argument is a model or dataclass whose class this worker cannot find"""


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """The end of an attempt: `ok` with `value` the JSON result, or a JSON exception value;
    `timed_out` when that exception is the attempt's deadline passing (`ActionTimeout`)."""

    ok: bool
    value: JSON
    timed_out: bool = False

    @property
    def value_json(self) -> JSON:
        return self.value


async def execute_action(
    path: str,
    args: Any,
    kwargs: dict[str, Any],
    *,
    timeout: float | None,
    overrides: Overrides | None = None,
    context: AttemptContext | None = None,
) -> ActionOutcome:
    """Run the registered action at `path` once; never raises for the action's own failures.

    `overrides` (LocalRuntime's) may run a test's replacement or replace dependencies.
    `context` says which attempt this is: log records the action emits carry it (`logs`)."""
    if context is None:
        return await _execute(path, args, kwargs, timeout, overrides)
    token = ATTEMPT.set(context)
    span = start_attempt(context)
    try:
        outcome = await _execute(path, args, kwargs, timeout, overrides)
    except BaseException as error:  # cancelled (the attempt is lost), or a bug of ours
        if span is not None:
            span.abandon(error)
        raise
    finally:
        ATTEMPT.reset(token)
    if span is not None:
        span.end(outcome.ok, outcome.value)
    return outcome


async def _execute(
    path: str,
    args: Any,
    kwargs: dict[str, Any],
    timeout: float | None,
    overrides: Overrides | None,
) -> ActionOutcome:
    definition = registered_action(path)
    if definition is None:
        message = f"no action is registered at {path!r}; is its module in WAYMARK_USER_MODULE?"
        return ActionOutcome(False, error_json(UnknownAction(message)))
    try:
        result = await bounded(_call(definition, list(args), kwargs, overrides), timeout)
    except Exception as error:  # the action's exception is its outcome
        timed_out = isinstance(error, ActionTimeout) and error.deadline is not None
        # A deadline's `ActionTimeout` is the runtime's: its cause is no part of the action.
        return ActionOutcome(False, failure_json(error, chained=not timed_out), timed_out)
    return result_outcome(path, result)


def result_outcome(path: str, result: Any) -> ActionOutcome:
    """The outcome of an attempt that returned `result`: its JSON, or `ValueNotSerializable`
    naming the action when the result cannot be encoded (the runner checks what it receives
    before storing it, `check_storable`, on every host)."""
    try:
        value = leaving_json(result)
    except Exception as error:  # a broken model or property must not escape either
        return ActionOutcome(False, error_json(unstorable(path, error)))
    return ActionOutcome(True, value)


def decode_arguments(
    definition: ActionDefinition, args: list[Any], kwargs: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    """JSON arguments rebuilt as the values the workflow computed, never coerced: `'1'` stays a
    string for an `int` parameter, as in CPython. Tagged values (models, dataclasses, enums)
    become their classes, found in the registry or among the classes the annotations name."""
    signature = definition.signature
    bound = signature.bind_partial(*args, **kwargs)
    types = _resolver(definition)
    positional: list[Any] = []
    named: dict[str, Any] = {}
    # With `*args` bound, the parameters before it are passed by position too (by name they
    # would clash with the extra positional values: `pick(sku, *bins)`).
    spread = any(
        signature.parameters[name].kind is inspect.Parameter.VAR_POSITIONAL and value
        for name, value in bound.arguments.items()
    )
    for name, value in bound.arguments.items():
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            positional.extend(from_json(v, types=types) for v in value)
        elif kind is inspect.Parameter.VAR_KEYWORD:
            named.update({k: from_json(v, types=types) for k, v in value.items()})
        elif kind is inspect.Parameter.POSITIONAL_ONLY or (
            spread and kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        ):
            positional.append(from_json(value, types=types))
        else:
            named[name] = from_json(value, types=types)
    for value in (*positional, *named.values()):
        _check_resolved(value)
    return positional, named


def _check_resolved(value: Any) -> None:
    """A model or dataclass left as data (its class is not loaded here) is refused by name:
    the action would get a stand-in, not the object the workflow built."""
    if isinstance(value, ModelValue):
        message = (
            f"argument of class {value.type} cannot be rebuilt: no such {value.kind} is loaded"
        )
        raise UnknownClass(message)
    if isinstance(value, list | tuple):
        for item in value:
            _check_resolved(item)
    elif isinstance(value, dict):
        for item in value.values():
            _check_resolved(item)


@functools.cache
def _resolver(definition: ActionDefinition) -> TypeResolver:
    """Classes by path: the registry's, then those the action's annotations name."""
    named: dict[str, type] = {}
    for hint in _hints(definition).values():
        _collect_classes(hint, named)

    def resolve(path: str) -> type | None:
        return find_class(path) or named.get(path)

    return resolve


def _collect_classes(hint: Any, into: dict[str, type]) -> None:
    if isinstance(hint, type):
        into[f"{hint.__module__}:{hint.__qualname__}"] = hint
    for argument in typing.get_args(hint):
        _collect_classes(argument, into)


@functools.cache
def _hints(definition: ActionDefinition) -> dict[str, Any]:
    """Resolved once per action: resolving annotations costs more than running a no-op action."""
    try:
        return typing.get_type_hints(definition.function, include_extras=True)
    except Exception:  # unresolvable annotations: arguments arrive as plain decoded values
        return {}


async def _call(
    definition: ActionDefinition,
    args: list[Any],
    kwargs: dict[str, Any],
    overrides: Overrides | None,
) -> Any:
    positional, named = decode_arguments(definition, args, kwargs)
    if overrides is None:
        return await invoke(definition, positional, named)
    replacement = overrides.replacement(definition.path)
    if replacement is None:
        return await invoke(definition, positional, named, overrides.dependencies)
    if isinstance(replacement, Action):
        return await invoke(replacement.definition, positional, named, overrides.dependencies)
    # a stand-in (function, mock) gets the arguments as the workflow passed them
    types = _resolver(definition)
    result = replacement(
        *(from_json(value, types=types) for value in args),
        **{name: from_json(value, types=types) for name, value in kwargs.items()},
    )
    return await result if inspect.isawaitable(result) else result
