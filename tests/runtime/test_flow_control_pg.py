"""Flow control on PostgreSQL with two `start-workers` processes sharing the work: a workflow
concurrency key, an action concurrency limit or a rate limit that held only per runner would be
caught. The limits are measured from what really ran (`flow_records`) and from the store's
attempt rows, which say when each attempt was started.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import waymark
from tests.runtime import flow_flows as flows
from tests.runtime import test_flow_store as flow_store
from tests.runtime.flow_records import (
    assert_one_at_a_time_per_customer,
    executions,
    max_in_window,
    max_overlap,
    spans,
)
from tests.runtime.support import (
    ROOT,
    frozen,
    lose_an_answer,
    runner_settings,
    running,
    start_workers_env,
    start_workers_process,
)
from waymark_runtime.flow import ActionLimits
from waymark_runtime.store.postgres import SHORT_IDLE_MS, PostgresStore

MODULE = "tests.runtime.flow_flows"


# -- PostgreSQL, two runner processes --------------------------------------------------------


def _env(database: str, **extra: str) -> dict[str, str]:
    return start_workers_env(database, WAYMARK_USER_MODULE=MODULE,
                             WAYMARK_MAX_CONCURRENT_INSTANCES="3", **extra)  # fmt: skip


async def _ready(*logs: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not all(" ready" in log.read_text(errors="replace") for log in logs if log.exists()):
        assert time.monotonic() < deadline, "a runner did not start"
        await asyncio.sleep(0.05)


async def _two_runners_ran(database: str, tmp_path: Path, work: Any) -> Any:
    logs = [tmp_path / "runner-1.log", tmp_path / "runner-2.log"]
    with start_workers_process(_env(database), logs[0]), \
         start_workers_process(_env(database), logs[1]):  # fmt: skip
        await _ready(*logs)
        async with waymark.connect(database) as client:
            return await asyncio.wait_for(work(client), 120)


async def _owners(client: Any, ids: list[str], action: str) -> set[str]:
    store = await client.store()
    rows = await store.pool.fetch(
        "SELECT DISTINCT lease_owner FROM waymark_attempts WHERE instance_id = ANY ($1::uuid[]) "
        "AND action = $2",
        ids,
        action,
    )
    return {row["lease_owner"] for row in rows}


async def test_action_concurrency_is_global_across_two_runners(
    database: str, tmp_path: Path, record: Path
) -> None:
    async def work(client: Any) -> set[str]:
        ids = [await flows.OneNarrow().run(f"o{i}", 0.3, _blocking=False) for i in range(10)]
        assert [await client.get_result(i) for i in ids] == [f"o{i}" for i in range(10)]
        return await _owners(client, ids, f"{MODULE}:narrow")

    owners = await _two_runners_ran(database, tmp_path, work)
    assert len(owners) == 2  # both runners ran attempts of the limited action
    assert max_overlap(list(spans(record).values())) == flows.SLOTS


async def test_rate_limit_is_global_across_two_runners(
    database: str, tmp_path: Path, record: Path
) -> None:
    async def work(client: Any) -> list[float]:
        ids = [await flows.FanPaced().run(4, _blocking=False) for _ in range(6)]
        assert [len(await client.get_result(i)) for i in ids] == [4] * 6
        store = await client.store()
        assert len(await _owners(client, ids, f"{MODULE}:paced")) == 2
        rows = await store.pool.fetch(
            "SELECT extract(epoch FROM started_at)::float8 AS at FROM waymark_attempts "
            "WHERE action = $1", f"{MODULE}:paced")  # fmt: skip
        return [row["at"] for row in rows]

    started = await _two_runners_ran(database, tmp_path, work)
    assert len(started) == 24
    assert max_in_window(started, flows.PER) <= flows.RATE  # as recorded by the grants
    assert max(started) - min(started) >= (24 / flows.RATE - 1) * flows.PER
    # as the actions saw it: dispatch delays vary by a few milliseconds, never by 0.15 s
    ran = [start for start, _ in spans(record).values()]
    assert max_in_window(ran, flows.PER - 0.15) <= flows.RATE


async def test_workflow_concurrency_per_key_across_two_runners(
    database: str, tmp_path: Path, record: Path
) -> None:
    customers = ("a", "b", "c")

    async def work(client: Any) -> list[str]:
        ids = [await flows.PerCustomer().run(customer, order, 0.15, _blocking=False)
               for order in range(3) for customer in customers]  # fmt: skip
        return [await client.get_result(i) for i in ids]

    results = await _two_runners_ran(database, tmp_path, work)
    assert results == [f"{c}/{o}" for o in range(3) for c in customers]
    assert_one_at_a_time_per_customer(spans(record), customers, 3)


async def test_children_of_a_limited_workflow_wait_their_turn_across_runners(
    database: str, tmp_path: Path, record: Path
) -> None:
    async def work(client: Any) -> list[list[str]]:
        ids = [await flows.SoloParent().run(3, _blocking=False) for _ in range(2)]
        return [await client.get_result(i) for i in ids]

    assert await _two_runners_ran(database, tmp_path, work) == [["s0", "s1", "s2"]] * 2
    assert len(spans(record)) == 3  # tags repeat across the two parents: count executions
    ran = executions(record)
    assert len(ran) == 6
    assert max_overlap(ran) == 1


async def test_waiting_attempts_hold_no_worker_slot(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    """Three worker slots, two of them taken by the limited action: the unlimited attempt
    starts at once although four limited ones wait behind it."""
    settings = runner_settings(database, user_modules=(MODULE,), concurrent_per_worker=3)
    async with running(store, settings), waymark.connect(database):
        results = await asyncio.wait_for(flows.Mixed().run(6, 0.5), 60)
    assert results == [*(f"m{i}" for i in range(6)), "free"]
    found = spans(worker_env)
    first_end = min(end for tag, (_, end) in found.items() if tag != "free")
    assert found["free"][0] < first_end
    assert max_overlap([span for tag, span in found.items() if tag != "free"]) == flows.SLOTS


async def test_a_rate_limited_attempt_is_granted_when_a_worker_can_start_it(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    """One worker slot, busy for 0.8 s while rate-limited attempts become due: a grant records
    its starts, so the gate asks only for what the workers would start at once. Granted while
    the slot was busy, two windows' attempts started together when it freed."""
    settings = runner_settings(database, user_modules=(MODULE,), concurrent_per_worker=1)
    async with running(store, settings), waymark.connect(database):
        results = await asyncio.wait_for(flows.PacedBehind().run(12, 0.8), 60)
    assert results == ["busy", *(f"p{i}" for i in range(12))]
    found = spans(worker_env)
    ran = [start for tag, (start, _) in found.items() if tag != "busy"]
    assert min(ran) >= found["busy"][1]
    assert max_in_window(ran, flows.PER - 0.15) <= flows.RATE


