"""A runner's statements racing an event recorded by another process (a child's outcome, a
signal, a lease reclaimed): no interleaving may leave the instance asleep with the event unread,
or waiting for what will never come.

The claim returns the instance's `event_seq` and its events; the runner later lets the instance
go fenced by that `event_seq`, and the store wakes it at once only if the number moved. So the
number must count exactly the events the claim returned: one that counts an event the claim
did not read lets the release sleep through it, and the instance never runs again.

The race is a window of microseconds between the claim statement's snapshot and its row lock,
so each test runs it a few hundred times with the two statements started together at jittered
moments, and checks every claim that took the instance. On a claim that read `event_seq` from
the locked row instead of its snapshot, about one round in ten broke the rule.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable

import asyncpg

from waymark_runtime.flow import ActionLimits, RateLimit, SlotRequest
from waymark_runtime.step_plan import PlannedAction, PlannedWait
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.pg_rows import Claim
from waymark_runtime.store.postgres import PostgresStore

ROUNDS = 300
NEW_INSTANCE = """
INSERT INTO waymark_instances (id, workflow_name, workflow_version, inputs, status, wake_at)
VALUES ($1, 'Race', 'v1', '{}', 'running', now())
"""


async def _race(
    store: PostgresStore,
    setup: Callable[[asyncpg.Connection, uuid.UUID], Awaitable[None]],
    event: Callable[[asyncpg.Connection, uuid.UUID], Awaitable[None]],
    read: Callable[[Claim], bool],
) -> tuple[int, int]:
    """Rounds in which the claim took the instance, and those whose `event_seq` disagreed
    with whether the claim read the event (`read`)."""
    async with store.pool.acquire() as connection:
        await connection.execute(
            "INSERT INTO waymark_workflow_versions (name, version, wrl) VALUES ('Race', 'v1', '')"
            " ON CONFLICT DO NOTHING"
        )
        claimed = broken = 0
        for _ in range(ROUNDS):
            instance = uuid.uuid4()
            await connection.execute(NEW_INSTANCE, instance)
            await setup(connection, instance)

            async def claim(instance: uuid.UUID = instance) -> list[Claim]:
                await asyncio.sleep(random.random() * 0.002)
                return await store.claim_among([str(instance)], "runner", 1, time.time(), 30.0)

            async def record(instance: uuid.UUID = instance) -> None:
                await asyncio.sleep(random.random() * 0.002)
                await event(connection, instance)

            claims, _ = await asyncio.gather(claim(), record())
            for taken in claims:
                claimed += 1
                seq = taken.instance.cursor.seq
                assert seq in (0, 1)
                broken += (seq == 1) != read(taken)
    return claimed, broken


async def test_a_claim_counts_exactly_the_child_outcomes_it_read(store: PostgresStore) -> None:
    async def setup(connection: asyncpg.Connection, parent: uuid.UUID) -> None:
        child = uuid.uuid4()
        await connection.execute(
            "INSERT INTO waymark_instances (id, workflow_name, workflow_version, inputs, status,"
            " result, finished_at, parent_id, parent_node, blocking)"
            " VALUES ($1, 'Race', 'v1', '{}', 'completed', '7', now(), $2, 'call', true)",
            child, parent,
        )  # fmt: skip
        await connection.execute(
            "INSERT INTO waymark_attempts (instance_id, node, attempt, action, args, kwargs,"
            " status, child_id) VALUES ($1, 'call', 1, 'Race', '[]', '{}', 'waiting', $2)",
            parent, child,
        )  # fmt: skip

    async def outcome(connection: asyncpg.Connection, parent: uuid.UUID) -> None:
        child = await connection.fetchval(
            "SELECT id FROM waymark_instances WHERE parent_id = $1", parent
        )
        async with connection.transaction():
            await store._settle(connection, [str(child)], time.time())

    def read(claim: Claim) -> bool:
        return [event.node for event in claim.instance.events] == ["call"]

    claimed, broken = await _race(store, setup, outcome, read)
    assert claimed > ROUNDS // 4, "the race was not run: the claims hardly ever took the parent"
    assert broken == 0, f"{broken} of {claimed} claims counted an outcome they did not read"


async def test_a_claim_counts_exactly_the_signals_it_read(store: PostgresStore) -> None:
    async def setup(connection: asyncpg.Connection, instance: uuid.UUID) -> None:
        await connection.execute(
            "INSERT INTO waymark_signal_waits (instance_id, node, name, created_at)"
            " VALUES ($1, 'wait', 'go', now())",
            instance,
        )

    async def signal(connection: asyncpg.Connection, instance: uuid.UUID) -> None:
        assert await store.send_signal(str(instance), "go", {"n": 1}, time.time())

    def read(claim: Claim) -> bool:
        return bool(claim.instance.cursor.signals)

    claimed, broken = await _race(store, setup, signal, read)
    assert claimed > ROUNDS // 4, "the race was not run: the claims hardly ever took the instance"
    assert broken == 0, f"{broken} of {claimed} claims counted a signal they did not read"


async def test_a_signal_sent_while_its_wait_is_committed_wakes_the_instance(
    store: PostgresStore,
) -> None:
    """The runner commits a step that waits for signal `go` (with a timeout an hour away) and
    lets the instance go, while a client sends `go`. Whichever lands first, the instance must
    be runnable now: the commit sees a signal sent before it, the signal a wait made before
    it. When the send read the waits from a snapshot older than the commit it had waited for
    (its row lock), neither saw the other and the instance slept until the timeout."""
    async with store.pool.acquire() as connection:
        await connection.execute(
            "INSERT INTO waymark_workflow_versions (name, version, wrl) VALUES ('Race', 'v1', '')"
            " ON CONFLICT DO NOTHING"
        )
        asleep = 0
        for _ in range(ROUNDS):
            instance = uuid.uuid4()
            await connection.execute(
                "INSERT INTO waymark_instances (id, workflow_name, workflow_version, inputs,"
                " status, lease_owner, lease_epoch) VALUES ($1, 'Race', 'v1', '{}', 'running',"
                " 'runner', 1)",
                instance,
            )
            now = time.time()
            batch = CommitBatch()
            batch.instance(str(instance), release=True, wake_at=now + 3600, seq=0, epoch=1)
            batch.add_wait(str(instance), PlannedWait(node="wait", name="go"))

            async def commit(batch: CommitBatch = batch, now: float = now) -> set[str]:
                await asyncio.sleep(random.random() * 0.002)
                return await store.commit(batch, "runner", now)

            async def send(instance: uuid.UUID = instance) -> bool:
                await asyncio.sleep(random.random() * 0.002)
                return await store.send_signal(str(instance), "go", 1, time.time())

            kept, sent = await asyncio.gather(commit(), send())
            assert kept == {str(instance)} and sent
            wake_at = await connection.fetchval(
                "SELECT extract(epoch FROM wake_at) FROM waymark_instances WHERE id = $1",
                instance,
            )
            asleep += wake_at is None or wake_at > time.time() + 60
    assert asleep == 0, f"{asleep} of {ROUNDS} instances slept through a signal"


async def _waiting_for_slots(
    store: PostgresStore, owner: str, limits: ActionLimits, count: int = 1
) -> tuple[uuid.UUID, list[SlotRequest]]:
    """An instance `owner` holds, with `count` queued attempts of action `m:limited` (its
    `limits`), and the requests of its gate for them."""
    async with store.pool.acquire() as connection:
        await connection.execute(
            "INSERT INTO waymark_workflow_versions (name, version, wrl) VALUES ('Race', 'v1', '')"
            " ON CONFLICT DO NOTHING"
        )
        instance = uuid.uuid4()
        await connection.execute(NEW_INSTANCE, instance)
    [claim] = await store.claim_among([str(instance)], owner, 1, time.time(), 30.0)
    batch = CommitBatch()
    batch.instance(str(instance), state={"s": 1}, epoch=claim.epoch)
    nodes = [f"n{i}" for i in range(count)]
    for node in nodes:
        action = PlannedAction(node=node, action="m:limited", args=(), kwargs={}, attempt=1,
                               ready_at=0.0, timeout=None)  # fmt: skip
        batch.add_attempt(str(instance), action, running=False)
    assert await store.commit(batch, owner, time.time()) == {str(instance)}
    return instance, [SlotRequest(str(instance), claim.epoch, node, 1, "m:limited", limits)
                      for node in nodes]  # fmt: skip


async def test_a_grant_that_waited_for_the_gate_records_when_it_got_it(
    store: PostgresStore,
) -> None:
    """Another runner holds the action's gate (paused mid-grant, until its session's idle
    timeout ends it): the grant waits, and records its starts when it got the gate, not when
    it asked. Recorded at the asking time, the starts would lie in the past and let the next
    grant start more than the limit in one window."""
    limits = ActionLimits(rate=RateLimit(2, per=60.0))
    instance, requests = await _waiting_for_slots(store, "r", limits, count=2)
    await store.pool.execute("INSERT INTO waymark_action_gates (action) VALUES ('m:limited')"
                             " ON CONFLICT DO NOTHING")  # fmt: skip
    holder = await asyncpg.connect(store.dsn)
    try:
        async with holder.transaction():
            await holder.execute("SELECT 1 FROM waymark_action_gates WHERE action = 'm:limited'"
                                 " FOR UPDATE")  # fmt: skip
            asked = time.time()
            granting = asyncio.create_task(store.acquire_slots("r", requests, time.time))
            await asyncio.sleep(0.5)
            assert not granting.done()
        grants = await asyncio.wait_for(granting, 10)
    finally:
        await holder.close()
    assert len(grants.granted) == 2
    assert min(grants.starts["m:limited"]) >= asked + 0.5
    rows = await store.attempts_of(str(instance))
    assert all(row["started_at"] >= asked + 0.5 for row in rows)


async def test_no_slot_is_granted_under_a_lease_taken_away_meanwhile(
    store: PostgresStore,
) -> None:
    """An action slot asked for while the instance's lease is being reclaimed (its runner was
    paused past the lease) waits for the reclaim and grants nothing. Granted from the older
    snapshot, the attempt would run under a lease that is gone, while the next claim reads it
    as queued and asks a slot for it in vain: the instance would wait forever."""
    instance, [request] = await _waiting_for_slots(store, "paused", ActionLimits(concurrency=1))

    reclaim = await asyncpg.connect(store.dsn)
    try:
        async with reclaim.transaction():
            await reclaim.execute(
                "UPDATE waymark_instances SET lease_owner = NULL, lease_expires_at = NULL,"
                " wake_at = now() WHERE id = $1",
                instance,
            )
            granting = asyncio.create_task(store.acquire_slots("paused", [request], time.time))
            await asyncio.sleep(0.3)
            assert not granting.done()  # it waits for the reclaim to end
        grants = await asyncio.wait_for(granting, 10)
    finally:
        await reclaim.close()

    assert grants.granted == []
    [again] = await store.claim_among([str(instance)], "next", 1, time.time(), 30.0)
    assert [(a.node, a.status) for a in again.pending] == [("n0", "queued")]
    rows = await store.attempts_of(str(instance))
    assert [(row["node"], row["status"]) for row in rows] == [("n0", "queued")]
