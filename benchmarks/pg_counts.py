"""`python -m benchmarks.pg_counts`: what one W4 instance and one W1 action cost, in counts.

Counts do not depend on the machine's load, so they compare code versions where timings
cannot. On the benchmark database (`WAYMARK_BENCH_DATABASE`, recreated) with one
`start-workers` process, each window runs a workload after a warm-up and reads, before and
after: the database's commits (`pg_stat_database.xact_commit`), the rows each table had
inserted, updated (HOT or not) and deleted (`pg_stat_user_tables`), the WAL this database's
transactions wrote (`pg_walinspect` over the window: records that touch one of its relations,
and every record of a transaction that did, its commit included — the server's WAL is shared
with other databases, whose records are left out), the statements the runner and the client sent (`statement_log`, every one a round trip), and the
CPU time of the runner process and of its worker processes (`/proc`). A backend publishes its
statistics when it goes idle, but not more than once a second; one held back is published
within ten seconds, so each window waits `--settle` seconds (default 11) before its closing
read, and an idle window of the same length (no workload) is subtracted: the runner's polls
and this script's own reads cost the same in both.

`--trace` prints the statements of one W4 instance in order (runner and client, by the
machine's monotonic clock), the transactions from the client's start to its result.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg

from benchmarks import statement_log
from benchmarks.database import prepare_database
from benchmarks.machine import children_cpu_seconds, own_cpu_seconds
from benchmarks.runner_process import RunnerProcess
from benchmarks.workflows import BenchOneAction, BenchSequential
from waymark_runtime.client import connect
from waymark_runtime.config import Settings

_TABLES = """
SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del FROM pg_stat_user_tables
"""
_DATABASE = "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
_LSN = "SELECT pg_current_wal_lsn()"
_WAL = """
WITH records AS (
    SELECT xid, record_length, block_ref LIKE '%/' || $3 || '/%' AS ours,
           resource_manager = 'Transaction' AND record_type LIKE 'COMMIT%' AS commit
    FROM pg_get_wal_records_info($1, $2)
), touching AS (SELECT DISTINCT xid FROM records WHERE ours AND xid <> '0')
SELECT coalesce(sum(record_length), 0)::float8, count(*) FILTER (WHERE commit) FROM records
WHERE ours OR xid IN (SELECT xid FROM touching)
"""
_OID = "SELECT oid::text FROM pg_database WHERE datname = current_database()"
_FIELDS = ("ins", "upd", "hot", "del")


async def read(monitor: asyncpg.Connection, runner: RunnerProcess, dump: Path) -> dict[str, Any]:
    """Every counter now (the runner writes its statement counts to `dump` on SIGUSR1)."""
    await monitor.execute("SELECT pg_stat_clear_snapshot()")
    tables = {row[0]: list(row[1:]) for row in await monitor.fetch(_TABLES)}
    commits = int(await monitor.fetchval(_DATABASE))
    lsn = await monitor.fetchval(_LSN)
    target = Path(f"{dump}.{runner.pid}")
    target.unlink(missing_ok=True)
    os.kill(runner.pid, signal.SIGUSR1)
    for _ in range(200):
        if target.exists():
            break
        await asyncio.sleep(0.01)
    statements = json.loads(target.read_text())["counts"]
    return {"commits": commits, "tables": tables, "lsn": lsn, "runner": statements,
            "client": dict(statement_log.counts), "runner_cpu": own_cpu_seconds(runner.pid),
            "workers_cpu": children_cpu_seconds(runner.pid) or 0.0}  # fmt: skip


async def database_wal(monitor: asyncpg.Connection, start: Any, end: Any) -> tuple[float, int]:
    """Bytes of WAL this database's work wrote between two positions, and its commit records
    (the commits that wrote, each one a WAL flush the committing session waits for)."""
    oid = await monitor.fetchval(_OID)
    row = await monitor.fetchrow(_WAL, start, end, oid)
    return float(row[0]), int(row[1])


def difference(
    before: dict[str, Any], after: dict[str, Any], wal: tuple[float, int]
) -> dict[str, Any]:
    tables: dict[str, list[int]] = {}
    for name, values in after["tables"].items():
        old = before["tables"].get(name, [0, 0, 0, 0])
        delta = [new - was for new, was in zip(values, old, strict=True)]
        if any(delta):
            tables[name] = delta
    return {"commits": after["commits"] - before["commits"], "tables": tables,
            "wal": wal[0], "durable_commits": wal[1],
            "runner": dict(Counter(after["runner"]) - Counter(before["runner"])),
            "client": dict(Counter(after["client"]) - Counter(before["client"])),
            "runner_cpu": after["runner_cpu"] - before["runner_cpu"],
            "workers_cpu": after["workers_cpu"] - before["workers_cpu"]}  # fmt: skip


async def window(
    monitor: asyncpg.Connection, runner: RunnerProcess, dump: Path, settle: float,
    work: Callable[[], Awaitable[None]] | None,
) -> dict[str, Any]:  # fmt: skip
    await asyncio.sleep(settle)  # the previous window's statistics are in
    before = await read(monitor, runner, dump)
    if work is not None:
        await runner.watch(work(), 600.0)
    await asyncio.sleep(settle)
    after = await read(monitor, runner, dump)
    return difference(before, after, await database_wal(monitor, before["lsn"], after["lsn"]))


def per_unit(measured: dict[str, Any], idle: dict[str, Any], units: int) -> dict[str, Any]:
    """The workload's window less the idle window, per instance or action."""

    def net(key: str) -> float:
        return (measured[key] - idle[key]) / units

    def net_counts(key: str) -> dict[str, float]:
        names = set(measured[key]) | set(idle[key])
        got = {n: (measured[key].get(n, 0) - idle[key].get(n, 0)) / units for n in names}
        return {n: v for n, v in sorted(got.items()) if abs(v) >= 0.005}

    tables = {}
    for name in sorted(set(measured["tables"]) | set(idle["tables"])):
        values = measured["tables"].get(name, [0, 0, 0, 0])
        base = idle["tables"].get(name, [0, 0, 0, 0])
        row = {f: (v - b) / units for f, v, b in zip(_FIELDS, values, base, strict=True)}
        if any(abs(v) >= 0.005 for v in row.values()):
            tables[name] = row
    runner, client = net_counts("runner"), net_counts("client")
    return {"commits": net("commits"), "durable_commits": net("durable_commits"),
            "wal_bytes": net("wal"), "tables": tables,
            "rows": sum(r["ins"] + r["upd"] + r["del"] for r in tables.values()),
            "runner_statements": sum(runner.values()), "client_statements": sum(client.values()),
            "runner_cpu_us": net("runner_cpu") * 1e6, "workers_cpu_us": net("workers_cpu") * 1e6,
            "runner": runner, "client": client}  # fmt: skip


