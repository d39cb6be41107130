"""What work costs PostgreSQL: commits, rows, WAL bytes and server CPU, as deltas of its counters.

A snapshot reads the database's counters (`pg_stat_database`: commits, rollbacks, rows
inserted, updated and deleted), the cluster's WAL (`pg_stat_wal` where the server has it —
PostgreSQL 14 and newer — else the distance between two WAL positions, which every supported
version reports), and, when the server runs on this machine, the CPU time of its processes
(`/proc`: the postmaster with the children it reaped, plus every live child). Statistics of a
backend reach the shared counters when its transaction goes idle, at most once a second, and at
the latest when it exits: take the closing snapshot once every connection that did the work has
closed (`settle` waits for that).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg

from benchmarks.machine import proc_stat, tree_cpu_seconds

_DATABASE = """
SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted
FROM pg_stat_database WHERE datname = current_database()
"""
_HAS_STAT_WAL = "SELECT to_regclass('pg_catalog.pg_stat_wal') IS NOT NULL"
_STAT_WAL = "SELECT wal_bytes::float8, wal_records, wal_fpi FROM pg_stat_wal"
_LSN = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8"
_OTHERS = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


@dataclass(frozen=True, slots=True)
class Snapshot:
    commits: int
    rollbacks: int
    rows: int  # inserted + updated + deleted
    wal_bytes: float
    wal_records: int | None  # None without pg_stat_wal
    wal_fpi: int | None
    server_cpu: float | None  # seconds; None when the server is not a process of this machine
    wal_source: str


@dataclass(frozen=True, slots=True)
class Cost:
    """Per action: what one action cost the server."""

    commits: float
    rows: float
    wal_bytes: float
    server_cpu_ms: float | None
    wal_source: str
    wal_fpi: float | None = None  # full-page images (the first change of a page after a checkpoint)

    def as_json(self) -> dict[str, float | str | None]:
        return {"commits": self.commits, "rows": self.rows, "wal_bytes": self.wal_bytes,
                "wal_fpi": self.wal_fpi, "server_cpu_ms": self.server_cpu_ms,
                "wal_source": self.wal_source}  # fmt: skip


async def snapshot(dsn: str, *, stat_wal: bool | None = None) -> Snapshot:
    """The counters now; `stat_wal=False` reads the WAL position even where `pg_stat_wal`
    exists (as on servers without it), `None` uses the view when the server has it."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("SELECT pg_stat_clear_snapshot()")
        row = await connection.fetchrow(_DATABASE)
        records = fpi = None
        if stat_wal is None:
            stat_wal = bool(await connection.fetchval(_HAS_STAT_WAL))
        if stat_wal:
            wal = await connection.fetchrow(_STAT_WAL)
            wal_bytes, records, fpi, source = float(wal[0]), int(wal[1]), int(wal[2]), "pg_stat_wal"
        else:
            wal_bytes, source = float(await connection.fetchval(_LSN)), "WAL position"
        cpu = server_cpu_seconds(int(await connection.fetchval("SELECT pg_backend_pid()")))
    finally:
        await connection.close()
    rows = int(row["tup_inserted"]) + int(row["tup_updated"]) + int(row["tup_deleted"])
    return Snapshot(int(row["xact_commit"]), int(row["xact_rollback"]), rows, wal_bytes,
                    records, fpi, cpu, source)  # fmt: skip


async def settle(dsn: str, timeout: float = 30.0) -> None:
    """Wait until no other session is connected to the database (their statistics are in)."""
    connection = await asyncpg.connect(dsn)
    try:
        for _ in range(int(timeout / 0.05)):
            if not await connection.fetchval(_OTHERS):
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"sessions still connected after {timeout:.0f} s")
    finally:
        await connection.close()


def per_action(before: Snapshot, after: Snapshot, actions: int) -> Cost:
    cpu = fpi = None
    if before.server_cpu is not None and after.server_cpu is not None:
        # Never below zero: a backend that exits between the snapshots moves from the live
        # processes (read to the nanosecond) to the reaped ones (counted in clock ticks).
        cpu = max(0.0, after.server_cpu - before.server_cpu) / actions * 1000
    if before.wal_fpi is not None and after.wal_fpi is not None:
        fpi = (after.wal_fpi - before.wal_fpi) / actions
    return Cost(
        commits=(after.commits - before.commits) / actions,
        rows=(after.rows - before.rows) / actions,
        wal_bytes=(after.wal_bytes - before.wal_bytes) / actions,
        server_cpu_ms=cpu,
        wal_source=after.wal_source,
        wal_fpi=fpi,
    )


def server_cpu_seconds(backend_pid: int) -> float | None:
    """CPU seconds the server's processes used so far: the postmaster's own and its reaped
    children's, plus every live child's. None when `backend_pid` is not visible here."""
    own = proc_stat(backend_pid)
    return None if own is None else tree_cpu_seconds(int(own[1]))
