"""Instance deadlines: a held instance still unfinished at its deadline ends as `WorkflowTimeout`.

`Deadlines.expire` is armed by the runner at a claim's deadline; it ends the instance on the
cancel path (the store drops its lease, so nothing of that claim commits any more) and has the
runner let it go. It never arms timers, steps or commits a change itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from waymark_runtime.errors import WorkflowTimeout
from waymark_runtime.held import Held
from waymark_runtime.retrying import guarded
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.values import error_json

log = logging.getLogger("waymark.runner")


@dataclass(eq=False, kw_only=True)
class Deadlines:
    """The instances of one runner ending past their deadline (`held`, the runner's own dict)."""

    store: RunnerStore
    clock: Callable[[], float]
    held: dict[str, Held]
    activity: asyncio.Event
    """Set whenever the runner may have work (`Runner.quiescent`)."""
    drop: Callable[[str], None]
    """The runner lets the instance go."""
    withdraw: Callable[[], None]
    """Queued attempts of instances let go do not start."""
    expiring: set[asyncio.Task[None]] = field(default_factory=set)
    """Instances ending past their deadline."""

    def expire(self, held: Held) -> None:
        """The instance's deadline passed: end it as `WorkflowTimeout` (the cancel path: its
        lease is dropped in the store, so nothing of this claim commits any more)."""
        if self.held.get(held.id) is not held:
            return
        task = asyncio.get_running_loop().create_task(self._time_out(held))
        self.expiring.add(task)
        task.add_done_callback(self.expiring.discard)
        self.activity.set()

    async def _time_out(self, held: Held) -> None:
        error = error_json(WorkflowTimeout(f"instance {held.id} passed its deadline"))

        async def end() -> None:
            await self.store.cancel(held.id, error, self.clock(), "failed")

        await guarded("deadline", end)
        log.info("instance %s passed its deadline: it ends as WorkflowTimeout", held.id)
        if self.held.get(held.id) is held:
            self.drop(held.id)
            self.withdraw()
        self.activity.set()
