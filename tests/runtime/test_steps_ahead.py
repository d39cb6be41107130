"""Steps taken ahead (`ahead.py`): a sequential instance's next step is taken while the commit
before it is in flight, its attempt is sent to a worker then, and the commits keep their order.

The store here is the real PostgreSQL store with every commit held back 30 ms before it is
sent (a slow disk), so each action's reply arrives while its commit is in flight. Recorded:
each commit's start and end with the instances it writes, each step (and whether that
instance was in a commit then), and each dispatch to the workers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import TABLES, runner_settings, running
from waymark_runtime.changes import Change, RunnerRules
from waymark_runtime.held import Held
from waymark_runtime.runner import Runner
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.usefixtures("worker_env")

Event = tuple[float, str, frozenset[str]]


class SlowCommits(PostgresStore):
    """PostgreSQL, with each commit sent 30 ms late; `events` records the commits."""

    events: list[Event]

    async def commit(self, batch: CommitBatch, owner: str, now: float) -> set[str]:
        ids = frozenset(row["id"] for row in batch.rows["s"])
        self.events.append((time.monotonic(), "commit", ids))
        await asyncio.sleep(0.03)
        try:
            return await super().commit(batch, owner, now)
        finally:
            self.events.append((time.monotonic(), "landed", ids))


@pytest.fixture
async def slow_store(database: str) -> AsyncIterator[SlowCommits]:
    store = await SlowCommits.open(database, run_migrations=False, lost_attempt_retries=2)
    store.events = []
    await store.pool.execute(f"TRUNCATE {TABLES} CASCADE")
    try:
        yield store
    finally:
        await store.close()


def _record_steps_and_dispatches(runner: Runner, events: list[Event]) -> None:
    change_known = runner.stepper.change_known
    submit = runner.pool.submit

    def stepped(held: Held, rules: RunnerRules) -> Change:
        kind = (
            "step ahead"
            if held.id in runner.committing and held.id in runner.ahead.open
            else "step"
        )
        events.append((time.monotonic(), kind, frozenset([held.id])))
        return change_known(held, rules)

    def submitted(orders: list[Any]) -> None:
        for order in orders:
            events.append((time.monotonic(), "dispatch", frozenset([order.key[0]])))
        submit(orders)

    runner.stepper.change_known = stepped  # type: ignore[method-assign]
    runner.pool.submit = submitted  # type: ignore[method-assign]


async def test_a_sequential_instance_steps_during_its_commit_in_order(
    slow_store: SlowCommits, database: str
) -> None:
    count = 12
    async with running(slow_store, runner_settings(database)) as runner:
        _record_steps_and_dispatches(runner, slow_store.events)
        async with waymark.connect(database):
            assert await flows.Sequence().run(count) == sum(range(count))

    events = slow_store.events
    instances = {ids for _, kind, ids in events if kind == "step ahead"}
    assert len(instances) == 1, events
    (instance,) = next(iter(instances))
    mine = [(at, kind) for at, kind, ids in events if instance in ids]
    # Each action's reply came in during its commit (30 ms), so the step that consumed it was
    # taken then: the instance's first step and its last (which ends it) may not be.
    ahead = sum(kind == "step ahead" for _, kind in mine)
    assert ahead >= count - 1, mine
    # One commit at a time, in order. Each step taken ahead sends its attempt at once, while
    # the commit before it is in flight (docs/runtime.md, "Dispatch at the step taken ahead").
    in_flight = stepped = False
    during = 0
    for _, kind in mine:
        if kind == "commit":
            assert not in_flight, mine
            in_flight = True
        elif kind == "landed":
            in_flight = False
        elif kind == "step ahead":
            assert in_flight and not stepped, mine
            stepped = True
        elif kind == "dispatch":
            during += in_flight
            assert stepped or not in_flight, mine
            stepped = False
    assert sum(kind == "dispatch" for _, kind in mine) == count
    # The last step ahead ends the instance: it dispatches nothing.
    assert during >= count - 2, mine


async def test_a_step_ahead_is_not_committed_when_its_claim_is_lost(
    slow_store: SlowCommits, database: str
) -> None:
    """The lease is taken from the runner while a commit is in flight: that commit fails the
    fence, the step taken ahead of it is dropped with the claim, and the instance still ends
    with plain Python's result once it is claimed again."""
    count = 30
    async with running(slow_store, runner_settings(database)) as runner:
        _record_steps_and_dispatches(runner, slow_store.events)
        async with waymark.connect(database) as client:
            instance = await flows.Sequence().run(count, _blocking=False)
            deadline = time.monotonic() + 10
            while not any(kind == "step ahead" for _, kind, _ in slow_store.events):
                assert time.monotonic() < deadline, "no step was taken ahead"
                await asyncio.sleep(0.005)
            await slow_store.pool.execute(
                "UPDATE waymark_instances SET lease_owner = 'elsewhere' WHERE id = $1", instance
            )
            await asyncio.sleep(0.2)  # the runner lets it go; the lease comes back
            await slow_store.pool.execute(
                "UPDATE waymark_instances SET lease_owner = NULL, wake_at = now() WHERE id = $1",
                instance,
            )
            assert await client.get_result(instance, 30) == sum(range(count))
    assert not runner.ahead.changes
    assert runner.reserved == 0  # the slots of the dropped step's attempt were given back
