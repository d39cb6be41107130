"""One runner's store that starts a claim and stops itself (SIGSTOP) a moment later, while the
server is still sending it the claimed instances, as a host that freezes then would. It holds
the lease for 2 s.

Usage: python -m tests.runtime.frozen_claim DSN
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

from waymark_runtime.store.postgres import PostgresStore


async def claim_and_freeze(dsn: str) -> None:
    store = await PostgresStore.open(dsn, run_migrations=False, max_size=1)
    await store.claim("frozen", 0, time.time(), 2.0)  # connected, its types known: the claim
    claim = asyncio.ensure_future(store.claim("frozen", 100, time.time(), 2.0))  # goes at once
    await asyncio.sleep(0.01)
    os.kill(os.getpid(), signal.SIGSTOP)
    await claim
    await store.close()


if __name__ == "__main__":
    asyncio.run(claim_and_freeze(sys.argv[1]))
