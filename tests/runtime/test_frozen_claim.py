"""A runner frozen (SIGSTOP) while the server sends it a large claim (`tests.runtime.frozen_claim`)
holds none of the instances it claimed past its lease: the lease is committed before what the
steps need is sent, so another runner takes them over once the lease passed. Sent in the same
statement, they stayed locked, neither claimable nor reclaimable, as long as it stayed frozen."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.runtime.support import ROOT, frozen
from tests.runtime.test_store_contract import spec
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault
LARGE = "x" * 1_000_000


async def test_a_runner_frozen_while_its_claim_is_sent_holds_no_instance_past_its_lease(
    store: PostgresStore, database: str
) -> None:
    specs = [dataclasses.replace(spec(), inputs={"value": f"{LARGE}{i}"}) for i in range(16)]
    await store.create_instances(specs, time.time())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.runtime.frozen_claim", database]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    try:
        await frozen(process)  # with its claim of all 16 under way
        await asyncio.sleep(2.5)  # past its lease
        print(
            await store.pool.fetch(  # where its session stands, shown when this fails
                "SELECT state, wait_event, left(query, 30) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        later = time.time()
        await asyncio.wait_for(store.reclaim_expired_instances(later), 10)
        claims = await asyncio.wait_for(store.claim("other", 100, later, 30.0), 10)
        assert len(claims) == len(specs)
        assert {claim.instance.inputs["value"][-2:].lstrip("x") for claim in claims} == {
            str(i) for i in range(len(specs))
        }
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
