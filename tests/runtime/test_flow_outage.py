"""An action's concurrency limit across a PostgreSQL outage longer than the lease, with two
runners holding its slots mid-action: neither can renew its lease, so their workers stop the
executions before the leases lapse in the database; once the server is back the instances are
taken over and run again. At no moment do more than `SLOTS` executions overlap, every instance
ends with its result, and no slot is left taken (a later instance runs at once)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

import waymark
from tests.runtime import flow_flows as flows
from tests.runtime.flow_records import executions, max_overlap, spans
from tests.runtime.support import start_workers_env, start_workers_process
from tests.runtime.test_fencing import own_server, restart
from tests.runtime.test_steering_faults import rows

pytestmark = pytest.mark.fault
MODULE = "tests.runtime.flow_flows"
SECONDS = 4.0


def _started(record: Path) -> int:
    lines = record.read_text().splitlines() if record.exists() else []
    return sum(line.startswith("start ") for line in lines)


@pytest.mark.xfail(
    reason="open defect, intermittent: after the outage past the lease, instances of the "
    "limited action are sometimes not claimed again within 90 s (two causes fixed: a worker "
    "kept reserved for a suspect that had gone, a slot granted under a lapsed lease)",
    strict=False,
)
async def test_an_outage_past_the_lease_never_lets_a_limited_action_run_over_its_limit(
    tmp_path: Path, record: Path
) -> None:
    async with own_server("flowout") as (server, database):
        env = start_workers_env(database, WAYMARK_USER_MODULE=MODULE,
                                WAYMARK_MAX_CONCURRENT_INSTANCES="2")  # fmt: skip
        with (
            start_workers_process(env, tmp_path / "runner-1.log"),
            start_workers_process(env, tmp_path / "runner-2.log"),
        ):
            async with waymark.connect(database):
                ids = [await flows.OneNarrow().run(f"c{i}", SECONDS, _blocking=False)
                       for i in range(4)]  # fmt: skip
            deadline = time.monotonic() + 30
            while _started(record) < flows.SLOTS:
                assert time.monotonic() < deadline, "the first executions never started"
                await asyncio.sleep(0.05)
            await restart(server, down_for=3.5)  # past the 2 s lease, both slots taken
            async with waymark.connect(database) as client:
                outcome = await asyncio.wait_for(
                    asyncio.gather(*(client.get_result(i) for i in ids)), 90
                )
                assert outcome == [f"c{i}" for i in range(4)]
                began = time.monotonic()
                late = await flows.OneNarrow().run("late", 0.0)
                assert late == "late" and time.monotonic() - began < 5  # no slot leaked
        running = await rows(database, "SELECT count(*) AS n FROM waymark_attempts"
                             " WHERE status IN ('running', 'queued')")  # fmt: skip
    assert running[0]["n"] == 0
    assert max_overlap(executions(record)) <= flows.SLOTS
    assert all(end - start >= SECONDS for tag, (start, end) in spans(record).items()
               if tag != "late")  # fmt: skip
