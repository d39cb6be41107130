"""Attempts sent to a worker while the commit that records them is in flight, on PostgreSQL.

A sequential loop's next attempt runs before the step's commit lands. When that commit does not
land as sent — its lease was taken away, PostgreSQL restarted under it, the runner was killed —
the instance must still end with the Python result, every action must have run at least once,
and only the attempts around the lost commit may have run twice (docs/runtime.md, "Dispatch
before the commit lands" and "Dispatch at the step taken ahead").
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import (
    go_down_and_up,
    runner_settings,
    running,
    start_workers_env,
    start_workers_process,
)
from tests.runtime.test_faults import (
    committed_keys,
    count,
    results,
    start_workers,
    submit,
    wait_for,
)
from tests.runtime.test_fencing import own_server
from waymark_runtime.errors import WorkflowFailed
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore

KILLING = [sys.executable, "-m", "tests.runtime.killed_ahead"]
pytestmark = [pytest.mark.fault, pytest.mark.usefixtures("worker_env")]

TAG, COUNT = "e", 6
KEYS = [f"{TAG}/{i}" for i in range(COUNT)]
FAULTED = 3  # the commit that inserts the attempt of KEYS[3] (and records KEYS[2]'s result)


class FaultAtCommit(PostgresStore):
    """A PostgreSQL store that runs `fault` just before sending the commit that inserts the
    attempt of `KEYS[FAULTED]`: by then that attempt was dispatched, and the fault waits until
    it has run."""

    fault: Callable[[], Awaitable[None]] | None = None

    async def commit(self, batch: CommitBatch, owner: str, now: float) -> set[str]:
        if self.fault is not None and any(
            KEYS[FAULTED] in json.dumps([row["args"], row["kwargs"]]) for row in batch.rows["n"]
        ):
            fault, self.fault = self.fault, None
            await fault()  # it may set another fault, or raise
        return await super().commit(batch, owner, now)


def executions(record: Path) -> collections.Counter[str]:
    return (
        collections.Counter(record.read_text().split())
        if record.exists()
        else collections.Counter()
    )


async def ran(record: Path, key: str) -> None:
    """Wait until `key`'s action has run: the early attempt finished before its commit."""
    await wait_for(lambda: executions(record)[key] > 0, 20, f"{key} to run")


def assert_at_least_once(record: Path, outcome: Any) -> None:
    """The Python result; every action ran; only the attempts around the faulted commit (the
    result it recorded, the attempt it inserted, the attempt of the step taken ahead of it)
    ran twice."""
    assert outcome == KEYS
    counts = executions(record)
    assert set(counts) == set(KEYS)
    twice = {key for key, times in counts.items() if times > 1}
    assert twice <= {KEYS[FAULTED - 1], KEYS[FAULTED], KEYS[FAULTED + 1]}
    assert max(counts.values()) <= 2


async def assert_results_match(database: str, ids: list[str] | None = None) -> None:
    """Every completed attempt row holds its own action's result (`recorded` returns its key):
    no reply of an attempt whose row never landed was recorded against another attempt."""
    where = "status = 'completed'"
    if ids is not None:
        where += " AND instance_id IN (" + ", ".join(f"'{i}'::uuid" for i in ids) + ")"
    rows = f"SELECT args->>0 AS key, result::text AS result FROM waymark_attempts WHERE {where}"
    assert await count(database, f"SELECT count(*) FROM ({rows}) AS r") > 0
    strange = f"SELECT count(*) FROM ({rows}) AS r WHERE r.result NOT LIKE '%\"' || r.key || '\"%'"
    assert await count(database, strange) == 0


async def test_a_lease_taken_away_mid_commit_lets_the_early_attempt_go(
    database: str, worker_env: Path
) -> None:
    """The attempt of KEYS[FAULTED + 1] is sent at the step taken ahead of the faulted commit,
    before the commit that inserts it is even sent; the fault waits until it has run."""
    store = await FaultAtCommit.open(database, run_migrations=False, lost_attempt_retries=2)

    async def take_the_lease() -> None:
        await ran(worker_env, KEYS[FAULTED + 1])
        # What another runner's claim does: a new epoch; the instance runnable again.
        await store.pool.execute("UPDATE waymark_instances SET lease_owner = NULL, "
                                 "lease_epoch = lease_epoch + 1, wake_at = now()")  # fmt: skip

    store.fault = take_the_lease
    try:
        async with running(store, runner_settings(database)), waymark.connect(database):
            outcome = await flows.Recorded().run(TAG, COUNT, 0.0)
    finally:
        await store.close()
    assert store.fault is None  # the fault ran
    assert_at_least_once(worker_env, outcome)
    counts = executions(worker_env)
    # The fenced commit recorded neither KEYS[2]'s result nor KEYS[3]'s attempt, and the step
    # taken ahead of it (KEYS[3]'s result, KEYS[4]'s attempt) was dropped: the next claim found
    # KEYS[2] running (lost, run again) and its steps planned KEYS[3] and KEYS[4] again.
    assert [counts[key] for key in KEYS[FAULTED - 1 : FAULTED + 2]] == [2, 2, 2]
    await assert_results_match(database)


