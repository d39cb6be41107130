"""A commit applied twice — its answer lost with the connection after PostgreSQL committed it,
and the statement sent again (`retrying`) — records what it says once: the second application
changes nothing."""

from __future__ import annotations

import time
from typing import Any

from tests.runtime import test_flow_store as flow_store
from waymark_runtime.store.pg_batch import CommitBatch


async def _lost_counts(store: Any, instance_id: str) -> dict[str, int]:
    return {row["node"]: row["lost_count"] for row in await store.attempts_of(instance_id)}


async def test_a_lost_try_is_counted_once_when_its_commit_is_applied_twice(
    any_store: Any,
) -> None:
    now = time.time()
    instance_id, epoch, [started, requeued] = await flow_store.queued_attempts(any_store, now, 2)
    batch = CommitBatch()
    batch.instance(instance_id, epoch=epoch)
    batch.start(instance_id, started, 1, lost_count=1)
    batch.requeue(instance_id, requeued, 1, lost_count=2)
    for _ in range(2):
        assert await any_store.commit(batch, "r", now + 1) == {instance_id}
    assert await _lost_counts(any_store, instance_id) == {started: 1, requeued: 2}
