"""A cancel on `LocalRuntime` keeps an action's concurrency limit, as on PostgreSQL: the slots
of the cancelled instance's running attempts stay taken until their executions end."""

from __future__ import annotations

import asyncio
from pathlib import Path

import waymark
from tests.runtime import flow_flows as flows
from tests.runtime.flow_records import executions, max_overlap, spans
from waymark_runtime.local import LocalRuntime


def _started(record: Path) -> int:
    lines = record.read_text().splitlines() if record.exists() else []
    return sum(line.startswith("start ") for line in lines)


async def test_a_local_cancel_holds_the_slots_until_the_executions_end(record: Path) -> None:
    async with LocalRuntime(virtual_time=False) as runtime:
        holder = await flows.FanNarrow().run(flows.SLOTS, 2.0, _blocking=False)
        while _started(record) < flows.SLOTS:
            await asyncio.sleep(0.02)
        waiter = await flows.OneNarrow().run("w", 0.05, _blocking=False)
        await asyncio.sleep(0.1)
        await waymark.cancel(holder)
        assert await asyncio.wait_for(runtime.result(waiter), 30) == "w"
        assert (await runtime.admin().show(holder)).status == "cancelled"
    assert max_overlap(executions(record)) <= flows.SLOTS
    found = spans(record)
    assert found["w"][0] >= max(found[f"n{i}"][1] for i in range(flows.SLOTS))