async def test_postgres_restarting_under_a_commit_after_its_early_dispatch(
    worker_env: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="waymark.runner")
    async with own_server("early") as (server, database):
        store = await FaultAtCommit.open(database, run_migrations=False, lost_attempt_retries=2)
        restarted: list[asyncio.Task[None]] = []

        async def restart_postgres() -> None:
            await ran(worker_env, KEYS[FAULTED])
            await go_down_and_up(server, restarted)

        store.fault = restart_postgres
        try:
            async with running(store, runner_settings(database)), waymark.connect(database):
                outcome = await flows.Recorded().run(TAG, COUNT, 0.0)
        finally:
            await asyncio.gather(*restarted)
            await store.close()
    assert store.fault is None and restarted
    assert any(r.getMessage().startswith("commit: database unavailable") for r in caplog.records)
    assert_at_least_once(worker_env, outcome)


async def test_sigkill_of_a_runner_in_a_sequential_loop(database: str, tmp_path: Path) -> None:
    """Killed mid-loop, at most three attempts per instance run again, in a row: the one whose
    result was being committed, the one sent with that commit, and the one sent by the step
    taken ahead of it."""
    record = tmp_path / "executions.log"
    tags = [f"s{i}" for i in range(3)]
    ids = await submit(database, [(flows.Recorded, (tag, 30, 0.0)) for tag in tags])
    with start_workers(database, record) as first:
        await wait_for(lambda: len(executions(record)) >= 20, 25, "progress")
        os.killpg(first.pid, signal.SIGKILL)
        first.process.wait()
    committed = await committed_keys(database, ids)
    with start_workers(database, record):
        outcome = await results(database, ids, timeout=25)
    assert outcome == [[f"{tag}/{i}" for i in range(30)] for tag in tags]
    counts = executions(record)
    assert set(counts) == {f"{tag}/{i}" for tag in tags for i in range(30)}
    assert all(counts[key] == 1 for key in committed)
    for tag in tags:
        again = sorted(int(key.split("/")[1]) for key in counts if key.startswith(f"{tag}/")
                       and counts[key] > 1)  # fmt: skip
        first = again[0] if again else 0
        assert len(again) <= 3 and again == list(range(first, first + len(again)))


async def test_sigkill_after_an_attempt_sent_ahead_ran_before_the_commit_before_its_own(
    database: str, tmp_path: Path
) -> None:
    """The step taken ahead of the commit that inserts k/3 sent k/4, which ran; the runner is
    killed before that commit is written (`tests.runtime.killed_ahead`). Nothing of k/2's
    result, k/3 or k/4 is durable: the next runner runs the three again (k/2 orphaned, k/3 and
    k/4 planned again), the rest once, and every result is its own attempt's."""
    record = tmp_path / "executions.log"
    keys = [f"k/{i}" for i in range(8)]
    ids = await submit(database, [(flows.Recorded, ("k", len(keys), 0.0))])
    env = start_workers_env(database, WM_TEST_RECORD=str(record), WM_TEST_HOLD="k/3",
                            WM_TEST_KILL_ONCE_RAN="k/4")  # fmt: skip
    with start_workers_process(env, tmp_path / "killed.log", KILLING) as killed:
        killed.wait(timeout=30)
    assert killed.returncode == -signal.SIGKILL
    assert executions(record)["k/4"] == 1
    assert await committed_keys(database, ids) == {"k/0", "k/1"}
    with start_workers(database, record):
        outcome = await results(database, ids, timeout=25)
    assert outcome == [keys]
    counts = executions(record)
    assert [counts[key] for key in keys] == [1, 1, 2, 2, 2, 1, 1, 1]
    await assert_results_match(database, ids)


class RowsThatDoNotStore(Exception):
    """Raised for the faulted commit's rows, in the group and alone."""


async def test_a_commit_that_fails_under_an_attempt_sent_ahead(
    database: str, worker_env: Path
) -> None:
    """The commit that inserts KEYS[3] fails (its rows do not store) after the step taken ahead
    of it sent KEYS[4], which ran: the instance ends with the storage error, the step ahead is
    dropped with its reserved worker slot, and KEYS[4] has no row."""
    store = await FaultAtCommit.open(database, run_migrations=False, lost_attempt_retries=2)
    refused: list[bool] = []

    async def refuse() -> None:
        await ran(worker_env, KEYS[FAULTED + 1])
        refused.append(True)
        store.fault = refuse_again
        raise RowsThatDoNotStore("refused")

    async def refuse_again() -> None:  # `_commit_one_by_one`: the instance's rows alone
        raise RowsThatDoNotStore("refused again")

    store.fault = refuse
    try:
        async with running(store, runner_settings(database)) as runner:
            async with waymark.connect(database) as client:
                instance = await flows.Recorded().run(TAG, COUNT, 0.0, _blocking=False)
                with pytest.raises(WorkflowFailed, match="refused again"):
                    await client.get_result(instance, 20)
            # The failure is durable before the runner acts on it (`_apply` runs once the
            # commit's connection is back in the pool): the step ahead is dropped by then.
            await wait_for(
                lambda: not runner.ahead.changes and runner.reserved == 0,
                10,
                "the step taken ahead to be dropped with its reserved slot",
            )
        nodes = await store.pool.fetch(
            "SELECT args FROM waymark_attempts WHERE instance_id = $1", instance
        )
    finally:
        await store.close()
    assert refused
    assert sorted(row["args"][0] for row in nodes) == KEYS[:FAULTED]
    assert executions(worker_env)[KEYS[FAULTED + 1]] == 1
