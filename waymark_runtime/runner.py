"""The runner inside `start-workers`: claim instances, step them, group-commit, dispatch.

It leases runnable instances (priority order, `FOR UPDATE SKIP LOCKED`), holds them in memory
while their attempts run on this process's worker pool, and persists each step — new state, the
results it consumed, new attempts and sleeps — in one statement per batch; attempts a step
plans to run now go to the workers while that statement is in flight, and their replies wait
for it (docs/runtime.md, "Dispatch before the commit lands"). It never imports user code,
never keeps a transaction open across user code, and leaves every other instance alone when
one instance's program or data is bad.

This module owns the lifecycle and the held instances' marks; `pump` steps, commits and acts
on what follows a durable commit (timers, dispatch, letting go). Parts with a job of their own
are collaborators: `claiming` (when to claim, and taking claims), `holdings` (the held
instances and their timers), `stepping` (a step and its change), `ahead` (a step taken while
the commit before it is in flight), `group_commit` (which instances commit together, and the
write), `leases` (the heartbeat), `deadlines`, `work_orders` (the workers' round trip),
`pacing` (steps put off), `upkeep` (store-wide loops), `retrying`.

Fencing: each claim has an epoch. Commits are written only under the claim they belong to,
attempts are keyed by it (a reply of an older claim is discarded), and no attempt starts after
the local lease deadline — the start of the last heartbeat that confirmed the claim plus the
lease TTL, less a margin for clock skew between hosts — until a heartbeat confirms it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from typing import Any

from waymark_runtime.ahead import Ahead
from waymark_runtime.claiming import Claims
from waymark_runtime.clock import Clock, SystemClock
from waymark_runtime.config import Settings
from waymark_runtime.deadlines import Deadlines
from waymark_runtime.gate import Gate
from waymark_runtime.group_commit import Turns
from waymark_runtime.holdings import Holdings
from waymark_runtime.leases import Leases
from waymark_runtime.pacing import COLLECT_EVERY, Pacer
from waymark_runtime.pump import Pump
from waymark_runtime.retrying import guarded, retrying
from waymark_runtime.stepping import Stepper, parse_wrl
from waymark_runtime.store import postgres
from waymark_runtime.store.contract import RunnerInfo, RunnerStore
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.upkeep import gc_loop, poll_loop, reclaim_loop
from waymark_runtime.values import (
    TypeResolver,
)
from waymark_runtime.work_orders import Replies
from waymark_runtime.worker.executor import ExecutorFactory
from waymark_runtime.worker.pool import WorkerPool

log = logging.getLogger("waymark.runner")


class Runner(Pump):
    """One runner process: its worker pool, the instances it holds, its background loops."""

    def __init__(
        self,
        store: RunnerStore,
        settings: Settings,
        *,
        clock: Clock | Callable[[], float] | None = None,
        owner: str | None = None,
        executor: ExecutorFactory = WorkerPool,
        types: TypeResolver | None = None,
        rng: random.Random | None = None,
        collect_every: float = COLLECT_EVERY,
    ) -> None:
        self.store = store
        self.settings = settings
        self.time = _clock_of(clock)
        self.clock = self.time.now
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.holdings = Holdings(store, self.time, self._mark)
        self.held = self.holdings.held
        self.dirty: set[str] = set()
        self.committing: set[str] = set()
        self.commits: set[asyncio.Task[None]] = set()
        self.failure: BaseException | None = None
        self.wake = asyncio.Event()
        self.activity = asyncio.Event()
        self.stopping = False
        self.stepper = Stepper(store, settings, self.held, types, rng)
        self.replies = Replies(self.held, self._mark, store, settings.max_payload_bytes,
                               lambda: self.gate.room_freed(), self.clock)  # fmt: skip
        self.pool = executor(settings, self.replies)
        self.reserved = 0
        """Worker slots promised to attempts whose commit is in flight (sent once it lands)."""
        self.gate = Gate(store, self.owner, self.time, settings.poll_interval_ms / 1000,
                         self._granted, self.activity,
                         room=lambda: self.pool.free - self.reserved)  # fmt: skip
        self.leases = Leases(store, settings, self.owner, self.clock, self.held, mark=self._mark,
                             let_go=self._let_go, withdraw=self.pool.withdraw_revoked,
                             committing=self.committing.__contains__,
                             pause=self.pool.pause)  # fmt: skip
        self.deadlines = Deadlines(store=store, clock=self.clock, held=self.held,
                                   activity=self.activity, drop=self._drop,
                                   withdraw=self.pool.withdraw_revoked)  # fmt: skip
        self.claims = Claims(store, settings, self.owner, self.time, leases=self.leases,
                             holdings=self.holdings, deadlines=self.deadlines,
                             withdraw=self.pool.withdraw_revoked, activity=self.activity,
                             stopping=lambda: self.stopping)  # fmt: skip
        self.turns = Turns(self.held)
        self.pacer = Pacer(collect_every, self.held, self.gate, self._mark)
        self.ahead = Ahead(self.held, self.dirty, self.stepper, self.pacer,
                           lambda: self.stepper.rules(self.clock(), self.stopping),
                           self._launch_ahead, self._unreserve)  # fmt: skip
        self.holdings.on_forget += [self.gate.forget, self.pacer.cancel, self.ahead.forget]
        self.listener = store.subscribe(self.claims.want, self.claims.at, self.leases.ended)
        """The process's one LISTEN connection (`run` starts and closes it); the scheduler of
        `start-workers` listens on it too."""

    # lifecycle ------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, then shut down gracefully (see `_shutdown`)."""
        await asyncio.gather(self.pool.start(), asyncio.to_thread(parse_wrl, ""))
        me = RunnerInfo(id=self.owner, host=socket.gethostname(), pid=os.getpid(),
                        worker_count=self.settings.worker_count)  # fmt: skip
        await retrying("register", lambda: self.store.register_runner(me, self.clock()))
        listener = self.listener
        await retrying("listen", listener.start)

        def heard() -> bool:  # notifications arrive, and the last claim was answered
            return listener.listening() and not self.claims.failed

        loops = [
            asyncio.create_task(coroutine)
            for coroutine in (
                self.leases.heartbeat_loop(),
                *([] if self.time.virtual else [self.leases.watch_stalls()]),
                self.claims.loop(),
                poll_loop(self.settings, self.claims.wanted, heard),
                reclaim_loop(self.store, self.settings, self.clock, self.owner, self.claims.wanted),
                gc_loop(self.store, self.settings, self.clock),
                self.gate.run(functools.partial(guarded, "acquire slots")),
            )
        ]
        pump = asyncio.create_task(self._pump())
        self.claims.want()
        log.info("runner %s ready", self.owner)
        stopped = asyncio.create_task(stop.wait())
        broken = asyncio.create_task(self.pool.broken.wait())
        try:
            await asyncio.wait([stopped, broken, pump, *loops], return_when="FIRST_COMPLETED")
        finally:
            await self._shutdown(pump, loops, [stopped, broken])
            await listener.close()
            await self.gate.close()
        if self.pool.failed is not None:
            raise self.pool.failed
        for task in [pump, *loops]:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]

    async def _shutdown(
        self, pump: asyncio.Task[None], loops: list[asyncio.Task[None]], waits: list[Any]
    ) -> None:
        """Stop claiming, let running attempts finish (bounded), release every instance.

        The heartbeat (the first loop) keeps the leases alive until the very end. Attempts of
        instances no longer held (cancelled, or leased elsewhere) are moot: not waited for."""
        self.stopping = True
        self.pool.hold()  # what has not started goes back to the queue, not counted as lost
        heartbeat, others = loops[0], loops[1:]
        for task in [*others, *waits]:
            task.cancel()
        self.dirty.update(self.held)
        self.wake.set()
        grace = self.settings.shutdown_grace_seconds
        if not pump.done():
            if grace > 0:
                await self._confirm_leases(min(grace, 5.0))
            awaited = any(held.running for held in self.held.values())
            if awaited and not await self.pool.wait_idle(grace):
                self.pool.kill()  # past the grace: what still runs is lost (retried elsewhere)
            with contextlib.suppress(TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(pump), 5)
        pump.cancel()
        if self.commits:
            await asyncio.wait(self.commits, timeout=5)
        if self.held:
            await self._release_all()
        heartbeat.cancel()
        if self.pool.in_flight:
            self.pool.kill()
        await self.pool.stop()
        with contextlib.suppress(Exception):  # a row left behind only shows a silent runner
            await asyncio.wait_for(self.store.unregister_runner(self.owner), 5)

    async def _confirm_leases(self, timeout: float) -> None:
        """One heartbeat now: instances whose lease is gone are let go (bounded, best effort)."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.leases.heartbeat(), timeout)

    async def _release_all(self) -> None:
        """Give every held instance back now; attempts still running count as lost later."""
        batch = CommitBatch()
        now = self.clock()
        for held in self.held.values():
            for attempt in held.withheld:  # never started (`pool.hold`): not lost
                batch.requeue(held.id, attempt.node, attempt.attempt)
            held.withheld = []
            batch.instance(held.id, release=True, wake_at=now, epoch=held.epoch)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.store.commit(batch, self.owner, now), 5)
        for instance_id in list(self.held):
            self._drop(instance_id)

    def quiescent(self) -> bool:
        """Nothing to do until a timer fires or new work arrives (`LocalRuntime` then moves
        its virtual clock); `activity` is set whenever that may have changed."""
        return not (self.dirty or self.committing or self.commits or self.claims.busy
                    or self.pacer.collecting
                    or self.claims.wanted.is_set() or self.pool.in_flight
                    or self.deadlines.expiring or self.gate.pending())  # fmt: skip

    # marks and letting go -------------------------------------------------------------------

    def _mark(self, instance_id: str) -> None:
        self.dirty.add(instance_id)
        if instance_id not in self.committing:
            self.wake.set()
        else:  # the end of its commit looks at it, or its step is taken ahead
            self.ahead.marked(instance_id)
        self.activity.set()

    def _let_go(self, instance_id: str) -> None:
        """The instance's lease is gone: it was cancelled, or another runner took it over.
        Its queued attempts are withdrawn by the caller (`pool.withdraw_revoked`)."""
        log.warning("instance %s is no longer ours (cancelled, or leased elsewhere)", instance_id)
        self._drop(instance_id)

    def _drop(self, instance_id: str, *, finished: bool = False) -> None:
        """Forget the instance; claim again for the room it leaves (`finished`: it ended, which
        makes no other instance runnable that is not announced — `Claims.ended`)."""
        if (held := self.held.get(instance_id)) is not None:
            self.replies.releases.settle(held)  # before a cancel's, or abandoned, slots lapse
            self.holdings.forget(held)
        if not self.stopping:
            if finished:
                self.claims.ended()
            else:
                self.claims.wanted.set()
        elif not self.held:
            self.wake.set()


def _clock_of(clock: Clock | Callable[[], float] | None) -> Clock:
    """A clock object, or the system clock reading `clock()` (default: `postgres.now`)."""
    if clock is None or callable(clock):
        return SystemClock(clock or postgres.now)
    return clock
