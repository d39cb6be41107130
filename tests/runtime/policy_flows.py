"""Workflows of the fault tests of call policies (retry, backoff, timeout, an action's
concurrency) under worker deaths.

`doomed` appends `<key> <monotonic time>` to the file named by `WM_TEST_RECORD` when an
execution starts, then acts by the number of executions of its key recorded so far: the
first SIGKILLs its own worker process, the next `fails` raise `ValueError`, the rest return.
`alone` appends `start <key> <pid>` and `end <key>` around its nap.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

from tests.runtime.runtime_flows import RECORD_ENV, _record
from waymark import ActionTimeout, BackoffPolicy, RetryPolicy, Workflow, action, workflow

BACKOFF = 1.0


def _executions(key: str) -> int:
    path = os.environ.get(RECORD_ENV)
    if not path or not os.path.exists(path):
        return 0
    with open(path) as file:
        return sum(line.split()[0] == key for line in file if line.strip())


@action
async def doomed(key: str, fails: int) -> str:
    _record(f"{key} {time.monotonic()}")
    done = _executions(key)
    if done == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    if done <= 1 + fails:
        raise ValueError(f"{key} failed")
    return key


@action
async def dawdle(key: str, seconds: float) -> str:
    _record(f"{key} {time.monotonic()}")
    await asyncio.sleep(seconds)
    return key


@workflow
class DiesThenRetries(Workflow):
    """A call that kills its worker once, then fails `fails` times, under two attempts."""

    async def run(self, key: str, fails: int) -> str:
        try:
            return await self.run_action(
                doomed(key, fails),
                retry=RetryPolicy(attempts=2, exception_types=[ValueError]),
                backoff=BackoffPolicy(base_delay=BACKOFF),
                timeout=10.0,
            )
        except ValueError as error:
            return f"gave up: {error}"


@workflow
class TimesOutTwice(Workflow):
    """A call whose every attempt outlasts its timeout, under two attempts."""

    async def run(self, key: str) -> str:
        try:
            return await self.run_action(
                dawdle(key, 30.0),
                retry=RetryPolicy(attempts=2, exception_types=[ActionTimeout]),
                backoff=BackoffPolicy(base_delay=BACKOFF),
                timeout=1.0,
            )
        except ActionTimeout:
            return f"timed out: {key}"


@action(concurrency=1)
async def alone(key: str, seconds: float) -> str:
    _record(f"start {key} {os.getpid()}")
    await asyncio.sleep(seconds)
    _record(f"end {key}")
    return key


@workflow
class Alone(Workflow):
    async def run(self, key: str, seconds: float) -> str:
        return await alone(key, seconds)


@action
async def blocks_once(key: str) -> str:
    """Its first execution blocks its worker's event loop far past any timeout."""
    _record(f"{key} {time.monotonic()}")
    if _executions(key) == 1:
        time.sleep(60)
    return key


@workflow
class BlocksPastItsTimeout(Workflow):
    async def run(self, key: str) -> str:
        return await self.run_action(
            blocks_once(key),
            retry=RetryPolicy(attempts=2, exception_types=[ActionTimeout]),
            timeout=1.0,
        )
