"""Workflow concurrency keys across a runner's SIGKILL: the instances a killed runner held stay
admitted (a slot is held from admission to the end) until the next runner takes them over and
finishes them; then each key's next in line is admitted. No key ever runs two instances at
once, each key's instances run in submission order, and nothing waits for ever."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

import waymark
from tests.runtime import flow_flows as flows
from tests.runtime.flow_records import assert_one_at_a_time_per_customer, spans
from tests.runtime.support import start_workers_env, start_workers_process
from tests.runtime.test_faults import wait_for

pytestmark = pytest.mark.fault
CUSTOMERS, ORDERS, SECONDS = ("a", "b"), 3, 0.4


def _started(record: Path) -> int:
    lines = record.read_text().splitlines() if record.exists() else []
    return sum(line.startswith("start") for line in lines)


async def test_a_runner_killed_mid_run_hands_its_admitted_instances_over(
    database: str, tmp_path: Path, record: Path
) -> None:
    env = start_workers_env(database, WAYMARK_USER_MODULE="tests.runtime.flow_flows")
    async with waymark.connect(database) as client:
        ids = [await flows.PerCustomer().run(customer, order, SECONDS, _blocking=False)
               for order in range(ORDERS) for customer in CUSTOMERS]  # fmt: skip
        with start_workers_process(env, tmp_path / "lost.log") as lost:
            await wait_for(lambda: _started(record) >= 3, 25, "the first steps")  # mid-instance
            os.killpg(lost.pid, signal.SIGKILL)  # its workers with it
            lost.wait()
        with start_workers_process(env, tmp_path / "next.log"):
            results = [await client.get_result(i, timeout=30) for i in ids]
    assert results == [f"{c}/{o}" for o in range(ORDERS) for c in CUSTOMERS]
    assert_one_at_a_time_per_customer(spans(record), CUSTOMERS, ORDERS)
