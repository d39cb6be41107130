"""The instances one runner holds, and the timers armed for each: `Holdings`.

A claim becomes a `Held` here (`take`), with the timers of its delayed attempts, its sleeps
and its deadline armed on the runner's clock; `forget` takes a claim out, revokes its lease
and cancels its timers, so that nothing more starts or fires for it, and tells the parts that
keep something per instance (`on_forget`: the gate, the pacer). It steps, commits and
dispatches nothing and decides nothing about claiming: `mark` tells the runner that an
instance has work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from waymark_runtime.clock import Clock, Handle
from waymark_runtime.held import Held, hold
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.store.pg_rows import Claim
from waymark_runtime.worker.executor import Lease


class Holdings:
    """The runner's held instances (`held`: the dict its parts share) and their timers."""

    def __init__(self, store: RunnerStore, clock: Clock, mark: Callable[[str], None]) -> None:
        self.held: dict[str, Held] = {}
        self.timers: dict[str, list[Handle]] = {}
        self.store = store
        self.time = clock
        self.mark = mark
        self.on_forget: list[Callable[[str], None]] = []

    def take(self, claim: Claim, lease: Lease, expire: Callable[[Held], None]) -> Held | None:
        """Hold a fresh claim, marked for its first step (`expire` ends it at its deadline);
        returns the older claim of the same instance it replaces, now forgotten."""
        try:
            held = hold(claim, time.monotonic(), lease, self.time.now(),
                        self.store.lost_attempt_retries, self.store.lost_error)  # fmt: skip
        except Exception as error:  # rows we cannot read fail their instance, nothing else
            held = Held(claimed=claim.instance, claimed_at=time.monotonic(), lease=lease,
                        epoch=claim.epoch, broken=error)  # fmt: skip
        if (stale := self.held.get(held.id)) is not None:
            self.forget(stale)
        self.held[held.id] = held
        for attempt, ready_at in held.delayed.values():
            self.arm(held, ready_at, held.attempt_ready, attempt.id)
        for node, wake_at in held.sleeps.items():
            self.arm(held, wake_at, held.sleep_finished, node)
        if claim.deadline is not None:
            handle = self.time.call_at(claim.deadline, lambda: expire(held))
            self.timers.setdefault(held.id, []).append(handle)
        self.mark(held.id)
        return stale

    def arm(self, held: Held, when: float, fire: Callable[[Any], None], arg: Any) -> None:
        """At `when`, `fire(arg)` and mark the instance, if this claim is still held then."""

        def fired() -> None:
            if self.held.get(held.id) is held:
                fire(arg)
                self.mark(held.id)

        handle = self.time.call_at(when, fired)
        self.timers.setdefault(held.id, []).append(handle)

    def forget(self, held: Held) -> None:
        """Nothing more starts or fires for this claim."""
        held.lease.revoke()
        if self.held.get(held.id) is held:
            del self.held[held.id]
            for handle in self.timers.pop(held.id, []):
                handle.cancel()
            for forget in self.on_forget:
                forget(held.id)
