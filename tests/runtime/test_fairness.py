"""A huge gather does not hold back other instances: the runner's queue of attempts takes turns
between instances (`FairQueue`), and a small instance's commit is not bundled with the step of a
huge one.

The end-to-end test counts, instead of timing: when a one-action instance submitted after a
gather of many slow actions has finished, most of the gather's actions must still be to run
(in a first-come queue the small instance's action waited behind every one of them).
"""

from __future__ import annotations

import asyncio

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings, running
from waymark_runtime.client import get_result
from waymark_runtime.engine import ClaimedInstance
from waymark_runtime.group_commit import Turns
from waymark_runtime.held import Attempt, Held
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.worker.fair import FairQueue

_RECORDED = "SELECT count(*) FROM waymark_attempts WHERE instance_id = $1::uuid"
_FINISHED = _RECORDED + " AND finished_at IS NOT NULL"


def _queue(*items: tuple[str, int]) -> FairQueue[tuple[str, int]]:
    queue: FairQueue[tuple[str, int]] = FairQueue(lambda item: item[0])
    for item in items:
        queue.append(item)
    return queue


def test_groups_take_turns_and_keep_their_own_order() -> None:
    queue = _queue(*[("big", i) for i in range(4)], ("small", 0), ("other", 0), ("small", 1))
    assert len(queue) == 7
    taken = [queue.popleft() for _ in range(len(queue))]
    assert taken == [("big", 0), ("small", 0), ("other", 0), ("big", 1), ("small", 1),
                     ("big", 2), ("big", 3)]  # fmt: skip
    assert not queue
    with pytest.raises(IndexError, match="empty"):
        queue.popleft()


def test_a_group_that_empties_joins_the_back_when_it_comes_again() -> None:
    queue = _queue(("a", 0), ("b", 0), ("b", 1))
    assert queue.popleft() == ("a", 0)
    queue.append(("a", 1))
    assert [queue.popleft() for _ in range(3)] == [("b", 0), ("a", 1), ("b", 1)]


def test_keep_drops_items_and_emptied_groups() -> None:
    queue = _queue(("a", 0), ("b", 0), ("a", 1), ("c", 0), ("b", 1))
    queue.keep(lambda item: item[0] != "b" and item != ("a", 0))
    assert len(queue) == 2
    assert list(queue) == [("a", 1), ("c", 0)]
    assert [queue.popleft(), queue.popleft()] == [("a", 1), ("c", 0)]
    queue.keep(lambda item: False)  # on an empty queue: nothing to do
    assert len(queue) == 0


def _held(instance_id: str, running: int) -> Held:
    claimed = ClaimedInstance(instance_id=instance_id, workflow="W", version="v", wrl="",
                              inputs={}, state=None, events=[])  # fmt: skip
    held = Held(claimed=claimed, claimed_at=0.0)
    for index in range(running):
        held.running[(f"n{index}", 1)] = Attempt(f"n{index}", 1, "m:a", [], {}, None)
    return held


def test_a_huge_instance_never_shares_a_group_commit_with_small_ones() -> None:
    turns = Turns({"big": _held("big", 5_000), "a": _held("a", 1), "b": _held("b", 0)})
    everyone = {"big", "a", "b"}
    assert turns.next(everyone) == {"a", "b"}  # the small ones first
    assert turns.next(everyone) == {"big"}  # then it is the huge one's turn
    assert turns.next(everyone) == {"a", "b"}
    assert turns.next({"big"}) == {"big"}
    assert turns.next({"a", "gone"}) == {"a", "gone"}


@pytest.mark.usefixtures("worker_env")
async def test_a_small_instance_is_not_queued_behind_a_huge_gather(
    store: PostgresStore, database: str
) -> None:
    count, seconds = 800, 0.05  # one worker, 8 at a time: the gather takes about 5 s
    settings = runner_settings(database, worker_count=1, concurrent_per_worker=8)
    async with running(store, settings), waymark.connect(database):
        big = str(await flows.Naps().run(count, seconds, _blocking=False))
        while await store.pool.fetchval(_RECORDED, big) < count:  # every attempt is queued
            await asyncio.sleep(0.02)
        assert await flows.Single().run(3) == 3
        finished_before = await store.pool.fetchval(_FINISHED, big)
        assert finished_before < count // 2, (
            f"the small instance finished after {finished_before} of {count} gathered actions"
        )
        assert await get_result(big) == count
