"""Live updates: PostgreSQL notifications turned into server-sent events.

One LISTEN connection per dashboard process (`waymark_runtime.store.pg_listen.Listener`, which
reconnects by itself) on the channels runners and clients already use: `waymark_runnable` (new
or woken work, finished actions) and `waymark_done` (a finished or cancelled instance). Each
browser tab holds an `EventSource`; it is told "something changed" (at most one pending message
each, so a burst of notifications is one refresh) and re-reads its page's fragment.

A database lost while a stream is open changes nothing for it (the listener reconnects, then
tells every tab to refresh); one opened while the database cannot be reached gets an
`unavailable` event saying so and ends, and the browser opens it again a few seconds later.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from waymark_runtime.errors import import_failure
from waymark_runtime.reaching import unreached
from waymark_runtime.store.pg_listen import Listener

CHANNELS = ("waymark_runnable", "waymark_done")
KEEPALIVE_SECONDS = 15.0
RETRY = "retry: 3000\n\n"  # how long the browser waits before it opens the stream again


class Broadcast:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.subscribers: set[asyncio.Queue[str]] = set()
        self._listener: Listener | None = None
        self._lock = asyncio.Lock()

    async def _ensure_listening(self) -> None:
        async with self._lock:
            if self._listener is None:
                listener = Listener(self.dsn, {channel: self._notify for channel in CHANNELS},
                                    on_reconnect=lambda: self._notify(""))  # fmt: skip
                await listener.start()
                self._listener = listener

    def _notify(self, _payload: str) -> None:
        for queue in self.subscribers:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait("change")

    async def events(self) -> AsyncIterator[str]:
        """Server-sent event lines for one subscriber until it goes away."""
        try:
            await self._ensure_listening()
        except Exception as failure:
            if not unreached(failure):
                raise
            yield RETRY
            yield f"event: unavailable\ndata: cannot reach the database ({import_failure(failure)})\n\n"
            return
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1)
        self.subscribers.add(queue)
        try:
            yield RETRY
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keepalive\n\n"
                    continue
                yield f"data: {message}\n\n"
        finally:
            self.subscribers.discard(queue)

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.close()
            self._listener = None
