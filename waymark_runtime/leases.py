"""This runner's leases: their local deadlines, and the heartbeat that keeps them.

`Leases` turns the time a claim or heartbeat statement was sent into the local lease deadline
(the lease TTL less a margin for clock skew between hosts), extends the held instances' leases
on every heartbeat, lets go of those the store no longer gives this runner, and gives back
leases the store holds for it but memory does not. It also notices when the process was stopped
(SIGSTOP, a frozen VM) or its loop blocked, and then distrusts its leases until a heartbeat sent
since has confirmed them (`trusted`). It never claims, steps or commits a change.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable

from waymark_runtime.config import Settings
from waymark_runtime.held import Held
from waymark_runtime.retrying import guarded
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.worker.executor import Lease, lease_margin

log = logging.getLogger("waymark.runner")

TICK = 0.25
"""How often `watch_stalls` looks at the time."""
STALL = 0.5
"""A turn of the event loop this much later than due means the process did not run meanwhile."""


class Leases:
    """The leases of the instances one runner holds (`held`, the runner's own dict)."""

    def __init__(
        self,
        store: RunnerStore,
        settings: Settings,
        owner: str,
        clock: Callable[[], float],
        held: dict[str, Held],
        *,
        mark: Callable[[str], None],
        let_go: Callable[[str], None],
        withdraw: Callable[[], None],
        committing: Callable[[str], bool],
        pause: Callable[[bool], None] = lambda paused: None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.owner = owner
        self.clock = clock
        self.held = held
        self.mark = mark  # withheld attempts of a confirmed instance are due: step it
        self.let_go = let_go  # the lease is gone
        self.withdraw = withdraw  # queued attempts of instances let go do not start
        self.committing = committing  # a commit in flight says itself whether the lease held
        self.pause = pause  # hold the attempts queued for the workers back, or let them go
        self.ttl = settings.lock_ttl_ms / 1000
        # Local deadlines end a little before the lease in the database does, for clock skew.
        self.margin = lease_margin(self.ttl)
        self.orphans: set[str] = set()
        self.soon = asyncio.Event()  # beat now: an instance held here was ended elsewhere
        self.ticked = time.monotonic()  # when the time was last looked at (`trusted`)
        self.watching = False  # `watch_stalls` runs (not under a virtual clock)
        self.stalled_at: float | None = None  # a stall no heartbeat has followed yet

    def lease_from(self, sent: float) -> Lease:
        """The local lease of a claim or heartbeat statement sent at monotonic time `sent`."""
        return Lease(sent + self.ttl - self.margin)

    async def heartbeat_loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.soon.wait(), self.settings.lock_heartbeat_ms / 1000)
            ticked = not self.soon.is_set()
            self.soon.clear()
            await guarded("heartbeat", functools.partial(self.heartbeat, orphans=ticked))

    async def watch_stalls(self) -> None:
        """Look at the time every `TICK`: a tick that comes `STALL` late found the process
        stopped or its loop blocked (`trusted`)."""
        self.watching = True
        self.ticked = time.monotonic()
        while True:
            self.trusted()
            await asyncio.sleep(TICK)

    def trusted(self) -> bool:
        """Whether the held leases can be relied on without asking the database. Not after a
        stall, until a heartbeat sent since has answered: meanwhile another process may have
        cancelled an instance held here, and an attempt sent before its commit is durable
        would start after the cancel returned (the commit is then refused, but the attempt
        ran). The local lease deadline does not see a stop shorter than the lease."""
        now = time.monotonic()
        if self.watching and now - self.ticked > TICK + STALL:
            log.warning("the runner did not run for %.1f s; checking its leases", now - self.ticked)
            self.stalled_at = now
            self.pause(True)
            self.soon.set()
        self.ticked = now
        return self.stalled_at is None

    def ended(self, instance_id: str) -> None:
        """Another process ended this instance (a cancel): if it is held here, the heartbeat
        runs now, lets it go and stops its attempts, rather than at its next tick."""
        if instance_id in self.held:
            self.soon.set()

    async def heartbeat(self, *, orphans: bool = True) -> None:
        """Extend the leases; let go of instances no longer held. `orphans`: also give back
        leases memory does not hold, seen at the last one too (only on the heartbeat's own
        ticks: two beats in quick succession could both see a claim still being read)."""
        started = time.monotonic()
        still_held = await self.store.heartbeat(self.owner, self.clock(), self.ttl)
        trusted = self.stalled_at is not None and started > self.stalled_at
        deadline = self.lease_from(started).deadline
        let_go = False
        for instance_id, held in list(self.held.items()):
            if still_held.get(instance_id) == held.epoch:
                if held.confirmed(deadline):
                    self.mark(instance_id)
            elif held.claimed_at < started and not self.committing(instance_id):
                self.let_go(instance_id)  # (a commit in flight may have just ended it)
                let_go = True
        if let_go:
            self.withdraw()
        if trusted:  # once what was let go is withdrawn
            self.stalled_at = None
            self.pause(False)
        if orphans:
            await self._release_orphans(set(still_held) - set(self.held))

    async def _release_orphans(self, orphans: set[str]) -> None:
        """Leases held in the database but not in memory (a commit that failed twice): give
        them back. Only ids seen twice in a row, so a claim still being read is not one."""
        again, self.orphans = orphans & self.orphans, orphans
        await self._give_back(again)

    async def release_unknown(self) -> None:
        """Give back now every lease the store holds for this runner and memory does not.
        Called by the claim loop after a claim raised, before it claims again: no claim is in
        flight then, so these are the instances that claim leased before its answer was lost
        (and orphans); the next claim takes them again at once, rather than after the two
        heartbeats `_release_orphans` waits for (a tight deadline could pass meanwhile)."""
        still_held = await self.store.heartbeat(self.owner, self.clock(), self.ttl)
        await self._give_back(set(still_held) - set(self.held))

    async def _give_back(self, instance_ids: set[str]) -> None:
        """Release leases of this runner that memory does not hold, runnable at once (a commit
        fenced by this owner: an instance let go meanwhile is left alone)."""
        if instance_ids:
            log.warning("releasing %s instances this runner no longer tracks", len(instance_ids))
            batch = CommitBatch()
            for instance_id in instance_ids:
                batch.instance(instance_id, release=True, wake_at=self.clock())
            await self.store.commit(batch, self.owner, self.clock())
