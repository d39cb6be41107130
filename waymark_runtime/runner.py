"""The runner inside `start-workers`: claim instances, step them, group-commit, dispatch.

It leases runnable instances (priority order, `FOR UPDATE SKIP LOCKED`), holds them in memory
while their attempts run on this process's worker pool, and persists each step — new state, the
results it consumed, new attempts and sleeps — in one statement per batch; attempts a step
plans to run now go to the workers while that statement is in flight, and their replies wait
for it (docs/runtime.md, "Dispatch before the commit lands"). It never imports user code,
never keeps a transaction open across user code, and leaves every other instance alone when
one instance's program or data is bad.

This module owns the lifecycle, the pump and what follows a durable commit (timers, dispatch,
letting go). Parts with a job of their own are collaborators: `claiming` (when to claim, and
taking claims), `holdings` (the held instances and their timers), `stepping` (a step and its
change), `ahead` (a step taken while the commit before it is in flight), `group_commit` (which
instances commit together, and the write), `leases` (the heartbeat), `deadlines`,
`work_orders` (the workers' round trip), `pacing` (steps put off), `upkeep` (store-wide loops),
`retrying`.

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
import time
import uuid
from collections.abc import Callable
from typing import Any

from waymark_runtime import tracing
from waymark_runtime.ahead import Ahead
from waymark_runtime.changes import Change, fit_to_room
from waymark_runtime.claiming import Claims
from waymark_runtime.clock import Clock, SystemClock
from waymark_runtime.config import Settings
from waymark_runtime.deadlines import Deadlines
from waymark_runtime.gate import Gate
from waymark_runtime.group_commit import Turns, write_changes
from waymark_runtime.held import Attempt, Held
from waymark_runtime.holdings import Holdings
from waymark_runtime.leases import Leases
from waymark_runtime.pacing import COLLECT_EVERY, Pacer
from waymark_runtime.retrying import guarded, retrying
from waymark_runtime.stepping import SLICE, Stepper, parse_wrl
from waymark_runtime.store import postgres
from waymark_runtime.store.contract import RunnerInfo, RunnerStore
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.upkeep import gc_loop, poll_loop, reclaim_loop
from waymark_runtime.values import (
    TypeResolver,
)
from waymark_runtime.work_orders import Replies, orders_of
from waymark_runtime.worker import report
from waymark_runtime.worker.executor import AttemptOrder, ExecutorFactory
from waymark_runtime.worker.pool import WorkerPool

log = logging.getLogger("waymark.runner")

_COMMITS_IN_FLIGHT = 2


class Runner:
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
                             committing=self.committing.__contains__)  # fmt: skip
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
                           lambda: self.stepper.rules(self.clock(), self.stopping))  # fmt: skip
        self.holdings.on_forget += [self.gate.forget, self.pacer.cancel, self.ahead.forget]

    # lifecycle ------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, then shut down gracefully (see `_shutdown`)."""
        await asyncio.gather(self.pool.start(), asyncio.to_thread(parse_wrl, ""))
        me = RunnerInfo(id=self.owner, host=socket.gethostname(), pid=os.getpid(),
                        worker_count=self.settings.worker_count)  # fmt: skip
        await retrying("register", lambda: self.store.register_runner(me, self.clock()))
        listener = self.store.subscribe(self.claims.want, self.claims.at, self.leases.ended)
        await retrying("listen", listener.start)

        def heard() -> bool:  # notifications arrive, and the last claim was answered
            return listener.listening() and not self.claims.failed

        loops = [
            asyncio.create_task(coroutine)
            for coroutine in (
                self.leases.heartbeat_loop(),
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

    # the pump: step, commit, dispatch ------------------------------------------------------

    def _mark(self, instance_id: str) -> None:
        self.dirty.add(instance_id)
        if instance_id not in self.committing:
            self.wake.set()
        else:  # the end of its commit looks at it, or its step is taken ahead
            self.ahead.marked(instance_id)
        self.activity.set()

    async def _pump(self) -> None:
        """Step whatever is dirty and commit it, with up to `_COMMITS_IN_FLIGHT` group commits
        at once (PostgreSQL flushes concurrent commits together); an instance is in at most
        one of them, from its step to its commit's end (`committing`), so its steps commit in
        order."""
        while not (self.stopping and not self.held and not self.committing):
            await self.wake.wait()
            self.wake.clear()
            if self.failure is not None:
                raise self.failure
            while len(self.commits) < _COMMITS_IN_FLIGHT and (
                ready := self.dirty - self.committing
            ):
                self._start_commit(await self._prepare_dirty(self.turns.next(ready)))

    def _start_commit(self, changes: list[Change]) -> None:
        if not changes:
            return
        first = {change.held.id for change in changes}
        task = asyncio.create_task(self._commits_from(changes))
        self.commits.add(task)

        def done(task: asyncio.Task[None]) -> None:
            self.commits.discard(task)
            if task.cancelled():  # perhaps before it ran: its first commit's ids are free
                self.committing -= first
            elif task.exception() is not None:
                self.failure = task.exception()
            self.wake.set()
            self.activity.set()

        task.add_done_callback(done)

    async def _commits_from(self, changes: list[Change]) -> None:
        """Commit `changes`; then commit the steps taken ahead during it (`Ahead`), and step
        and commit what else became ready meanwhile, in this same task, so a step needs no
        task of its own and no turn through the pump."""
        since = time.monotonic()
        while changes:
            opened = self.ahead.opening(changes)
            try:
                await self._commit(changes)
            finally:
                self.ahead.close(opened)
                self.committing.difference_update(change.held.id for change in changes)
            # Next: the steps taken ahead during the commit (`committing` again with no await
            # between), then what is ready, read and taken (`_prepare_dirty`) with none either.
            stepped = self.ahead.take(changes)
            self.committing.update(change.held.id for change in stepped)
            if time.monotonic() - since > SLICE:  # a store that answers at once: let others run
                await asyncio.sleep(0)
                since = time.monotonic()
            if self.failure is not None:
                self.committing.difference_update(change.held.id for change in stepped)
                return
            ready = self.dirty - self.committing
            changes = stepped + (await self._prepare_dirty(self.turns.next(ready)) if ready else [])

    async def _prepare_dirty(self, ids: set[str]) -> list[Change]:
        """Step the instances, which are `committing` from now until their commit ends (or
        now, for those with nothing to commit); between steps, after `SLICE` seconds of them,
        let the event loop run (heartbeats, replies): a step is bounded by the limits."""
        self.dirty -= ids
        self.committing |= ids
        rules = self.stepper.rules(self.clock(), self.stopping)
        changes = []
        since = time.monotonic()
        try:
            for instance_id in ids:
                held = self.held.get(instance_id)
                if held is not None and self.pacer.later(held, rules):
                    self._quiet()
                    continue
                if held is not None and self.stepper.wants_commit(held, rules):
                    change = await self.stepper.change_of(held, rules)
                    if change is not None:
                        changes.append(change)
                if time.monotonic() - since > SLICE:
                    await asyncio.sleep(0)
                    since = time.monotonic()
        finally:
            idle = ids.difference(change.held.id for change in changes)
            self.committing -= idle
            if idle & self.dirty:  # marked while stepped: nobody else looks at them
                self.wake.set()
        return changes

    async def _commit(self, changes: list[Change]) -> None:
        """Write the changes in one statement and act on what is durable. Attempts a step
        planned to run now go to the workers first, while the statement is in flight: their
        replies wait (the instances are `committing`) and, if an instance's rows do not land,
        they are stale like those of a lost attempt (docs/runtime.md). An attempt's row says
        `running` only if a free worker slot takes it at once (`fit_to_room`)."""
        room = self.pool.free - self.reserved
        batch = CommitBatch()
        for change in changes:
            room = fit_to_room(change, room)
            batch.extend(change.batch)
        promised = sum(not attempt.row_queued for c in changes for attempt in c.dispatch)
        early = self._dispatch_early(changes)
        self.reserved += promised
        try:
            kept = await write_changes(self._write, batch, changes)
        finally:
            self.reserved -= promised
        self.replies.releases.committed(batch.rows["o"], kept)
        orders: list[AttemptOrder] = []
        for change in changes:
            orders.extend(self._apply(change, change.held.id in kept))
        abandoned = any(change.done and change.held.running for change in changes)
        if len(kept) < len(changes) or abandoned or any(h.lease.revoked for h in early):
            self.pool.withdraw_revoked()  # and stops the leased attempts of finished instances
        if orders:
            self.pool.submit(orders)
        # After the orders go out (the pool writes them at the end of this turn), and after
        # any commit this turn goes on to send: the commit is the longer wait.
        asyncio.get_running_loop().call_soon(self._quiet)
        await self._freed(batch, kept)

    def _quiet(self) -> None:
        """While every order in flight belongs to an instance whose step on a success would be
        put off (`Pacer.later`), leave the workers' replies unread until the first such step
        is due: they are then read in one go (`worker/hush.py`)."""
        holders, on_workers, leased = self.pool.holders()
        if leased or not holders:
            return
        rules = self.stepper.rules(self.clock(), self.stopping)
        until = None
        for instance_id in holders:
            if not isinstance(instance_id, str):
                return
            when = self.pacer.quiet_until(self.held.get(instance_id), rules, on_workers)
            if when is None:
                return
            until = when if until is None else min(until, when)
        if until is not None:
            self.pool.quiet(until)

    def _dispatch_early(self, changes: list[Change]) -> list[Held]:
        """Send the attempts the steps planned to run now, before their rows are durable;
        returns the instances that sent some."""
        orders: list[AttemptOrder] = []
        sent = []
        for change in changes:
            if change.early and self.held.get(change.held.id) is change.held:
                orders.extend(self._orders_of(change.held, change.early))
                sent.append(change.held)
        if orders:
            self.pool.submit(orders)
        return sent

    async def _freed(self, batch: CommitBatch, kept: set[str]) -> None:
        """Attempts started through the gate ended in this commit: their slots are free, so
        this runner's gate asks again and the other runners hear of it."""
        actions = self.gate.ended(batch.rows["o"], kept)
        if actions:
            self.gate.wake()
            await guarded("slots freed", lambda: self.store.slots_freed(actions))

    async def _write(self, batch: CommitBatch) -> set[str]:
        return await self.store.commit(batch, self.owner, self.clock())

    def _apply(self, change: Change, kept: bool) -> list[AttemptOrder]:
        """After the commit: dispatch, arm timers, or let the instance go. Whatever is added
        here that a step reads must also keep `ahead._lands_quietly` from stepping ahead."""
        held = change.held
        if not kept:
            self._let_go(held.id)
            return []
        held.committed_at = time.monotonic()
        if change.batch.rows["l"]:
            report.workflow_lines(held, change.batch.rows["l"])
        if change.pauses:  # only a traced instance's
            tracing.record_pauses(held.claimed, change.pauses)
        if change.done or change.release:
            if change.release and held.waits:
                wakes = [at for at in (held.earliest_due(), held.deadline) if at is not None]
                self.claims.at(min(wakes, default=None))
            self._drop(held.id)
            return []
        for attempt, ready_at in change.delayed:
            self.holdings.arm(held, ready_at, held.attempt_ready, attempt.id)
        for node, wake_at in change.sleeps:
            self.holdings.arm(held, wake_at, held.sleep_finished, node)
        if change.resolved:  # child calls answered by the commit itself: step on
            held.events.extend(change.resolved)
            held.results.extend(change.resolved)
            self._mark(held.id)
        for attempt in change.gated:
            held.gated[attempt.id] = attempt
            self.gate.add(held, attempt)
        return self._orders_of(held, change.dispatch)

    def _granted(self, granted: list[tuple[Held, Attempt]]) -> None:
        """The gate started these attempts in the store: run them."""
        orders: list[AttemptOrder] = []
        for held, attempt in granted:
            if self.held.get(held.id) is held and held.gated.pop(attempt.id, None) is not None:
                orders.extend(self._orders_of(held, [attempt]))
        if orders:
            self.pool.submit(orders)

    def _orders_of(self, held: Held, dispatch: list[Attempt]) -> list[AttemptOrder]:
        """`orders_of` with this runner's default action timeout."""
        return orders_of(held, dispatch, self.settings.action_timeout_seconds, self.clock())

    def _let_go(self, instance_id: str) -> None:
        """The instance's lease is gone: it was cancelled, or another runner took it over.
        Its queued attempts are withdrawn by the caller (`pool.withdraw_revoked`)."""
        log.warning("instance %s is no longer ours (cancelled, or leased elsewhere)", instance_id)
        self._drop(instance_id)

    def _drop(self, instance_id: str) -> None:
        if (held := self.held.get(instance_id)) is not None:
            self.replies.releases.settle(held)  # before a cancel's, or abandoned, slots lapse
            self.holdings.forget(held)
        if not self.stopping:
            self.claims.wanted.set()
        elif not self.held:
            self.wake.set()


def _clock_of(clock: Clock | Callable[[], float] | None) -> Clock:
    """A clock object, or the system clock reading `clock()` (default: `postgres.now`)."""
    if clock is None or callable(clock):
        return SystemClock(clock or postgres.now)
    return clock
