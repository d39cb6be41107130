"""When a runner claims after an instance ends: only when its last claim stopped for lack of
room. A claim that took everything runnable leaves nothing for the end of an instance to
find (what becomes runnable later is announced), so these runners poll once in ten minutes
and count the claims they send."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings, running
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.usefixtures("worker_env")

_NEVER_MS = 600_000


def _counting_claims(store: PostgresStore) -> list[int]:
    """The store's own `claim_waking`, recording how many instances each call leased."""
    leased: list[int] = []
    claim = store.claim_waking

    async def counted(*args: Any) -> Any:
        claims, wake = await claim(*args)
        leased.append(len(claims))
        return claims, wake

    store.claim_waking = counted  # type: ignore[method-assign]
    return leased


async def test_an_instance_that_ends_brings_no_claim_when_nothing_was_left(
    store: PostgresStore, database: str
) -> None:
    leased = _counting_claims(store)
    settings = runner_settings(database, poll_interval_ms=_NEVER_MS)
    async with running(store, settings), waymark.connect(database):
        for value in range(6):
            assert await flows.Single().run(value) == value
        await asyncio.sleep(0.3)  # a claim the last end asked for would be sent by now
    # one claim at start and one per submission's notification; none per end
    assert sum(leased) == 6
    assert len(leased) <= 1 + 6, leased


async def test_an_instance_that_ends_makes_room_for_what_a_full_claim_left(
    store: PostgresStore, database: str
) -> None:
    leased = _counting_claims(store)
    settings = runner_settings(database, poll_interval_ms=_NEVER_MS, max_concurrent_instances=1)
    async with running(store, settings), waymark.connect(database):
        ids = [await flows.Single().run(value, _blocking=False) for value in range(4)]
        results = [await waymark.get_result(instance_id, timeout=30) for instance_id in ids]
    assert results == [0, 1, 2, 3]
    assert sum(leased) == 4
