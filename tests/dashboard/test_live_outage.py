"""The dashboard's event stream across a database outage of the test's own (a relay cut and
restored, `tests.pg_relay`): the open stream goes on with its keepalives, raises nothing, and
tells the tab to refresh once the database is back."""

from __future__ import annotations

import asyncio

import pytest

from tests.pg_relay import Relay
from waymark.dashboard import live

KEEPALIVE = ": keepalive\n\n"


async def test_an_open_stream_outlives_an_outage(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "KEEPALIVE_SECONDS", 0.2)
    with Relay(database) as relay:
        broadcast = live.Broadcast(relay.dsn)
        stream = broadcast.events()
        try:
            assert await anext(stream) == live.RETRY
            relay.cut()
            during = [await asyncio.wait_for(anext(stream), 5) for _ in range(5)]
            assert during == [KEEPALIVE] * 5
            relay.restore()
            async with asyncio.timeout(30):
                while (line := await anext(stream)) == KEEPALIVE:
                    pass
            assert line == "data: change\n\n"  # reconnected: every page re-reads its fragment
        finally:
            await stream.aclose()
            await broadcast.close()
