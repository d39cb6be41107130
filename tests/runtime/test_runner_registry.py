"""The runner registry: a runner registers when it starts (host, process, worker count), its
heartbeat keeps its row current, it unregisters when it stops; the admin API lists runners with
the instances each holds. Held against both stores, and with real runners."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Callable

from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings, running
from waymark.testing import LocalRuntime
from waymark_runtime.admin import Admin, RunnerRecord
from waymark_runtime.engine import NewInstance
from waymark_runtime.store.contract import RunnerInfo, RunnerStore
from waymark_runtime.store.postgres import PostgresStore

SINGLE = flows.Single.__waymark_definition__
assert SINGLE is not None


def info(runner_id: str, workers: int = 4) -> RunnerInfo:
    return RunnerInfo(id=runner_id, host="host-a", pid=4242, worker_count=workers)


async def test_register_heartbeat_list_and_unregister(any_store: RunnerStore) -> None:
    store = any_store
    at = 1_800_000_000.0
    await store.register_runner(info("runner-old"), at)
    await store.register_runner(info("runner-new", workers=8), at + 10)
    spec = NewInstance(workflow=SINGLE.name, version=SINGLE.version, wrl=SINGLE.wrl,
                       inputs={"value": 1})  # fmt: skip
    await store.create_instances([spec, spec], at)
    assert len(await store.claim("runner-new", 2, at + 11, 30.0)) == 2
    await store.heartbeat("runner-new", at + 20, 30.0)
    admin = Admin(store)  # type: ignore[arg-type]
    newest, oldest = await admin.runners()
    assert (newest.id, newest.host, newest.pid, newest.worker_count) == ("runner-new", "host-a",
                                                                         4242, 8)  # fmt: skip
    assert (newest.started_at, newest.heartbeat_at, newest.instances) == (at + 10, at + 20, 2)
    assert (oldest.id, oldest.heartbeat_at, oldest.instances) == ("runner-old", at, 0)
    await store.unregister_runner("runner-old")
    assert [r.id for r in await admin.runners()] == ["runner-new"]


async def test_a_start_forgets_runners_silent_for_a_day(any_store: RunnerStore) -> None:
    at = 1_800_000_000.0
    await any_store.register_runner(info("died"), at)
    await any_store.register_runner(info("lives"), at + 86_400 - 1)
    await any_store.register_runner(info("later"), at + 86_400 + 1)
    listed = await any_store.list_runners()  # type: ignore[attr-defined]
    assert sorted(row["id"] for row in listed) == ["later", "lives"]


async def test_a_runner_registers_beats_and_unregisters(
    store: PostgresStore, database: str, worker_env: object
) -> None:
    settings = runner_settings(database, lock_heartbeat_ms=100, lock_ttl_ms=2_000, worker_count=1)
    admin = Admin(store)
    async with running(store, settings, owner="registry-test"):
        [me] = await _until(
            admin, lambda rows: bool(rows) and rows[0].heartbeat_at > rows[0].started_at
        )
        assert (me.id, me.host, me.pid, me.worker_count) == ("registry-test",
                                                             socket.gethostname(), os.getpid(), 1)  # fmt: skip
        assert me.started_at <= me.heartbeat_at <= time.time() + 1
    assert await admin.runners() == ()


async def test_local_runtime_registers_its_runner() -> None:
    async with LocalRuntime() as runtime:
        await flows.Single().run(value=1)  # the runner starts with the first run
        [me] = await runtime.admin().runners()
        assert me.pid == os.getpid() and me.instances == 0


async def _until(
    admin: Admin, ready: Callable[[tuple[RunnerRecord, ...]], bool], timeout: float = 30
) -> tuple[RunnerRecord, ...]:
    """The runners once `ready` says so (a real runner's heartbeat is on its own schedule)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = await admin.runners()
        if ready(rows):
            return rows
        assert time.monotonic() < deadline, f"runners never became ready: {rows}"
        await asyncio.sleep(0.05)
