"""A `start-workers` process SIGSTOPped past its lease while it holds parents whose children
run, and SIGCONTed while the runner that took them over is still at work: it wakes with stale
claims (parents, children, their sleeps and replies) and must commit none of them (every commit
is fenced by the lease and the claim's epoch). Every tree ends with its plain-Python outcome,
no child starts twice, and both runners live on."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

import waymark
from tests.runtime import child_flows as flows
from tests.runtime.support import frozen, start_workers_env, start_workers_process
from tests.runtime.test_children_faults import MODULE, _children
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault

FINISHED = "SELECT count(*) FROM waymark_instances WHERE finished_at IS NOT NULL"
OWNERS = "SELECT DISTINCT lease_owner FROM waymark_instances WHERE lease_owner IS NOT NULL"


async def _values(database: str, sql: str) -> list[Any]:
    store = await PostgresStore.open(database, run_migrations=False, max_size=1)
    try:
        return [row[0] for row in await store.pool.fetch(sql)]
    finally:
        await store.close()


async def _until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


@pytest.mark.usefixtures("store")  # tables emptied: the children counted are this test's
async def test_a_runner_resumed_while_its_parents_are_run_elsewhere_commits_nothing_stale(
    database: str, tmp_path: Path
) -> None:
    sizes = [3, 4]
    expected = [await flows.SlowTree().run_inline(k=k) for k in sizes]
    async with waymark.connect(database):
        ids = [await flows.SlowTree().run(k=k, _blocking=False) for k in sizes]
    env = start_workers_env(database, WAYMARK_USER_MODULE=MODULE)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    with start_workers_process(env, first_log) as first:

        async def growing() -> bool:
            return await _children(database) >= 6

        await _until(growing, "the trees to grow")
        owners: list[Any] = []

        async def held() -> bool:  # (a tree waiting on its children may hold no lease)
            owners[:] = await _values(database, OWNERS)
            return len(owners) == 1

        await _until(held, "the first runner to hold instances")
        [paused_owner] = owners
        os.kill(first.pid, signal.SIGSTOP)
        await frozen(first)
        try:
            with start_workers_process(env, second_log) as second:
                [finished] = await _values(database, FINISHED)

                async def taken_over() -> bool:  # the second runner holds the parents and
                    owners = await _values(database, OWNERS)  # has finished instances since
                    [done] = await _values(database, FINISHED)
                    return paused_owner not in owners and done >= finished + 3

                await _until(taken_over, "the second runner to take the trees over")
                os.kill(first.pid, signal.SIGCONT)  # while the trees still run
                async with waymark.connect(database) as client:
                    outcome = await asyncio.gather(*(client.get_result(i, timeout=60) for i in ids))
                assert second.poll() is None
        finally:
            os.kill(first.pid, signal.SIGCONT)
        await asyncio.sleep(1.0)  # the first runner's stale commits, had it any, are in
        assert first.poll() is None
    assert outcome == expected
    leaves = sum(sizes)
    factorials = sum(i + 2 for size in sizes for i in range(size))  # Factorial(n) is n deep
    assert await _children(database) == leaves + factorials  # every child started once
    for log in (first_log, second_log):
        assert "Traceback" not in log.read_text(errors="replace"), log
