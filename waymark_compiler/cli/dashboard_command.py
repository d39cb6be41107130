"""`waymark dashboard`: serve the browser dashboard (docs/dashboard.md) until Ctrl-C.

Against `WAYMARK_DATABASE_URL`, or the embedded server under `WAYMARK_HOME`; on
`WAYMARK_WEBAPP_ADDR` (default 127.0.0.1:24119) unless `--addr` says otherwise. It opens the
browser unless `--no-open`. The app and its checks live in `waymark.dashboard`; this module only
reads the options and runs it.
"""

from __future__ import annotations

import asyncio
import signal
import webbrowser
from typing import Annotated

import typer

from waymark_compiler.cli._database import database_url, load_settings, run_async, user_modules
from waymark_compiler.cli._output import CliError, UsageFailure, status

AddrOption = Annotated[
    str | None,
    typer.Option("--addr", metavar="HOST:PORT",
                 help="Where to listen (default: WAYMARK_WEBAPP_ADDR, else 127.0.0.1:24119)."),
]  # fmt: skip
NoOpenOption = Annotated[
    bool, typer.Option("--no-open", help="Do not open the dashboard in a browser.")
]


def dashboard_command(addr: AddrOption = None, no_open: NoOpenOption = False) -> None:
    """Serve the dashboard: every run, its graph and attempts; cancel, retry, requeue."""
    try:
        from waymark.dashboard.security import DashboardConfigError, checked_address
        from waymark.dashboard.server import serve
    except ImportError as missing:
        raise CliError(
            f"the dashboard's dependencies are not installed ({missing.name})",
            "pip install 'waymark[dashboard]'",
        ) from None
    settings = load_settings()
    user_modules(settings)  # the payload classes of signals sent from a run's page
    token = settings.webapp_token
    try:
        if addr is None:
            address = checked_address(settings.webapp_addr, token)
        else:
            address = checked_address(addr, token, "--addr")
    except DashboardConfigError as refused:
        raise UsageFailure(str(refused)) from None

    async def main() -> None:
        dsn = await database_url(settings)
        stop, started = asyncio.Event(), asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):  # a graceful stop, exit status 0
            loop.add_signal_handler(signum, stop.set)
        serving = asyncio.create_task(serve(settings, stop, dsn=dsn, address=address,
                                            started=started))  # fmt: skip
        waiting = asyncio.create_task(started.wait())
        await asyncio.wait({serving, waiting}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if serving.done():
            await serving
            return
        url = address.url + "/runs"
        status(f"dashboard on {url}{' (token required)' if token else ''}; Ctrl-C stops it")
        if not no_open:
            await asyncio.to_thread(webbrowser.open, url)
        await serving
        status("dashboard stopped")

    try:
        run_async(main())
    except DashboardConfigError as failure:
        raise CliError(str(failure)) from None


def register(app: typer.Typer) -> None:
    app.command("dashboard")(dashboard_command)
