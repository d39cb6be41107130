"""The runner's upkeep of the whole store: polling, reclaiming leases, collecting garbage.

Each loop runs for the runner's lifetime and asks for a claim (sets `wanted`) when it may have
made work runnable. None touches the instances this runner holds (their leases are kept by the
runner's heartbeat), and a failed round is logged and tried again next time (`guarded`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from waymark_runtime.config import Settings
from waymark_runtime.retrying import guarded
from waymark_runtime.store.contract import RunnerStore

log = logging.getLogger("waymark.runner")


async def poll_loop(settings: Settings, wanted: asyncio.Event) -> None:
    """The fallback for notifications: released instances also wake by the clock."""
    while True:
        await asyncio.sleep(settings.poll_interval_ms / 1000)
        wanted.set()


async def reclaim_loop(
    store: RunnerStore,
    settings: Settings,
    clock: Callable[[], float],
    owner: str,
    wanted: asyncio.Event,
) -> None:
    """Release leases that expired (their runner died): the instances can be claimed again."""

    async def reclaim() -> None:
        limit = settings.expired_lock_reclaimer_batch_size
        now = clock()
        released = await store.reclaim_expired_instances(now, limit, keep_owner=owner)
        if released:
            log.info("released %s expired instance leases", released)
            wanted.set()

    interval = settings.expired_lock_reclaimer_interval_ms / 1000
    while True:
        await asyncio.sleep(interval)
        await guarded("reclaim", reclaim)


async def gc_loop(store: RunnerStore, settings: Settings, clock: Callable[[], float]) -> None:
    """Delete finished instances past their retention, a batch at a time."""

    async def collect_garbage() -> None:
        retention = settings.garbage_collector_retention_hours * 3600
        limit = settings.garbage_collector_batch_size
        while await store.collect_garbage(clock(), retention, limit) == limit:
            await asyncio.sleep(0)

    while True:
        await guarded("garbage collection", collect_garbage)
        await asyncio.sleep(settings.garbage_collector_interval_ms / 1000)
