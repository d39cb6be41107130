"""The action log the parity cases share: `LOG`, the lines actions append as they run, in the
order they ran; `log()`, an action that reads it back inside a workflow; `reset()`, which the
harness calls before every run; and the plain `step` and `failing` actions that write to it.

A case module imports what it uses from here (its own `reset` is this one), so one list serves
every module: the harness runs one case at a time in a process and resets the log first, in
the test process for the oracle and in the worker process on PostgreSQL (`parity_reset`).
"""

from __future__ import annotations

import asyncio

from waymark import action

LOG: list[str] = []


def reset() -> None:
    LOG.clear()


@action
async def step(name: str, seconds: float = 0.0) -> str:
    LOG.append(name)
    await asyncio.sleep(seconds)  # (an action suspends, as one doing I/O does)
    return name.upper()


@action
async def failing(name: str) -> str:
    LOG.append(f"fail {name}")
    raise ValueError(f"{name} failed")


@action
async def log() -> list[str]:
    return list(LOG)
