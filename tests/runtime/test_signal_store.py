"""The signal part of the store contract, held against both stores (PostgreSQL and the
`MemoryStore` of `LocalRuntime`): signals are kept FIFO per name, a claim hands each pending
wait the oldest one, only a commit under the current lease consumes it, and an instance that
waits is woken by a signal, or at once when its signal came before its wait."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.runtime import signal_flows
from waymark_runtime.effects import SignalReceived
from waymark_runtime.engine import NewInstance
from waymark_runtime.step_plan import PlannedWait
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.pg_rows import Claim

LEASE = 30.0
COLLECT = signal_flows.Collect.__waymark_definition__
assert COLLECT is not None


@pytest.fixture
def store(any_store: RunnerStore) -> RunnerStore:
    return any_store


def collect() -> NewInstance:
    return NewInstance(workflow=COLLECT.name, version=COLLECT.version, wrl=COLLECT.wrl,
                       inputs={"count": 2})  # fmt: skip


async def wait_for(store: Any, claim: Claim, node: str, now: float, **more: Any) -> set[str]:
    """Commit the claim's step as a wait for `item` at `node`, releasing the instance."""
    instance_id, cursor = claim.instance.instance_id, claim.instance.cursor
    batch = CommitBatch()
    for wait_node, signal in cursor.signals:
        batch.consume_signal(instance_id, wait_node, signal)
    batch.instance(instance_id, release=True, wake_at=more.get("wake_at"), epoch=claim.epoch,
                   seq=cursor.seq)  # fmt: skip
    batch.add_wait(instance_id, PlannedWait(node=node, name="item"))
    if "wake_at" in more:
        batch.add_timer(instance_id, node, more["wake_at"])
    return set(await store.commit(batch, more.get("owner", "r"), now))


async def test_a_signal_wakes_a_waiting_instance_with_the_oldest_of_its_name(store: Any) -> None:
    [instance_id] = await store.create_instances([collect()], 100.0)
    [claim] = await store.claim("r", 1, 100.0, LEASE)
    assert claim.waits == {} and claim.instance.cursor.signals == ()
    assert await wait_for(store, claim, "n1", 101.0) == {instance_id}
    assert await store.claim("r", 1, 102.0, LEASE) == []  # it waits: not runnable
    assert await store.send_signal(instance_id, "item", 7, 103.0)
    assert await store.send_signal(instance_id, "other", "x", 103.5)
    assert await store.send_signal(instance_id, "item", {"n": 8}, 104.0)
    [claim] = await store.claim("r", 1, 105.0, LEASE)
    assert claim.instance.events == [SignalReceived(node="n1", value=7)]
    assert claim.waits == {}
    # The next wait's signal is already there: the instance is runnable at once.
    assert await wait_for(store, claim, "n2", 106.0) == {instance_id}
    [claim] = await store.claim("r", 1, 106.0, LEASE)
    assert claim.instance.events == [SignalReceived(node="n2", value={"n": 8})]
    await wait_for(store, claim, "n3", 107.0)
    rows = await store.signals_of(instance_id)
    shown = [(r["kind"], r["name"], r["node"], r["done"] is not None) for r in rows]
    assert shown == [
        ("wait", "item", "n1", True), ("signal", "item", "n1", True),
        ("signal", "other", None, False), ("signal", "item", "n2", True),
        ("wait", "item", "n2", True), ("wait", "item", "n3", False),
    ]  # fmt: skip


async def test_a_timeout_or_a_signal_of_its_name_wakes_a_wait_no_other(store: Any) -> None:
    [instance_id] = await store.create_instances([collect()], 100.0)
    [claim] = await store.claim("r", 1, 100.0, LEASE)
    await wait_for(store, claim, "n1", 101.0, wake_at=150.0)
    [claim] = await store.claim("r", 1, 150.0, LEASE)  # its timeout came due: the runner
    assert claim.waits == {"n1": "item"} and claim.instance.cursor.timers == ("n1",)  # ends it
    [instance_id2] = await store.create_instances([collect()], 200.0)
    [claim] = await store.claim("r", 1, 200.0, LEASE)
    await wait_for(store, claim, "n1", 201.0)
    assert await store.send_signal(instance_id2, "other", 1, 202.0)  # not waited for
    await store.reclaim_expired_instances(10_000.0)
    claims = await store.claim("r", 2, 10_000.0, LEASE)  # the first, whose lease expired
    assert [c.instance.instance_id for c in claims] == [instance_id]
    assert await store.send_signal(instance_id2, "item", 2, 10_001.0)  # wakes it
    [claim] = await store.claim("r", 2, 10_002.0, LEASE)
    assert claim.instance.instance_id == instance_id2 and claim.waits == {}
    assert claim.instance.events == [SignalReceived(node="n1", value=2)]


