"""A cancelled or abandoned attempt of a limited action gives its slot back as soon as its
execution is known to have stopped (its worker answered the stop, or died), not when the
claim's lease would have lapsed; an execution that may still go on (its worker is frozen)
keeps the slot until the lease, so the action never runs past its limit."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path
from typing import Any

import waymark
from tests.runtime import flow_flows as flows
from tests.runtime import test_flow_store as flow_store
from tests.runtime.flow_records import executions, max_overlap
from tests.runtime.support import runner_settings, running
from waymark_runtime.flow import ActionLimits
from waymark_runtime.runner import Runner
from waymark_runtime.store.postgres import PostgresStore

MODULE = "tests.runtime.flow_flows"


async def test_slots_held_past_a_cancel_are_freed_by_the_claim_that_ran_them(
    any_store: Any,
) -> None:
    now = time.time()
    limits = ActionLimits(concurrency=2)
    first, epoch, nodes = await flow_store.queued_attempts(any_store, now, 2)
    wanted = flow_store.requests(first, epoch, nodes, limits)
    assert len((await any_store.acquire_slots("r", wanted, flow_store.at(now))).granted) == 2
    assert await any_store.cancel(first, {"$t": "exception"}, now + 1)
    second, second_epoch, waiting = await flow_store.queued_attempts(any_store, now + 1, 1)
    asked = flow_store.requests(second, second_epoch, waiting, limits)
    # another claim's word (an older epoch) frees nothing: its execution may not be the last
    await any_store.release_slots([(first, epoch - 1, node, 1) for node in nodes])
    assert (await any_store.acquire_slots("r", asked, flow_store.at(now + 2))).granted == []
    await any_store.release_slots([(first, epoch, nodes[0], 1)])
    assert len((await any_store.acquire_slots("r", asked, flow_store.at(now + 2))).granted) == 1


async def _started(record: Path, count: int) -> None:
    while len(record.read_text().splitlines() if record.exists() else []) < count:
        await asyncio.sleep(0.05)


async def test_a_cancel_frees_the_slots_once_the_worker_stopped_them_long_before_the_lease(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    """The lease is a minute long and the heartbeat half that: the waiting attempt starts
    within seconds of the cancel, because the runner heard of it (`waymark_ended`), stopped
    the cancelled executions on its worker, and the worker said so."""
    settings = runner_settings(database, user_modules=(MODULE,), lock_ttl_ms=60_000,
                               lock_heartbeat_ms=30_000)  # fmt: skip
    async with running(store, settings), waymark.connect(database) as client:
        holder = await flows.FanNarrow().run(2, 60.0, _blocking=False)
        await _started(worker_env, 2)
        waiter = await flows.OneNarrow().run("w", 0.0, _blocking=False)
        await waymark.cancel(holder)
        assert await asyncio.wait_for(client.get_result(waiter), 15) == "w"
    assert max_overlap(executions(worker_env)) <= flows.SLOTS


def _busy_workers(runner: Runner) -> list[int]:
    return [w.process.pid for w in runner.pool.workers if w.in_flight]  # type: ignore[attr-defined]


async def test_a_frozen_worker_keeps_the_slot_of_its_cancelled_attempt_until_the_lease(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    """Its runner cannot know that a frozen worker stopped anything: the waiting attempt is
    granted only once the cancelled attempts' slots lapse with the lease."""
    settings = runner_settings(database, user_modules=(MODULE,), worker_count=3,
                               lock_ttl_ms=3_000)  # fmt: skip
    async with running(store, settings) as runner, waymark.connect(database) as client:
        holder = await flows.FanNarrow().run(2, 60.0, _blocking=False)
        await _started(worker_env, 2)
        frozen = _busy_workers(runner)
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        try:
            await waymark.cancel(holder)
            held = await store.pool.fetch(
                "SELECT slot_until FROM waymark_attempts WHERE instance_id = $1", holder
            )
            lapses = max(row["slot_until"] for row in held)
            waiter = await flows.OneNarrow().run("w", 0.0, _blocking=False)
            assert await asyncio.wait_for(client.get_result(waiter), 30) == "w"
        finally:
            for pid in frozen:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
        [row] = await store.attempts_of(waiter)
    assert row["started_at"] >= lapses.timestamp()


async def test_an_action_that_goes_on_when_stopped_ends_with_its_worker_before_the_next(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    """It catches the cancellation of the stop: its worker is killed, and the next attempt of
    the action starts after, never beside it."""
    settings = runner_settings(database, user_modules=(MODULE,), worker_count=2)
    async with running(store, settings), waymark.connect(database) as client:
        holder = await flows.Stubborn().run("a", True, _blocking=False)
        await _started(worker_env, 2)  # started, and alive
        waiter = await flows.Stubborn().run("b", False, _blocking=False)
        await waymark.cancel(holder)
        assert await asyncio.wait_for(client.get_result(waiter), 30) == "b"
    lines = [line.split() for line in worker_env.read_text().splitlines()]
    [began] = [float(at) for kind, tag, at in lines if (kind, tag) == ("start", "b")]
    assert max(float(at) for kind, tag, at in lines if tag == "a") < began
