"""One scheduler process of the race test: fire due schedules at a pinned time, then report.

Usage: python -m tests.schedules.race_scheduler DSN NOW OUT. Once connected it writes OUT.ready
and waits for the file `go` beside OUT (so racing processes begin together, however slowly each
started), fires small batches at the pinned time NOW until nothing is due, and writes the names
of the schedules it fired to OUT as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from waymark_runtime.schedules.scheduler import fire_due
from waymark_runtime.store.postgres import PostgresStore


async def race(dsn: str, now: float, out: Path) -> None:
    store = await PostgresStore.open(dsn, run_migrations=False, max_size=3)
    try:
        await store.pool.fetchval("SELECT 1")  # connect before the start line
        out.with_suffix(".ready").touch()
        go = out.parent / "go"
        while not go.exists():
            await asyncio.sleep(0.005)
        fired: list[str] = []
        idle = 0
        while idle < 3:  # an empty tick may only mean the other process holds the rest
            batch = await fire_due(store, limit=2, now=now)
            fired.extend(fire.due.name for fire in batch)
            idle = 0 if batch else idle + 1
            if not batch:
                await asyncio.sleep(0.05)
        out.write_text(json.dumps(fired))
    finally:
        await store.close()


if __name__ == "__main__":
    dsn, now, out = sys.argv[1:4]
    asyncio.run(race(dsn, float(now), Path(out)))