async def test_a_signal_answers_its_wait_even_past_the_timeout(store: Any) -> None:
    [instance_id] = await store.create_instances([collect()], 100.0)
    [claim] = await store.claim("r", 1, 100.0, LEASE)
    await wait_for(store, claim, "n1", 101.0, wake_at=120.0)
    assert await store.send_signal(instance_id, "item", 5, 110.0)
    [claim] = await store.claim("r", 1, 130.0, LEASE)
    assert claim.instance.events == [SignalReceived(node="n1", value=5)]
    assert claim.sleeps == {}  # the timeout will not fire as well


async def test_only_a_commit_under_the_current_lease_consumes_a_signal(store: Any) -> None:
    [instance_id] = await store.create_instances([collect()], 100.0)
    [claim] = await store.claim("r1", 1, 100.0, LEASE)
    await wait_for(store, claim, "n1", 101.0, owner="r1")
    await store.send_signal(instance_id, "item", 1, 102.0)
    [stale] = await store.claim("r1", 1, 103.0, LEASE)
    await store.reclaim_expired_instances(103.0 + 2 * LEASE)
    [fresh] = await store.claim("r2", 1, 103.0 + 2 * LEASE, LEASE)
    assert await wait_for(store, stale, "n2", 104.0 + 2 * LEASE, owner="r1") == set()
    assert fresh.instance.events == [SignalReceived(node="n1", value=1)]
    assert await wait_for(store, fresh, "n2", 105.0 + 2 * LEASE, owner="r2") == {instance_id}
    consumed = [r for r in await store.signals_of(instance_id) if r["kind"] == "signal"]
    assert [(r["node"], r["done"] is not None) for r in consumed] == [("n1", True)]


async def test_a_signal_for_an_unknown_or_finished_instance_is_not_kept(store: Any) -> None:
    assert not await store.send_signal(str(uuid.uuid4()), "item", 1, 100.0)
    [instance_id] = await store.create_instances([collect()], 100.0)
    assert await store.send_signal(instance_id, "item", None, 100.5)  # before it started
    assert await store.cancel(instance_id, {"$t": "exception"}, 101.0)
    assert not await store.send_signal(instance_id, "item", 2, 102.0)
    rows = await store.signals_of(instance_id)
    assert [(r["kind"], r["payload"]) for r in rows] == [("signal", None)]


async def test_a_send_made_again_with_its_id_keeps_one_signal(store: Any) -> None:
    """The same send twice (its first answer was lost with the connection): one signal is
    kept and woken once, and the repeat is answered as kept, even once the instance ended."""
    send = "00000000-0000-4000-8000-000000000001"
    [instance_id] = await store.create_instances([collect()], 100.0)
    [claim] = await store.claim("r", 1, 100.0, LEASE)
    await wait_for(store, claim, "n1", 101.0)
    assert await store.send_signal(instance_id, "item", 1, 102.0, send)
    assert await store.send_signal(instance_id, "item", 1, 103.0, send)
    [claim] = await store.claim("r", 1, 104.0, LEASE)
    assert claim.instance.events == [SignalReceived(node="n1", value=1)]
    assert await store.cancel(instance_id, {"$t": "exception"}, 105.0)
    assert await store.send_signal(instance_id, "item", 1, 106.0, send)
    rows = await store.signals_of(instance_id)
    assert [(r["kind"], r["at"]) for r in rows if r["kind"] == "signal"] == [("signal", 102.0)]


async def test_a_send_id_compares_payloads_as_json_documents(store: Any) -> None:
    """A send made again is the same document as `jsonb` says on both stores: key order and
    1 against 1.0 do not matter, a boolean is never the number it equals in Python."""
    from waymark_runtime.errors import SendIdReused

    [instance_id] = await store.create_instances([collect()], 100.0)
    assert await store.send_signal(instance_id, "item", {"a": 1, "b": [True]}, 101.0, "s1")
    assert await store.send_signal(instance_id, "item", {"b": [True], "a": 1.0}, 102.0, "s1")
    for other in ({"a": True, "b": [True]}, {"a": 1, "b": [1]}, {"a": 1}):
        with pytest.raises(SendIdReused):
            await store.send_signal(instance_id, "item", other, 103.0, "s1")
    kept = [row for row in await store.signals_of(instance_id) if row["kind"] == "signal"]
    assert [row["payload"] for row in kept] == [{"a": 1, "b": [True]}]
