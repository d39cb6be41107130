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
whole host within it is run again without counting as lost."""


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
        self.on_room = room  # the gate's `room_freed`
        self.store = store  # for the budget of lost attempts and their error
        self.max_payload_bytes = max_payload_bytes
        self.starts: deque[tuple[float, Hashable]] = deque()  # (when to mark, key), in order
        self.marking: asyncio.TimerHandle | None = None
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

    def on_lost(self, keys: list[Hashable]) -> None:
        budget = self.store.lost_attempt_retries
        for key in keys:
            held, attempt = self.claim_of(key)
            if held is not None:
                held.lose(attempt, budget, self.store.lost_error)
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
        """Attempts sent with their rows `queued` started on a worker: `MARK_AFTER` seconds
        on, those still running are marked `running` by their instance's next commit."""
        when = time.monotonic() + MARK_AFTER
        self.starts.extend((when, key) for key in keys)
        if self.marking is None:
            self.marking = asyncio.get_running_loop().call_later(MARK_AFTER, self._mark_started)

    def _mark_started(self) -> None:
        now = time.monotonic()
        while self.starts and self.starts[0][0] <= now:
            _, key = self.starts.popleft()
            held, attempt = self.claim_of(key)
            if held is not None and held.ran_queued(attempt):
                self.mark(held.id)
        self.marking = None
        if self.starts:
            wait = self.starts[0][0] - now
            self.marking = asyncio.get_running_loop().call_later(wait, self._mark_started)

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
        recording.attempt_ended(running.action, ok, took)


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
