"""Flow control on `LocalRuntime`: workflow concurrency keys, action concurrency and rate limits,
and the configuration errors of all three.

The limits are measured from what really ran: every action appends its start and end times to a
file (`flow_records`); rate windows follow the virtual clock. `test_flow_control_pg` holds the
same limits on PostgreSQL across two runner processes.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.runtime import flow_flows as flows
from tests.runtime.flow_records import (
    assert_one_at_a_time_per_customer,
    executions,
    max_in_window,
    max_overlap,
    spans,
)
from waymark import Concurrency, FlowConfigError, RateLimit, Workflow, action, workflow
from waymark_runtime.flow import ActionLimits
from waymark_runtime.local import LocalRuntime

# -- malformed configuration ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Concurrency(limit=0), "Concurrency(limit=...) must be >= 1, got 0"),
        (lambda: Concurrency(limit="2"), "must be an int >= 1, got '2'"),
        (lambda: Concurrency(limit=True), "must be an int >= 1, got True"),
        (lambda: Concurrency(key=""), "names an input of run() or is None, got ''"),
        (lambda: Concurrency(key=3), "names an input of run() or is None, got 3"),
        (lambda: RateLimit(0), "RateLimit(limit) must be >= 1, got 0"),
        (lambda: RateLimit(1.5), "RateLimit(limit) must be an int >= 1, got 1.5"),
        (lambda: RateLimit(5, per=0), "RateLimit(per=...) must be positive, got 0"),
        (lambda: RateLimit(5, per=timedelta(seconds=-1)), "must be positive"),
        (lambda: RateLimit(5, per="1s"), "must be a timedelta or seconds, got '1s'"),
        (lambda: action(concurrency=0), "@action(concurrency=...) must be >= 1, got 0"),
        (lambda: action(concurrency=2.5), "@action(concurrency=...) must be an int >= 1"),
        (lambda: action(rate_limit=10), "takes a waymark.RateLimit, got 10"),
    ],
)
def test_malformed_limits_are_refused_with_a_clear_error(make: Any, message: str) -> None:
    with pytest.raises(FlowConfigError) as caught:
        make()
    assert message in str(caught.value)


def test_a_concurrency_key_must_be_an_input_of_run() -> None:
    with pytest.raises(FlowConfigError) as caught:

        @workflow(concurrency=Concurrency(key="customer", limit=1))
        class Misnamed(Workflow):
            async def run(self, customer_id: str, *rest: int) -> str:
                return customer_id

    assert str(caught.value) == (
        "Misnamed: Concurrency(key='customer') is not an input of run() (its inputs: customer_id)"
    )
    with pytest.raises(FlowConfigError, match=r"takes a waymark\.Concurrency, got 1"):

        @workflow(concurrency=1)  # type: ignore[arg-type]
        class Bare(Workflow):
            async def run(self) -> None:
                return None


def test_the_decorators_work_with_and_without_arguments() -> None:
    assert flows.narrow.definition.limits == waymark_limits(2, None)
    assert flows.step.definition.limits is None
    assert flows.paced.definition.limits is not None
    assert flows.PerCustomer.__waymark_concurrency__ == Concurrency("customer_id", 1)
    assert flows.FanNarrow.__waymark_concurrency__ is None


def waymark_limits(concurrency: int | None, rate: RateLimit | None) -> Any:

    return ActionLimits(concurrency, rate)


# -- LocalRuntime --------------------------------------------------------------------------


async def test_local_action_concurrency_holds_and_is_used(record: Path) -> None:
    async with LocalRuntime():
        results = await asyncio.wait_for(flows.FanNarrow().run(8, 0.05), 30)
    assert results == [f"n{i}" for i in range(8)]
    assert max_overlap(list(spans(record).values())) == flows.SLOTS


async def test_local_action_concurrency_holds_for_an_action_value(record: Path) -> None:
    async with LocalRuntime():
        results = await asyncio.wait_for(flows.FanNarrowByValue().run(8, 0.05), 30)
    assert results == [f"n{i}" for i in range(8)]
    assert max_overlap(list(spans(record).values())) == flows.SLOTS


async def test_local_retries_wait_for_a_slot_too(record: Path) -> None:
    async with LocalRuntime():
        results = await asyncio.wait_for(flows.FlakyNarrow().run(5, 0.03), 30)
    assert results == [f"f{i}" for i in range(5)]
    ran = executions(record)
    assert len(ran) == 10  # each failed once, then succeeded
    assert max_overlap(ran) == flows.SLOTS


async def test_local_rate_limit_follows_virtual_time(record: Path) -> None:
    async with LocalRuntime() as runtime:
        began = time.monotonic()
        instance = await flows.FanPaced().run(23, _blocking=False)
        assert len(await asyncio.wait_for(runtime.result(instance), 30)) == 23
        took = time.monotonic() - began
        rows = await runtime.store.attempts_of(instance)
    started = [row["started_at"] for row in rows]
    assert max_in_window(started, flows.PER) == flows.RATE
    # 23 starts at 5 per 0.5 s take at least 2 virtual seconds, and no real time
    assert max(started) - min(started) >= 4 * flows.PER
    assert took < 5


async def test_local_workflow_concurrency_per_key(record: Path) -> None:
    async with LocalRuntime() as runtime:
        ids = [await flows.PerCustomer().run(customer, order, 0.02, _blocking=False)
               for order in range(3) for customer in ("a", "b")]  # fmt: skip
        results = [await asyncio.wait_for(runtime.result(i), 30) for i in ids]
    assert results == [f"{c}/{o}" for o in range(3) for c in ("a", "b")]
    assert_one_at_a_time_per_customer(spans(record), ("a", "b"), 3)


async def test_local_key_none_limits_the_workflow_and_defaults_key(record: Path) -> None:
    async with LocalRuntime() as runtime:
        ids = [await flows.TwoAtATime().run(i, 0.05, _blocking=False) for i in range(6)]
        assert [await runtime.result(i) for i in ids] == list(range(6))
        regional = [await flows.Regional().run(i, _blocking=False) for i in range(2)]
        regional.append(await flows.Regional().run(2, "us", _blocking=False))
        assert [await runtime.result(i) for i in regional] == ["eu", "eu", "us"]
        keys = [runtime.store.instances[i].flow_key for i in regional]
    assert keys == ['Regional:"eu"', 'Regional:"eu"', 'Regional:"us"']
    found = spans(record)
    assert max_overlap([found[f"all/{i}"] for i in range(6)]) == 2


async def test_local_children_of_a_limited_workflow_wait_their_turn(record: Path) -> None:
    async with LocalRuntime():
        assert await flows.SoloParent().run(4) == ["s0", "s1", "s2", "s3"]
    assert max_overlap(list(spans(record).values())) == 1
