"""`waymark db status|url|stop|shell`: the database this project's commands use.

Every command finds the database the same way: `WAYMARK_DATABASE_URL`, else the embedded server
under `WAYMARK_HOME` (default: `.waymark` at the project root, the nearest directory holding
`pyproject.toml` or `.git`). These commands say which it is, print its URL, stop the embedded
server, or open `psql` on it. `waymark db migrate` lives with them (`worker_command`).
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import typer

from waymark_compiler.cli._database import database_url, load_settings, run_async
from waymark_compiler.cli._output import CliError, out, status

_REACH_SECONDS = 10.0  # how long `db status` tries to reach a WAYMARK_DATABASE_URL


def status_command() -> None:
    """Say which database the commands here use, and whether it answers or runs (starts nothing)."""
    settings = load_settings()
    if settings.database_url:
        out(f"database: WAYMARK_DATABASE_URL ({_where(settings.database_url)}; "
            "the embedded server is not used)")  # fmt: skip
        out(f"server: reachable (PostgreSQL {run_async(_reach(settings.database_url))})")
        return
    from waymark_runtime.embedded_cluster import running

    pgdata = settings.home / "pgdata"
    live = running(pgdata)
    out(f"database: embedded, data in {pgdata}")
    if live is None:
        state = "not initialised" if not pgdata.exists() else "stopped"
        out(f"server: {state} (the next command that needs it starts it)")
    else:
        out(f"server: running (pid {live.pid}, socket in {live.socket_dir})")


def _where(url: str) -> str:
    """`host:port/dbname` of a URL, its user and password left out."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname or 'localhost'}{port}{parts.path or '/'}"


async def _reach(url: str) -> str:
    """The server version at `url`; a `CliError` (exit 1) naming why it does not answer."""
    import asyncpg

    try:
        connection = await asyncpg.connect(url, timeout=_REACH_SECONDS)
    except Exception as failure:  # refused, unknown host, bad password, timeout, bad URL part
        why = str(failure).splitlines()[0] if str(failure) else type(failure).__name__
        raise CliError(
            f"cannot reach the database at {_where(url)}: {why}", "check WAYMARK_DATABASE_URL"
        ) from None
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


def url_command() -> None:
    """Print the database URL (starting the embedded server if it is the one in use)."""
    out(run_async(database_url(load_settings())))


def stop_command() -> None:
    """Stop the embedded server of this project (it starts again when a command needs it)."""
    settings = load_settings()
    if settings.database_url:
        raise CliError("WAYMARK_DATABASE_URL is set: there is no embedded server to stop")
    from waymark_runtime.embedded import EmbeddedServer
    from waymark_runtime.embedded_cluster import running

    server = EmbeddedServer(home=settings.home.expanduser().resolve())
    if running(server.pgdata) is None:
        status(f"the embedded server in {server.pgdata} is not running")
        return
    server.stop()
    status(f"stopped the embedded server in {server.pgdata}")


def shell_command() -> None:
    """Open `psql` on the database (the embedded server's own `psql` when it is in use)."""
    settings = load_settings()
    url = run_async(database_url(settings))
    psql = _psql(embedded=not settings.database_url)
    os.execv(psql, [psql, url])


def _psql(*, embedded: bool) -> str:
    if embedded:
        from waymark_runtime.embedded_cluster import bin_dir

        return str(bin_dir() / "psql")
    found = shutil.which("psql")
    if found is None:
        raise CliError(
            "psql is not installed",
            "install the PostgreSQL client (`apt install postgresql-client`)",
        )
    return found


def register(db_app: typer.Typer) -> None:
    db_app.command("status")(status_command)
    db_app.command("url")(url_command)
    db_app.command("stop")(stop_command)
    db_app.command("shell")(shell_command)
