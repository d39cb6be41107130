"""Steps taken while the instance's commit is in flight: `Ahead`.

An instance is in one commit at a time, and its next step is committed after it, in order.
In a sequential workflow the reply of the attempt a commit dispatched early usually arrives
before that commit lands (a worker's round trip is shorter than a durable commit), and the
step that consumes it used to wait for the commit to land before it started. `Ahead` takes
that step as soon as the reply is in, while the commit is in flight, and holds its change
back: the runner dispatches and commits it once the commit before it landed
(`Runner._commits_from`), exactly where it would have taken the step, so what is sent, when,
and what is durable in which order are the same as before — only the step's CPU is off the
path from one action to the next.

A step is taken ahead only when it sees what it would see after the commit: when that commit's
change acts on nothing a step reads once it lands (`_lands_quietly`: no timers to arm, results
of its own to feed back, gated attempts, attempts to start, no release or end), when no child
workflow lookup is due, and when it is not a step the pacer may put off (those are paced from
the landing of the commit in flight, which is not known yet). A claim let go meanwhile
drops its change with it (`forget`). It never dispatches or commits anything.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from waymark_runtime.changes import Change, RunnerRules
from waymark_runtime.held import Held
from waymark_runtime.pacing import Pacer
from waymark_runtime.stepping import SLICE, Stepper


class Ahead:
    """The changes stepped ahead, by instance, and the instances whose commit allows one."""

    def __init__(
        self,
        held: dict[str, Held],
        dirty: set[str],
        stepper: Stepper,
        pacer: Pacer,
        rules: Callable[[], RunnerRules],
    ) -> None:
        self.held = held  # the runner's instances and its dirty set (the same objects)
        self.dirty = dirty
        self.stepper = stepper
        self.pacer = pacer
        self.rules = rules
        self.open: set[str] = set()  # in a commit after which a step sees nothing new
        self.changes: dict[str, Change] = {}
        self.soon = False

    def opening(self, changes: Iterable[Change]) -> set[str]:
        """A commit of `changes` starts: the instances whose next step may be taken ahead."""
        ids = {change.held.id for change in changes if _lands_quietly(change)}
        self.open |= ids
        return ids

    def close(self, ids: set[str]) -> None:
        """Their commit ended: their next steps are taken the usual way."""
        self.open -= ids

    def marked(self, instance_id: str) -> None:
        """The instance, in a commit, has something to step: step it on the next turn."""
        if instance_id in self.open and not self.soon:
            self.soon = True
            asyncio.get_running_loop().call_soon(self._step)

    def take(self, changes: Iterable[Change]) -> list[Change]:
        """The changes stepped ahead of these instances, whose commit just landed."""
        taken = []
        for change in changes:
            ahead = self.changes.pop(change.held.id, None)
            if ahead is not None and self.held.get(change.held.id) is ahead.held:
                taken.append(ahead)
        return taken

    def forget(self, instance_id: str) -> None:
        """The claim is let go: its change stepped ahead is not committed."""
        self.changes.pop(instance_id, None)

    def _step(self) -> None:
        self.soon = False
        ready = self.dirty & self.open
        if not ready:
            return
        rules = self.rules()
        since = time.monotonic()
        for instance_id in ready:
            held = self.held.get(instance_id)
            if held is None or instance_id in self.changes or self.stepper.children.unknown(held):
                continue
            # A step the pacer may put off is paced from the landing of the commit in flight,
            # whose time is not known yet: the usual path takes it after that commit.
            if self.pacer.collects(held, rules) or not self.stepper.wants_commit(held, rules):
                continue
            self.dirty.discard(instance_id)
            self.changes[instance_id] = self.stepper.change_known(held, rules)
            if time.monotonic() - since > SLICE:  # the rest on a later turn
                self.soon = True
                asyncio.get_running_loop().call_soon(self._step)
                return


def _lands_quietly(change: Change) -> bool:
    """Whether nothing that happens once the change is durable could change the next step:
    `Runner._apply` then only notes the time and reports."""
    return not (change.done or change.release or change.delayed or change.sleeps
                or change.resolved or change.gated or change.dispatch)  # fmt: skip
