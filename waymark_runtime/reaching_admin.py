"""The admin API of a PostgreSQL client: each call reaches the database as the client's
functions do (`reaching`), so `admin().cancel` in an outage raises `DatabaseUnreachable`."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from waymark_runtime.admin import Admin
from waymark_runtime.reaching import Effect, reaching

if TYPE_CHECKING:
    from waymark_runtime.client import PostgresClient
    from waymark_runtime.store.postgres import PostgresStore


def admin_of(client: PostgresClient, store: PostgresStore) -> Admin:
    """The admin API over `client`'s store, each call reaching the database as the client's
    functions do (`admin().cancel` raises `DatabaseUnreachable`, never a driver error)."""
    return _ReachingAdmin(client, store)


class _ReachingAdmin(Admin):
    def __init__(self, client: PostgresClient, store: PostgresStore) -> None:
        super().__init__(store)
        self.client = client


def _reaching_method(name: str, effect: Effect) -> Callable[..., Awaitable[Any]]:
    method = getattr(Admin, name)

    @functools.wraps(method)
    async def call(self: _ReachingAdmin, *args: Any, **kwargs: Any) -> Any:
        async with reaching(self.client, f"admin().{name}", effect):
            return await method(self, *args, **kwargs)

    return call


_ADMIN_CALLS = {
    "list": Effect.READ,
    "show": Effect.READ,
    "runners": Effect.READ,
    "signal": Effect.SIGNAL,
    "cancel": Effect.REPEATABLE,
    "retry": Effect.REPEATABLE,  # made again it returns the instance the first one created
    "requeue": Effect.REPEATABLE,
    "again": Effect.REPEATABLE,
}
for _name, _effect in _ADMIN_CALLS.items():
    setattr(_ReachingAdmin, _name, _reaching_method(_name, _effect))
