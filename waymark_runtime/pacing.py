"""Steps that only collect results of a gather, put off so that a few commits record many.

`Pacer` decides, before the runner steps an instance, whether that step can wait until
`collect_every` seconds after the instance's last commit, and marks the instance dirty again
when that time comes. It never steps, commits or dispatches anything itself.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from waymark_runtime.changes import RunnerRules
from waymark_runtime.effects import ActionFinished
from waymark_runtime.gate import Gate
from waymark_runtime.held import Held

COLLECT_EVERY = 0.05
"""Seconds since an instance's last commit before a step that can only collect results of
its gather is taken (`Pacer.later`): the results of an I/O-bound gather come back a few at a
time, and each commit has a fixed cost."""


class Pacer:
    """The steps put off, by instance, on the runner's event loop."""

    def __init__(
        self,
        collect_every: float,
        held: dict[str, Held],
        gate: Gate,
        mark: Callable[[str], None],
    ) -> None:
        self.collect_every = collect_every
        self.collecting: dict[str, asyncio.TimerHandle] = {}  # steps put off, by instance
        self.held = held  # the runner's instances (the same dict)
        self.gate = gate
        self.mark = mark

    def cancel(self, instance_id: str) -> None:
        """The instance's put-off step, if any, is not taken (it is stepped now, or let go)."""
        if (put_off := self.collecting.pop(instance_id, None)) is not None:
            put_off.cancel()

    def later(self, held: Held, rules: RunnerRules) -> bool:
        """Put off a step whose events are only successful results that cannot end the gather
        its instance waits on, until `collect_every` seconds after the instance's last commit,
        so that a few commits record many results. Nothing waits on such a step: it writes no
        state, and the workflow cannot move before the gather's last result. What it costs: a
        runner that dies meanwhile loses those results, and their actions run again (as for
        any result not yet committed). Not for gated attempts (a commit frees their slots)."""
        if not self.collects(held, rules):
            self.cancel(held.id)
            return False
        if held.id in self.collecting:
            return True
        delay = held.committed_at + self.collect_every - time.monotonic()
        if delay <= 0:
            return False
        loop = asyncio.get_running_loop()
        self.collecting[held.id] = loop.call_later(delay, self._collected, held)
        return True

    def collects(self, held: Held, rules: RunnerRules) -> bool:
        """Whether the instance's next step is one `later` may put off (it only collects)."""
        return bool(held.events) and self._would_collect(held, rules, 0)

    def quiet_until(self, held: Held | None, rules: RunnerRules, replies: int) -> float | None:
        """The earliest time a step of the instance could be taken if nothing but `replies`
        more successful results came (`later` would put it off until then), or None when
        they could move it sooner (or it is not ours): until then its replies may wait unread
        (`worker/hush.py`)."""
        if held is None or self.held.get(held.id) is not held:
            return None
        if not self._would_collect(held, rules, replies):
            return None
        if held.id in self.collecting:
            return self.collecting[held.id].when()
        return held.committed_at + self.collect_every

    def _would_collect(self, held: Held, rules: RunnerRules, more: int) -> bool:
        """Whether a step taking the instance's events and `more` successful results would
        only collect them."""
        if self.collect_every <= 0 or rules.stopping or held.live is None:
            return False
        if held.fresh or held.cursor is not None or held.due or held.lost or held.fired:
            return False
        if held.broken is not None or held.failed or self.gate.keys.get(held.id):
            return False
        if not all(type(e) is ActionFinished and e.ok for e in held.events):
            return False
        return held.live.collecting(len(held.events) + more)

    def _collected(self, held: Held) -> None:
        self.collecting.pop(held.id, None)
        if self.held.get(held.id) is held:
            self.mark(held.id)
