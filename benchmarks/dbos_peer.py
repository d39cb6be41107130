"""W1.dbos: DBOS Transact running W1's loop — one workflow awaiting no-op steps one by one.

The peer W1 is compared with, in the same run and on the same PostgreSQL server (a database of
its own, `waymark_bench_dbos`, recreated empty). DBOS is a library that runs workflows in the
caller's process, so this module runs as a child process of the suite (`python -m
benchmarks.dbos_peer DSN STEPS REPEATS`): its singleton, threads and imports stay out of the
suite. It prints one line of JSON, the actions/s of each repeat. `dbos` comes with the `bench`
extra (`pip install -e '.[bench]'`); without it the suite reports the row as not measured.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
import time

from benchmarks.database import bench_database, recreate, with_database

_PATIENCE = 600.0


def available() -> bool:
    return importlib.util.find_spec("dbos") is not None


async def measure(dsn: str, steps: int, repeats: int) -> list[float]:
    """Actions/s of `repeats` runs of a DBOS workflow of `steps` sequential no-op steps, on a
    fresh database of the server of `dsn`."""
    database = f"{bench_database()}_dbos"
    await recreate(dsn, database)
    command = [sys.executable, "-m", "benchmarks.dbos_peer", with_database(dsn, database),
               str(steps), str(repeats)]  # fmt: skip
    done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True,
                                   timeout=_PATIENCE, check=False)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"DBOS peer exited with {done.returncode}: {done.stderr[-2000:]}")
    return [float(rate) for rate in json.loads(done.stdout.strip().splitlines()[-1])]


def _run(dsn: str, steps: int, repeats: int) -> list[float]:
    from dbos import DBOS, DBOSConfig

    @DBOS.step()
    def noop(value: int) -> int:
        return value

    @DBOS.workflow()
    def sequential(count: int) -> int:
        total = 0
        for i in range(count):
            total += noop(i)
        return total

    config: DBOSConfig = {"name": "waymark-bench", "system_database_url": dsn,
                          "run_admin_server": False, "log_level": "WARNING"}  # fmt: skip
    DBOS(config=config)
    DBOS.launch()
    try:
        sequential(1)  # warm: connections open, the workflow registered
        rates = []
        for _ in range(repeats):
            started = time.perf_counter()
            total = sequential(steps)
            seconds = time.perf_counter() - started
            if total != sum(range(steps)):
                raise RuntimeError(f"DBOS returned {total}, expected {sum(range(steps))}")
            rates.append(steps / seconds)
        return rates
    finally:
        DBOS.destroy()


if __name__ == "__main__":
    url, count, times = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(_run(url, count, times)))
