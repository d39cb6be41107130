"""`Listener`: one dedicated LISTEN connection that survives PostgreSQL restarts.

Notifications are how runners hear of new work and clients of finished instances, with no
polling loop. The connection is checked every few seconds; when it is lost the listener
reconnects with backoff and calls `on_reconnect` (and every callback of `reconnected`), because
notifications sent meanwhile are gone and the subscriber must re-check what it waits for. It runs
no queries of the store.

PostgreSQL signals every listening backend of a database on each NOTIFY, whatever its channel:
one process holds one listener, and its parts share it (`channel`, `drop`) rather than open
their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable
from typing import Any

import asyncpg

log = logging.getLogger("waymark.store")

_CHECK_EVERY = 5.0
_BACKOFF = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)

Callback = Callable[[str], None]


class Listener:
    def __init__(
        self,
        dsn: str,
        channels: dict[str, Callback],
        on_reconnect: Callable[[], None] | None = None,
    ) -> None:
        self.dsn = dsn
        self.channels = channels
        self.reconnected: list[Callable[[], None]] = [on_reconnect] if on_reconnect else []
        self.connected = asyncio.Event()
        self._lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._connection: asyncpg.Connection | None = None
        self._closing = False
        self._busy = asyncio.Lock()  # one statement at a time on the connection
        self._delivers: dict[str, Callable[[Any, int, str, str], None]] = {}

    async def start(self) -> None:
        """Connect and subscribe; returns once the first LISTEN is active."""
        await self._connect()
        self._task = asyncio.create_task(self._watch())

    def listening(self) -> bool:
        """Subscribed on a live connection (False from a loss until the reconnect)."""
        return self.connected.is_set() and not self._lost.is_set()

    async def channel(self, channel: str, callback: Callback) -> None:
        """Listen on `channel` too, from now on and after every reconnect (at once on a live
        connection; one that is down subscribes when it is back)."""
        self.channels[channel] = callback
        async with self._busy:
            connection, before = self._connection, self._delivers.pop(channel, None)
            if self.listening() and connection is not None:
                with contextlib.suppress(*_LOST):  # the watch sees the loss and reconnects
                    if before is not None:
                        await connection.remove_listener(channel, before)
                    await connection.add_listener(channel, self._deliver(channel, callback))

    async def drop(self, channel: str) -> None:
        """Stop listening on `channel`."""
        self.channels.pop(channel, None)
        async with self._busy:
            connection, deliver = self._connection, self._delivers.pop(channel, None)
            if deliver is not None and self.listening() and connection is not None:
                with contextlib.suppress(*_LOST):
                    await connection.remove_listener(channel, deliver)

    async def close(self) -> None:
        self._closing = True
        task = self._task
        if task is not None:
            # Python 3.11's `wait_for` can swallow a cancel that meets its inner await's end:
            # cancel again until the watch has stopped (it also sees `_closing`).
            while not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=1)
            if not task.cancelled():
                task.exception()  # retrieved: a watch that failed while closing is not news
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._connection.close(), 2)

    async def _connect(self) -> None:
        connection = await asyncpg.connect(self.dsn)
        async with self._busy:
            for channel, callback in list(self.channels.items()):
                await connection.add_listener(channel, self._deliver(channel, callback))
        connection.add_termination_listener(lambda _: self._lost.set())
        self._connection = connection
        self._lost.clear()
        self.connected.set()

    def _deliver(self, channel: str, callback: Callback) -> Callable[[Any, int, str, str], None]:
        """asyncpg's listener for `channel`, kept: `remove_listener` needs the same object."""
        deliver = self._delivers[channel] = _adapter(callback)
        return deliver

    async def _watch(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), _CHECK_EVERY)
            if not self._lost.is_set() and await self._alive():
                continue
            self.connected.clear()
            await self._reconnect()

    async def _alive(self) -> bool:
        assert self._connection is not None
        try:
            async with self._busy:
                await asyncio.wait_for(self._connection.fetchval("SELECT 1"), _CHECK_EVERY)
            return True
        except (*_LOST, TimeoutError):
            return False

    async def _reconnect(self) -> None:
        if self._connection is not None:
            self._connection.terminate()
        for attempt in range(1_000_000):
            if self._closing:
                return
            await asyncio.sleep(_BACKOFF[min(attempt, len(_BACKOFF) - 1)])
            try:
                await self._connect()
            except _LOST as error:
                log.debug("listener reconnect failed: %s", error)
                continue
            log.info("listener reconnected")
            for callback in self.reconnected:
                callback()
            return


_LOST = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


def _adapter(callback: Callback) -> Callable[[Any, int, str, str], None]:

    def deliver(connection: Any, pid: int, channel: str, payload: str) -> None:
        callback(payload)

    return deliver


def runnable_listener(
    dsn: str,
    channel: str,
    on_runnable: Callable[[], None],
    on_wake: Callable[[float], None] | None,
    more: dict[str, Callback] | None = None,
) -> Listener:
    """A listener on the runnable channel (and the `more` channels): a payload that is a time
    is a released instance's wake-up (`on_wake`); no payload, or one sent by hand that is no
    time, is work now."""

    def heard(payload: str) -> None:
        wake = _wake_of(payload)
        if wake is not None and on_wake is not None:
            on_wake(wake)
        else:
            on_runnable()

    return Listener(dsn, {channel: heard, **(more or {})}, on_runnable)


def _wake_of(payload: str) -> float | None:
    """The wake-up a payload announces (epoch seconds), if it is one."""
    try:
        wake = float(payload) if payload else None
    except ValueError:
        return None
    return wake if wake is not None and math.isfinite(wake) else None
