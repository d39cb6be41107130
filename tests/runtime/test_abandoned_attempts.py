"""An instance that finishes while attempts of it still run (a gather that raised while the
others ran) ends them with it: an attempt of a limited action gives its slot back once its
execution is stopped, on PostgreSQL as on `LocalRuntime`, where it stayed `running` and held the
slot for ever (the next instance's attempt of that action never started)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import waymark
from tests.runtime import fault_flows as flows
from tests.runtime.runtime_flows import RECORD_ENV
from tests.runtime.support import runner_settings, running
from waymark_runtime.admin import Admin
from waymark_runtime.local import LocalRuntime
from waymark_runtime.store.postgres import PostgresStore

MODULE = "tests.runtime.fault_flows"


def _overlapping(record: Path) -> int:
    """The most `nap` executions open at one moment (an unended one stays open)."""
    level = peak = 0
    for line in record.read_text().splitlines():
        level += 1 if line.startswith("start ") else -1
        peak = max(peak, level)
    return peak


@pytest.mark.parametrize("lease_ms", [2_000, 60_000])
async def test_a_finished_instance_gives_back_the_slot_of_its_running_attempt_on_postgres(
    store: PostgresStore, database: str, worker_env: Path, lease_ms: int
) -> None:
    """Under a minute's lease too: the slot is free once the worker says it stopped the
    execution (`released.Releases`), not when the lease would have lapsed."""
    settings = runner_settings(database, user_modules=(MODULE,), lock_ttl_ms=lease_ms)
    async with running(store, settings), waymark.connect(database) as client:
        failing = await flows.FailsBesideALimited().run("a", 30.0, _blocking=False)
        with pytest.raises(ValueError, match="a"):
            await client.get_result(failing, timeout=20)
        after = await flows.OneLimited().run("b", _blocking=False)
        assert await client.get_result(after, timeout=20) == "b"
        rows = await store.attempts_of(failing)
    assert {row["node"]: row["status"] for row in rows} == {"n1": "failed", "n2": "failed"}
    assert "WorkflowCancelled" in rows[0]["error"]["type"]
    assert _overlapping(worker_env) == 1  # the abandoned one stopped before "b" started


async def test_a_finished_instance_gives_back_the_slot_of_its_running_attempt_locally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "record"
    monkeypatch.setenv(RECORD_ENV, str(record))
    async with LocalRuntime(virtual_time=False) as runtime:
        failing = await flows.FailsBesideALimited().run("a", 1.0, _blocking=False)
        with pytest.raises(ValueError, match="a"):
            await runtime.result(failing)
        after = await flows.OneLimited().run("b", _blocking=False)
        assert await asyncio.wait_for(runtime.result(after), 20) == "b"
        rows = await runtime.store.attempts_of(failing)
    assert {row["node"]: row["status"] for row in rows} == {"n1": "failed", "n2": "failed"}
    assert _overlapping(record) == 1


QUEUED_WHEN_IT_FAILS = [
    # one limited attempt runs, the other waits for its slot when `refuse` fails the gather
    (flows.FailsBesideTwoLimited, {"n1": "failed", "n2": "failed", "n3": "failed"}, "n2"),
    # the first attempt of `refuse` failed; its retry waits out a minute's backoff
    (flows.FailsBesideABackoff,
     {"n1": "failed", "n1#2": "failed", "n2": "failed"}, "n1#2"),
]  # fmt: skip


def _ended(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Attempt rows by node (`node#attempt` after the first)."""
    return {row["node"] + ("" if row["attempt"] == 1 else f"#{row['attempt']}"): row
            for row in rows}  # fmt: skip


def _assert_queued_ended(rows: dict[str, dict[str, Any]], statuses: dict[str, str],
                         queued: str) -> None:  # fmt: skip
    assert {key: row["status"] for key, row in rows.items()} == statuses
    assert "WorkflowCancelled" in rows[queued]["error"]["type"]
    assert rows[queued]["started_at"] is None and rows[queued]["finished_at"] is not None


@pytest.mark.parametrize(("flow", "statuses", "queued"), QUEUED_WHEN_IT_FAILS)
async def test_a_finished_instance_ends_its_queued_attempts_on_postgres(
    store: PostgresStore, database: str, worker_env: Path, flow: type[Any],
    statuses: dict[str, str], queued: str,
) -> None:  # fmt: skip
    settings = runner_settings(database, user_modules=(MODULE,))
    async with running(store, settings), waymark.connect(database) as client:
        failing = await flow().run("a", 0.5, _blocking=False)
        with pytest.raises(ValueError):
            await client.get_result(failing, timeout=20)
        after = await flows.OneLimited().run("b", _blocking=False)
        assert await client.get_result(after, timeout=20) == "b"
        detail = await Admin(store).show(failing)
        rows = _ended(await store.attempts_of(failing))
    _assert_queued_ended(rows, statuses, queued)
    assert [a.status for a in detail.attempts] == ["failed"] * len(statuses)
    assert "start a/2" not in worker_env.read_text()  # it never ran, before or after


@pytest.mark.parametrize(("flow", "statuses", "queued"), QUEUED_WHEN_IT_FAILS)
async def test_a_finished_instance_ends_its_queued_attempts_locally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flow: type[Any],
    statuses: dict[str, str], queued: str,
) -> None:  # fmt: skip
    record = tmp_path / "record"
    monkeypatch.setenv(RECORD_ENV, str(record))
    async with LocalRuntime(virtual_time=False) as runtime:
        failing = await flow().run("a", 0.5, _blocking=False)
        with pytest.raises(ValueError):
            await runtime.result(failing)
        after = await flows.OneLimited().run("b", _blocking=False)
        assert await asyncio.wait_for(runtime.result(after), 20) == "b"
        rows = _ended(await runtime.store.attempts_of(failing))
    _assert_queued_ended(rows, statuses, queued)
    assert "start a/2" not in record.read_text()
