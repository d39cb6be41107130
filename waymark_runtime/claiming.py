"""`Claims`: when a runner claims instances, and taking what it claimed into its holdings.

A claim is wanted when a notification says work is runnable, when the fallback poll ticks or
an expired lease was reclaimed (`upkeep`), when an instance is let go (room in memory), and
when the next released instance falls due. One loop claims, in batches, until the runner holds
`max_concurrent_instances` or nothing more is runnable; each claimed instance is taken under a
lease dated from when its claim was sent (`Leases.lease_from`), never later. A claim that
found everything runnable asks the store when the next instance no runner holds falls due (a
released sleep, wait or deadline, whichever runner released it) and arms one timer there
(`at`), so a sleep ends on time without a poll to find it. It steps, commits and dispatches
nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from waymark_runtime import metrics
from waymark_runtime.clock import Clock, Handle
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
        self.failed = False  # the last claim failed: the poll tries again soon (`upkeep`)
        self._timer: tuple[float, Handle] | None = None  # the claim armed by `at`
        # The last claim stopped for lack of room, not because nothing more was runnable: an
        # instance that ends makes room for what it left behind (`ended`).
        self.full = True

    def want(self) -> None:
        self.wanted.set()
        self.activity.set()

    def ended(self) -> None:
        """An instance finished and left the runner's memory. Claim again only when the last
        claim stopped because the runner was full: after one that took everything runnable,
        whatever becomes runnable is announced (`waymark_runnable`, a claim timer, a reclaimed
        lease, or the poll while notifications are not heard), so a claim here would find
        nothing and cost two statements (the claim and `next_wake`) per finished instance."""
        if self.full:
            self.wanted.set()

    def at(self, when: float | None) -> None:
        """Claim again at `when` (on the runner's clock): one timer, at the earliest time
        asked for. A later time it displaces is not lost: the claim at the earlier one asks
        the store for the next (`claim_waking`), and the store holds every released wake."""
        if when is None or self.stopping():
            return
        if self._timer is not None:
            if self._timer[0] <= when:
                return
            self._timer[1].cancel()

        def fire() -> None:
            self._timer = None
            self.want()

        self._timer = (when, self.clock.call_at(when, fire))

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
        try:
            await self._claim_until_full()
        except Exception:
            self.failed = True
            raise
        self.failed = False

    async def _claim_until_full(self) -> None:
        held = self.holdings.held
        self.full = True  # until a claim finds fewer runnable instances than it asked for
        while (room := self.settings.max_concurrent_instances - len(held)) > 0:
            limit = min(room, _BATCH)
            if self.unanswered:  # what it leased is given back, to be claimed again now
                await self.leases.release_unknown()
                self.unanswered = False
            sent = time.monotonic()
            try:
                claims, wake = await self.store.claim_waking(
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
            if self.stopping():
                return
            if len(claims) < limit:  # nothing more is runnable now: claim again when the next
                self.full = False  # released instance falls due, whoever released it
                self.at(wake)
                return