def show(title: str, cost: dict[str, Any]) -> None:
    print(f"\n## {title}")
    print(f"commits {cost['commits']:.2f} (that wrote WAL: {cost['durable_commits']:.2f}) · rows written {cost['rows']:.2f} · WAL "
          f"{cost['wal_bytes']:,.0f} bytes · statements: runner {cost['runner_statements']:.2f}, "
          f"client {cost['client_statements']:.2f} · CPU: runner {cost['runner_cpu_us']:,.0f} µs, "
          f"workers {cost['workers_cpu_us']:,.0f} µs")  # fmt: skip
    print("| table | inserted | updated | of which HOT | deleted |\n|---|--:|--:|--:|--:|")
    for name, row in cost["tables"].items():
        print(f"| {name} | " + " | ".join(f"{row[f]:.2f}" for f in _FIELDS) + " |")
    for side in ("runner", "client"):
        print(f"| {side} statement | per unit |\n|---|--:|")
        for key, value in sorted(cost[side].items(), key=lambda kv: -kv[1]):
            print(f"| `{key}` | {value:.2f} |")


def show_trace(runner_trace: list[list[Any]], since: float) -> None:
    """One instance's statements in order: runner and client, by the monotonic clock."""
    rows = [(t, "runner", c, k) for t, c, k in runner_trace if t >= since]
    rows += [(t, "client", c, k) for t, c, k in statement_log.trace if t >= since]
    names: dict[tuple[str, int], str] = {}
    print("\n## one W4 instance, statement by statement")
    for t, side, connection, key in sorted(rows):
        label = names.setdefault((side, connection), f"{side}#{len(names)}")
        print(f"{(t - since) * 1000:8.2f} ms  {label:10} {key}")


async def main(args: argparse.Namespace) -> int:
    statement_log.install()
    database = await prepare_database(Settings.from_env())
    work_dir = Path(tempfile.mkdtemp(prefix="waymark-pg-counts-"))
    dump = work_dir / "statements"
    async with connect(database.dsn):  # migrates the fresh database
        runner = RunnerProcess(database.dsn, 10, work_dir / "runner.log", None,
                               {statement_log.ENV: str(dump)})  # fmt: skip
        runner.start()
        monitor = await asyncpg.connect(database.dsn)
        await monitor.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
        # Keeps the windows' WAL from being recycled until it is read; dropped with the session.
        await monitor.execute(
            "SELECT pg_create_physical_replication_slot($1, true, true)", f"pg_counts_{os.getpid()}"
        )
        try:
            await runner.wait_ready(lambda: BenchOneAction().run(0), 90.0)
            await BenchSequential().run(5)

            async def w4() -> None:
                for seed in range(args.w4):
                    assert await BenchOneAction().run(seed) == seed

            async def w1() -> None:
                assert await BenchSequential().run(args.w1) == sum(range(args.w1))

            idle = await window(monitor, runner, dump, args.settle, None)
            results = {"idle": idle,
                       "W4": per_unit(await window(monitor, runner, dump, args.settle, w4),
                                      idle, args.w4),
                       "W1": per_unit(await window(monitor, runner, dump, args.settle, w1),
                                      idle, args.w1)}  # fmt: skip
            show(f"W4: per instance ({args.w4} instances)", results["W4"])
            show(f"W1: per action (one loop of {args.w1})", results["W1"])
            if args.trace:
                await asyncio.sleep(0.5)
                since = time.monotonic()
                await BenchOneAction().run(1)
                await asyncio.sleep(0.3)
                os.kill(runner.pid, signal.SIGUSR1)
                await asyncio.sleep(0.3)
                show_trace(json.loads(Path(f"{dump}.{runner.pid}").read_text())["trace"], since)
            if args.json:
                args.json.write_text(json.dumps(results, indent=1))
        finally:
            await monitor.close()
            await runner.stop()
    return 0


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pg_counts",
                                     description=__doc__.split("\n\n")[0])  # fmt: skip
    parser.add_argument("--w4", type=int, default=200, help="W4 instances (default 200)")
    parser.add_argument("--w1", type=int, default=1000, help="W1 loop length (default 1000)")
    parser.add_argument("--settle", type=float, default=11.0, help="seconds before each read")
    parser.add_argument("--trace", action="store_true", help="print one W4 instance's statements")
    parser.add_argument("--json", type=Path, help="write the per-unit counts here")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
