"""`Claims`: when a runner claims instances, and taking what it claimed into its holdings.

A claim is wanted when a notification says work is runnable, when the fallback poll ticks or
an expired lease was reclaimed (`upkeep`), when an instance is let go (room in memory), and at
a released wait's timeout (`at`). One loop claims, in batches, until the runner holds
`max_concurrent_instances` or nothing more is runnable; each claimed instance is taken under a
lease dated from when its claim was sent (`Leases.lease_from`), never later. It steps,
commits and dispatches nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from waymark_runtime import metrics
from waymark_runtime.clock import Clock
from waymark_runtime.config import Settings
from waymark_runtime.deadlines import Deadlines
from waymark_runtime.holdings import Holdings
from waymark_runtime.leases import Leases
from waymark_runtime.retrying import guarded
from waymark_runtime.store.contract import RunnerStore

_BATCH = 200  # instances per claim statement


class Claims:
    """The runner's claiming: `wanted` is set to ask for a claim, `loop` answers."""

    def __init__(
        self,
        store: RunnerStore,
        settings: Settings,
        owner: str,
        clock: Clock,
        *,
        leases: Leases,
        holdings: Holdings,
        deadlines: Deadlines,
        withdraw: Callable[[], None],
        activity: asyncio.Event,
        stopping: Callable[[], bool],
    ) -> None:
        self.store = store
        self.settings = settings
        self.owner = owner
        self.clock = clock
        self.leases = leases
        self.holdings = holdings
        self.deadlines = deadlines
        self.withdraw = withdraw  # the pool's `withdraw_revoked`
        self.activity = activity  # the runner's: set whenever it may have work
        self.stopping = stopping
        self.wanted = asyncio.Event()
        self.busy = False  # a claim is in flight
        self.unanswered = False  # a claim raised: it may have leased instances all the same

    def want(self) -> None:
        self.wanted.set()
        self.activity.set()

    def at(self, when: float | None) -> None:
        """Claim again at `when` (a released signal wait's timeout or deadline), on the
        runner's clock, when it is nearer than the eviction threshold (a virtual clock has no
        poll tick to find it by; later ones are found by the poll, holding no memory
        meanwhile)."""
        near = self.settings.evict_sleep_threshold_ms / 1000
        if when is not None and not self.stopping() and when - self.clock.now() <= near:
            self.clock.call_at(when, self.want)

    async def loop(self) -> None:
        while not self.stopping():
            await self.wanted.wait()
            self.wanted.clear()
            self.busy = True
            try:
                await guarded("claim", self._claim_all)
            finally:
                self.busy = False
                self.activity.set()

    async def _claim_all(self) -> None:
        held = self.holdings.held
        while (room := self.settings.max_concurrent_instances - len(held)) > 0:
            limit = min(room, _BATCH)
            if self.unanswered:  # what it leased is given back, to be claimed again now
                await self.leases.release_unknown()
                self.unanswered = False
            sent = time.monotonic()
            try:
                claims = await self.store.claim(
                    self.owner, limit, self.clock.now(), self.leases.ttl
                )
            except Exception:  # its answer may be lost after it committed
                self.unanswered = True
                raise
            if (recording := metrics.current()) is not None:
                recording.claim.observe(time.monotonic() - sent)
            for claim in claims:
                lease = self.leases.lease_from(sent)
                if self.holdings.take(claim, lease, self.deadlines.expire) is not None:
                    self.withdraw()  # an older claim of ours is gone
            if len(claims) < limit or self.stopping():
                return
