"""`waymark start-workers` runs the same runner as the `start-workers` script; `waymark db
migrate` brings a database's schema up to date."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from runtime_support import Server, database, environment, project, server, waymark

from tests.runtime.support import create_database, drop_database
from waymark_runtime.store.postgres import PostgresStore

__all__ = ["database", "project", "server"]


def test_db_migrate_applies_what_is_missing_once(server: Server, tmp_path: Path) -> None:
    fresh = create_database(server.dsn, "migrate", migrated=False)
    try:
        first = waymark("db", "migrate", database=fresh, cwd=tmp_path)
        assert first.code == 0, first.err
        assert "applied" in first.err and "0001_initial.sql" in first.err
        again = waymark("db", "migrate", database=fresh, cwd=tmp_path)
        assert (again.code, again.err.strip()) == (0, "the database is up to date")
    finally:
        drop_database(server.dsn, fresh)


def test_db_migrate_reports_an_unreachable_server(tmp_path: Path) -> None:
    result = waymark("db", "migrate", database="postgresql://nobody@127.0.0.1:1/none",
                     cwd=tmp_path)  # fmt: skip
    assert result.code == 1
    assert "error: cannot reach the database" in result.err
    assert "Traceback" not in result.err


def test_start_workers_runs_queued_instances(database: str, project: Path) -> None:
    gate = project / "gate"
    gate.touch()
    failed = waymark("run", "flows.py:Gated", "--input", json.dumps({"gate": str(gate)}),
                     database=database, cwd=project)  # fmt: skip
    assert failed.code == 1
    gate.unlink()
    instance = failed.err.splitlines()[0].split()[-1]
    queued = waymark("instances", "retry", instance, database=database, cwd=project).out.strip()

    env = environment(database, WAYMARK_USER_MODULE="flows", WAYMARK_LOG_LEVEL="INFO")
    env["PYTHONPATH"] = os.pathsep.join([str(project), env["PYTHONPATH"]])
    workers = subprocess.Popen([sys.executable, "-m", "waymark", "start-workers"], cwd=project,
                               env=env, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert asyncio.run(_outcome(database, queued, timeout=45)) == ("completed", "gate open")
    finally:
        workers.send_signal(signal.SIGTERM)
        _, err = workers.communicate(timeout=30)
    assert workers.returncode == 0, err
    assert "runner " in err  # its startup line: the runner and its worker count


async def _outcome(database: str, instance: str, timeout: float) -> tuple[str, object]:
    store = await PostgresStore.open(database, run_migrations=False)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = await store.status(instance)
            if row is not None and row["finished_at"] is not None:
                return row["status"], row["result"]
            await asyncio.sleep(0.2)
        raise AssertionError(f"instance {instance} did not finish in {timeout}s")
    finally:
        await store.close()
