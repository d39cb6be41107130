"""Client calls across a database outage: one exception, `DatabaseUnreachable`, for them all.

Each public client call first reaches the database (opens the store and takes a connection):
nothing of the call is sent yet, so a refused connection or a server starting up or shutting
down is tried again for `WAYMARK_CLIENT_CONNECT_RETRY_SECONDS`. A connection lost after that
may have carried the call: the error says so, and says what makes making it again safe (an
idempotency key for a start, a send id for a signal). The driver's error is its `__cause__`.
Waiting for an outcome is not a call that fails: the wait rides the outage out (`pg_waiters`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import enum
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from waymark_runtime.errors import DatabaseUnreachable, import_failure

if TYPE_CHECKING:
    from waymark_runtime.client import PostgresClient

P = ParamSpec("P")
T = TypeVar("T")

_BACKOFF = (0.05, 0.1, 0.25, 0.5, 1.0)


class Effect(enum.Enum):
    """What a call whose connection was lost after it was sent may have done, and how to
    make it again safely."""

    READ = "it only reads, so making it again is safe"
    REPEATABLE = "making it again is safe (made twice it does what it does once)"
    START = (
        "the instance may have been started: a start made again with the same "
        "_idempotency_key joins it (without a key it may start a second instance)"
    )
    SIGNAL = (
        "the signal may have been kept: a send made again with the same send_id keeps it "
        "once (without one it may be kept twice)"
    )
    DELETE = "made again it raises that the schedule is not found when the first one took effect"

    @property
    def writes(self) -> bool:
        return self is not Effect.READ


_inside: contextvars.ContextVar[bool] = contextvars.ContextVar("waymark_reaching", default=False)


def is_lost(error: BaseException) -> bool:
    """The database could not be reached, or the connection dropped. Not a timeout of the
    caller's own (`get_result(timeout=...)`), nor a conflict or a refusal of the server."""
    import asyncpg  # here: `import waymark` (which holds the schedule functions) stays light

    if isinstance(error, asyncpg.exceptions.InternalClientError):
        return "another operation" in str(error)  # a connection a shutdown left mid-protocol
    if isinstance(error, TimeoutError | asyncpg.ClientConfigurationError | asyncpg.DataError):
        return False  # a timeout of the caller's, a malformed URL, a value the driver refuses
    if isinstance(error, asyncpg.exceptions.QueryCanceledError):
        return False  # a statement timeout or a cancel: the session is still there
    lost = (
        OSError,  # refused, the socket file gone, reset
        asyncpg.PostgresConnectionError,
        asyncpg.InterfaceError,
        asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up
        asyncpg.exceptions.TooManyConnectionsError,
    )
    return isinstance(error, lost)


@contextlib.asynccontextmanager
async def reaching(client: PostgresClient, call: str, effect: Effect) -> AsyncIterator[None]:
    """Run a call of `client` once the database is reached; a lost connection becomes
    `DatabaseUnreachable`. Calls made inside it (an admin call of `cancel`) are its own."""
    if _inside.get():
        yield
        return
    await _reach(client, call)
    token = _inside.set(True)
    try:
        yield
    except Exception as error:
        if not is_lost(error):
            raise
        raise _lost(call, effect, error) from error
    finally:
        _inside.reset(token)


def reached(effect: Effect) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """`reaching` around a public client function named after it, when the current backend
    is PostgreSQL (a `LocalRuntime` has no database to lose)."""

    def wrap(function: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(function)
        async def call(*args: P.args, **kwargs: P.kwargs) -> T:
            client = _postgres_client()
            if client is None:
                return await function(*args, **kwargs)
            async with reaching(client, function.__name__, effect):
                return await function(*args, **kwargs)

        return call

    return wrap


def _postgres_client() -> PostgresClient | None:
    from waymark_runtime.client import PostgresClient
    from waymark_runtime.workflows import current_backend

    backend = current_backend()
    return backend if isinstance(backend, PostgresClient) else None


async def _reach(client: PostgresClient, call: str) -> None:
    """Open the client's store and take a connection, trying again for the configured
    seconds while the database refuses: nothing of the call was sent."""
    budget = client.settings.client_connect_retry_seconds
    deadline = asyncio.get_running_loop().time() + budget
    try:
        await ridden_out(lambda: _touch(client), deadline, lost=unreached)
    except Exception as error:
        if not unreached(error):
            raise
        raise _unsent(call, budget, error) from error


def unreached(error: BaseException) -> bool:
    """The database refused or lost the connection, or connecting to it timed out."""
    return is_lost(error) or isinstance(error, TimeoutError)  # asyncpg's connect timeout


async def _touch(client: PostgresClient) -> None:
    async with (await client.store()).pool.acquire():
        pass


def _unsent(call: str, budget: float, error: BaseException) -> DatabaseUnreachable:
    tried = f", tried for {budget:g} s" if budget else ""
    unreachable = DatabaseUnreachable(
        f"{call}: cannot reach the database ({import_failure(error)}){tried}; nothing was sent, so "
        "making the call again is safe (WAYMARK_CLIENT_CONNECT_RETRY_SECONDS sets how long a "
        "call tries)"
    )
    unreachable.call = call
    return unreachable


def _lost(call: str, effect: Effect, error: BaseException) -> DatabaseUnreachable:
    if effect.writes:
        text = f"{call}: the database connection was lost after the call was sent "
        text += f"({import_failure(error)}); it may or may not have taken effect: {effect.value}"
    else:
        text = f"{call}: the database connection was lost ({import_failure(error)}); {effect.value}"
    lost = DatabaseUnreachable(text)
    lost.call, lost.ambiguous = call, effect.writes
    return lost


async def ridden_out(
    operation: Callable[[], Awaitable[T]],
    deadline: float | None = None,
    wanted: Callable[[], bool] = lambda: True,
    lost: Callable[[BaseException], bool] = is_lost,
) -> T:
    """`operation` (a read, or a wait's set-up), made again while the connection is lost,
    until it succeeds, the loop's `deadline` passes or its result is no longer `wanted`:
    then the last error is raised."""
    loop = asyncio.get_running_loop()
    for attempt in range(1_000_000_000):
        try:
            return await operation()
        except Exception as error:
            pause = _BACKOFF[min(attempt, len(_BACKOFF) - 1)]
            late = deadline is not None and loop.time() + pause > deadline
            if not lost(error) or late or not wanted():
                raise
            await asyncio.sleep(pause)
    raise AssertionError("unreachable")
