"""Client calls made while PostgreSQL restarts, each made once (no retry by the caller): a call
either raises or takes effect exactly once, never returns normally for something that was not
kept. Signals sent without a `send_id`, keyless and keyed starts: every send that returned is
stored once, every start that returned an id created that instance once, and a key names one
instance whatever happened to the calls that used it."""

from __future__ import annotations

import asyncio
import collections
from typing import Any

import pytest

import waymark
from tests.runtime import signal_flows as flows
from tests.runtime.test_fencing import own_server, restart
from tests.runtime.test_steering_faults import rows

pytestmark = pytest.mark.fault
CALLS = 40


async def _outcome(call: Any) -> Any:
    try:
        return await asyncio.wait_for(call, 30)
    except Exception as error:
        return error


async def test_calls_made_once_across_a_restart_take_effect_once_or_raise() -> None:
    async with own_server("outage") as (server, database), waymark.connect(database):
        target = await flows.Collect().run(1, _blocking=False)

        async def send(n: int) -> Any:
            await asyncio.sleep(n * 0.15)
            return await _outcome(waymark.send_signal(target, "item", n))

        async def start(n: int) -> Any:
            await asyncio.sleep(n * 0.15)
            key = f"key-{n % 4}" if n % 2 else None
            return await _outcome(flows.Collect().run(n, _blocking=False, _idempotency_key=key))

        sends = asyncio.gather(*(send(n) for n in range(CALLS)))
        starts = asyncio.gather(*(start(n) for n in range(CALLS)))
        await asyncio.sleep(1.0)  # some calls are made before the outage, some during, some after
        down = asyncio.ensure_future(restart(server, down_for=1.0))
        sent, started = await sends, await starts
        await down
        signals = await rows(database, "SELECT payload FROM waymark_signals"
                             " WHERE instance_id = $1", target)  # fmt: skip
        instances = await rows(database, "SELECT id::text, idempotency_key"
                               " FROM waymark_instances WHERE id <> $1", target)  # fmt: skip
    stored = collections.Counter(str(row["payload"]) for row in signals)
    assert all(times == 1 for times in stored.values()), stored
    returned = [n for n, outcome in enumerate(sent) if outcome is None]
    assert set(map(str, returned)) <= set(stored), (returned, stored, sent)
    assert any(isinstance(outcome, Exception) for outcome in sent + started)  # it was down
    assert 0 < len(returned) < CALLS
    ids = collections.Counter(row["id"] for row in instances)
    assert all(times == 1 for times in ids.values())
    ok = {n: outcome for n, outcome in enumerate(started) if isinstance(outcome, str)}
    assert set(ok.values()) <= set(ids), (ok, ids)
    keyed = collections.defaultdict(set)
    for n, instance in ok.items():
        if n % 2:
            keyed[f"key-{n % 4}"].add(instance)
    assert all(len(found) == 1 for found in keyed.values()), keyed
    keys = collections.Counter(row["idempotency_key"] for row in instances
                               if row["idempotency_key"])  # fmt: skip
    assert all(times == 1 for times in keys.values()), keys
