"""Attempts sent to a worker while the commit that records them is in flight, on PostgreSQL.

A sequential loop's next attempt runs before the step's commit lands. When that commit does not
land as sent — its lease was taken away, PostgreSQL restarted under it, the runner was killed —
the instance must still end with the Python result, every action must have run at least once,
and only the attempts around the lost commit may have run twice (docs/runtime.md, "Dispatch
before the commit lands").
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import go_down_and_up, runner_settings, running
from tests.runtime.test_faults import committed_keys, results, start_workers, submit, wait_for
from tests.runtime.test_fencing import own_server
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore

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
            await fault()
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
    result it recorded, the attempt it inserted) ran twice."""
    assert outcome == KEYS
    counts = executions(record)
    assert set(counts) == set(KEYS)
    twice = {key for key, times in counts.items() if times > 1}
    assert twice <= {KEYS[FAULTED - 1], KEYS[FAULTED]}
    assert max(counts.values()) <= 2


async def test_a_lease_taken_away_mid_commit_lets_the_early_attempt_go(
    database: str, worker_env: Path
) -> None:
    store = await FaultAtCommit.open(database, run_migrations=False, lost_attempt_retries=2)

    async def take_the_lease() -> None:
        await ran(worker_env, KEYS[FAULTED])
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
    # The fenced commit recorded neither KEYS[2]'s result nor KEYS[3]'s attempt: the next claim
    # found KEYS[2] running (lost, run again) and its step planned KEYS[3] again.
    assert counts[KEYS[FAULTED - 1]] == 2 and counts[KEYS[FAULTED]] == 2


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
    """Killed mid-loop, at most two attempts per instance run again: the one whose result was
    being committed and the one that was sent with that commit."""
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
        assert len(again) <= 2 and (len(again) < 2 or again[1] == again[0] + 1)
