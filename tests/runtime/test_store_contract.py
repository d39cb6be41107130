"""The store contract (`store.contract`), held against both stores: `PostgresStore` on a real
PostgreSQL and the `MemoryStore` of `LocalRuntime`. Claims, leases, epochs and fences, events,
lost attempts, outcomes, garbage collection.

Times are passed in explicitly (the store takes the caller's clock), so leases expire and
sleeps come due without waiting.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from dataclasses import replace
from typing import Any, cast

import asyncpg
import pytest

from tests.runtime import child_flows
from tests.runtime import runtime_flows as flows
from waymark_runtime import ir
from waymark_runtime.effects import ActionFinished
from waymark_runtime.engine import NewInstance
from waymark_runtime.step_plan import InstanceOutcome, PlannedAction, PlannedChild
from waymark_runtime.store.contract import InspectionStore, Reclaimed, RunnerStore
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import is_transient

LEASE = 30.0


@pytest.fixture
def store(any_store: RunnerStore) -> RunnerStore:
    """Each contract test runs once per store."""
    return any_store


async def state_of(store: RunnerStore, instance_id: str, now: float) -> Any:
    """The committed state, as the next owner of the instance gets it."""
    await store.reclaim_expired_instances(now + 10 * LEASE)
    [claim] = await store.claim("inspector", 1, now + 10 * LEASE, LEASE)
    return claim.instance.state


DEFINITION = flows.Single.__waymark_definition__
assert DEFINITION is not None


def spec(priority: int = 0, value: int = 1) -> NewInstance:
    return NewInstance(
        workflow=DEFINITION.name,
        version=DEFINITION.version,
        wrl=DEFINITION.wrl,
        inputs={"value": value},
        priority=priority,
    )


def planned(
    node: str,
    ready_at: float,
    attempt: int = 1,
    site: str | None = None,
    iteration: tuple[int | str, ...] = (),
) -> PlannedAction:
    return PlannedAction(
        node=node,
        action="tests.runtime.runtime_flows:noop",
        args=(1,),
        kwargs={},
        attempt=attempt,
        ready_at=ready_at,
        timeout=None,
        site=site,
        iteration=iteration,
    )


@pytest.mark.parametrize("instance_id", ["garbage", "", 5, None, str(uuid.UUID(int=0))])
async def test_an_id_that_names_no_instance_is_unknown(store: Any, instance_id: Any) -> None:
    assert await store.status(instance_id) is None
    with pytest.raises(KeyError):
        await store.outcome(instance_id)


async def test_claims_follow_priority_then_age(store: RunnerStore) -> None:
    now = time.time()
    low, high, middle = [
        (await store.create_instances([spec(p)], now + i))[0] for i, p in enumerate((0, 5, 1))
    ]
    order = [(await store.claim("a", 1, now + 10, LEASE))[0].instance.instance_id for _ in range(3)]
    assert order == [high, middle, low]
    assert await store.claim("a", 1, now + 10, LEASE) == []


async def test_claimed_instance_carries_program_and_inputs(store: RunnerStore) -> None:
    now = time.time()
    [instance_id] = await store.create_instances([spec(value=42)], now)
    [claim] = await store.claim("a", 10, now, LEASE)
    assert claim.instance.instance_id == instance_id
    assert claim.instance.wrl == DEFINITION.wrl
    assert claim.instance.inputs == {"value": 42}
    assert claim.instance.state is None and claim.instance.events == []
    status = await store.status(instance_id)
    assert status is not None and status["status"] == "running"
    assert status["lease_owner"] == "a"


async def test_concurrent_owners_never_claim_the_same_instance(store: RunnerStore) -> None:
    now = time.time()
    created = set(await store.create_instances([spec() for _ in range(60)], now))

    async def drain(owner: str) -> list[str]:
        mine: list[str] = []
        while claims := await store.claim(owner, 7, now, LEASE):
            mine.extend(claim.instance.instance_id for claim in claims)
        return mine

    per_owner = await asyncio.gather(*(drain(f"owner-{i}") for i in range(5)))
    claimed = [instance_id for mine in per_owner for instance_id in mine]
    assert len(claimed) == len(set(claimed)) == 60
    assert set(claimed) == created


async def test_a_lost_lease_fences_the_old_owners_commit(store: RunnerStore) -> None:
    now = time.time()
    [instance_id] = await store.create_instances([spec()], now)
    await store.claim("old", 1, now, LEASE)
    assert set(await store.heartbeat("old", now + 1, LEASE)) == {instance_id}
    assert (await store.reclaim_expired_instances(now + LEASE + 2)).instances == 1
    [claim] = await store.claim("new", 1, now + LEASE + 3, LEASE)
    assert claim.instance.instance_id == instance_id
    stale = CommitBatch()
    stale.instance(instance_id, state={"by": "old"})
    assert await store.commit(stale, "old", now + LEASE + 4) == set()
    assert await store.heartbeat("old", now + LEASE + 4, LEASE) == {}
    fresh = CommitBatch()
    fresh.instance(instance_id, state={"by": "new"})
    assert await store.commit(fresh, "new", now + LEASE + 4) == {instance_id}
    assert await state_of(store, instance_id, now) == {"by": "new"}


async def test_an_older_claim_of_the_same_owner_is_fenced_by_its_epoch(
    store: RunnerStore,
) -> None:
    now = time.time()
    [instance_id] = await store.create_instances([spec()], now)
    [first] = await store.claim("a", 1, now, LEASE)
    assert (await store.reclaim_expired_instances(now + LEASE + 2)).instances == 1
    [second] = await store.claim("a", 1, now + LEASE + 3, LEASE)
    assert second.epoch == first.epoch + 1
    assert await store.heartbeat("a", now + LEASE + 4, LEASE) == {instance_id: second.epoch}
    stale = CommitBatch()
    stale.instance(instance_id, state={"by": "first"}, epoch=first.epoch)
    assert await store.commit(stale, "a", now + LEASE + 4) == set()
    fresh = CommitBatch()
    fresh.instance(instance_id, state={"by": "second"}, epoch=second.epoch)
    assert await store.commit(fresh, "a", now + LEASE + 4) == {instance_id}
    assert await state_of(store, instance_id, now) == {"by": "second"}


async def test_reclaim_requeues_orphaned_attempts_then_fails_them_past_their_bound(
    store: Any,
) -> None:
    """An attempt running for a runner whose lease lapsed is orphaned, not lost: it runs again
    with its `lost_count` as it was (one loss to a dead worker here), counted against the
    orphaned bound (2 in these stores) until a third orphaning fails it."""
    now = time.time()
    [instance_id] = await store.create_instances([spec()], now)
    await store.claim("a", 1, now, LEASE)
    batch = CommitBatch()
    batch.instance(instance_id, state={"s": 1})
    batch.add_attempt(instance_id, planned("n1", now), running=True)
    await store.commit(batch, "a", now)
    lost_once = CommitBatch()  # `a` saw its worker die and ran it again: one loss
    lost_once.instance(instance_id)
    lost_once.start(instance_id, "n1", 1, lost_count=1)
    await store.commit(lost_once, "a", now)
    for orphaned in (1, 2):
        now += LEASE + 1
        assert (await store.reclaim_expired_instances(now)).instances == 1
        [claim] = await store.claim(f"runner-{orphaned}", 1, now, LEASE)
        [pending] = claim.pending
        assert (pending.node, pending.status, pending.lost_count) == ("n1", "queued", 1)
        [row] = await store.attempts_of(instance_id)
        assert (row["lost_count"], row["orphaned_count"]) == (1, orphaned)
        restart = CommitBatch()
        restart.instance(instance_id)
        restart.start(instance_id, "n1", 1, lost_count=pending.lost_count)
        await store.commit(restart, f"runner-{orphaned}", now)
    now += LEASE + 1
    reclaimed = await store.reclaim_expired_instances(now)  # a third: past the bound of 2
    assert reclaimed == Reclaimed(instances=1, failed=("tests.runtime.runtime_flows:noop",))
    [claim] = await store.claim("last", 1, now, LEASE)
    assert claim.pending == []
    [event] = claim.instance.events
    assert isinstance(event, ActionFinished) and not event.ok
    assert event.value["type"] == "waymark_runtime.actions:ActionTimeout"
    assert "orphaned 3 times" in event.value["message"]
    [row] = await store.attempts_of(instance_id)
    assert (row["status"], row["lost_count"], row["orphaned_count"]) == ("failed", 1, 3)


async def held_with_attempts(store: RunnerStore, now: float, *nodes: str) -> str:
    """A new instance claimed by `a`, its attempts of `nodes` running on `a`'s workers."""
    [instance_id] = await store.create_instances([spec()], now)
    await store.claim("a", 1, now, LEASE)
    first = CommitBatch()
    first.instance(instance_id, state={"step": 1})
    for node in nodes:
        first.add_attempt(instance_id, planned(node, now), running=True)
    assert await store.commit(first, "a", now) == {instance_id}
    return instance_id


