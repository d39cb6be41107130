"""The embedded default: a private PostgreSQL from the `pgserver` wheel under `WAYMARK_HOME`.

With `WAYMARK_DATABASE_URL` set, that server is used and nothing is booted. Without it, the first
process to ask boots (or finds) the server in `<home>/pgdata` and creates the `waymark` database;
an exclusive file lock makes concurrent callers (client, `start-workers`, tests) safe.
The server is left running on exit so other processes keep using it; it owns no schema.
"""

from __future__ import annotations

import fcntl
import functools
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from waymark_runtime.config import Settings
from waymark_runtime.errors import WaymarkError

DATABASE = "waymark"


class EmbeddedServerError(WaymarkError):
    """could not start the embedded PostgreSQL server"""


def database_url(settings: Settings) -> str:
    """The DSN to use: `WAYMARK_DATABASE_URL`, or the embedded server's `waymark` database."""
    if settings.database_url:
        return settings.database_url
    return embedded_url(settings.home)


def embedded_url(home: Path) -> str:
    """Boot (or find) the embedded server under `home` and return its `waymark` database URI."""
    return _embedded_url(home.expanduser().resolve())


@functools.cache
def _embedded_url(home: Path) -> str:
    home.mkdir(parents=True, exist_ok=True)
    with _file_lock(home / "boot.lock"):
        server = _server(home / "pgdata")
        _ensure_database(server, DATABASE)
        uri: str = server.get_uri(DATABASE)
    return uri


def server_handle(home: Path) -> Any:
    """The `pgserver` handle of the embedded server under `home` (booting it if needed)."""
    home = home.expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    with _file_lock(home / "boot.lock"):
        return _server(home / "pgdata")


def _server(pgdata: Path) -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers); it falls back fine.
        warnings.simplefilter("ignore")
        try:
            from pgserver.postgres_server import get_server
        except ImportError as error:
            raise EmbeddedServerError(
                "the embedded PostgreSQL needs the `pgserver` package, which is not installed "
                "(it ships wheels for Python 3.9-3.12); set WAYMARK_DATABASE_URL to a "
                "PostgreSQL 14+ server instead"
            ) from error
        try:
            return get_server(pgdata, cleanup_mode=None)
        except (subprocess.SubprocessError, OSError, AssertionError) as error:
            log = pgdata / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise EmbeddedServerError(
                f"could not start the embedded PostgreSQL in {pgdata}: {error}\n{tail}"
            ) from error


def _ensure_database(server: Any, name: str) -> None:
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
