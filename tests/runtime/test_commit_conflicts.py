"""A runner's group commit aborted by PostgreSQL for its conflict with another transaction (a
deadlock it was chosen to break, a serialization failure) wrote nothing: the runner sends it
again, and the instance goes on as if it had landed the first time — no result lost, no action
run twice, the outcome delivered once. The conflicts are raised by PostgreSQL itself, from a
trigger this test installs for the commits it picks."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings, running
from tests.runtime.test_early_dispatch import executions
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.usefixtures("worker_env")

CONFLICTS = """
CREATE SEQUENCE conflicts_40P01;
CREATE SEQUENCE conflicts_40001;
CREATE FUNCTION raise_a_conflict() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    code text := CASE WHEN TG_TABLE_NAME = 'waymark_attempts' THEN '40P01' ELSE '40001' END;
BEGIN
    IF nextval('conflicts_' || code) = 1 THEN  -- (not rolled back) the first result's commit,
        RAISE EXCEPTION 'a conflict of this test' USING ERRCODE = code;  -- the end's
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER raise_a_conflict BEFORE UPDATE ON waymark_attempts FOR EACH ROW
    WHEN (OLD.status = 'running' AND NEW.status = 'completed') EXECUTE FUNCTION raise_a_conflict();
CREATE TRIGGER raise_a_conflict BEFORE UPDATE ON waymark_instances FOR EACH ROW
    WHEN (OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL)
    EXECUTE FUNCTION raise_a_conflict();
"""
UNDO = """
DROP TRIGGER raise_a_conflict ON waymark_attempts;
DROP TRIGGER raise_a_conflict ON waymark_instances;
DROP FUNCTION raise_a_conflict();
DROP SEQUENCE conflicts_40P01, conflicts_40001;
"""
TRIES = "SELECT (SELECT last_value FROM conflicts_40P01), (SELECT last_value FROM conflicts_40001)"


@pytest.fixture
async def conflicting(store: PostgresStore) -> AsyncIterator[PostgresStore]:
    await store.pool.execute(CONFLICTS)
    try:
        yield store
    finally:
        await store.pool.execute(UNDO)


async def test_a_group_commit_aborted_for_a_conflict_is_sent_again_and_loses_nothing(
    conflicting: PostgresStore, database: str, worker_env: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="waymark.runner")
    async with running(conflicting, runner_settings(database)), waymark.connect(database):
        outcome = await flows.Recorded().run("c", 4, 0.0)
    keys = [f"c/{i}" for i in range(4)]
    assert outcome == keys
    assert executions(worker_env) == {key: 1 for key in keys}  # none ran twice
    tries = await conflicting.pool.fetchrow(TRIES)  # the conflicts, and the tries after them
    assert tries is not None and tries[0] >= 2 and tries[1] == 2
    retried = [r.getMessage() for r in caplog.records if r.getMessage().startswith("commit:")]
    assert any("a conflict of this test" in message for message in retried)
    rows = await conflicting.pool.fetch("SELECT status, result FROM waymark_instances")
    assert [dict(row) for row in rows] == [{"status": "completed", "result": keys}]