async def test_held_commit_records_results_and_keeps_the_lease(store: RunnerStore) -> None:
    now = time.time()
    instance_id = await held_with_attempts(store, now, "n1")
    second = CommitBatch()
    second.instance(instance_id, outcome=InstanceOutcome(ok=True, value=[1, {"b": 2, "a": 1}]))
    second.finish(instance_id, "n1", 1, True, {"z": 1, "a": 2})
    waiter = asyncio.ensure_future(store.wait_outcome(instance_id, timeout=10))
    await asyncio.sleep(0.2)
    assert await store.commit(second, "a", now + 1) == {instance_id}
    outcome = await waiter
    assert outcome == InstanceOutcome(ok=True, value=[1, {"b": 2, "a": 1}])
    assert list(outcome.value[1]) == ["b", "a"]  # key order survives storage
    assert await store.heartbeat("a", now + 2, LEASE) == {}  # a finished instance is let go
    assert await store.claim("b", 1, now + 10 * LEASE, LEASE) == []  # and never claimed again


async def test_recorded_results_keep_the_state_and_come_back_as_events(
    store: RunnerStore,
) -> None:
    """A commit that keeps the state records results unconsumed: the next claim (after a
    crash) reads the old state with them as events, and one that writes a state consumes them."""
    now = time.time()
    instance_id = await held_with_attempts(store, now, "n1", "n2", "n3")
    quiet = CommitBatch()
    quiet.instance(instance_id, epoch=1)
    quiet.record(instance_id, "n1", 1, True, {"r": 1})
    quiet.record(instance_id, "n2", 1, False, {"type": "builtins:ValueError", "message": "x"})
    assert await store.commit(quiet, "a", now + 1) == {instance_id}
    now += 10 * LEASE  # `a` dies: its lease expires and its running attempt is lost
    assert (await store.reclaim_expired_instances(now)).instances == 1
    [claim] = await store.claim("b", 1, now, LEASE)
    assert claim.instance.state == {"step": 1}
    assert sorted(claim.instance.events, key=lambda event: event.node) == [
        ActionFinished(node="n1", attempt=1, ok=True, value={"r": 1}),
        ActionFinished(node="n2", attempt=1, ok=False,
                       value={"type": "builtins:ValueError", "message": "x"}),
    ]  # fmt: skip
    assert [(p.node, p.status, p.lost_count) for p in claim.pending] == [("n3", "queued", 0)]
    again = CommitBatch()  # `b` steps them quietly as well: still unconsumed
    again.instance(instance_id, epoch=claim.epoch)
    assert await store.commit(again, "b", now) == {instance_id}
    now += 10 * LEASE
    await store.reclaim_expired_instances(now)
    [claim] = await store.claim("c", 1, now, LEASE)
    assert sorted(event.node for event in claim.instance.events) == ["n1", "n2"]
    written = CommitBatch()
    written.instance(instance_id, state={"step": 2}, epoch=claim.epoch)
    written.consume(instance_id, "n1", 1)
    written.consume(instance_id, "n2", 1)
    written.finish(instance_id, "n3", 1, True, 3)
    assert await store.commit(written, "c", now) == {instance_id}
    now += 10 * LEASE
    await store.reclaim_expired_instances(now)
    [claim] = await store.claim("d", 1, now, LEASE)
    assert claim.instance.state == {"step": 2} and claim.instance.events == []


