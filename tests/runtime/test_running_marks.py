"""When an attempt sent with its row `queued` is marked `running` (`work_orders.Replies`):
when replies are next read once it has run `MARK_AFTER` seconds, if it has not replied; by a
fallback timer only if no reply is read for another `MARK_AFTER`. A runner woken by a reply
takes the mark then, so the mark never wakes it on its own while replies keep coming.

On the runner's own `Replies` and `Held` (no pool: the pool only calls these methods).
"""

from __future__ import annotations

import asyncio
import time

from waymark_runtime.engine import ClaimedInstance
from waymark_runtime.held import Attempt, Held
from waymark_runtime.store.memory import MemoryStore
from waymark_runtime.work_orders import MARK_AFTER, AttemptKey, Replies, Starts


def _replies() -> tuple[Replies, Held, list[str], list[AttemptKey]]:
    claimed = ClaimedInstance(instance_id="i", workflow="w", version="v", wrl="", inputs={},
                              state=None, events=[])  # fmt: skip
    held = Held(claimed=claimed, claimed_at=0.0)
    keys: list[AttemptKey] = []
    for number in range(3):
        attempt = Attempt(node=f"n{number}", attempt=1, action="a", args=[], kwargs={},
                          timeout=None, row_queued=True)  # fmt: skip
        held.running[attempt.id] = attempt
        keys.append((held.id, held.epoch, attempt.node, attempt.attempt))
    marked: list[str] = []
    replies = Replies({held.id: held}, marked.append, MemoryStore(), 1 << 20, lambda: None,
                      time.monotonic)  # fmt: skip
    return replies, held, marked, keys


def test_starts_are_due_after_mark_after_and_fall_back_one_more_later() -> None:
    starts = Starts()
    assert starts.fallback_at() is None
    starts.started(["a", "b"], 10.0)
    starts.started(["c"], 10.05)
    assert starts.due(10.0 + MARK_AFTER - 0.001) == []
    assert starts.fallback_at() == 10.0 + 2 * MARK_AFTER
    assert starts.due(10.0 + MARK_AFTER) == ["a", "b"]
    assert starts.fallback_at() == 10.05 + 2 * MARK_AFTER
    assert starts.due(11.0) == ["c"] and starts.fallback_at() is None


async def test_a_read_marks_what_still_runs_and_moves_the_fallback_on() -> None:
    replies, held, marked, keys = _replies()
    began = time.monotonic()
    replies.on_started(keys[:2])
    first = replies.marking
    assert first is not None and first.when() >= began + 2 * MARK_AFTER
    replies.on_room()  # a read before they are due: nothing yet
    assert marked == [] and held.marking == []
    await asyncio.sleep(MARK_AFTER + 0.01)
    replies.on_reply(keys[0], True, "done")  # a reply read now: the other still runs
    third = time.monotonic()
    replies.on_started(keys[2:])
    replies.on_room()
    assert held.marking == [("n1", 1)] and marked == ["i", "i"]  # the reply's, the mark's
    assert first.cancelled() and replies.marking is not None
    assert replies.marking.when() >= third + 2 * MARK_AFTER  # the third's fallback


async def test_the_fallback_marks_when_no_reply_is_read() -> None:
    replies, held, marked, keys = _replies()
    replies.on_started(keys)
    while replies.marking is not None:
        await asyncio.sleep(0.02)
    assert sorted(held.marking) == [("n0", 1), ("n1", 1), ("n2", 1)] and marked == ["i"] * 3
