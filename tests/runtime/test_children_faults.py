"""`start-workers` processes SIGKILLed, or SIGSTOPped past their lease, while trees of child
workflows run: every tree ends with the outcome its body gives as plain Python, and no child
starts twice."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

import waymark
from tests.runtime import child_flows as flows
from tests.runtime.support import start_workers_env, start_workers_process
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault
MODULE = "tests.runtime.child_flows"


async def _children(database: str) -> int:
    store = await PostgresStore.open(database, run_migrations=False, max_size=1)
    try:
        sql = "SELECT count(*) FROM waymark_instances WHERE parent_id IS NOT NULL"
        return int(await store.pool.fetchval(sql))
    finally:
        await store.close()


@pytest.mark.usefixtures("store")  # tables emptied: the children counted are this test's
@pytest.mark.parametrize("fault", ["killed", "paused"])
async def test_losing_start_workers_while_children_run(
    database: str, tmp_path: Path, fault: str
) -> None:
    sizes = [3, 4, 5]
    expected = [await flows.SlowTree().run_inline(k=k) for k in sizes]
    async with waymark.connect(database):
        ids = [await flows.SlowTree().run(k=k, _blocking=False) for k in sizes]
    env = start_workers_env(database, WAYMARK_USER_MODULE=MODULE)
    with start_workers_process(env, tmp_path / "first.log") as first:
        deadline = time.monotonic() + 30
        while await _children(database) < 8:  # the trees are growing
            assert time.monotonic() < deadline, "no children started"
            await asyncio.sleep(0.05)
        if fault == "killed":
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        else:
            os.kill(first.pid, signal.SIGSTOP)  # past its lease while the second runs
        try:
            with start_workers_process(env, tmp_path / "second.log"):
                async with waymark.connect(database) as client:
                    outcome = await asyncio.gather(*(client.get_result(i, timeout=60) for i in ids))
        finally:
            if fault == "paused":
                os.kill(first.pid, signal.SIGCONT)
    assert outcome == expected
    leaves = sum(sizes)
    factorials = sum(i + 2 for size in sizes for i in range(size))  # Factorial(n) is n deep
    assert await _children(database) == leaves + factorials  # every child started once