async def test_a_fenced_commit_records_no_result(store: RunnerStore) -> None:
    now = time.time()
    instance_id = await held_with_attempts(store, now, "n1")
    now += 10 * LEASE
    await store.reclaim_expired_instances(now)
    [claim] = await store.claim("b", 1, now, LEASE)
    stale = CommitBatch()  # `a`, paused past its lease, wakes up with a result
    stale.instance(instance_id, epoch=1)
    stale.record(instance_id, "n1", 1, True, 1)
    assert await store.commit(stale, "a", now) == set()
    now += 10 * LEASE
    await store.reclaim_expired_instances(now)
    [claim] = await store.claim("c", 1, now, LEASE)
    assert claim.instance.events == []
    assert [(p.node, p.status) for p in claim.pending] == [("n1", "queued")]


async def test_garbage_collection_respects_retention(store: RunnerStore) -> None:
    now = time.time()
    finished, running = await store.create_instances([spec(), spec()], now)
    await store.claim("a", 2, now, LEASE)
    batch = CommitBatch()
    batch.instance(finished, outcome=InstanceOutcome(ok=True, value=1))
    batch.add_attempt(finished, planned("n1", now), running=True)
    await store.commit(batch, "a", now)
    day = 24 * 3600.0
    assert await store.collect_garbage(now + day - 60, day) == 0
    assert await store.collect_garbage(now + day + 60, day) == 1
    with pytest.raises(KeyError):
        await store.outcome(finished)
    assert await store.outcome(running) is None


