"""`CommitLane`: the connection of its own that a store's plain group commits run on.

A runner commits once per step, one or two statements at a time. Through the pool, each
commit also pays for acquiring and releasing a connection, and asyncpg shields every release
in a task of its own: more Python and one more turn of the event loop per commit, about as
much client CPU as the statement itself costs (benchmarks/README.md, W1). The lane keeps one
connection for these statements, opened on first use next to the pool (a store that never
commits never opens it), and a commit that finds it busy (the second one in flight) takes a
pooled connection as before.

Any error or cancellation on the lane closes its connection (its protocol state is unknown: a
reply half read, a cancel request in flight), and the next commit opens a new one; so an
outage is ridden out as on the pool (the error is transient and `retrying` repeats the
commit). The lane runs the statements it is given and knows nothing of what they mean.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg


class CommitLane:
    """One connection for statements that are sent one after another, with the pool for when
    it is busy."""

    def __init__(
        self, pool: asyncpg.Pool, connect: Callable[[], Awaitable[asyncpg.Connection]]
    ) -> None:
        self._pool = pool
        self._connect = connect
        self._connection: asyncpg.Connection | None = None
        self._busy = False
        self._closed = False

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        """The rows of `query`, run in a transaction of its own (on the lane when it is free)."""
        if self._busy or self._closed:
            rows: list[asyncpg.Record] = await self._pool.fetch(query, *args)
            return rows
        self._busy = True
        try:
            connection = self._connection
            if connection is None or connection.is_closed():
                connection = self._connection = await self._connect()
                if self._closed:  # the store closed meanwhile: the pool says so
                    self._drop()
                    rows = await self._pool.fetch(query, *args)
                    return rows
            try:
                rows = await connection.fetch(query, *args)
                return rows
            except BaseException:
                self._drop()
                raise
        finally:
            self._busy = False

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.terminate()

    async def close(self) -> None:
        """Close the connection (a statement still in flight on it fails)."""
        self._closed = True
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            try:
                await connection.close(timeout=5)
            except Exception:  # closing is best effort: the server drops it either way
                connection.terminate()
