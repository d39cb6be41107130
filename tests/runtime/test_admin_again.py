"""A retry or requeue is made once per source instance: the same call made again (its answer
was lost with the connection, a person pressed the button twice) returns the instance the first
one created, on both stores; two made at once create one instance."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from tests.runtime.support import lose_an_answer
from tests.runtime.test_admin import NOW, admin_of, finished, held
from waymark_runtime.admin import Admin
from waymark_runtime.errors import WorkflowCancelled
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.values import error_json


async def _count(admin: Admin) -> int:
    return len((await admin.list(limit=100)).items)


async def test_a_retry_made_again_returns_the_instance_the_first_made(any_store: Any) -> None:
    failed = await finished(any_store, NOW, ok=False, value=5)
    admin = admin_of(any_store, NOW + 100)
    first = await admin.retry(failed)
    again, created = await admin.again(failed, requeue=False)
    assert (again.id, created) == (first.id, False)
    assert (await admin.retry(failed)).id == first.id
    assert (await admin.requeue(failed)).id == first.id  # one restart per source, either way
    assert await _count(admin) == 2

    # a deliberate new attempt: retry the newer instance once it fails too
    await any_store.cancel(first.id, error_json(WorkflowCancelled("no")), NOW + 101)
    newer, created = await admin.again(first.id, requeue=False)
    assert created and newer.id not in (failed, first.id)
    assert (await admin.retry(failed)).id == first.id
    assert await _count(admin) == 3


async def test_a_requeue_made_again_returns_the_instance_the_first_made(any_store: Any) -> None:
    running = await held(any_store, NOW, value=9)
    admin = admin_of(any_store, NOW + 100)
    first = await admin.requeue(running)
    assert (await admin.requeue(running)).id == first.id
    assert (await admin.retry(running)).id == first.id  # cancelled by the requeue
    old = await admin.show(running)
    assert (old.status, old.error["message"]) == ("cancelled", f"requeued as instance {first.id}")
    assert await _count(admin) == 2


@pytest.mark.parametrize("requeue", [False, True])
async def test_a_restart_whose_answer_was_lost_is_not_made_twice(
    store: PostgresStore, monkeypatch: pytest.MonkeyPatch, requeue: bool
) -> None:
    source = await (held(store, NOW) if requeue else finished(store, NOW, ok=False))
    admin = admin_of(store, NOW + 100)
    lost = lose_an_answer(monkeypatch, "start_again")
    with pytest.raises(asyncpg.ConnectionDoesNotExistError):
        await admin.again(source, requeue=requeue)
    again, created = await admin.again(source, requeue=requeue)
    assert (lost, created) == ([again.id], False)
    assert await _count(admin) == 2


@pytest.mark.parametrize("requeue", [False, True])
async def test_restarts_made_at_once_create_one_instance(
    store: PostgresStore, requeue: bool
) -> None:
    source = await (held(store, NOW) if requeue else finished(store, NOW, ok=False))
    admin = admin_of(store, NOW + 100)
    made = await asyncio.gather(*(admin.again(source, requeue=requeue) for _ in range(8)))
    assert len({summary.id for summary, _ in made}) == 1
    assert [created for _, created in made].count(True) == 1
    assert await _count(admin) == 2
    assert (await admin.show(source)).status == ("cancelled" if requeue else "failed")


async def test_collecting_a_restarted_instance_and_its_restart_keeps_nothing(
    any_store: Any,
) -> None:
    failed = await finished(any_store, NOW, ok=False)
    admin = admin_of(any_store, NOW + 100)
    first = await admin.retry(failed)
    await any_store.cancel(first.id, error_json(WorkflowCancelled("no")), NOW + 101)
    assert await any_store.collect_garbage(NOW + 1000, retention=10.0) == 2
    assert await _count(admin) == 0
