"""`Gate`: a runner's attempts of limited actions, waiting for their limits to let them start.

An attempt of an action declared with `@action(concurrency=..., rate_limit=...)` is committed
queued instead of running; the gate asks the store for slots (`acquire_slots`, global across
runners: the store counts what runs and what started) and hands the granted attempts back to
the runner to dispatch. A waiting attempt holds no worker slot, and the gate asks for no more
attempts than the runner's workers would start at once (`room`): a grant records its starts,
so one that waited in the runner's queue (its workers busy, or restarting) would start its
attempts late, bunched with the next window's. The gate asks again when a slot may have freed
— an attempt of this runner ended, another runner said so (`slots_freed`), a rate window moves
on (a timer on the runner's clock, virtual on `LocalRuntime`), its workers have room again
after an ask that room cut short (`room_freed`) — and, as a fallback, every second (or poll
interval, if longer) while attempts wait: slots freed by a reclaim, or lapsing with a
cancelled claim's lease, send no word.
It never dispatches anything itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from waymark_runtime.actions import registered_action
from waymark_runtime.clock import Clock, Handle
from waymark_runtime.flow import ActionLimits, SlotRequest

if TYPE_CHECKING:
    from waymark_runtime.held import Attempt, Held

_Key = tuple[str, str, int]
_UNBOUNDED = 1 << 62
_FALLBACK = 1.0  # seconds between asks while attempts wait and nothing woke the gate
Granted = Callable[[list[tuple["Held", "Attempt"]]], None]


def limits_of(action: str) -> ActionLimits | None:
    """The limits an action was registered with in this process (`WAYMARK_USER_MODULE`)."""
    definition = registered_action(action)
    return definition.limits if definition is not None else None


def gated(action: str) -> bool:
    return limits_of(action) is not None


class Gate:
    """One runner's waiting attempts of limited actions (in the order they became due), and
    the attempts it started through the store, until their end frees their slots."""

    def __init__(self, store: Any, owner: str, clock: Clock, poll: float,
                 on_granted: Granted, activity: asyncio.Event, *,
                 room: Callable[[], int]) -> None:  # fmt: skip
        self.store, self.owner, self.clock = store, owner, clock
        self.poll = max(poll, _FALLBACK)
        self.on_granted, self.activity = on_granted, activity
        self.room = room  # how many orders the runner's workers would start at once
        self.cramped = False  # the last ask was cut short by `room`
        self.waiting: dict[_Key, tuple[Held, Attempt, SlotRequest]] = {}
        self.granted: dict[_Key, str] = {}
        """Attempts this runner started through the gate, by key, with their action."""
        self.keys: dict[str, set[_Key]] = {}  # by instance: what `forget` removes
        self.wanted = asyncio.Event()
        self.busy = False
        self._listener: Any = None
        self._retry: tuple[float, Handle] | None = None

    def pending(self) -> bool:
        """Work to do now (for `Runner.quiescent`)."""
        return self.busy or (self.wanted.is_set() and bool(self.waiting))

    def add(self, held: Held, attempt: Attempt) -> None:
        limits = limits_of(attempt.action) or ActionLimits()
        request = SlotRequest(held.id, held.epoch, attempt.node, attempt.attempt,
                              attempt.action, limits)  # fmt: skip
        self.waiting[request.key] = (held, attempt, request)
        self.keys.setdefault(held.id, set()).add(request.key)
        self.wake()

    def forget(self, instance_id: str) -> None:
        """The runner let the instance go: none of its attempts waits here any more."""
        for key in self.keys.pop(instance_id, ()):
            self.waiting.pop(key, None)
            self.granted.pop(key, None)

    def wake(self) -> None:
        self.wanted.set()
        self.activity.set()

    def room_freed(self) -> None:
        """The workers have room again: ask, if the last ask wanted more than they had."""
        if self.cramped:
            self.wake()

    def ended(self, ops: Iterable[dict[str, Any]], kept: set[str]) -> list[str]:
        """The actions whose slots a commit freed: attempts this gate started that its attempt
        ops (`CommitBatch` "o" rows) finished or re-queued, of the instances it `kept`."""
        if not self.granted:
            return []
        actions = []
        for op in ops:
            if op["op"] not in ("finish", "record", "requeue") or op["instance_id"] not in kept:
                continue
            key = (op["instance_id"], op["node"], op["attempt"])
            if (action := self.granted.pop(key, None)) is not None:
                actions.append(action)
                self.keys.get(key[0], set()).discard(key)
        return actions

    async def run(self, ask: Callable[[Callable[[], Any]], Any]) -> None:
        """Ask for slots whenever woken (`ask` runs the store call, retried while the database
        is away; a failure is logged and the next wake asks again)."""
        while True:
            if self.waiting:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wanted.wait(), self.poll)
            else:
                await self.wanted.wait()
            self.wanted.clear()
            if self.waiting:
                self.busy = True
                try:
                    await ask(self._acquire)
                finally:
                    self.busy = False
                    self.activity.set()

    async def _acquire(self) -> None:
        await self._listen()
        heads = self._heads()
        if not heads:
            return
        grants = await self.store.acquire_slots(self.owner, heads, self.clock.now)
        chosen = []
        for request in grants.granted:
            entry = self.waiting.pop(request.key, None)
            if entry is not None:
                self.granted[request.key] = request.action
                chosen.append(entry[:2])
        if grants.retry_at is not None:
            self._retry_at(grants.retry_at)
        if chosen:
            self.on_granted(chosen)

    def _heads(self) -> list[SlotRequest]:
        """The first waiting requests of each action, as many as its limits could grant at
        once (asking for the rest is no use, and a long queue stays cheap to ask for), and no
        more in all than the workers' room."""
        left: dict[str, int] = {}
        heads: list[SlotRequest] = []
        free = self.room()
        self.cramped = False
        for _, _, request in self.waiting.values():
            if len(heads) >= free:
                self.cramped = True
                break
            limits = request.limits
            cap = min(limits.concurrency or _UNBOUNDED,
                      limits.rate.limit if limits.rate else _UNBOUNDED)  # fmt: skip
            if left.setdefault(request.action, cap) > 0:
                left[request.action] -= 1
                heads.append(request)
        return heads

    def _retry_at(self, when: float) -> None:
        """Ask again at `when` (one timer: the earliest asked for)."""
        if self._retry is not None and self._retry[0] <= when:
            return
        if self._retry is not None:
            self._retry[1].cancel()

        def fire() -> None:
            self._retry = None
            self.wake()

        self._retry = (when, self.clock.call_at(when, fire))

    async def _listen(self) -> None:
        """Hear other runners free slots (from the first wait on, until `close`)."""
        if self._listener is None:
            self._listener = self.store.subscribe_freed(self.wake)
            await self._listener.start()

    async def close(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()