async def test_attempts_and_sleeps_keep_their_site_and_iteration(store: Any) -> None:
    """Every attempt row and sleep row says where the workflow made it: the DAG node and
    which iteration; a retry is its own row at the same site."""
    now = float(int(time.time()))  # whole seconds: PostgreSQL keeps microseconds
    [instance_id] = await store.create_instances([spec()], now)
    await store.claim("a", 1, now, LEASE)
    batch = CommitBatch()
    batch.instance(instance_id, state={"step": 1})
    batch.add_attempt(instance_id, planned("n1", now, site="run.1.body.0", iteration=(2,)),
                      running=True)  # fmt: skip
    batch.add_attempt(instance_id, planned("n2", now, site="double.0",
                                           iteration=(0, "run.1.body.1", 3)), running=True)  # fmt: skip
    batch.add_timer(instance_id, "n3", now + 60, "run.2", (1,))
    assert await store.commit(batch, "a", now) == {instance_id}
    retry = CommitBatch()
    retry.instance(instance_id, state={"step": 2})
    retry.finish(instance_id, "n1", 1, False, {"boom": 1})
    retry.add_attempt(instance_id, planned("n1", now + 1, 2, "run.1.body.0", (2,)), running=True)
    assert await store.commit(retry, "a", now + 1) == {instance_id}

    rows = await store.attempts_of(instance_id)
    assert [(r["node"], r["attempt"], r["site"], r["iteration"]) for r in rows] == [
        ("n1", 1, "run.1.body.0", [2]),
        ("n1", 2, "run.1.body.0", [2]),
        ("n2", 1, "double.0", [0, "run.1.body.1", 3]),
    ]
    [timer] = await store.timers_of(instance_id)
    assert timer == {"node": "n3", "wake_at": now + 60, "site": "run.2", "iteration": [1],
                     "finished_at": None, "started_at": now}  # fmt: skip


