"""Count the statements a process sends to PostgreSQL through asyncpg (for `pg_counts`).

`install()` wraps the asyncpg connection's statement entry points at class level, so pools
opened before or after it are counted alike: `execute` (with and without arguments, which is
also how a transaction sends BEGIN and COMMIT), `_execute` (under `fetch`, `fetchrow`,
`fetchval`) and `_executemany`. Each statement is one round trip to the server. A trace of
the latest statements (the monotonic clock, shared by every process of the machine, the
connection and the statement's first line) lets one instance's transactions be read in order.
With `WM_BENCH_STATEMENTS=PATH` in its environment, a process that imports
`benchmarks.workflows` (a runner does) installs it and writes its counts to `PATH.<pid>` on
SIGUSR1.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import time
from collections import Counter, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV = "WM_BENCH_STATEMENTS"
_TRACE = 20_000

counts: Counter[str] = Counter()
trace: deque[tuple[float, int, str]] = deque(maxlen=_TRACE)
_installed = False


def statement_key(query: str) -> str:
    """A statement's first non-empty line, without a leading comment, at most 100 characters."""
    for line in query.strip().splitlines():
        line = line.strip()
        if line and not line.startswith("--"):
            return line[:100]
    return query.strip()[:100]


def _counted(method: Callable[..., Any], *, bare_only: bool = False) -> Callable[..., Any]:
    """`method` counting each statement; `bare_only`: only calls without arguments (`execute`
    with arguments goes through `_execute`, counted there)."""

    @functools.wraps(method)
    async def wrapper(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        if not (bare_only and args):
            key = statement_key(query)
            counts[key] += 1
            trace.append((time.monotonic(), id(self), key))
        return await method(self, query, *args, **kwargs)

    return wrapper


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    # imported here: worker processes import this module too, and never connect
    import asyncpg.connection

    cls = asyncpg.connection.Connection
    cls.execute = _counted(cls.execute, bare_only=True)  # type: ignore[method-assign]
    cls._execute = _counted(cls._execute)  # type: ignore[method-assign]
    cls._executemany = _counted(cls._executemany)  # type: ignore[method-assign]


def snapshot() -> dict[str, Any]:
    return {"counts": dict(counts), "trace": list(trace)}


def install_from_environment() -> None:
    """In a process started with `WM_BENCH_STATEMENTS=PATH`: count, and dump on SIGUSR1."""
    path = os.environ.get(ENV)
    if not path:
        return
    install()

    def dump(_signum: int, _frame: object) -> None:
        target = Path(f"{path}.{os.getpid()}")
        partial = Path(f"{target}.tmp")
        partial.write_text(json.dumps(snapshot()))
        partial.replace(target)

    signal.signal(signal.SIGUSR1, dump)
