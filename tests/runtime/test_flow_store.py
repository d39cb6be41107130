"""Flow control in the store contract, held against both stores: `PostgresStore` (migration
0013's triggers, `sql/flow.sql`) and `LocalRuntime`'s `MemoryStore`. Admission per concurrency
key, action slots counted from running attempts, rate windows, fencing. Times are explicit."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.runtime import flow_flows
from waymark_runtime.engine import NewInstance
from waymark_runtime.flow import ActionLimits, FlowRule, RateLimit, SlotRequest
from waymark_runtime.step_plan import InstanceOutcome, PlannedAction
from waymark_runtime.store.pg_batch import CommitBatch

LEASE = 30.0
PER = flow_flows.PerCustomer.__waymark_definition__
assert PER is not None
RULE = FlowRule(PER.name, "customer_id", 1, None)
ACTION = "tests.runtime.flow_flows:narrow"


@pytest.fixture
def store(any_store: Any) -> Any:
    return any_store


def customer(name: str, rule: FlowRule = RULE) -> NewInstance:
    return NewInstance(workflow=PER.name, version=PER.version, wrl=PER.wrl,
                       inputs={"customer_id": name, "order": 0, "seconds": 0.0},
                       flow=(rule,))  # fmt: skip


async def claimed_ids(store: Any, now: float) -> list[str]:
    return [c.instance.instance_id for c in await store.claim("r", 100, now, LEASE)]


async def finish(store: Any, instance_id: str, now: float) -> None:
    batch = CommitBatch()
    batch.instance(instance_id, outcome=InstanceOutcome(ok=True, value=None))
    assert await store.commit(batch, "r", now) == {instance_id}


async def test_one_running_instance_per_key_the_rest_in_submission_order(store: Any) -> None:
    now = time.time()
    a1, b1, a2, a3 = await store.create_instances(
        [customer("a"), customer("b"), customer("a"), customer("a")], now
    )
    assert sorted(await claimed_ids(store, now + 1)) == sorted([a1, b1])
    assert (await store.status(a2))["status"] == "queued"
    await finish(store, a1, now + 2)
    assert await claimed_ids(store, now + 3) == [a2]
    assert await store.cancel(a3, {"$t": "exception"}, now + 4)  # a waiting one can go
    await finish(store, a2, now + 5)
    [a4] = await store.create_instances([customer("a")], now + 6)
    assert await claimed_ids(store, now + 7) == [a4]


async def test_a_limit_dropped_by_a_later_start_admits_new_instances_freely(store: Any) -> None:
    now = time.time()
    first, second = await store.create_instances([customer("a"), customer("a")], now)
    unlimited = FlowRule(PER.name)
    third, fourth = await store.create_instances(
        [customer("a", unlimited), customer("a", unlimited)], now + 1
    )
    assert sorted(await claimed_ids(store, now + 2)) == sorted([first, third, fourth])
    await finish(store, first, now + 3)
    assert await claimed_ids(store, now + 4) == [second]


def _attempt(node: str) -> PlannedAction:
    return PlannedAction(node=node, action=ACTION, args=("t", 0.0), kwargs={}, attempt=1,
                         ready_at=0.0, timeout=None)  # fmt: skip


async def queued_attempts(store: Any, now: float, count: int) -> tuple[str, int, list[str]]:
    """An instance held by "r" with `count` queued attempts of the limited action."""
    [instance_id] = await store.create_instances([customer("z", FlowRule(PER.name))], now)
    [claim] = await store.claim("r", 1, now, LEASE)
    batch = CommitBatch()
    batch.instance(instance_id, state={"s": 1}, epoch=claim.epoch)
    nodes = [f"n{i}" for i in range(count)]
    for node in nodes:
        batch.add_attempt(instance_id, _attempt(node), running=False)
    assert await store.commit(batch, "r", now) == {instance_id}
    return instance_id, claim.epoch, nodes


def at(when: float) -> Callable[[], float]:
    """A clock that reads `when` (the store reads the clock when it holds the action's gate)."""
    return lambda: when


def requests(instance_id: str, epoch: int, nodes: list[str], limits: ActionLimits) -> list[Any]:
    return [SlotRequest(instance_id, epoch, node, 1, ACTION, limits) for node in nodes]


async def test_slots_are_running_attempts_granted_in_order(store: Any) -> None:
    now = time.time()
    instance_id, epoch, nodes = await queued_attempts(store, now, 4)
    wanted = requests(instance_id, epoch, nodes, ActionLimits(concurrency=2))
    grants = await store.acquire_slots("r", wanted, at(now))
    assert [r.node for r in grants.granted] == ["n0", "n1"]
    assert grants.retry_at is None
    assert (await store.acquire_slots("r", wanted[2:], at(now))).granted == []
    done = CommitBatch()
    done.instance(instance_id, epoch=epoch)
    done.finish(instance_id, "n0", 1, True, "t")
    await store.commit(done, "r", now + 1)
    assert [r.node for r in (await store.acquire_slots("r", wanted[2:], at(now))).granted] == ["n2"]
    rows = {row["node"]: row["status"] for row in await store.attempts_of(instance_id)}
    assert rows == {"n0": "completed", "n1": "running", "n2": "running", "n3": "queued"}


async def test_a_lost_lease_grants_nothing_and_its_reclaim_frees_the_slots(store: Any) -> None:
    now = time.time()
    instance_id, epoch, nodes = await queued_attempts(store, now, 3)
    wanted = requests(instance_id, epoch, nodes, ActionLimits(concurrency=2))
    assert len((await store.acquire_slots("r", wanted, at(now))).granted) == 2
    assert (await store.acquire_slots("other", wanted[2:], at(now))).granted == []  # not its lease
    stale = [SlotRequest(instance_id, epoch + 5, "n2", 1, ACTION, ActionLimits(concurrency=9))]
    assert (await store.acquire_slots("r", stale, at(now))).granted == []  # not this claim
    assert (await store.reclaim_expired_instances(now + 2 * LEASE)).instances == 1  # "r" died
    [claim] = await store.claim("s", 1, now + 2 * LEASE, LEASE)
    again = requests(instance_id, claim.epoch, nodes, ActionLimits(concurrency=2))
    granted = await store.acquire_slots("s", again, at(now + 2 * LEASE))
    assert [r.node for r in granted.granted] == ["n0", "n1"]  # the dead runner's slots


async def test_a_lease_past_its_expiry_grants_nothing_before_its_reclaim(store: Any) -> None:
    """The runner's lease lapsed (an outage, a frozen runner) and nobody reclaimed it yet: its
    worker would refuse to start the attempt, so no slot is taken for it."""
    now = time.time()
    instance_id, epoch, nodes = await queued_attempts(store, now, 2)
    wanted = requests(instance_id, epoch, nodes, ActionLimits(concurrency=2))
    assert (await store.acquire_slots("r", wanted[:1], at(now + 2 * LEASE))).granted == []
    rows = {row["node"]: row["status"] for row in await store.attempts_of(instance_id)}
    assert rows == {"n0": "queued", "n1": "queued"}
    assert [r.node for r in (await store.acquire_slots("r", wanted, at(now))).granted] == [
        "n0",
        "n1",
    ]


async def test_a_rate_limit_holds_per_window_and_says_when_to_ask_again(store: Any) -> None:
    now = time.time()
    instance_id, epoch, nodes = await queued_attempts(store, now, 5)
    limits = ActionLimits(rate=RateLimit(2, per=10.0))
    wanted = requests(instance_id, epoch, nodes, limits)
    first = await store.acquire_slots("r", wanted, at(now))
    assert [r.node for r in first.granted] == ["n0", "n1"]
    assert first.retry_at == pytest.approx(now + 10.0)
    assert (await store.acquire_slots("r", wanted[2:], at(now + 9.9))).granted == []
    later = await store.acquire_slots("r", wanted[2:], at(now + 10.0))
    assert [r.node for r in later.granted] == ["n2", "n3"]
    assert later.retry_at == pytest.approx(now + 20.0)


async def test_asking_again_for_started_attempts_grants_them_without_a_new_start(
    store: Any,
) -> None:
    """A grant whose transaction committed but whose answer was lost with the connection is
    asked for again: the attempts it started are granted again, holding their slots and their
    start times, never refused for the slots they hold themselves (the runner would wait for
    them forever, and every other attempt of the action with it)."""
    now = time.time()
    instance_id, epoch, nodes = await queued_attempts(store, now, 3)
    limits = ActionLimits(concurrency=2, rate=RateLimit(2, per=10.0))
    wanted = requests(instance_id, epoch, nodes, limits)
    first = await store.acquire_slots("r", wanted, at(now))
    assert [r.node for r in first.granted] == ["n0", "n1"]
    again = await store.acquire_slots("r", wanted, at(now + 1))
    assert [r.node for r in again.granted] == ["n0", "n1"]
    assert again.starts == first.starts  # no second start
    assert (await store.acquire_slots("other", wanted, at(now + 1))).granted == []  # not its lease
    stale = requests(instance_id, epoch + 1, nodes, limits)
    assert (await store.acquire_slots("r", stale, at(now + 1))).granted == []  # not this claim
    rows = {row["node"]: row["status"] for row in await store.attempts_of(instance_id)}
    assert rows == {"n0": "running", "n1": "running", "n2": "queued"}
