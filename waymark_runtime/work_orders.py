"""The round trip with this runner's workers: attempts sent as orders, replies taken back.

`orders_of` turns started attempts into `AttemptOrder`s keyed by `AttemptKey`; `Replies` takes
what the worker pool reports (a result, a lost worker, a lease that ran out, the start of an
attempt sent with its row `queued`) back into the held instance the key names, when that is
still the same claim, and marks it for a step. It never steps, commits or starts anything
itself.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any, cast

from waymark_runtime import metrics
from waymark_runtime.actions import ActionTimeout
from waymark_runtime.gate import limits_of
from waymark_runtime.held import Attempt, Held
from waymark_runtime.logs import AttemptContext
from waymark_runtime.released import Releases
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.values import ValueNotSerializable, check_storable, error_json, unstorable
from waymark_runtime.worker.executor import AttemptOrder

AttemptKey = tuple[str, int, str, int]
"""(instance id, claim epoch, node, attempt): an attempt on this runner's workers."""

MARK_AFTER = 0.1
"""Seconds an attempt sent with its row `queued` runs before a commit marks it `running`:
attempts shorter than that end with no write but their result's; one that kills the runner's
whole host within it is run again without counting at all. The mark is taken when replies
are next read (a reply tells which attempts have not ended yet), or by a fallback timer
`MARK_AFTER` seconds later still if none are."""


class Starts:
    """Attempts sent with their rows `queued` that started on a worker, in the order they
    started, with the time from which they are due to be marked `running`."""

    def __init__(self) -> None:
        self.queue: deque[tuple[float, Hashable]] = deque()  # (when due, key), in order

    def started(self, keys: list[Hashable], now: float) -> None:
        when = now + MARK_AFTER
        self.queue.extend((when, key) for key in keys)

    def due(self, now: float) -> list[Hashable]:
        """Take the attempts due to be marked by `now`."""
        keys = []
        while self.queue and self.queue[0][0] <= now:
            keys.append(self.queue.popleft()[1])
        return keys

    def fallback_at(self) -> float | None:
        """When the first attempt still waiting is marked if no reply is read before (one
        more `MARK_AFTER`: replies are read at least that often while attempts end)."""
        return self.queue[0][0] + MARK_AFTER if self.queue else None


