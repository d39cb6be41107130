"""The dashboard as `start-workers` serves it (WAYMARK_WEBAPP_ENABLED): a real HTTP server next
to a real runner, live updates over server-sent events fed by LISTEN/NOTIFY, and the refusal of
an open address without a token."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time

import httpx
import pytest

from tests.dashboard import seed
from tests.runtime.support import runner_settings
from waymark.dashboard import DashboardConfigError
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.worker import cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def wait_for(url: str) -> httpx.Response:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as http:
        while True:
            with contextlib.suppress(httpx.TransportError):
                return await http.get(url)
            assert time.monotonic() < deadline, f"{url} never answered"
            await asyncio.sleep(0.1)


async def test_start_workers_serves_the_dashboard_with_live_updates(
    database: str, store: PostgresStore, worker_env: object
) -> None:
    port = free_port()
    settings = runner_settings(database, webapp_enabled=True, webapp_addr=f"127.0.0.1:{port}")
    stop = asyncio.Event()
    serving = asyncio.create_task(cli.serve(settings, stop))
    try:
        base = f"http://127.0.0.1:{port}"
        health = await wait_for(f"{base}/healthz")
        assert health.json() == {"status": "ok"}
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            assert "<h1>Runs</h1>" in (await http.get("/runs")).text
            runner = await _registered_runner(http)  # the runner serving this dashboard
            assert f"<td>{socket.gethostname()}</td><td>{os.getpid()}</td>" in runner
            async with http.stream("GET", "/events") as events:
                lines = events.aiter_lines()
                assert await anext(lines) == "retry: 3000"
                await seed.queued(store, time.time())  # notifies waymark_runnable
                message = await asyncio.wait_for(_next_data(lines), 20)
                assert message == "data: change"
    finally:
        stop.set()
        await asyncio.wait_for(serving, 60)


async def _registered_runner(http: httpx.AsyncClient) -> str:
    """The workers page's row of the first registered runner, once there is one."""
    deadline = time.monotonic() + 30
    while True:
        page = (await http.get("/workers", params={"fragment": 1})).text
        if "alive" in page:
            return page[page.index('<table id="runners">') :]
        assert time.monotonic() < deadline, "no runner registered"
        await asyncio.sleep(0.1)


async def _next_data(lines: object) -> str:
    async for line in lines:  # type: ignore[attr-defined]
        if line.startswith("data:"):
            return str(line)
    raise AssertionError("the event stream ended")


async def test_start_workers_refuses_an_open_address_without_a_token(
    database: str, worker_env: object
) -> None:
    settings = runner_settings(database, webapp_enabled=True, webapp_addr="0.0.0.0:24119")
    with pytest.raises(DashboardConfigError, match="WAYMARK_WEBAPP_TOKEN"):
        await asyncio.wait_for(cli.serve(settings, asyncio.Event()), 60)
