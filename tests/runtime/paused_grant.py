"""One process that stops itself (SIGSTOP) in the middle of a slot grant, holding the gate of
the action it asks for, as a runner host that freezes would.

Usage: python -m tests.runtime.paused_grant DSN OWNER INSTANCE EPOCH NODE. Once continued
(SIGCONT) it finishes the grant and exits; its outcome does not matter.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from typing import Any

from tests.runtime.test_flow_store import ACTION
from waymark_runtime.flow import ActionLimits, SlotRequest
from waymark_runtime.store import pg_flow
from waymark_runtime.store.postgres import PostgresStore

_grant = pg_flow.grant


def _grant_then_stop(*args: Any) -> Any:
    os.kill(os.getpid(), signal.SIGSTOP)
    return _grant(*args)


async def ask(dsn: str, owner: str, instance_id: str, epoch: int, node: str) -> None:
    store = await PostgresStore.open(dsn, run_migrations=False, max_size=1)
    pg_flow.grant = _grant_then_stop  # type: ignore[assignment]
    request = SlotRequest(instance_id, epoch, node, 1, ACTION, ActionLimits(concurrency=2))
    try:
        with contextlib.suppress(Exception):  # its session may be gone by then
            await store.acquire_slots(owner, [request], time.time)
    finally:
        await store.close()


if __name__ == "__main__":
    dsn, owner, instance_id, epoch, node = sys.argv[1:6]
    asyncio.run(ask(dsn, owner, instance_id, int(epoch), node))
