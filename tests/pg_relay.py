"""A TCP relay in front of PostgreSQL that a test can cut: an outage of the test's own.

`Relay(dsn)` listens on a free local port and forwards every connection to the server of `dsn`;
`relay.dsn` is the same DSN through the relay. `cut()` resets every relayed connection and
refuses new ones (the server looks gone to whoever uses `relay.dsn`), `restore()` accepts again.
The machine's PostgreSQL itself is never touched. It runs in a thread of its own, so a test may
use it from synchronous code while a subprocess works through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


class Relay:
    def __init__(self, dsn: str) -> None:
        parts = urlsplit(dsn)
        query = dict(parse_qsl(parts.query))
        socket_directory = query.pop("host", "")  # the embedded server's Unix socket
        self._socket = f"{socket_directory}/.s.PGSQL.{parts.port or 5432}"
        self._target = "" if socket_directory else parts.hostname or "127.0.0.1"
        self._target_port = parts.port or 5432
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        netloc = f"{parts.username}@" if parts.username else ""
        if parts.password:
            netloc = f"{parts.username}:{parts.password}@"
        self.dsn = urlunsplit(
            parts._replace(netloc=f"{netloc}127.0.0.1:{self.port}", query=urlencode(query))
        )
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def __enter__(self) -> Relay:
        self._thread.start()
        self.restore()
        return self

    def __exit__(self, *_: object) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def cut(self) -> None:
        self._call(self._cut())

    def restore(self) -> None:
        self._call(self._listen())

    def _call(self, coroutine: object) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)  # type: ignore[arg-type]

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if self._target:
                upstream = await asyncio.open_connection(self._target, self._target_port)
            else:
                upstream = await asyncio.open_unix_connection(self._socket)
        except OSError:
            writer.transport.abort()
            return
        upstream_reader, upstream_writer = upstream
        self._writers |= {writer, upstream_writer}
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            writer.transport.abort()
