"""The callable values a workflow holds: an `@action` used as a value (`ActionValue`, by its
import path), a helper function of the program (`HelperValue`, by its `fn` name) and a
`functools.partial` of either (`PartialValue`).

It gives them equality, `repr`, copying, Python's attributes and the arguments a call of one
binds (`bound_call`); it runs nothing: the interpreter dispatches the action a computed call
names as it dispatches any action call.
"""

from __future__ import annotations

from typing import Any

from waymark_runtime.values.structural import PathValue, type_name


class ActionValue(PathValue):
    """An action as a value (`TOOLS = {"search": search}`), by its path `module:qualname`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return action_repr(self.path)


class HelperValue(PathValue):
    """A helper function of the program as a value (`partial(fmt, 2)`), by its `fn` name."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<function {self.path}>"


class TaskValue(PathValue):
    """A task the workflow started (`asyncio.create_task`, `asyncio.ensure_future`), by the
    node its result settles: what awaiting it joins. Equal only to itself, as a task is."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<Task name={self.path!r}>"


Function = ActionValue | HelperValue


def action_repr(path: str) -> str:
    """How an action prints, in a workflow and in Python alike (`actions.Action.__repr__`)."""
    return f"<action '{path}'>"


class PartialValue:
    """`functools.partial(func, *args, **keywords)` of an action or helper value (or of another
    partial, which flattens as Python's does). Compared by identity, as Python compares
    partials."""

    __slots__ = ("args", "func", "keywords")

    def __init__(self, func: Function, args: tuple[Any, ...], keywords: dict[str, Any]) -> None:
        self.func = func
        self.args = args
        self.keywords = keywords

    def __repr__(self) -> str:
        parts = [repr(self.func), *map(repr, self.args)]
        parts += [f"{key}={value!r}" for key, value in self.keywords.items()]
        return f"functools.partial({', '.join(parts)})"


def partial_of(func: Any, args: tuple[Any, ...], keywords: dict[str, Any]) -> PartialValue:
    """`functools.partial(func, *args, **keywords)`: a partial of a partial binds its arguments
    first and its keywords under the new ones; anything but a function is a `TypeError`."""
    if isinstance(func, PartialValue):
        return PartialValue(func.func, func.args + args, {**func.keywords, **keywords})
    if isinstance(func, ActionValue | HelperValue):
        return PartialValue(func, args, dict(keywords))
    raise TypeError("the first argument must be callable")


def bound_call(
    callee: Any, args: list[Any], kwargs: dict[str, Any]
) -> tuple[Function, list[Any], dict[str, Any]]:
    """The function a call of `callee` runs and its arguments: a partial's bound ones first,
    its keywords overridden by the call's. A value that is not a function raises Python's
    `TypeError` for calling it."""
    if isinstance(callee, PartialValue):
        return callee.func, [*callee.args, *args], {**callee.keywords, **kwargs}
    if isinstance(callee, ActionValue | HelperValue):
        return callee, args, kwargs
    raise TypeError(f"'{type_name(callee)}' object is not callable")
