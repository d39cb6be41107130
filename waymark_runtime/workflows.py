"""The `Workflow` base class, the registry of compiled workflows, and the backend hook.

`Workflow.run()` of a decorated class submits an instance to the current backend (the local
runtime inside `LocalRuntime()`, PostgreSQL otherwise); the original body stays reachable as
`run_inline()` so tests can run it as plain Python, the oracle the runtime must match.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar, Protocol

from waymark_runtime import ir
from waymark_runtime.actions import ActionHandle, BackoffPolicy, RetryPolicy, run_with_policy
from waymark_runtime.options import StartOptions
from waymark_runtime.values.registry import add_user_module


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
        """Map a call's arguments to `run()`'s parameter names (defaults are the program's)."""
        bound = self.signature.bind(None, *args, **kwargs)
        inputs = dict(bound.arguments)
        inputs.pop(next(iter(self.signature.parameters)))
        return inputs


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


class Workflow:
    """Base class of user workflows: subclass it, decorate with `@workflow`, define `run()`."""

    name: ClassVar[str]
    timeout: ClassVar[timedelta | float | None] = None
    """The default deadline of an instance (`run(..., _timeout=...)` overrides it): once it has
    passed, an unfinished instance ends as `WorkflowTimeout`."""
    __waymark_definition__: ClassVar[WorkflowDefinition | None] = None
    __waymark_inline_run__: ClassVar[Callable[..., Coroutine[Any, Any, Any]] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        add_user_module(cls.__module__)  # the classes a program may construct live there

    @classmethod
    def workflow_name(cls) -> str:
        return cls.__dict__.get("name") or cls.__name__

    async def run_action(
        self,
        call: ActionHandle[Any],
        *,
        retry: RetryPolicy | None = None,
        backoff: BackoffPolicy | None = None,
        timeout: float | int | timedelta | None = None,
    ) -> Any:
        """Run an action with a retry policy, backoff and a per-attempt timeout."""
        return await run_with_policy(call, retry, backoff, timeout)

    async def run_inline(self, *args: Any, **kwargs: Any) -> Any:
        """Run the original `run()` body as plain Python, in this process."""
        body = type(self).__waymark_inline_run__
        if body is None:
            raise TypeError(f"{type(self).__name__} is not decorated with @workflow")
        return await body(self, *args, **kwargs)
