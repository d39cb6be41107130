"""The shape of a PostgreSQL URL, checked before asyncpg connects with it.

asyncpg reports a malformed URL as `ClientConfigurationError`, except for a few shapes it lets
through to fail later as an arbitrary `ValueError` or `OverflowError` (a port that is not a
number or out of range, an unclosed `[` of an IPv6 host). `refuse_malformed` raises asyncpg's
own error for those too, so every entry point reports them as the malformed URL they are.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import asyncpg


def refuse_malformed(dsn: str) -> None:
    """Raise `asyncpg.ClientConfigurationError` for a URL asyncpg would fail on obscurely; the
    message never repeats the URL (it may hold a password)."""
    try:
        netloc = urlsplit(dsn.strip()).netloc
    except ValueError as error:  # "Invalid IPv6 URL"
        raise asyncpg.ClientConfigurationError(f"invalid DSN: {error}") from None
    for host in netloc.rpartition("@")[2].split(","):  # asyncpg takes several hosts
        port = _port(host)
        if port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
            raise asyncpg.ClientConfigurationError(
                f"invalid DSN: port {port!r} is not a number from 1 to 65535"
            )


def _port(host: str) -> str:
    """The port written after `host` (`db:5432`, `[::1]:5432`), or ''."""
    if host.startswith("["):
        return host.partition("]")[2].removeprefix(":")
    return host.rpartition(":")[2] if ":" in host else ""