async def test_a_finished_sleep_is_kept_and_no_longer_claimed(store: Any) -> None:
    now = float(int(time.time()))  # whole seconds: PostgreSQL keeps microseconds
    [instance_id] = await store.create_instances([spec()], now)
    await store.claim("a", 1, now, LEASE)
    batch = CommitBatch()
    batch.instance(instance_id, state={"step": 1}, release=True, wake_at=now + 5)
    batch.add_timer(instance_id, "n1", now + 5, "run.0", ())
    batch.add_timer(instance_id, "n2", now + 3600, "run.1", ())
    await store.commit(batch, "a", now)
    [claim] = await store.claim("a", 1, now + 6, LEASE)
    assert [type(e).__name__ for e in claim.instance.events] == ["SleepFinished"]
    assert claim.sleeps == {"n2": now + 3600}
    done = CommitBatch()
    done.instance(instance_id, state={"step": 2}, release=True, wake_at=now + 3600)
    done.drop_timer(instance_id, "n1")
    await store.commit(done, "a", now + 7)
    timers = await store.timers_of(instance_id)
    assert [(t["node"], t["finished_at"]) for t in timers] == [("n1", now + 7), ("n2", None)]
    [claim] = await store.claim("b", 1, now + 3601, LEASE)
    assert [e.node for e in claim.instance.events] == ["n2"]  # n1 is over: not an event again
    assert await store.cancel(instance_id, {"cancelled": True}, now + 3602)
    assert [t["node"] for t in await store.timers_of(instance_id)] == ["n1"]  # pending ones go


async def test_a_claim_gives_its_sleeps_by_deadline_then_by_start(store: Any) -> None:
    """As asyncio calls timers due at one time: the earlier deadline first, then the sleep
    begun first (the lower node: n9 before n10), for those past due and those still pending."""
    now = float(int(time.time()))
    [instance_id] = await store.create_instances([spec()], now)
    await store.claim("a", 1, now, LEASE)
    batch = CommitBatch()
    batch.instance(instance_id, state={"step": 1}, release=True, wake_at=now + 1)
    for node, wake_at in [("n10", 2), ("n12", 1), ("n9", 2), ("n11", 9), ("n2", 9), ("n3", 8)]:
        batch.add_timer(instance_id, node, now + wake_at, "run.0", ())
    await store.commit(batch, "a", now)
    [claim] = await store.claim("a", 1, now + 3, LEASE)
    assert [e.node for e in claim.instance.events] == ["n12", "n9", "n10"]
    assert list(claim.sleeps.items()) == [("n3", now + 8), ("n2", now + 9), ("n11", now + 9)]


def test_a_connection_a_shutdown_left_mid_protocol_is_a_transient_error() -> None:
    stuck = "cannot switch to state 12; another operation (2) is in progress"
    assert is_transient(asyncpg.exceptions.InternalClientError(stuck))
    assert is_transient(asyncpg.InterfaceError("cannot perform operation: connection is closed"))
    assert not is_transient(asyncpg.exceptions.InternalClientError("unexpected message"))
    assert not is_transient(ValueError("bad value"))


def _moved(text: str, lines: int) -> str:
    """The same program compiled from source with `lines` more lines above the workflow."""
    *head, workflow_line, rest = text.split("\n", 3)
    name, _, location = workflow_line.rpartition(" @")
    line, _, column = location.partition(":")
    return "\n".join([*head, f"{name} @{int(line) + lines}:{column}", rest])


async def test_a_version_re_registered_from_moved_source_carries_its_new_lines(
    store: RunnerStore,
) -> None:
    from waymark_runtime.engine import ProgramCache
    from waymark_runtime.wrl import parse

    now = time.time()
    moved = _moved(DEFINITION.wrl, 7)
    assert moved != DEFINITION.wrl
    programs = ProgramCache(parse)
    await store.create_instances([spec()], now)
    [first] = await store.claim("a", 1, now + 1, LEASE)
    assert first.instance.wrl == DEFINITION.wrl
    line = programs(first.instance).run.span.line  # type: ignore[union-attr]
    await store.create_instances([replace(spec(), wrl=moved)], now + 2)
    [second] = await store.claim("a", 1, now + 3, LEASE)
    assert second.instance.version == first.instance.version
    assert second.instance.wrl == moved  # sent again although the version is known
    assert programs(second.instance).run.span.line == line + 7  # type: ignore[union-attr]
    assert await store.latest_version(DEFINITION.name) == (DEFINITION.version, moved)


