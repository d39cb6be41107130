"""One scheduler process that stops itself (SIGSTOP) in the middle of its tick, after it locked
its due schedules and before it queued their instances, as a host that freezes would.

Usage: python -m tests.schedules.paused_scheduler DSN NOW OUT. Once continued (SIGCONT) it
finishes that tick and writes to OUT, as JSON, the names it fired or the error that ended the
tick and whether the scheduler takes that error for a passing outage.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from waymark_runtime.schedules import scheduler
from waymark_runtime.store.postgres import PostgresStore, is_transient

_plan = scheduler.plan_fire
_stopped: list[bool] = []


def _plan_then_stop(*args: Any) -> Any:
    if not _stopped:  # once, at the first schedule of the tick
        _stopped.append(True)
        os.kill(os.getpid(), signal.SIGSTOP)
    return _plan(*args)


async def tick(dsn: str, now: float, out: Path) -> None:
    store = await PostgresStore.open(dsn, run_migrations=False, max_size=2)
    scheduler.plan_fire = _plan_then_stop  # type: ignore[assignment]
    try:
        fired = await scheduler.fire_due(store, now=now)
        report: dict[str, Any] = {"fired": [fire.due.name for fire in fired]}
    except Exception as error:
        report = {"error": type(error).__name__, "transient": is_transient(error)}
    finally:
        await store.close()
    out.write_text(json.dumps(report))


if __name__ == "__main__":
    dsn, now, out = sys.argv[1:4]
    asyncio.run(tick(dsn, float(now), Path(out)))
