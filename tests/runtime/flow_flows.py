"""Workflows and actions of the flow-control tests, on LocalRuntime and in worker processes.

Each action appends `start <tag> <time>` and `end <tag> <time>` lines (wall-clock seconds) to
the file named by `WM_TEST_RECORD` (O_APPEND writes of one line are atomic across processes),
so a test can measure how many executions overlapped, whichever process ran them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from datetime import timedelta
from functools import partial

from tests.runtime.runtime_flows import RECORD_ENV, _record
from waymark import Concurrency, RateLimit, RetryPolicy, Workflow, action, workflow

SLOTS = 2
RATE = 5
PER = 0.5


async def _timed(tag: str, seconds: float) -> str:
    _record(f"start {tag} {time.time():.6f}")
    try:
        await asyncio.sleep(seconds)
    finally:  # a cancelled execution ends too (a killed process writes no end)
        _record(f"end {tag} {time.time():.6f}")
    return tag


@action(concurrency=SLOTS)
async def narrow(tag: str, seconds: float) -> str:
    """At most `SLOTS` of these execute at once, across every runner."""
    return await _timed(tag, seconds)


@action(concurrency=SLOTS)
async def narrow_flaky(tag: str, seconds: float) -> str:
    """Fails its first execution of each tag (the file remembers): retries go through the gate."""
    await _timed(tag, seconds)
    path = os.environ.get(RECORD_ENV, "")
    marker = f"{path}.{tag.replace('/', '_')}.failed"
    if not os.path.exists(marker):
        open(marker, "w").close()
        raise ConnectionError(f"{tag}: first try fails")
    return tag


@action(rate_limit=RateLimit(RATE, per=timedelta(seconds=PER)))
async def paced(tag: str) -> str:
    """At most `RATE` of these start per `PER` seconds, across every runner."""
    return await _timed(tag, 0.0)


@action
async def step(tag: str, seconds: float) -> str:
    return await _timed(tag, seconds)


@workflow
class FanNarrow(Workflow):
    async def run(self, count: int, seconds: float) -> list[str]:
        return await asyncio.gather(*[narrow(f"n{i}", seconds) for i in range(count)])


@workflow
class FanNarrowByValue(Workflow):
    """The limited action reached as a value, bare and through a partial: the same gate."""

    async def run(self, count: int, seconds: float) -> list[str]:
        tools = {"narrow": narrow}
        later = partial(tools["narrow"], seconds=seconds)
        return await asyncio.gather(*[later(f"n{i}") for i in range(count)])


@workflow
class OneNarrow(Workflow):
    async def run(self, tag: str, seconds: float) -> str:
        return await narrow(tag, seconds)


@workflow
class FlakyNarrow(Workflow):
    async def run(self, count: int, seconds: float) -> list[str]:
        return await asyncio.gather(
            *[
                self.run_action(narrow_flaky(f"f{i}", seconds), retry=RetryPolicy(attempts=2))
                for i in range(count)
            ]
        )


@workflow
class FanPaced(Workflow):
    async def run(self, count: int) -> list[str]:
        return await asyncio.gather(*[paced(f"p{i}") for i in range(count)])


@workflow
class PacedBehind(Workflow):
    """Rate-limited attempts that become due while an unlimited one takes the worker slots."""

    async def run(self, count: int, seconds: float) -> list[str]:
        return await asyncio.gather(step("busy", seconds), *[paced(f"p{i}") for i in range(count)])


@workflow(concurrency=Concurrency(key="customer_id", limit=1))
class PerCustomer(Workflow):
    """One running instance per customer: its two steps and a sleep never interleave."""

    async def run(self, customer_id: str, order: int, seconds: float) -> str:
        await step(f"{customer_id}/{order}/a", seconds)
        await asyncio.sleep(seconds)
        await step(f"{customer_id}/{order}/b", seconds)
        return f"{customer_id}/{order}"


@workflow(concurrency=Concurrency(limit=2))
class TwoAtATime(Workflow):
    async def run(self, order: int, seconds: float) -> int:
        await step(f"all/{order}", seconds)
        return order


@workflow(concurrency=Concurrency(key="region", limit=1))
class Regional(Workflow):
    async def run(self, order: int, region: str = "eu") -> str:
        await step(f"{region}/{order}", 0.01)
        return region


@workflow(concurrency=Concurrency(limit=1))
class Solo(Workflow):
    """One instance at a time, however it was started (here: as a child)."""

    async def run(self, tag: str) -> str:
        return await step(tag, 0.05)


@workflow
class SoloParent(Workflow):
    async def run(self, count: int) -> list[str]:
        return await asyncio.gather(*[Solo().run(tag=f"s{i}") for i in range(count)])


@workflow
class Mixed(Workflow):
    """Limited attempts waiting for a slot next to an unlimited one."""

    async def run(self, count: int, seconds: float) -> list[str]:
        return await asyncio.gather(
            *[narrow(f"m{i}", seconds) for i in range(count)], step("free", 0.0)
        )


@action(concurrency=1)
async def stubborn(tag: str, forever: bool) -> str:
    """Catches every cancellation and goes on (`alive` lines) while `forever`."""
    _record(f"start {tag} {time.time():.6f}")
    while forever:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(0.05)
        _record(f"alive {tag} {time.time():.6f}")
    return tag


@workflow
class Stubborn(Workflow):
    async def run(self, tag: str, forever: bool) -> str:
        return await stubborn(tag, forever)
