"""A `start-workers` process that is SIGKILLed, with its workers (its process group), while an
attempt sent at a step taken ahead has run and the commit before the one that inserts it is in
flight: the commit that inserts `WM_TEST_HOLD`'s attempt waits, unsent, until the action of
`WM_TEST_KILL_ONCE_RAN` (the next in a sequential loop) appears in `WM_TEST_RECORD`, and the
process group is killed then (docs/runtime.md, "Dispatch at the step taken ahead").

Usage: python -m tests.runtime.killed_ahead (with the environment of `start-workers`).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path

from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.worker.cli import main

_commit = PostgresStore.commit


def _ran(key: str) -> bool:
    record = Path(os.environ["WM_TEST_RECORD"])
    return record.exists() and key in record.read_text().split()


async def _commit_or_die(
    self: PostgresStore, batch: CommitBatch, owner: str, now: float
) -> set[str]:
    hold = os.environ["WM_TEST_HOLD"]
    if any(hold in json.dumps([row["args"], row["kwargs"]]) for row in batch.rows["n"]):
        deadline = time.monotonic() + 20
        while not _ran(os.environ["WM_TEST_KILL_ONCE_RAN"]) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        os.killpg(os.getpgid(0), signal.SIGKILL)
    return await _commit(self, batch, owner, now)


if __name__ == "__main__":
    PostgresStore.commit = _commit_or_die  # type: ignore[method-assign]
    main()
