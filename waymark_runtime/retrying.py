"""How the runner rides out a database that is unreachable or restarting.

`retrying` repeats an operation while its errors are transient (one warning per outage);
`guarded` is the same for background work, where a lasting failure is logged, never fatal.
Neither decides what is transient (`store.postgres.is_transient`) nor touches runner state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from waymark_runtime.store.postgres import is_transient

log = logging.getLogger("waymark.runner")

T = TypeVar("T")


async def retrying(what: str, operation: Callable[[], Awaitable[T]]) -> T:
    """Retry `operation` while PostgreSQL is unreachable or restarting (one warning per
    outage, the retries at debug level)."""
    for attempt in range(1_000_000_000):
        try:
            result = await operation()
        except Exception as error:
            if not is_transient(error):
                raise
            level = logging.WARNING if attempt == 0 else logging.DEBUG
            log.log(level, "%s: database unavailable (%s); retrying", what, error)
            await asyncio.sleep(min(0.05 * 2**attempt, 2.0))
        else:
            if attempt:
                log.info("%s: database reachable again after %s retries", what, attempt)
            return result
    raise AssertionError("unreachable")


async def guarded(what: str, operation: Callable[[], Awaitable[None]]) -> None:
    """Background work: a failure is logged and retried next round, never fatal."""
    try:
        await retrying(what, operation)
    except Exception:
        log.exception("%s failed", what)
