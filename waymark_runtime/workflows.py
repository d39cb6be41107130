"""The `Workflow` base class, the registry of compiled workflows, and the backend hook.

`Workflow.run()` of a decorated class submits an instance to the current backend (the local
runtime inside `LocalRuntime()`, PostgreSQL otherwise); the original body stays reachable as
`run_inline()` so tests can run it as plain Python, the oracle the runtime must match.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar, Literal, Protocol, TypeVar, overload

from waymark_runtime import ir
from waymark_runtime.actions import ActionHandle, BackoffPolicy, RetryPolicy, run_with_policy
from waymark_runtime.flow import Concurrency
from waymark_runtime.options import StartOptions
from waymark_runtime.values.registry import add_user_module

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class WorkflowDefinition:
    """A compiled workflow: the IR, its canonical `.wrl` text and the version (text hash)."""

    name: str
    cls: type[Workflow] = field(compare=False)
    program: ir.Workflow
    wrl: str
    version: str
    signature: inspect.Signature = field(compare=False)

    def bind_inputs(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Map a call's arguments to `run()`'s parameter names (defaults are the program's) and
        validate them into its annotations: a `TypeError` (`InvalidInputError` for a value that
        does not match) before anything is written."""
        from waymark_runtime.inputs import validated_inputs

        inline = getattr(self.cls, "__waymark_inline_run__", None)
        if inline is not None:  # CPython binds them, with its own messages; the body never runs
            inline(None, *args, **kwargs).close()
        bound = self.signature.bind(None, *args, **kwargs)
        inputs = dict(bound.arguments)
        inputs.pop(next(iter(self.signature.parameters)))
        return validated_inputs(self, inputs)


class Backend(Protocol):
    async def run_workflow(
        self, definition: WorkflowDefinition, inputs: dict[str, Any], options: StartOptions
    ) -> Any:
        """Start an instance; its result (`options.blocking`) or its id."""
        ...


_backend: ContextVar[Backend | None] = ContextVar("waymark_backend", default=None)
_REGISTRY: dict[str, WorkflowDefinition] = {}


def use_backend(backend: Backend | None) -> Any:
    """Make `backend` current for this context; returns a token for `reset_backend`."""
    return _backend.set(backend)


def reset_backend(token: Any) -> None:
    _backend.reset(token)


def current_backend_or_none() -> Backend | None:
    """The backend made current in this context (`use_backend`), if any."""
    return _backend.get()


def current_backend() -> Backend:
    backend = _backend.get()
    if backend is not None:
        return backend
    from waymark_runtime.client import default_client

    return default_client()


def register_workflow(definition: WorkflowDefinition) -> None:
    _REGISTRY[definition.name] = definition


def registered_workflow(name: str) -> WorkflowDefinition | None:
    return _REGISTRY.get(name)


def registered_workflows() -> dict[str, WorkflowDefinition]:
    return dict(_REGISTRY)


class Graph(Protocol):
    """What `Workflow.visualize()` returns (`waymark._graph.WorkflowGraph`)."""

    @property
    def dot(self) -> str: ...

    def render(self, output_format: Literal["dot", "svg", "png"] = "svg") -> bytes: ...


class WorkflowLogger:
    """`self.log` of a workflow: `self.log.info("charged %s", order_id)` writes a line of the
    instance's log, formatted as `logging` formats a record. Compiled, the line is recorded
    with the step that wrote it and emitted once (logger `waymark.workflow`) when that step is
    committed; run as plain Python (`run_inline`) it goes straight to that logger."""

    __slots__ = ("_extra",)

    def __init__(self, workflow: str) -> None:
        self._extra = {"workflow": workflow}

    def debug(self, message: object, *args: object) -> None:
        _logger.debug(message, *args, extra=self._extra, stacklevel=2)

    def info(self, message: object, *args: object) -> None:
        _logger.info(message, *args, extra=self._extra, stacklevel=2)

    def warning(self, message: object, *args: object) -> None:
        _logger.warning(message, *args, extra=self._extra, stacklevel=2)

    def error(self, message: object, *args: object) -> None:
        _logger.error(message, *args, extra=self._extra, stacklevel=2)

    def critical(self, message: object, *args: object) -> None:
        _logger.critical(message, *args, extra=self._extra, stacklevel=2)

    def exception(self, message: object, *args: object) -> None:
        """An error line followed by the exception being handled (`exc_info`)."""
        _logger.exception(message, *args, extra=self._extra, stacklevel=2)


_logger = logging.getLogger("waymark.workflow")