class Replies:
    """What the worker pool reports about attempts, taken into the runner's held instances."""

    def __init__(
        self,
        held: dict[str, Held],
        mark: Callable[[str], None],
        store: RunnerStore,
        max_payload_bytes: int,
        room: Callable[[], None],
        clock: Callable[[], float],
    ) -> None:
        self.held = held  # the runner's instances (the same dict)
        self.clock = clock  # the runner's: when a reply came (its attempt's `finished_at`)
        self.mark = mark
        self.room = room  # the gate's `room_freed`
        self.store = store  # for the budget of lost attempts and their error
        self.max_payload_bytes = max_payload_bytes
        self.starts = Starts()
        self.marking: asyncio.TimerHandle | None = None  # the fallback of `mark_due`
        self.releases = Releases(store, held)
        self.on_ended = self.releases.ended

    def claim_of(self, key: Hashable) -> tuple[Held | None, tuple[str, int]]:
        """The held instance an attempt key belongs to, if it is still the same claim."""
        instance_id, epoch, node, attempt = cast(AttemptKey, key)
        held = self.held.get(instance_id)
        return (held if held is not None and held.epoch == epoch else None), (node, attempt)

    def on_reply(self, key: Hashable, ok: bool, value: Any) -> None:
        held, attempt = self.claim_of(key)
        if held is None:
            return
        try:  # else the commit fails, or a huge value stalls every instance the runner holds
            check_storable(value, self.max_payload_bytes)
        except ValueNotSerializable as error:
            running = held.running.get(attempt)
            action = running.action if running else "?"
            ok, value = False, error_json(unstorable(action, error, raised=not ok))
        if (recording := metrics.current()) is not None:
            record_reply(recording, held, attempt, ok)
        if held.result(attempt, ok, value, self.clock()):
            self.mark(held.id)

    def on_lost(self, keys: list[Hashable], *, suspect: bool = True) -> None:
        """Run them again: a `suspect` (its worker died) alone in a worker; one its worker
        stopped as the lease lapsed beside the others (nothing points at it, and waiting for
        a worker to drain would keep its action's slot taken meanwhile)."""
        budget = self.store.lost_attempt_retries
        for key in keys:
            held, attempt = self.claim_of(key)
            if held is not None:
                held.lose(attempt, budget, self.store.lost_error, isolate=suspect)
                self.mark(held.id)

    def on_timed_out(self, key: Hashable, value: Any) -> None:
        """The attempt's deadline passed. A call's own `timeout=` fails it with the
        `ActionTimeout` (`value`), which its retry policy may retry; the default deadline
        (`WAYMARK_ACTION_TIMEOUT_SECONDS`) runs it again, as a lost attempt, and fails it with
        `ActionTimeout` once it has timed out or been lost more than the budget allows."""
        held, attempt = self.claim_of(key)
        if held is None:
            return
        running = held.running.get(attempt)
        if running is None or running.timeout is not None:
            self.on_reply(key, False, value)
            return
        budget = self.store.lost_attempt_retries
        exhausted = error_json(
            ActionTimeout(
                f"action timed out or lost {running.lost_count + 1} times (the default deadline "
                "is WAYMARK_ACTION_TIMEOUT_SECONDS; a call given its own timeout= fails with the "
                "first)"
            )
        )
        held.lose(attempt, budget, exhausted, isolate=False)
        self.mark(held.id)

    def on_started(self, keys: list[Hashable]) -> None:
        """Attempts sent with their rows `queued` started on a worker: once they have run
        `MARK_AFTER` seconds, those still running are marked `running` by their instance's
        next commit (`mark_due`)."""
        self.starts.started(keys, time.monotonic())
        if self.marking is None:
            self._arm(self.starts.fallback_at())

    def on_room(self) -> None:
        """Replies were read (or a worker became ready): mark what has run long enough now,
        while the runner is awake anyway, so the fallback timer need not wake it."""
        self.mark_due()
        self.room()

    def mark_due(self) -> None:
        """Mark for a commit the attempts started `MARK_AFTER` seconds ago or more that still
        run (their replies have been read up to now), and move the fallback timer on."""
        now = time.monotonic()
        for key in self.starts.due(now):
            held, attempt = self.claim_of(key)
            if held is not None and held.ran_queued(attempt):
                self.mark(held.id)
        at = self.starts.fallback_at()
        if self.marking is not None and (at is None or self.marking.when() < at):
            self.marking.cancel()
            self.marking = None
        if self.marking is None:
            self._arm(at)

    def _arm(self, at: float | None) -> None:
        if at is not None:
            self.marking = asyncio.get_running_loop().call_at(at, self._fallback)

    def _fallback(self) -> None:
        """Nothing read a reply for `MARK_AFTER` seconds past an attempt's mark: mark it now."""
        self.marking = None
        self.mark_due()

    def on_expired(self, keys: list[Hashable]) -> None:
        """Attempts that did not start because their lease ran out wait for a heartbeat."""
        for key in keys:
            held, attempt = self.claim_of(key)
            if held is not None:
                held.withhold(attempt)


def record_reply(recording: metrics.Metrics, held: Held, attempt: Any, ok: bool) -> None:
    running = held.running.get(attempt)
    if running is not None:
        took = time.monotonic() - running.dispatched if running.dispatched else None
        recording.attempt_replied(running.action, ok, took)


def orders_of(
    held: Held, dispatch: list[Attempt], default_timeout: float | None, now: float
) -> list[AttemptOrder]:
    """Orders for attempts started in the store, now running on this runner's workers (sent
    at `now`, the runner's clock: `Attempt.sent_at`)."""
    orders = []
    if (recording := metrics.current()) is not None:
        started = time.monotonic()
        for attempt in dispatch:
            attempt.dispatched = started
            recording.attempt_started(attempt.action)
    for attempt in dispatch:
        held.running[attempt.id] = attempt
        held.stopped.discard(attempt.id)  # it executes again: its slot is taken until it ends
        attempt.sent_at = now
        key: AttemptKey = (held.id, held.epoch, attempt.node, attempt.attempt)
        timeout = attempt.timeout if attempt.timeout is not None else default_timeout
        context = AttemptContext(held.id, held.claimed.workflow, attempt.action,
                                 attempt.attempt, attempt.node, held.claimed.trace,
                                 attempt.site)  # fmt: skip
        limits = limits_of(attempt.action)
        orders.append(AttemptOrder(key, attempt.action, attempt.args, attempt.kwargs,
                                   timeout, held.lease, attempt.isolate, context,
                                   report_start=attempt.row_queued,
                                   leased=limits is not None and limits.concurrency is not None))  # fmt: skip
    return orders
