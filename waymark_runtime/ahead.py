"""Steps taken while the instance's commit is in flight: `Ahead`.

An instance is in one commit at a time, and its next step is committed after it, in order.
In a sequential workflow the reply of the attempt a commit dispatched early usually arrives
before that commit lands (a worker's round trip is shorter than a durable commit). `Ahead`
takes the step that consumes it as soon as the reply is in, while the commit is in flight,
sends the attempts that step plans to run now to the workers at once (`launch`), and holds
its rows back: the runner commits them once the commit before it landed
(`Runner._commits_from`). What is durable, and in which order, is as without it; the next
attempt's round trip overlaps the commit before the one that inserts it (docs/runtime.md,
"Dispatch at the step taken ahead").

A step is taken ahead only when it sees what it would see after the commit: when that commit's
change acts on nothing a step reads once it lands (`_lands_quietly`: no timers to arm, results
of its own to feed back, gated attempts, attempts to start, no release or end), when no child
workflow lookup is due, and when it is not a step the pacer may put off (those are paced from
the landing of the commit in flight, which is not known yet). A claim let go meanwhile
drops its change with it (`forget`), and the worker slots it reserved. It never commits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from waymark_runtime.changes import Change, RunnerRules
from waymark_runtime.group_commit import Launch
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
        launch: Callable[[Change], Launch],
        unlaunch: Callable[[Launch], None],
    ) -> None:
        self.held = held  # the runner's instances and its dirty set (the same objects)
        self.dirty = dirty
        self.stepper = stepper
        self.pacer = pacer
        self.rules = rules
        self.launch = launch  # sends a change's early attempts, reserving their slots
        self.unlaunch = unlaunch  # gives a launch's slots back: it is not committed
        self.open: set[str] = set()  # in a commit after which a step sees nothing new
        self.changes: dict[str, tuple[Change, Launch]] = {}
        self.soon = False

    def opening(self, changes: Iterable[Change]) -> set[str]:
        """A commit of `changes` starts: the instances whose next step may be taken ahead."""
        ids = {change.held.id for change in changes if _lands_quietly(change)}
        self.open |= ids
        if ids & self.dirty and not self.soon:  # a reply came while it was stepped ahead
            self.soon = True
            asyncio.get_running_loop().call_soon(self._step)
        return ids

    def close(self, ids: set[str]) -> None:
        """Their commit ended: their next steps are taken the usual way."""
        self.open -= ids

    def marked(self, instance_id: str) -> None:
        """The instance, in a commit, has something to step: step it on the next turn."""
        if instance_id in self.open and not self.soon:
            self.soon = True
            asyncio.get_running_loop().call_soon(self._step)

    def take(self, changes: Iterable[Change]) -> list[tuple[Change, Launch]]:
        """The changes stepped ahead of these instances, whose commit just landed, each with
        its launch (its orders are sent)."""
        taken = []
        for change in changes:
            ahead = self.changes.pop(change.held.id, None)
            if ahead is None:
                continue
            if self.held.get(change.held.id) is ahead[0].held:
                taken.append(ahead)
            else:
                self.unlaunch(ahead[1])
        return taken

    def forget(self, instance_id: str) -> None:
        """The claim is let go: its change stepped ahead is not committed (its attempts sent
        are withdrawn or their replies stale, with the claim's lease)."""
        ahead = self.changes.pop(instance_id, None)
        if ahead is not None:
            self.unlaunch(ahead[1])

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
            change = self.stepper.change_known(held, rules)
            self.changes[instance_id] = (change, self.launch(change))
            if time.monotonic() - since > SLICE:  # the rest on a later turn
                self.soon = True
                asyncio.get_running_loop().call_soon(self._step)
                return


def _lands_quietly(change: Change) -> bool:
    """Whether nothing that happens once the change is durable could change the next step:
    `Runner._apply` then only notes the time and reports."""
    return not (change.done or change.release or change.delayed or change.sleeps
                or change.resolved or change.gated or change.dispatch)  # fmt: skip