async def test_a_program_stored_before_wrl_2_still_loads(store: RunnerStore) -> None:
    from waymark_runtime.engine import ProgramCache
    from waymark_runtime.wrl import parse

    legacy = "wrl 1\n\nworkflow Legacy @3:1\n\nfn run(value): @4:5\n    return value @5:9\n"
    version = hashlib.sha256(legacy.encode()).hexdigest()[:16]
    new = NewInstance(workflow="Legacy", version=version, wrl=legacy, inputs={"value": 1})
    now = time.time()
    await store.create_instances([new], now)
    [claim] = await store.claim("a", 1, now + 1, LEASE)
    program = ProgramCache(parse)(claim.instance)
    assert program.run.body[0].span == ir.Span(5, 9, 5, 9)


async def test_a_failed_attempt_keeps_where_it_raised(store: RunnerStore) -> None:
    now = time.time()
    instance_id = await held_with_attempts(store, now, "n1", "n2")
    where = {
        "text": "Traceback (most recent call last):\n...",
        "frames": [
            {"filename": "app.py", "lineno": 3, "name": "charge", "line": "raise ValueError()"}
        ],
    }
    second = CommitBatch()
    second.instance(instance_id, state={"step": 2})
    second.finish(instance_id, "n1", 1, False, {"$t": "exception", "type": "builtins:ValueError",
                                                "bases": [], "message": "", "args": [],
                                                "attrs": {}}, where)  # fmt: skip
    second.finish(instance_id, "n2", 1, True, 2)
    await store.commit(second, "a", now + 1)
    inspect = cast(InspectionStore, store)
    rows = {row["node"]: row for row in await inspect.attempts_of(instance_id)}
    assert rows["n1"]["traceback"] == where
    assert rows["n2"]["traceback"] is None


# --- child workflows (migration 0009) ----------------------------------------------------------

FACTORIAL = child_flows.Factorial.__waymark_definition__
assert FACTORIAL is not None


def parent_spec() -> NewInstance:
    """A root whose tree pins `Factorial` (as a client registers the closure of its children)."""
    family = ((FACTORIAL.name, FACTORIAL.version, FACTORIAL.wrl),)
    return NewInstance(workflow=DEFINITION.name, version=DEFINITION.version, wrl=DEFINITION.wrl,
                       inputs={"value": 1}, family=family)  # fmt: skip


async def start_children(
    store: RunnerStore, now: float, blocking: tuple[bool, ...] = (True,)
) -> tuple[str, list[str]]:
    """A parent that commits one child call per flag (nodes n1...) and releases its lease."""
    [parent] = await store.create_instances([parent_spec()], now)
    [claim] = await store.claim("a", 1, now, LEASE)
    batch = CommitBatch()
    children = [str(uuid.uuid5(uuid.UUID(parent), f"n{i + 1}")) for i in range(len(blocking))]
    for index, (child, waits) in enumerate(zip(children, blocking, strict=True)):
        status, value = ("waiting", None) if waits else ("completed", child)
        batch.child(parent, PlannedChild(node=f"n{index + 1}", workflow=FACTORIAL.name, inputs={"n": 2}, blocking=True), child=child,
                    blocking=waits, status=status, value=value)  # fmt: skip
    batch.instance(parent, state={"s": 1}, release=True, epoch=claim.epoch,
                   seq=claim.instance.cursor.seq)  # fmt: skip
    assert await store.commit(batch, "a", now) == {parent}
    return parent, children


async def finish(
    store: RunnerStore, instance_id: str, outcome: InstanceOutcome, now: float
) -> None:
    """Claim `instance_id` (alone runnable) and commit its outcome, settling its family."""
    [claim] = await store.claim("b", 1, now, LEASE)
    assert claim.instance.instance_id == instance_id
    batch = CommitBatch()
    batch.instance(instance_id, state={"done": 1}, outcome=outcome, epoch=claim.epoch)
    batch.settle(instance_id)
    assert await store.commit(batch, "b", now) == {instance_id}