class Workflow:
    """Base class of user workflows: subclass it, decorate with `@workflow`, define `run()`."""

    name: ClassVar[str]
    timeout: ClassVar[timedelta | float | None] = None
    """The default deadline of an instance (`run(..., _timeout=...)` overrides it): once it has
    passed, an unfinished instance ends as `WorkflowTimeout`."""
    __waymark_definition__: ClassVar[WorkflowDefinition | None] = None
    __waymark_concurrency__: ClassVar[Concurrency | None] = None  # `@workflow(concurrency=)`
    __waymark_inline_run__: ClassVar[Callable[..., Coroutine[Any, Any, Any]] | None] = None
    # set by `@workflow` (the drawing lives with the compiler, which the runtime never imports)
    __waymark_visualize__: ClassVar[Callable[[type[Workflow]], Graph] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        add_user_module(cls.__module__)  # the classes a program may construct live there

    @classmethod
    def visualize(cls) -> Graph:
        """The workflow's DAG, as `waymark graph` draws it: `.dot` (or `str()`) is DOT text,
        `.render("svg" | "png")` an image (graphviz's `dot` needed); in a notebook it shows as
        an image when `dot` is installed."""
        draw = cls.__dict__.get("__waymark_visualize__")
        if draw is None:
            raise TypeError(f"{cls.__name__} is not decorated with @workflow")
        graph: Graph = draw(cls)
        return graph

    @classmethod
    def workflow_name(cls) -> str:
        return cls.__dict__.get("name") or cls.__name__

    @property
    def log(self) -> WorkflowLogger:
        """The instance's log: `self.log.info("charged %s", order_id)` (see `WorkflowLogger`)."""
        return WorkflowLogger(type(self).workflow_name())

    async def run_action(
        self,
        call: ActionHandle[R],
        *,
        retry: RetryPolicy | None = None,
        backoff: BackoffPolicy | None = None,
        timeout: float | int | timedelta | None = None,
    ) -> R:
        """Run an action with a retry policy, backoff and a per-attempt timeout."""
        return await run_with_policy(call, retry, backoff, timeout)

    @overload
    async def wait_for_signal(
        self, name: str, type: type[R], *, timeout: float | int | timedelta | None = None
    ) -> R: ...

    @overload  # a union or a parametrized type (`list[str] | None`)
    async def wait_for_signal(
        self, name: str, type: Any, *, timeout: float | int | timedelta | None = None
    ) -> Any: ...

    async def wait_for_signal(
        self, name: str, type: Any, *, timeout: float | int | timedelta | None = None
    ) -> Any:
        """Wait durably for the next signal `name` sent to this instance
        (`waymark.send_signal`) and return its payload as a `type`; raises `SignalTimeout`
        once `timeout` has passed without one. Compiled: it only runs inside an instance."""
        raise TypeError(
            "wait_for_signal() runs only inside a workflow instance, where the compiled program "
            "waits for the signal; it has no inline (plain Python) form"
        )

    async def run_inline(self, *args: Any, **kwargs: Any) -> Any:
        """Run the original `run()` body as plain Python, in this process; child workflows
        it awaits run inline too (a detached one as a task, its id a fresh uuid)."""
        body = type(self).__waymark_inline_run__
        if body is None:
            raise TypeError(f"{type(self).__name__} is not decorated with @workflow")
        token = _inline.set(True)
        try:
            return await body(self, *args, **kwargs)
        finally:
            _inline.reset(token)


_inline: ContextVar[bool] = ContextVar("waymark_inline", default=False)
_detached: set[Any] = set()


def running_inline() -> bool:
    """Inside `run_inline`: a child workflow's `run()` runs inline as well."""
    return _inline.get()


async def run_child_inline(
    workflow: Workflow, args: tuple[Any, ...], kwargs: dict[str, Any], blocking: bool
) -> Any:
    """A child workflow called inside `run_inline`, as plain Python."""
    if blocking:
        return await workflow.run_inline(*args, **kwargs)
    import asyncio
    import uuid

    task = asyncio.ensure_future(workflow.run_inline(*args, **kwargs))
    _detached.add(task)
    task.add_done_callback(_detached.discard)
    return str(uuid.uuid4())


def family_of(definition: WorkflowDefinition) -> list[WorkflowDefinition]:
    """Every registered workflow the definition may start as a child, directly or through
    other children (cycles included, each once, not the definition itself): what a new root
    instance pins. A name not registered in this process is left to the runtime (it runs
    the latest registered version of it)."""
    seen = {definition.name}
    found: list[WorkflowDefinition] = []
    stack = [definition]
    while stack:
        for name in sorted(ir.child_names(stack.pop().program)):
            child = _REGISTRY.get(name)
            if name not in seen and child is not None:
                seen.add(name)
                found.append(child)
                stack.append(child)
    return found
