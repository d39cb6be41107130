"""The `@workflow` decorator: compile the class at definition time, then route `run()`.

Glue only: compiling is `waymark_compiler`'s job, running is the current backend's. Worker
processes (`WAYMARK_WORKER_PROCESS=1`) skip compiling so they never import the compiler.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, overload

from waymark_runtime.flow import Concurrency, check_concurrency
from waymark_runtime.options import StartOptions
from waymark_runtime.overrides import remember_bindings
from waymark_runtime.workflows import (
    Graph,
    Workflow,
    WorkflowDefinition,
    current_backend,
    register_workflow,
    run_child_inline,
    running_inline,
)

W = TypeVar("W", bound=type[Workflow])


def definition_of(cls: type[Workflow]) -> WorkflowDefinition:
    """The compiled definition of a workflow class, compiling it on first use."""
    definition = cls.__dict__.get("__waymark_definition__")
    if definition is None:
        from waymark_compiler.api import compile_workflow_class

        definition = compile_workflow_class(cls)
        cls.__waymark_definition__ = definition
        register_workflow(definition)
    return definition


def _visualize(cls: type[Workflow]) -> Graph:
    from waymark._graph import visualize  # the compiler's drawing, loaded on first use

    return visualize(cls)


@overload
def workflow(cls: W, /) -> W: ...


@overload
def workflow(*, concurrency: Concurrency | None = None) -> Callable[[W], W]: ...


def workflow(
    cls: W | None = None, /, *, concurrency: Concurrency | None = None
) -> W | Callable[[W], W]:
    """Compile a `Workflow` subclass; raises `CompileError` when its body is not supported.

    `concurrency`: at most `Concurrency.limit` running instances (per value of the input
    `Concurrency.key`); the others wait in submission order."""
    if cls is None:
        return lambda decorated: _workflow(decorated, concurrency)
    return _workflow(cls, concurrency)


def _own_run(cls: type[Workflow]) -> Any:
    """The `run()` the class defines or inherits, as written (a decorated base's original, not
    the wrapper `@workflow` put in its place); None when no class below `Workflow` has one."""
    for klass in cls.__mro__:
        if klass is Workflow:
            return None
        if klass is not cls and klass.__dict__.get("__waymark_inline_run__") is not None:
            return klass.__dict__["__waymark_inline_run__"]
        if "run" in klass.__dict__:
            return klass.__dict__["run"]
    return None


def _workflow(cls: W, concurrency: Concurrency | None) -> W:
    if not (isinstance(cls, type) and issubclass(cls, Workflow)):
        raise TypeError("@workflow decorates a subclass of waymark.Workflow")
    inline = _own_run(cls)
    if inline is None or not inspect.iscoroutinefunction(inline):
        raise TypeError(f"{cls.__name__} must define `async def run(self, ...)`")
    if concurrency is not None:
        check_concurrency(concurrency, cls, inspect.signature(inline))
    cls.__waymark_concurrency__ = concurrency
    cls.__waymark_inline_run__ = inline
    cls.__waymark_definition__ = None
    cls.__waymark_visualize__ = _visualize
    remember_bindings(cls.__module__)  # so LocalRuntime sees a test's monkeypatch of an action

    @functools.wraps(inline)
    async def run(
        self: Workflow,
        *args: Any,
        _blocking: bool = True,
        _priority: int | None = None,
        _idempotency_key: str | None = None,
        _timeout: timedelta | float | None = None,
        **kwargs: Any,
    ) -> Any:
        options = StartOptions.checked(
            blocking=_blocking,
            priority=_priority,
            idempotency_key=_idempotency_key,
            timeout=type(self).timeout if _timeout is None else _timeout,
        )
        if running_inline():  # a child workflow of a body run as plain Python
            return await run_child_inline(self, args, kwargs, options.blocking)
        definition = definition_of(type(self))
        inputs = definition.bind_inputs(args, kwargs)
        return await current_backend().run_workflow(definition, inputs, options)

    setattr(cls, "run", run)  # noqa: B010 - replaces the method on a class typed by a TypeVar
    if os.environ.get("WAYMARK_WORKER_PROCESS") != "1":
        definition_of(cls)
    return cls
