"""Durable sleeps whose wake-ups fall while PostgreSQL is down (a restart longer than the
lease), the runner riding the outage out: one sleep it holds (shorter than
`WAYMARK_EVICT_SLEEP_THRESHOLD_MS`), one it released (longer). Each ends once the database is
back, never sooner than it should, on that same runner, with the result of its body in plain
Python."""

from __future__ import annotations

import time
from collections.abc import Awaitable
from pathlib import Path

import pytest

from tests.runtime import runtime_flows as flows
from tests.runtime.test_faults import count, results, start_workers, submit, wait_for
from tests.runtime.test_fencing import own_server, restart

pytestmark = pytest.mark.fault
HELD, RELEASED = 1.0, 2.5


async def test_sleeps_due_during_a_postgres_restart_end_once_it_is_back(tmp_path: Path) -> None:
    record = tmp_path / "executions.log"
    async with own_server("sleepout") as (server, database):
        started = time.time()
        ids = await submit(database, [(flows.SleepThenAdd, (HELD,)),
                                      (flows.SleepThenAdd, (RELEASED,))])  # fmt: skip
        with start_workers(database, record, WAYMARK_EVICT_SLEEP_THRESHOLD_MS="2000") as runner:
            timers = "SELECT count(*) FROM waymark_timers"
            await wait_for(lambda: _two(count(database, timers)), 20, "the sleeps to start")
            await restart(server, down_for=RELEASED + 1.0)  # past both wake-ups and the lease
            outcome = await results(database, ids, timeout=20)
            assert runner.process.poll() is None  # the runner rode the outage out
        assert outcome == [2, 2]  # noop(1), the sleep, add(1, 1)
        assert time.time() - started >= RELEASED


async def _two(found: Awaitable[int]) -> bool:
    return await found == 2
