"""`@action`, the action registry, and the policy types users pass to `run_action`.

Calling an action returns an `ActionHandle`: a deferred, awaitable description of the call. Awaited
directly it runs the function in-process (plain Python); a workflow program records it instead.
Workers execute only functions registered here: nothing is imported on a stored program's say-so.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import math
import typing
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Generic, ParamSpec, TypeVar, overload

from waymark_runtime.flow import ActionLimits, RateLimit
from waymark_runtime.values.callables import action_repr
from waymark_runtime.values.registry import add_user_module

P = ParamSpec("P")
R = TypeVar("R")


class ActionTimeout(Exception):
    """An action attempt did not finish within its timeout (or its worker was lost)."""

    deadline: float | None = None
    """The seconds of the deadline that passed, when the host raised it (`bounded`)."""


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """Delay before retry n (1-based): min(base_delay * multiplier**(n-1), max_delay) + jitter."""

    base_delay: float = 1.0
    multiplier: float = 2.0
    max_delay: float | None = None
    jitter: float = 0.0

    def delay(self, retry: int) -> float:
        value = self.base_delay * self.multiplier ** max(retry - 1, 0)
        return value if self.max_delay is None else min(value, self.max_delay)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """`attempts` total executions; `exception_types` names the retried classes (and subclasses).

    With no `exception_types`, any exception except `ActionTimeout` and `ValueNotSerializable`
    (a result that cannot be stored) is retried.
    `backoff_seconds` is a fixed delay between attempts (a `BackoffPolicy` takes precedence).
    """

    attempts: int = 1
    exception_types: list[type[BaseException] | str] | None = None
    backoff_seconds: float = 0.0

    def retries(self, error: BaseException) -> bool:
        names = {cls.__name__ for cls in type(error).__mro__}
        if self.exception_types is None:
            return not isinstance(error, ActionTimeout)
        wanted = {t if isinstance(t, str) else t.__name__ for t in self.exception_types}
        return bool(names & wanted)


def seconds(value: float | int | timedelta | None) -> float | None:
    """A timeout given as seconds or a `timedelta`, in seconds (`deadline_seconds`)."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    return deadline_seconds(float(value))


def deadline_seconds(seconds: float) -> float | None:
    """A timeout as the runtime keeps it: infinity is no deadline (asyncio's timer for it
    never fires; a stored deadline must be a number). Minus infinity and NaN are a deadline
    already passed (0): asyncio's timer for either is due at once (a NaN compares as not later
    than now), so the action runs until it first suspends and then times out, on 3.11
    (`call_later`) as on 3.12+ (`asyncio.timeout`)."""
    if math.isfinite(seconds):
        return seconds
    return None if seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class ActionDefinition:
    """A registered action: its import path, the function, and its signature."""

    path: str
    function: Callable[..., Awaitable[Any]]
    signature: inspect.Signature = field(compare=False)
    limits: ActionLimits | None = field(default=None, compare=False)
    """Its concurrency and rate limits (`@action(concurrency=, rate_limit=)`), if any."""


_REGISTRY: dict[str, ActionDefinition] = {}


def registered_action(path: str) -> ActionDefinition | None:
    return _REGISTRY.get(path)


@dataclass(frozen=True, slots=True, eq=False)
class ActionHandle(Generic[R]):
    """A deferred call of an action: awaiting it runs the action once, in this process.

    Hashed by identity: `asyncio.gather` keys its arguments by hash, and a handle holds a dict.
    """

    definition: ActionDefinition
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    def run(self) -> Awaitable[R]:
        return invoke(self.definition, list(self.args), dict(self.kwargs))

    def __await__(self) -> Generator[Any, None, R]:
        return self.run().__await__()


class Action(Generic[P, R]):
    """The object `@action` returns: calling it builds an `ActionHandle`."""

    def __init__(self, definition: ActionDefinition) -> None:
        self.definition = definition
        functools.update_wrapper(self, definition.function)

    @property
    def path(self) -> str:
        return self.definition.path

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> ActionHandle[R]:
        return ActionHandle(self.definition, args, kwargs)

    def __repr__(self) -> str:  # as a workflow shows the action as a value
        return action_repr(self.path)


def action_path(function: Callable[..., Any]) -> str:
    return f"{function.__module__}:{function.__qualname__}"


@overload
def action(function: Callable[P, Awaitable[R]], /) -> Action[P, R]: ...


