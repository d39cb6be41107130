"""What the parts of a `pool.WorkerPool` share: its worker processes and their orders.

The pool is split by concern: placing orders on workers (`placement`), reading what workers
say and seeing them exit (`listener`), and killing a worker stuck past a deadline
(`watchdog`); `pool` is what the runner calls.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import math
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from waymark_runtime.config import Settings
from waymark_runtime.errors import WaymarkError
from waymark_runtime.worker.executor import AttemptOrder, Reports, stop_grace
from waymark_runtime.worker.fair import FairQueue
from waymark_runtime.worker.hush import Hush
from waymark_runtime.worker.slots import Slots

log = logging.getLogger("waymark.worker")


class WorkerStartupError(WaymarkError):
    """worker processes could not start (see the worker output above)"""


@dataclass(eq=False)
class _Worker:
    process: asyncio.subprocess.Process
    writer: asyncio.StreamWriter
    reader: asyncio.StreamReader
    reading: asyncio.ReadTransport
    slots: Slots
    in_flight: dict[int, AttemptOrder] = field(default_factory=dict)
    started: int = 0
    ready: bool = False
    retiring: bool = False
    exclusive: bool = False
    killed: bool = False  # by the pool: it takes no more orders while its exit is awaited
    next_id: int = 0
    deadlines: dict[int, float] = field(default_factory=dict)


def _load(worker: _Worker) -> int:
    """Requests a worker holds, running or waiting in it."""
    return len(worker.in_flight)


def _turn_of(order: AttemptOrder) -> Hashable:
    """Whose turn an order waits for: its instance (an order without a context waits with others)."""
    return order.context.instance_id if order.context is not None else None


class PoolBase(abc.ABC):
    """The state of a pool of `worker_count` processes, and what every part of it uses."""

    def __init__(self, settings: Settings, reports: Reports) -> None:
        self.settings = settings
        self.reports = reports
        self.stop_grace = stop_grace(settings.lock_ttl_ms / 1000)
        self.workers: list[_Worker] = []
        self.pending: FairQueue[AttemptOrder] = FairQueue(_turn_of)
        self.isolated: deque[AttemptOrder] = deque()
        self.draining: _Worker | None = None
        self.tasks: set[asyncio.Task[None]] = set()
        self.stopping = False
        self.holding = False  # `hold`: nothing more starts
        self.paused = False  # `pause`: nothing queued starts for now
        self.startup_failures = 0
        self.failed: WorkerStartupError | None = None
        self.idle = asyncio.Event()
        self.broken = asyncio.Event()
        self.changed = asyncio.Event()
        self.fill_scheduled = False
        self.hush = Hush()
        self.watching = asyncio.Event()  # `_watchdog`: a deadline earlier than `watch_at`
        self.watch_at = math.inf

    @property
    def in_flight(self) -> int:
        """Orders queued or held by a worker."""
        queued = len(self.pending) + len(self.isolated)
        return queued + sum(len(w.in_flight) for w in self.workers)

    def _usable(self) -> list[_Worker]:
        return [w for w in self.workers
                if w.ready and not w.retiring and not w.exclusive and not w.killed]  # fmt: skip

    def _background(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _ended(self, orders: list[AttemptOrder]) -> None:
        """These orders of limited actions (`leased`) no longer execute on any worker of
        this pool (they ended, never started, or their process is gone): the runner frees the
        slots a cancel or their instance's end left taken (`Reports.on_ended`)."""
        keys = [order.key for order in orders if order.leased]
        if keys:
            self.reports.on_ended(keys)

    @abc.abstractmethod
    async def _spawn(self) -> None:
        """Start one more worker process (`listener.Listener`)."""
