"""The runner's upkeep of the whole store: polling, reclaiming leases, collecting garbage.

Each loop runs for the runner's lifetime and asks for a claim (sets `wanted`) when it may have
made work runnable. None touches the instances this runner holds (their leases are kept by the
runner's heartbeat), and a failed round is logged and tried again next time (`guarded`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from waymark_runtime import metrics
from waymark_runtime.config import Settings
from waymark_runtime.retrying import guarded
from waymark_runtime.store.contract import RunnerStore

log = logging.getLogger("waymark.runner")


_PAST_LAPSE = 0.005  # seconds: a pass timed for a lapse runs once it is past, not at it
UNHEARD_POLL = 0.1
"""Seconds between polls while notifications may be missed (`poll_loop`)."""


async def poll_loop(settings: Settings, wanted: asyncio.Event, heard: Callable[[], bool]) -> None:
    """The safety net behind notifications and the timer at the next released wake
    (`Claims`): a claim every `poll_interval_ms`, or every `UNHEARD_POLL` seconds (if that is
    shorter) while `heard()` is False: the connection that hears notifications is lost, or
    the last claim failed. Each path by which work becomes runnable has a mechanism of its
    own (docs/operations.md, "How a runner hears of work"); this poll finds none of them
    late."""
    interval = settings.poll_interval_ms / 1000
    while True:
        await asyncio.sleep(interval if heard() else min(interval, UNHEARD_POLL))
        wanted.set()


async def reclaim_loop(
    store: RunnerStore,
    settings: Settings,
    clock: Callable[[], float],
    owner: str,
    wanted: asyncio.Event,
) -> None:
    """Release leases that expired (their runner died): the instances can be claimed again.

    A pass runs when the earliest lease of another runner seen by the last pass lapses, and
    at least every half lease TTL (a lease taken since lapses a TTL after it was taken, at the
    earliest, on its runner's clock), never more often than the reclaimer interval: between
    passes nothing can lapse unseen, so a runner sleeps through the seconds where polling found
    nothing."""
    limit = settings.expired_lock_reclaimer_batch_size
    interval = settings.expired_lock_reclaimer_interval_ms / 1000
    longest = max(interval, settings.lock_ttl_ms / 2000)
    pause = interval

    async def reclaim() -> None:
        nonlocal pause
        pause = interval  # if this pass fails
        now = clock()
        reclaimed = await store.reclaim_expired_instances(now, limit, keep_owner=owner)
        released = reclaimed.instances
        if released:
            log.info("released %s expired instance leases", released)
            wanted.set()
        if reclaimed.failed and (recording := metrics.current()) is not None:
            for action in reclaimed.failed:  # failed past the orphaned bound, here and only here
                recording.attempt_failed(action)
        if released < limit:
            lapse = await store.next_lease_lapse(now, keep_owner=owner)
            until = longest if lapse is None else lapse - now + _PAST_LAPSE
            pause = min(max(until, interval), longest)

    while True:
        await asyncio.sleep(pause)
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
