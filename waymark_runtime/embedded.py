"""The embedded default: a private PostgreSQL from the `pgserver` wheel under `WAYMARK_HOME`.

With `WAYMARK_DATABASE_URL` set, that server is used and nothing is booted. Without it, the first
process to ask boots (or finds) the server in `<home>/pgdata` and creates the `waymark` database;
an exclusive file lock makes concurrent callers (client, `start-workers`, tests) safe. The server
is left running on exit so other processes keep using it; it owns no schema. How it is kept
private (socket directory, authentication, root) is `embedded_cluster`'s business.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from waymark_runtime import embedded_cluster as cluster
from waymark_runtime.config import Settings
from waymark_runtime.embedded_cluster import EmbeddedServerError

__all__ = ["DATABASE", "EmbeddedServer", "EmbeddedServerError", "database_url", "embedded_url"]

DATABASE = "waymark"


@dataclass(frozen=True, slots=True)
class EmbeddedServer:
    """The embedded server of one `WAYMARK_HOME`."""

    home: Path

    @property
    def pgdata(self) -> Path:
        return self.home / "pgdata"

    @property
    def socket_dir(self) -> Path:
        return cluster.socket_dir(self.pgdata)

    def get_uri(self, database: str = "postgres") -> str:
        """The URI of `database` on this server, over its socket."""
        return f"postgresql://{cluster.SUPERUSER}@/{database}?host={self.socket_dir}"

    def start(self) -> None:
        """Start the server unless it is running (initialising the cluster on first use)."""
        with _file_lock(self.home / "boot.lock"):
            _boot(self.pgdata, self.socket_dir)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; `mode="immediate"` is a crash. A socket directory of its own under
        the temporary directory is removed with it."""
        cluster.stop(self.pgdata, mode)
        if self.socket_dir != self.pgdata:
            with contextlib.suppress(OSError):
                self.socket_dir.rmdir()


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
    server = server_handle(home)
    with _file_lock(home / "boot.lock"):
        _ensure_database(server, DATABASE)
    return server.get_uri(DATABASE)


def server_handle(home: Path) -> EmbeddedServer:
    """The embedded server under `home`, booted if it was not running."""
    home = home.expanduser().resolve()
    _make_home(home)
    server = EmbeddedServer(home=home)
    server.start()
    return server


def _make_home(home: Path) -> None:
    """Create `home` and its boot lock, or say why it cannot be used (under a file, unwritable)."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        (home / "boot.lock").touch()
    except OSError as error:
        why = (error.strerror or str(error)).lower()
        raise EmbeddedServerError(f"cannot use WAYMARK_HOME {home}: {why}") from error


def _boot(pgdata: Path, sockets: Path) -> None:
    """Reuse a server of ours already on the private socket; else (re)start it privately."""
    live = cluster.running(pgdata)
    ours = pgdata.exists() and pgdata.stat().st_uid == os.geteuid()
    if live is not None and live.socket_dir == sockets and ours:
        cluster.private_dir(sockets)
        return
    cluster.stop(pgdata)  # one started elsewhere, e.g. by an older release: restart it privately
    cluster.adopt(pgdata)
    if not (pgdata / "PG_VERSION").exists():
        cluster.initdb(pgdata)
    cluster.private_dir(sockets)
    cluster.start(pgdata, sockets)


def _ensure_database(server: EmbeddedServer, name: str) -> None:
    uri = server.get_uri("postgres")
    if not cluster.psql(uri, f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip():
        cluster.psql(uri, f'CREATE DATABASE "{name}"')


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
