"""`Waiters`: futures for instances a client waits on, resolved by `waymark_done` notifications.

The finishing commit notifies with the outcome inline (or only the id when it is too large for
a notification payload, then the outcome is read). After the LISTEN connection was lost and
re-established, every waited instance is looked up once, since notifications sent meanwhile
are gone. It owns the LISTEN connection and nothing else.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from waymark_runtime.reaching import ridden_out
from waymark_runtime.step_plan import InstanceOutcome
from waymark_runtime.store.pg_listen import Listener
from waymark_runtime.store.pg_rows import outcome_of

DONE_CHANNEL = "waymark_done"

Lookup = Callable[[list[str]], Awaitable[dict[str, tuple[str, InstanceOutcome | None]]]]


class Waiters:
    def __init__(self, dsn: str, lookup: Lookup) -> None:
        self.dsn = dsn
        self.lookup = lookup
        self.waiting: dict[str, list[asyncio.Future[InstanceOutcome]]] = {}
        self.listener: Listener | None = None
        self.starting = asyncio.Lock()
        self.tasks: set[asyncio.Future[None]] = set()

    async def expect(self, instance_id: str) -> asyncio.Future[InstanceOutcome]:
        await self._listen()
        future: asyncio.Future[InstanceOutcome] = asyncio.get_running_loop().create_future()
        self.waiting.setdefault(instance_id, []).append(future)
        return future

    def forget(self, instance_id: str, future: asyncio.Future[InstanceOutcome]) -> None:
        waiting = self.waiting.get(instance_id, [])
        if future in waiting:
            waiting.remove(future)
        if not waiting:
            self.waiting.pop(instance_id, None)

    async def close(self) -> None:
        if self.listener is not None:
            await self.listener.close()

    async def _listen(self) -> None:
        async with self.starting:
            if self.listener is None:
                listener = Listener(self.dsn, {DONE_CHANNEL: self._on_done}, self._recheck)
                await listener.start()
                self.listener = listener

    def _on_done(self, payload: str) -> None:
        message = json.loads(payload)
        instance_id = message["id"]
        if instance_id not in self.waiting:
            return
        if "status" in message:
            self._resolve(instance_id, outcome_of(message))
        else:
            self._background(self._look_up([instance_id]))

    def _recheck(self) -> None:
        if self.waiting:
            self._background(self._look_up(list(self.waiting)))

    def _background(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _look_up(self, instance_ids: list[str]) -> None:
        """The outcomes of `instance_ids`, read again while the database is unreachable."""
        found = await ridden_out(
            lambda: self.lookup(instance_ids),
            wanted=lambda: bool(self.waiting.keys() & instance_ids),
        )
        for instance_id, (_, outcome) in found.items():
            self._resolve(instance_id, outcome)

    def _resolve(self, instance_id: str, outcome: InstanceOutcome | None) -> None:
        for future in self.waiting.get(instance_id, []):
            if outcome is not None and not future.done():
                future.set_result(outcome)
