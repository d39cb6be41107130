"""An instance that finishes while attempts of it still run (a gather that raised while the
others ran) ends them with it: an attempt of a limited action gives its slot back once its
execution is stopped, on PostgreSQL as on `LocalRuntime`, where it stayed `running` and held the
slot for ever (the next instance's attempt of that action never started)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import waymark
from tests.runtime import fault_flows as flows
from tests.runtime.runtime_flows import RECORD_ENV
from tests.runtime.support import runner_settings, running
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


async def test_a_finished_instance_gives_back_the_slot_of_its_running_attempt_on_postgres(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    settings = runner_settings(database, user_modules=(MODULE,))
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