async def test_a_child_starts_with_the_step_pinned_and_linked(store: RunnerStore) -> None:
    now = time.time()
    parent, [child] = await start_children(store, now)
    assert await store.claim("a", 5, now + 1, LEASE) != []  # the child, not the parent
    row = await store.status(child)
    assert row is not None and row["parent_id"] == parent and row["depth"] == 1
    assert row["workflow_name"] == FACTORIAL.name
    assert row["workflow_version"] == FACTORIAL.version
    assert await store.claim("a", 5, now + 2, LEASE) == []  # the parent waits, unleased


async def test_a_finished_child_wakes_its_parent_with_its_outcome(store: RunnerStore) -> None:
    now = time.time()
    parent, [child] = await start_children(store, now)
    error = {"$t": "exception", "type": "builtins:ValueError", "message": "no"}
    await finish(store, child, InstanceOutcome(ok=False, value=error), now + 1)
    [claim] = await store.claim("a", 1, now + 2, LEASE)
    assert claim.instance.instance_id == parent
    assert claim.instance.events == [ActionFinished(node="n1", attempt=1, ok=False, value=error)]


async def test_a_parent_released_after_its_child_finished_wakes_at_once(
    store: RunnerStore,
) -> None:
    now = time.time()
    parent, [child] = await start_children(store, now)
    await store.reclaim_expired_instances(now)
    [held] = await store.create_instances([spec()], now)  # keeps the claim order honest
    [child_claim, _] = await store.claim("b", 2, now + 1, LEASE)
    assert child_claim.instance.instance_id == child
    batch = CommitBatch()
    batch.instance(
        child, state={}, outcome=InstanceOutcome(ok=True, value=2), epoch=child_claim.epoch
    )
    batch.settle(child)
    await store.commit(batch, "b", now + 1)
    [claim] = await store.claim("c", 1, now + 2, LEASE)
    assert claim.instance.instance_id == parent
    assert claim.instance.events == [ActionFinished(node="n1", attempt=1, ok=True, value=2)]
    assert held != parent


async def test_a_cancelled_parent_cancels_blocking_children_only(store: RunnerStore) -> None:
    now = time.time()
    parent, [blocking, detached] = await start_children(store, now, (True, False))
    await store.claim("x", 2, now + 1, LEASE)  # both children leased by another runner
    error = {"$t": "exception", "type": "waymark_runtime.errors:InstanceCancelled"}
    assert await store.cancel(parent, error, now + 2)  # type: ignore[attr-defined]
    assert (await store.status(blocking) or {})["status"] == "cancelled"
    assert (await store.status(detached) or {})["status"] == "running"
    assert set(await store.heartbeat("x", now + 3, LEASE)) == {detached}


async def test_an_unpinned_child_runs_the_latest_registered_version(store: RunnerStore) -> None:
    now = time.time()
    await start_children(store, now)  # registers Factorial's version with the first tree
    [root] = await store.create_instances([spec()], now + 1)  # as a schedule creates one
    await store.claim("x", 5, now + 1, LEASE)
    await store.reclaim_expired_instances(now + 10 * LEASE)
    claims = await store.claim("a", 5, now + 10 * LEASE, LEASE)
    [claim] = [c for c in claims if c.instance.instance_id == root]
    assert claim.instance.family.pins == {DEFINITION.name: DEFINITION.version}
    batch = CommitBatch()
    child = str(uuid.uuid5(uuid.UUID(root), "n1"))
    batch.child(
        root,
        PlannedChild(node="n1", workflow=FACTORIAL.name, inputs={"n": 1}, blocking=True),
        child=child,
        blocking=True,
    )
    batch.instance(root, state={}, release=True, epoch=claim.epoch)
    await store.commit(batch, "a", now + 10 * LEASE)
    row = await store.status(child)
    assert row is not None and row["workflow_version"] == FACTORIAL.version