@overload
def action(
    *, concurrency: int | None = None, rate_limit: RateLimit | None = None
) -> Callable[[Callable[P, Awaitable[R]]], Action[P, R]]: ...


def action(
    function: Callable[P, Awaitable[R]] | None = None,
    /,
    *,
    concurrency: int | None = None,
    rate_limit: RateLimit | None = None,
) -> Action[P, R] | Callable[[Callable[P, Awaitable[R]]], Action[P, R]]:
    """Register an async function as an action, by its import path `module:qualname`.

    `concurrency`: at most this many attempts of it execute at once; `rate_limit`: at most
    `RateLimit.limit` attempts start per `RateLimit.per` — both across every runner and host."""
    limits = ActionLimits.checked(concurrency, rate_limit)
    if function is None:
        return lambda decorated: _register(decorated, limits)
    return _register(function, limits)


def _register(function: Callable[P, Awaitable[R]], limits: ActionLimits | None) -> Action[P, R]:
    if not inspect.iscoroutinefunction(function):
        raise TypeError(f"@action needs an `async def` function, got {function!r}")
    definition = ActionDefinition(
        action_path(function), function, inspect.signature(function), limits
    )
    _REGISTRY[definition.path] = definition
    add_user_module(function.__module__)  # its classes are the ones values may be built as
    return Action(definition)


async def run_with_policy(
    handle: ActionHandle[R],
    retry: RetryPolicy | None = None,
    backoff: BackoffPolicy | None = None,
    timeout: float | int | timedelta | None = None,
) -> R:
    """Plain-Python semantics of `run_action`: the reference the durable runtime must match."""
    policy = retry or RetryPolicy()
    limit = seconds(timeout)
    attempt = 1
    while True:
        try:
            return await bounded(handle.run(), limit)
        except Exception as error:
            if attempt >= policy.attempts or not policy.retries(error):
                raise
        attempt += 1
        delay = backoff.delay(attempt - 1) if backoff else policy.backoff_seconds
        if delay > 0:
            await asyncio.sleep(delay)


async def invoke(
    definition: ActionDefinition,
    positional: list[Any],
    named: dict[str, Any],
    dependencies: Mapping[Callable[..., Any], Callable[..., Any]] | None = None,
) -> Any:
    """Call an action, resolving its `Depends` parameters for this one invocation;
    `dependencies` replaces providers (a test's overrides)."""
    function = definition.function
    if not _injects(definition):  # the common case: no `Depends`, no resolver round
        return await function(*positional, **named)
    from mountaineer_di import provide_dependencies

    bound = definition.signature.bind_partial(*positional, **named).arguments
    replaced = dict(dependencies) if dependencies else None
    async with provide_dependencies(
        function, dict(bound), dependency_overrides=replaced
    ) as resolved:
        return await function(**{**resolved, **bound})


_NOT_BY_KEYWORD = frozenset(
    {
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.VAR_POSITIONAL,
        inspect.Parameter.VAR_KEYWORD,
    }
)


@functools.cache
def _injects(definition: ActionDefinition) -> bool:
    """Whether calling the action resolves dependencies: it declares a `Depends` parameter and
    takes its arguments by keyword (dependency injection binds by keyword)."""
    parameters = definition.signature.parameters.values()
    if any(p.kind in _NOT_BY_KEYWORD for p in parameters):
        return False
    try:
        hints = typing.get_type_hints(definition.function, include_extras=True)
    except Exception:  # unresolvable annotations: only defaults can carry a marker
        hints = {}
    return any(_is_marker(p.default) or _marked(hints.get(p.name)) for p in parameters)


def _marked(annotation: Any) -> bool:
    return typing.get_origin(annotation) is typing.Annotated and any(
        _is_marker(item) for item in annotation.__metadata__
    )


def _is_marker(value: Any) -> bool:
    # mountaineer-di (and pydantic with it) loads only where an action is called: workers
    from mountaineer_di import Depends

    return isinstance(value, type(Depends(lambda: None)))


async def bounded(call: Awaitable[R], timeout: float | None) -> R:
    """Await `call` within `timeout` seconds: a deadline that passes is `ActionTimeout`, while the
    action's own `TimeoutError` stays a `TimeoutError`."""
    if timeout is None:
        return await call
    scope = asyncio.timeout(timeout)
    try:
        async with scope:
            return await call
    except TimeoutError as error:
        if not scope.expired():
            raise
        timed_out = ActionTimeout(f"action timed out after {timeout:g}s")
        timed_out.deadline = timeout
        raise timed_out from error