async def test_a_grant_whose_answer_was_lost_is_granted_again(
    database: str, worker_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner asks again (a lost connection is retried); the attempts the lost answer
    started must run, not wait forever for the slots they hold themselves."""
    lost = lose_an_answer(monkeypatch, "acquire_slots", lambda grants: bool(grants.granted))
    store = await PostgresStore.open(database, run_migrations=False)
    settings = runner_settings(database, user_modules=(MODULE,))
    try:
        async with running(store, settings), waymark.connect(database):
            results = await asyncio.wait_for(flows.FanNarrow().run(4, 0.1), 30)
    finally:
        await store.close()
    assert lost
    assert results == [f"n{i}" for i in range(4)]
    ran = executions(worker_env)
    assert len(ran) == 4  # each once
    assert max_overlap(ran) == flows.SLOTS


@pytest.mark.parametrize("fault", ["killed", "paused"])
async def test_a_runner_lost_holding_slots_frees_them_and_never_exceeds_the_limit(
    database: str, tmp_path: Path, record: Path, fault: str
) -> None:
    """A runner SIGKILLed, or SIGSTOPped past its lease while its workers go on, holding both
    slots mid-action: another runner takes the instances over once the lease (2 s) ran out and
    the slots come back, but at no moment do more than `SLOTS` executions overlap (the paused
    runner's workers stop theirs when the lease passes unrenewed)."""
    seconds = 3.0
    first, second = tmp_path / "runner-1.log", tmp_path / "runner-2.log"
    async with waymark.connect(database) as client:
        with start_workers_process(_env(database), first) as lost:
            await _ready(first)
            ids = [await flows.OneNarrow().run(f"c{i}", seconds, _blocking=False)
                   for i in range(3)]  # fmt: skip
            while len(record.read_text().splitlines() if record.exists() else []) < flows.SLOTS:
                await asyncio.sleep(0.05)
            if fault == "killed":
                os.killpg(lost.pid, signal.SIGKILL)  # workers and all
                lost.wait()
            else:
                os.kill(lost.pid, signal.SIGSTOP)  # its workers go on
            lost_at = time.monotonic()
            try:
                with start_workers_process(_env(database), second):
                    results = [await asyncio.wait_for(client.get_result(i), 60) for i in ids]
            finally:
                if fault == "paused":
                    os.kill(lost.pid, signal.SIGCONT)
        assert results == ["c0", "c1", "c2"]
        assert time.monotonic() - lost_at < 30
    assert max_overlap(executions(record)) <= flows.SLOTS
    # each tag's last execution ran to its end: a live runner's lease is renewed as it runs
    assert all(end - start >= seconds for start, end in spans(record).values())


async def test_a_cancel_frees_its_slots_only_once_its_executions_stopped(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    """An instance holding both slots of a limited action is cancelled while its attempts
    run: its runner stops them (at its next heartbeat, not at their end), and the attempt
    waiting for a slot starts, but never while they still execute."""
    settings = runner_settings(database, user_modules=(MODULE,))
    async with running(store, settings), waymark.connect(database) as client:
        holder = await flows.FanNarrow().run(2, 4.0, _blocking=False)
        while len(worker_env.read_text().splitlines() if worker_env.exists() else []) < 2:
            await asyncio.sleep(0.05)
        waiter = await flows.OneNarrow().run("w", 0.5, _blocking=False)
        await asyncio.sleep(0.3)
        await waymark.cancel(holder)
        cancelled_at = time.time()
        assert await asyncio.wait_for(client.get_result(waiter), 30) == "w"
    assert max_overlap(executions(worker_env)) <= flows.SLOTS
    found = spans(worker_env)
    assert all(found[tag][1] < cancelled_at + 1.0 for tag in ("n0", "n1"))  # stopped early


async def test_a_cancel_keeps_the_slots_of_running_attempts_until_the_lease_ends(
    store: PostgresStore,
) -> None:
    """The cancelled instance's attempts fail at once, but their worker may execute them
    until its lease ends (it stops them then): till that moment their slots stay taken. (On
    `LocalRuntime` they stay taken until the executions end: test_local_cancel_slots.py.)"""
    now = time.time()
    limits = ActionLimits(concurrency=2)
    first, epoch, nodes = await flow_store.queued_attempts(store, now, 2)
    assert len((await store.acquire_slots("r", flow_store.requests(first, epoch, nodes, limits),
                                          flow_store.at(now))).granted) == 2  # fmt: skip
    assert await store.cancel(first, {"$t": "exception"}, now + 1)
    rows = {row["node"]: row["status"] for row in await store.attempts_of(first)}
    assert rows == {"n0": "failed", "n1": "failed"}
    second, epoch, nodes = await flow_store.queued_attempts(store, now + 1, 1)
    wanted = flow_store.requests(second, epoch, nodes, limits)
    assert (
        await store.acquire_slots("r", wanted, flow_store.at(now + flow_store.LEASE - 1))
    ).granted == []
    assert (
        len(
            (
                await store.acquire_slots("r", wanted, flow_store.at(now + flow_store.LEASE + 0.5))
            ).granted
        )
        == 1
    )


async def test_a_runner_frozen_mid_grant_holds_no_other_grant_back(
    store: PostgresStore, tmp_path: Path
) -> None:
    """A process stopped (SIGSTOP) while it holds an action's gate: the server ends its
    session within `SHORT_IDLE_MS`, and another runner's grant goes through."""
    now = time.time()
    frozen_id, frozen_epoch, [frozen_node] = await flow_store.queued_attempts(store, now, 1)
    command = [sys.executable, "-m", "tests.runtime.paused_grant", store.dsn, "r", frozen_id,
               str(frozen_epoch), frozen_node]  # fmt: skip
    paused = subprocess.Popen(command, cwd=ROOT)
    try:
        await frozen(paused)
        other, epoch, nodes = await flow_store.queued_attempts(store, now, 1)
        wanted = flow_store.requests(other, epoch, nodes, ActionLimits(concurrency=2))
        grants = await asyncio.wait_for(store.acquire_slots("r", wanted, time.time),
                                        SHORT_IDLE_MS / 1000 + 3)  # fmt: skip
        assert [r.node for r in grants.granted] == nodes
    finally:
        paused.send_signal(signal.SIGCONT)
        assert paused.wait(20) == 0
