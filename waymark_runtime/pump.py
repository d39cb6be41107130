"""The runner's pump: step what is dirty, group-commit it, and act on what became durable.

An instance is in at most one group commit at a time, from its step to its commit's end
(`committing`), so its steps commit in order; attempts a step plans to run now go to the
workers while the commit is in flight (`_dispatch_early`). After a commit, `_apply` dispatches,
arms timers or lets the instance go. `runner.Runner` owns the state and the lifecycle.
"""

from __future__ import annotations

import abc
import asyncio
import time
from collections.abc import Callable

from waymark_runtime import tracing
from waymark_runtime.ahead import Ahead
from waymark_runtime.changes import Change, fit_to_room
from waymark_runtime.claiming import Claims
from waymark_runtime.clock import Clock
from waymark_runtime.config import Settings
from waymark_runtime.gate import Gate
from waymark_runtime.group_commit import Launch, Turns, joined, write_changes
from waymark_runtime.held import Attempt, Held
from waymark_runtime.holdings import Holdings
from waymark_runtime.leases import Leases
from waymark_runtime.pacing import Pacer
from waymark_runtime.retrying import guarded
from waymark_runtime.stepping import SLICE, Stepper
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.work_orders import Replies, orders_of
from waymark_runtime.worker import report
from waymark_runtime.worker.executor import AttemptOrder, Executor

_COMMITS_IN_FLIGHT = 2


class Pump(abc.ABC):
    """Steps, commits and dispatches for a `runner.Runner`, which sets these attributes."""

    store: RunnerStore
    settings: Settings
    owner: str
    time: Clock
    clock: Callable[[], float]
    held: dict[str, Held]
    dirty: set[str]
    committing: set[str]
    commits: set[asyncio.Task[None]]
    failure: BaseException | None
    wake: asyncio.Event
    activity: asyncio.Event
    stopping: bool
    stepper: Stepper
    replies: Replies
    pool: Executor
    reserved: int
    gate: Gate
    claims: Claims
    holdings: Holdings
    turns: Turns
    pacer: Pacer
    ahead: Ahead
    leases: Leases

    @abc.abstractmethod
    def _mark(self, instance_id: str) -> None:
        """The instance has something to step."""

    @abc.abstractmethod
    def _let_go(self, instance_id: str) -> None:
        """The instance's lease is gone."""

    @abc.abstractmethod
    def _drop(self, instance_id: str, *, finished: bool = False) -> None:
        """The instance is no longer held (`finished`: it ended)."""

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
        launch = self._launch(changes)
        task = asyncio.create_task(self._commits_from(changes, launch))
        self.commits.add(task)
        # Submitted after the task is queued: on the next turn the task sends the statement,
        # then the pool writes the orders (`WorkerPool.submit`), in that one turn.
        if launch.orders:
            self.pool.submit(launch.orders)

        def done(task: asyncio.Task[None]) -> None:
            self.commits.discard(task)
            if task.cancelled():  # perhaps before it ran: its first commit's ids are free
                self.committing -= first
                self._unreserve(launch)  # (0 once its commit ended)
            elif task.exception() is not None:
                self.failure = task.exception()
            self.wake.set()
            self.activity.set()

        task.add_done_callback(done)

    async def _commits_from(self, changes: list[Change], launch: Launch) -> None:
        """Commit `changes` (`launch`: its orders are submitted); then commit the steps taken
        ahead during it (`Ahead`, their orders submitted when they were taken), and step and
        commit what else became ready meanwhile, in this same task, so a step needs no task
        of its own and no turn through the pump."""
        since = time.monotonic()
        while changes:
            opened = self.ahead.opening(changes)
            try:
                await self._commit(changes, launch)
            finally:
                self.ahead.close(opened)
                self.committing.difference_update(change.held.id for change in changes)
            # Next: the steps taken ahead during the commit (`committing` again with no await
            # between), then what is ready, read and taken (`_prepare_dirty`) with none either.
            stepped = self.ahead.take(changes)
            self.committing.update(change.held.id for change, _ in stepped)
            if time.monotonic() - since > SLICE:  # a store that answers at once: let others run
                await asyncio.sleep(0)
                since = time.monotonic()
            if self.failure is not None:
                self.committing.difference_update(change.held.id for change, _ in stepped)
                for _, taken in stepped:
                    self._unreserve(taken)
                return
            ready = self.dirty - self.committing
            fresh = await self._prepare_dirty(self.turns.next(ready)) if ready else []
            changes = [change for change, _ in stepped] + fresh
            launches = [taken for _, taken in stepped]
            if fresh:
                launches.append(self._launch(fresh))
                if launches[-1].orders:
                    self.pool.submit(launches[-1].orders)
            if changes:
                launch = joined(launches)

    def _launch_ahead(self, change: Change) -> Launch:
        """A step taken ahead (`Ahead`): its attempts go to the workers now, while the commit
        before it is in flight, and its rows wait for that commit (docs/runtime.md, "Dispatch
        at the step taken ahead")."""
        launch = self._launch([change])
        if launch.orders:
            self.pool.submit(launch.orders)
        return launch

    def _unreserve(self, launch: Launch) -> None:
        """The launch's commit is not written (its claim was let go): its slots are free."""
        self.reserved -= launch.promised
        launch.promised = 0

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

    def _launch(self, changes: list[Change]) -> Launch:
        """The rows of the changes' commit and the orders of the attempts the steps planned
        to run now, which the caller submits before the statement is durable. An attempt's
        row says `running` only if a free worker slot takes it at once (`fit_to_room`); those
        slots are `reserved` until the commit ends (`_commit`)."""
        if not self.leases.trusted():  # after a stall: nothing runs before its commit is durable
            for change in changes:
                if not (change.done or change.release):  # (else `_apply` dispatches nothing)
                    change.dispatch.extend(change.early)
                    change.early.clear()
        room = self.pool.free - self.reserved
        batch = CommitBatch()
        for change in changes:
            room = fit_to_room(change, room)
            batch.extend(change.batch)
        promised = sum(not attempt.row_queued for c in changes for attempt in c.dispatch)
        orders, early = self._dispatch_early(changes)
        self.reserved += promised
        return Launch(batch, orders, early, promised)

    async def _commit(self, changes: list[Change], launch: Launch) -> None:
        """Write the changes in one statement and act on what is durable. Attempts a step
        planned to run now went to the workers first (`_launch`), while the statement is in
        flight: their replies wait (the instances are `committing`) and, if an instance's
        rows do not land, they are stale like those of a lost attempt (docs/runtime.md)."""
        batch, early = launch.batch, launch.early
        try:
            kept = await write_changes(self._write, batch, changes)
        finally:
            self._unreserve(launch)
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

    def _dispatch_early(self, changes: list[Change]) -> tuple[list[AttemptOrder], list[Held]]:
        """The orders of the attempts the steps planned to run now, to send before their rows
        are durable, and the instances that send some."""
        orders: list[AttemptOrder] = []
        sent = []
        for change in changes:
            if change.early and self.held.get(change.held.id) is change.held:
                orders.extend(self._orders_of(change.held, change.early))
                sent.append(change.held)
        return orders, sent

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
            self._drop(held.id, finished=not change.release)
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
        return self._orders_of(held, change.dispatch) if change.dispatch else []

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
