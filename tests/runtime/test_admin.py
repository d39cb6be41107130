"""The admin API (`waymark_runtime.admin`) on both stores: `PostgresStore` on a real PostgreSQL
and the `MemoryStore` of `LocalRuntime`. Listing with filters and keyset pages, showing an
instance with its attempts, cancelling (a first-class status), retrying and requeueing.

Instances are made and advanced through the store contract with explicit times, as a runner
would, so every outcome here is exact.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import (
    create_database,
    drop_database,
    emptied_store,
    runner_settings,
    running,
)
from waymark_runtime import wrl
from waymark_runtime.admin import Admin, InstanceSummary, connect
from waymark_runtime.client import exception_of
from waymark_runtime.config import Settings
from waymark_runtime.engine import NewInstance
from waymark_runtime.errors import (
    InstanceStateError,
    SignalRefused,
    UnknownInstance,
    WorkflowCancelled,
)
from waymark_runtime.local import LocalRuntime
from waymark_runtime.options import InvalidOptionError
from waymark_runtime.step_plan import InstanceOutcome, PlannedAction
from waymark_runtime.store.pg_batch import CommitBatch, dumps
from waymark_runtime.store.pg_migrate import _apply, migrate_async
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.store.sql import migrations, queries
from waymark_runtime.values import error_json

LEASE = 30.0
NOW = 1_700_000_000.0
SINGLE = flows.Single.__waymark_definition__
SEQUENCE = flows.Sequence.__waymark_definition__
SLOW = flows.Slow.__waymark_definition__
assert SINGLE is not None and SEQUENCE is not None and SLOW is not None


@pytest.fixture
def store(any_store: Any) -> Any:
    """Each admin test runs once per store."""
    return any_store


def admin_of(store: Any, at: float = NOW + 1000) -> Admin:
    return Admin(store, clock=lambda: at)


def spec(value: int = 1, *, priority: int = 0, definition: Any = SINGLE) -> NewInstance:
    return NewInstance(workflow=definition.name, version=definition.version,
                       wrl=definition.wrl, inputs={"value": value}, priority=priority)  # fmt: skip


def call(node: str, value: int, ready_at: float) -> PlannedAction:
    return PlannedAction(node=node, action="tests.runtime.runtime_flows:noop", args=(value,),
                         kwargs={"note": "x"}, attempt=1, ready_at=ready_at, timeout=12.5,
                         site=f"run.{value}.body.0", iteration=(value, "run.3"))  # fmt: skip


async def create(store: Any, at: float, **options: Any) -> str:
    [instance_id] = await store.create_instances([spec(**options)], at)
    return instance_id


async def held(store: Any, at: float, owner: str = "runner", **options: Any) -> str:
    """A new instance, claimed by `owner`, with a running attempt `n1` and a sleep `n2`."""
    instance_id = await create(store, at, **options)
    [claim] = await store.claim(owner, 1, at, LEASE)
    assert claim.instance.instance_id == instance_id
    batch = CommitBatch()
    batch.instance(instance_id, state={"step": 1})
    batch.add_attempt(instance_id, call("n1", 7, at), running=True)
    batch.add_timer(instance_id, "n2", at + 3600, "run.2", (1,))
    assert await store.commit(batch, owner, at) == {instance_id}
    return instance_id


async def finished(store: Any, at: float, ok: bool, **options: Any) -> str:
    """A new instance whose attempt `n1` completed and `n2` ended it (`ok`, or failed)."""
    instance_id = await held(store, at, **options)
    step = CommitBatch()
    step.instance(instance_id, state={"step": 2})
    step.finish(instance_id, "n1", 1, True, 14)
    step.drop_timer(instance_id, "n2")
    step.add_attempt(instance_id, call("n3", 8, at + 1), running=True)
    assert await store.commit(step, "runner", at + 1) == {instance_id}
    end = CommitBatch()
    value = "done" if ok else error_json(ValueError("boom"))
    end.instance(instance_id, outcome=InstanceOutcome(ok=ok, value=value))
    end.finish(instance_id, "n3", 1, ok, 16 if ok else value)
    assert await store.commit(end, "runner", at + 2) == {instance_id}
    return instance_id


async def every_page(admin: Admin, limit: int, **filters: Any) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor = None
    while True:
        page = await admin.list(limit=limit, after=cursor, **filters)
        pages.append([item.id for item in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


# listing --------------------------------------------------------------------------------------


async def test_list_filters_by_text_in_id_inputs_result_and_error(store: Any) -> None:
    good = await finished(store, NOW + 10, ok=True)  # result "done"
    bad = await finished(store, NOW + 20, ok=False)  # ValueError("boom")
    by_input = await create(store, NOW, value=9817263)  # last: the others claim
    admin = admin_of(store)

    async def found(text: str) -> set[str]:
        return {item.id for item in (await admin.list(text=text)).items}

    assert await found("9817263") == {by_input}
    assert await found("BOOM") == {bad}
    assert await found('"done"') == {good}
    assert await found(bad[:13]) == {bad}
    assert await found("nothing like it") == set()
    assert len(await found("")) == 3  # empty: no filter


async def test_list_pages_newest_first_with_ties_broken_by_id(store: Any) -> None:
    times = [NOW, NOW + 1, NOW + 1, NOW + 1, NOW + 2.5, NOW + 3, NOW + 4]
    created = [(at, await create(store, at)) for at in times]
    expected = [i for _, i in sorted(created, key=lambda pair: (round(pair[0] * 1e6), pair[1]),
                                     reverse=True)]  # fmt: skip
    admin = admin_of(store)
    pages = await every_page(admin, limit=3)
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [i for page in pages for i in page] == expected
    assert await every_page(admin, limit=7) == [expected]
    assert await every_page(admin, limit=6) == [expected[:6], expected[6:]]
    first = (await admin.list(limit=2)).items[0]
    assert isinstance(first, InstanceSummary)
    assert (first.workflow, first.version, first.status, first.priority) == (
        "Single", SINGLE.version, "queued", 0)  # fmt: skip
    assert (first.created_at, first.finished_at, first.attempt_count) == (NOW + 4, None, 0)


async def test_list_filters_by_status_workflow_and_creation_time(store: Any) -> None:
    done = await finished(store, NOW, ok=True)
    failed = await finished(store, NOW + 10, ok=False)
    running = await held(store, NOW + 20)
    cancelled = await held(store, NOW + 30)
    queued = await create(store, NOW + 40)
    [other] = await store.create_instances([spec(definition=SEQUENCE)], NOW + 50)
    admin = admin_of(store)
    await admin.cancel(cancelled)

    async def ids(**filters: Any) -> list[str]:
        return [item.id for item in (await admin.list(**filters)).items]

    assert await ids(status="completed") == [done]
    assert await ids(status="failed") == [failed]
    assert await ids(status="cancelled") == [cancelled]
    assert await ids(status="running") == [running]
    assert await ids(status="queued") == [other, queued]
    assert await ids(workflow="Sequence") == [other]
    assert await ids(workflow="Single", status="queued") == [queued]
    assert await ids(created_after=NOW + 10, created_before=NOW + 40) == [
        cancelled,
        running,
        failed,
    ]
    assert await every_page(admin, 2, workflow="Single") == [
        [queued, cancelled], [running, failed], [done], ]  # fmt: skip
    counts = {item.id: item.attempt_count for item in (await admin.list()).items}
    assert (counts[done], counts[running], counts[queued]) == (2, 1, 0)


async def test_list_refuses_bad_arguments(store: Any) -> None:
    admin = admin_of(store)
    with pytest.raises(InvalidOptionError, match="unknown status 'done'"):
        await admin.list(status="done")
    with pytest.raises(InvalidOptionError, match="limit must be a positive integer"):
        await admin.list(limit=0)
    with pytest.raises(InvalidOptionError, match=f"limit must be at most 10,000, got {10**20}"):
        await admin.list(limit=10**20)  # past PostgreSQL's bigint: refused before the query
    with pytest.raises(InvalidOptionError, match="not a cursor"):
        await admin.list(after="yesterday")
    with pytest.raises(InvalidOptionError, match="text must not contain a NUL character"):
        await admin.list(text="a\x00b")
    with pytest.raises(InvalidOptionError, match="workflow must be valid UTF-8"):
        await admin.list(workflow="Single\udcff")


# showing --------------------------------------------------------------------------------------


async def test_show_gives_every_attempt_with_its_call_outcome_and_times(store: Any) -> None:
    failed = await finished(store, NOW, ok=False, priority=3)
    detail = await admin_of(store).show(failed)
    summary = detail.summary
    assert (summary.id, summary.status, summary.priority, summary.attempt_count) == (
        failed, "failed", 3, 2)  # fmt: skip
    assert (summary.created_at, summary.finished_at) == (NOW, NOW + 2)
    assert detail.inputs == {"value": 1} and detail.result is None
    assert detail.error["type"] == "builtins:ValueError"
    assert (detail.lease_owner, detail.lease_expires_at, detail.wake_at) == (None, None, None)
    first, second = detail.attempts
    assert (first.node, first.attempt, first.action) == (
        "n1",
        1,
        "tests.runtime.runtime_flows:noop",
    )
    assert (first.args, first.kwargs, first.timeout) == ([7], {"note": "x"}, 12.5)
    assert (first.status, first.result, first.error, first.lost_count) == ("completed", 14, None, 0)
    assert (first.ready_at, first.created_at, first.started_at, first.finished_at) == (
        NOW, NOW, NOW, NOW + 1)  # fmt: skip
    assert (first.site, first.iteration) == ("run.7.body.0", (7, "run.3"))
    assert (second.node, second.status, second.result) == ("n3", "failed", None)
    assert second.error["message"] == "boom"
    [sleep] = detail.sleeps  # a finished sleep is kept
    assert (sleep.node, sleep.site, sleep.iteration) == ("n2", "run.2", (1,))
    assert (sleep.wake_at, sleep.finished_at, sleep.finished) == (NOW + 3600, NOW + 1, True)


async def test_show_of_a_held_instance_gives_its_lease_and_sleeps(store: Any) -> None:
    running = await held(store, NOW, owner="runner-a")
    detail = await admin_of(store).show(f"  {running.upper()} ")  # any spelling of the id
    assert detail.id == running and detail.status == "running"
    assert (detail.lease_owner, detail.lease_expires_at) == ("runner-a", NOW + LEASE)
    [sleep] = detail.sleeps
    assert (sleep.node, sleep.wake_at, sleep.finished_at) == ("n2", NOW + 3600, None)
    [attempt] = detail.attempts
    assert (attempt.status, attempt.finished_at) == ("running", None)


async def test_unknown_and_malformed_ids_are_unknown_instances(store: Any) -> None:
    admin = admin_of(store)
    missing = "0f4c4e9a-4b7e-4d8e-9c55-3f2b8c1e0a11"
    for method in (admin.show, admin.cancel, admin.retry, admin.requeue):
        with pytest.raises(UnknownInstance, match=f"no instance {missing}") as raised:
            await method(missing)
        assert raised.value.instance_id == missing
    with pytest.raises(UnknownInstance, match="no instance 12"):
        await admin.show("12")


async def test_an_id_with_control_characters_is_quoted_in_the_message(store: Any) -> None:
    """A newline or a terminal escape in a caller's id reaches logs and terminals escaped, not
    as a forged line or a colour change."""
    admin = admin_of(store)
    hostile = "12\nERROR forged\x1b[2J"
    for method in (admin.show, admin.cancel, admin.retry, admin.requeue):
        with pytest.raises(UnknownInstance) as raised:
            await method(hostile)
        assert str(raised.value) == "no instance '12\\nERROR forged\\x1b[2J'"
        assert raised.value.instance_id == hostile
    with pytest.raises(SignalRefused) as refused:
        await admin.signal(hostile, "go")
    assert str(refused.value).startswith("no instance '12\\nERROR forged\\x1b[2J': ")


# cancelling -----------------------------------------------------------------------------------


async def test_cancel_ends_a_running_instance_and_fences_its_runner(store: Any) -> None:
    running = await held(store, NOW, owner="runner")
    waiter = asyncio.ensure_future(store.wait_outcome(running, timeout=10))
    await asyncio.sleep(0.2)  # the waiter listens before the cancel
    summary = await admin_of(store, NOW + 5).cancel(running, "no longer wanted")
    assert (summary.status, summary.finished_at, summary.finished) == ("cancelled", NOW + 5, True)

    outcome = await waiter
    assert not outcome.ok and outcome.value["type"] == "waymark_runtime.errors:WorkflowCancelled"
    assert outcome.value["message"] == "no longer wanted"
    assert await store.outcome(running) == outcome
    detail = await admin_of(store).show(running)
    [attempt] = detail.attempts
    assert (attempt.status, attempt.finished_at) == ("failed", NOW + 5)
    assert attempt.error["type"] == "waymark_runtime.errors:WorkflowCancelled"
    assert detail.sleeps == () and detail.lease_owner is None and detail.wake_at is None
    # The runner that held it loses it: its commits are fenced, its heartbeat drops it, and
    # nobody claims it again.
    late = CommitBatch()
    late.instance(running, outcome=InstanceOutcome(ok=True, value=1))
    late.finish(running, "n1", 1, True, 14)
    assert await store.commit(late, "runner", NOW + 6) == set()
    assert await store.heartbeat("runner", NOW + 6, LEASE) == {}
    assert (await store.reclaim_expired_instances(NOW + 10 * LEASE)).instances == 0
    assert await store.claim("other", 10, NOW + 10 * LEASE, LEASE) == []
    assert (await store.status(running))["status"] == "cancelled"


async def test_cancel_of_a_queued_instance_and_of_finished_ones(store: Any) -> None:
    done = await finished(store, NOW, ok=True)
    queued = await create(store, NOW + 1)
    admin = admin_of(store)
    assert (await admin.cancel(queued)).status == "cancelled"
    assert await store.claim("runner", 10, NOW + 100, LEASE) == []
    first = await admin.show(queued)
    again = await admin.cancel(queued, "asked again")  # the first answer was lost, say
    assert again == first.summary  # nothing changed
    assert (await admin.show(queued)).error == first.error
    with pytest.raises(InstanceStateError, match=r"already finished \(completed\)") as raised:
        await admin.cancel(done)
    assert (raised.value.instance_id, raised.value.status) == (done, "completed")
    assert (await admin.show(done)).result == "done"  # untouched


# retrying and requeueing ----------------------------------------------------------------------


async def newer_version(store: Any, at: float) -> str:
    """Register a newer program of `Single` (by running an instance of it); its version."""
    text = SINGLE.wrl.replace("noop(value)", "noop(value + 1)")
    version = wrl.version_of(text)
    newer = NewInstance(workflow="Single", version=version, wrl=text, inputs={"value": 0})
    await store.create_instances([newer], at)
    return version


async def test_retry_starts_a_failed_or_cancelled_instance_again_on_the_newest_version(
    store: Any,
) -> None:
    failed = await finished(store, NOW, ok=False, value=5, priority=2)
    completed = await finished(store, NOW + 1, ok=True)
    cancelled = await create(store, NOW + 2, value=6)
    admin = admin_of(store, NOW + 100)
    await admin.cancel(cancelled)
    newest = await newer_version(store, NOW + 50)

    again = await admin.retry(failed)
    assert again.id not in (failed, cancelled)
    assert (again.workflow, again.version, again.status, again.priority) == (
        "Single", newest, "queued", 2)  # fmt: skip
    assert (again.created_at, again.attempt_count) == (NOW + 100, 0)
    assert (await admin.show(again.id)).inputs == {"value": 5}
    assert (await admin.show(failed)).status == "failed"  # the old one is kept as it was
    assert (await admin.retry(cancelled)).version == newest

    for refused in (again.id, completed):
        with pytest.raises(InstanceStateError, match="only failed or cancelled instances"):
            await admin.retry(refused)


async def test_requeue_cancels_an_unfinished_instance_and_starts_it_again(store: Any) -> None:
    running = await held(store, NOW, value=9)
    done = await finished(store, NOW + 1, ok=True, value=4)
    newest = await newer_version(store, NOW + 2)
    admin = admin_of(store, NOW + 100)

    again = await admin.requeue(running)
    assert (again.version, again.status) == (newest, "queued")
    old = await admin.show(running)
    assert old.status == "cancelled"
    assert old.error["message"] == f"requeued as instance {again.id}"
    assert (await admin.show(again.id)).inputs == {"value": 9}
    assert await store.commit(CommitBatch(), "runner", NOW + 101) == set()
    assert set(await store.heartbeat("runner", NOW + 101, LEASE)) == set()

    rerun = await admin.requeue(done)  # a finished instance is kept as it is
    assert (rerun.version, (await admin.show(done)).status) == (newest, "completed")


# the runtime, end to end ------------------------------------------------------------------------


async def test_cancelling_a_local_runtime_instance_raises_in_its_waiter() -> None:
    async with LocalRuntime() as runtime:
        instance_id = await runtime.submit(SLOW, {"value": 1, "seconds": 30})
        admin = runtime.admin()
        while (await admin.show(instance_id)).attempts == ():
            await asyncio.sleep(0.01)
        started = time.monotonic()
        await admin.cancel(instance_id, "stop")
        with pytest.raises(WorkflowCancelled, match="stop"):
            await runtime.result(instance_id, timeout=10)
        assert time.monotonic() - started < 5
        assert (await admin.list(status="cancelled")).items[0].id == instance_id


def _old_cancel_error() -> dict[str, Any]:
    error: dict[str, Any] = error_json(WorkflowCancelled("by hand"))
    return {**error, "type": "waymark_runtime.errors:InstanceCancelled"}


# the schema -----------------------------------------------------------------------------------


async def test_instances_cancelled_before_the_status_existed_become_cancelled(
    pg_server: str,
) -> None:
    """Migration 0006: a cancel used to store `failed` with an `InstanceCancelled` error (the
    earlier name of `WorkflowCancelled`, which such stored errors still resolve to)."""
    dsn = await asyncio.to_thread(create_database, pg_server, "cancelled", migrated=False)
    try:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(queries()["migrations_table"])
            for migration in migrations():
                if migration.number < 6:
                    await _apply(connection, migration)
            await connection.execute(_OLD_VERSION)
            for instance_id, error in ((_CANCELLED, _old_cancel_error()),
                                       (_FAILED, error_json(ValueError("boom")))):  # fmt: skip
                await connection.execute(_OLD_INSTANCE, instance_id, dumps(error))
        finally:
            await connection.close()
        await migrate_async(dsn)
        store = await PostgresStore.open(dsn, run_migrations=False)
        try:
            listed = await admin_of(store).list()
        finally:
            await store.close()
        statuses = {item.id: item.status for item in listed.items}
        assert statuses == {_CANCELLED: "cancelled", _FAILED: "failed"}
        old_error = exception_of(_old_cancel_error())
        assert type(old_error) is WorkflowCancelled and str(old_error) == "by hand"
    finally:
        await asyncio.to_thread(drop_database, pg_server, dsn)


_CANCELLED = "00000000-0000-4000-8000-000000000001"
_FAILED = "00000000-0000-4000-8000-000000000002"
_OLD_VERSION = "INSERT INTO waymark_workflow_versions (name, version, wrl) VALUES ('W', 'v', '')"
_OLD_INSTANCE = """
INSERT INTO waymark_instances (id, workflow_name, workflow_version, inputs, status, error)
VALUES ($1::uuid, 'W', 'v', '{}', 'failed', $2::json)
"""


async def test_a_runner_stops_without_waiting_for_attempts_of_a_cancelled_instance(
    database: str, worker_env: Any
) -> None:
    """Its running attempt is moot: the runner does not spend its shutdown grace on it."""
    settings = runner_settings(database, shutdown_grace_seconds=20.0)
    async with emptied_store(database) as store:
        slow = NewInstance(workflow=SLOW.name, version=SLOW.version, wrl=SLOW.wrl,
                           inputs={"value": 1, "seconds": 60.0}, priority=0)  # fmt: skip
        [instance_id] = await store.create_instances([slow], time.time())
        admin = Admin(store)
        async with running(store, settings):
            while not any(a.started_at for a in (await admin.show(instance_id)).attempts):
                await asyncio.sleep(0.05)
            await admin.cancel(instance_id)
            stopping = time.monotonic()
        assert time.monotonic() - stopping < 10  # not the 20 s grace, nor the 60 s action
    async with waymark.connect(database) as client:
        status = await client.get_status(instance_id)
        assert status is not None and status.status == "cancelled"
        with pytest.raises(WorkflowCancelled, match="cancelled by an administrator"):
            await client.get_result(instance_id, timeout=5)


async def test_connect_opens_an_admin_on_the_configured_database(database: str) -> None:
    async with emptied_store(database) as store:
        instance_id = await create(store, NOW)
    settings = Settings.from_env({"WAYMARK_DATABASE_URL": database})
    async with connect(settings) as admin:
        assert [item.id for item in (await admin.list()).items] == [instance_id]
