"""Serving the dashboard: under `start-workers` (next to a runner) or `waymark dashboard`.

`serve(settings, stop)` runs uvicorn on `WAYMARK_WEBAPP_ADDR` until `stop` is set. The address
is checked first: a non-loopback one without `WAYMARK_WEBAPP_TOKEN` is refused
(`DashboardConfigError`). `start-workers` finds this function through the `waymark.webapp`
entry point, so the runtime never imports the dashboard (nor the compiler it draws with).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn

from waymark.dashboard.app import create_app
from waymark.dashboard.security import Address, DashboardConfigError, checked_address
from waymark_runtime.config import Settings

log = logging.getLogger("waymark.dashboard")


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    *,
    dsn: str,
    address: Address | None = None,
    started: asyncio.Event | None = None,
) -> None:
    """Serve until `stop` is set; `address` overrides `WAYMARK_WEBAPP_ADDR`."""
    token = settings.webapp_token
    address = address or checked_address(settings.webapp_addr, token)
    app = create_app(dsn, token=token)
    config = uvicorn.Config(app, host=address.host, port=address.port, log_level="warning",
                            lifespan="on")  # fmt: skip
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():
        await asyncio.sleep(0.02)
    if task.done():  # uvicorn exits when it cannot bind
        with contextlib.suppress(SystemExit):
            await task
        raise DashboardConfigError(
            f"the dashboard cannot listen on {address.url} (is the port in use?)"
        )
    log.info("dashboard on %s%s", address.url, " (token required)" if token else "")
    if started is not None:
        started.set()
    try:
        await stop.wait()
    finally:
        server.should_exit = True
        await task


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """No handlers of its own: the host process (a runner, the CLI) owns SIGINT/SIGTERM
        and stops the dashboard through `stop`."""
        yield
