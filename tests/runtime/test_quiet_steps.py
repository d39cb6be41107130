"""A step that only collects results writes no state: on PostgreSQL with real workers, a
gather writes its interpreter state when it dispatches and when it resumes, and in between
the results it collects are recorded unconsumed, then consumed by the commit that ends it."""

from __future__ import annotations

import itertools
import time
from typing import Any, cast

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings, running
from waymark_runtime import changes
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.usefixtures("worker_env")


class Counting:
    """The store, counting the states its commits write and the results they record."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store
        self.states = 0
        self.recorded = 0
        self.recording: list[float] = []  # when each commit that records results began

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    async def commit(self, batch: CommitBatch, owner: str, now: float) -> set[str]:
        self.states += sum("state" in row for row in batch.rows["s"])
        recorded = sum(op["op"] == "record" for op in batch.rows["o"])
        self.recorded += recorded
        if recorded:
            self.recording.append(time.monotonic())
        return await self.store.commit(batch, owner, now)


async def test_a_gather_writes_its_state_when_it_starts_and_when_it_resumes(
    store: PostgresStore, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Record every result, however large a share of the gather a step settles.
    monkeypatch.setattr(changes, "_RECORD_SHARE", 0)
    counting = Counting(store)
    settings = runner_settings(database, concurrent_per_worker=8)
    async with running(cast(RunnerStore, counting), settings), waymark.connect(database):
        assert await flows.Naps().run(40, 0.05) == 40
    assert counting.states == 2
    assert counting.recorded > 0
    rows = await store.pool.fetch("SELECT status, consumed FROM waymark_attempts")
    assert len(rows) == 40 and {(r["status"], r["consumed"]) for r in rows} == {("completed", True)}


async def test_a_step_that_settles_a_large_share_of_a_gather_writes_the_state(
    store: PostgresStore, database: str
) -> None:
    """One at a time, 3 calls: each result is a third of the gather, more than the share
    (`changes._RECORD_SHARE`) past which recording costs more than the state: nothing recorded."""
    counting = Counting(store)
    settings = runner_settings(database, concurrent_per_worker=1)
    async with running(cast(RunnerStore, counting), settings), waymark.connect(database):
        assert await flows.Naps().run(3, 0.05) == 3
    assert counting.recorded == 0 and counting.states == 4


async def test_results_of_a_gather_are_collected_at_a_pace(
    store: PostgresStore, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step that could only record results waits until the instance's last commit is
    `collect_every` old: commits that record results are at least that far apart (results
    come back every 50 ms here), and every result is consumed in the end."""
    monkeypatch.setattr(changes, "_RECORD_SHARE", 0)
    counting = Counting(store)
    settings = runner_settings(database, concurrent_per_worker=20)
    async with (
        running(cast(RunnerStore, counting), settings, collect_every=0.2),
        waymark.connect(database),
    ):
        assert await flows.Naps().run(200, 0.05) == 200
    assert counting.recorded > 0
    gaps = [b - a for a, b in itertools.pairwise(counting.recording)]
    assert all(gap >= 0.2 for gap in gaps), gaps
    rows = await store.pool.fetch("SELECT status, consumed FROM waymark_attempts")
    assert len(rows) == 200 and {(r["status"], r["consumed"]) for r in rows} == {
        ("completed", True)
    }
