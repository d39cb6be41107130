"""Workflows of the fault tests, run by `start-workers` processes and on `LocalRuntime`.

Actions append `start <key> <pid>` when an execution starts and `end <key>` when it ends to the
file named by `WM_TEST_RECORD`, so a test can find the worker running an action and count
executions.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

from tests.runtime.runtime_flows import RECORD_ENV, Ledger, _record, ledger
from waymark import Concurrency, RetryPolicy, SignalTimeout, Workflow, action, workflow


@action
async def nap(key: str, seconds: float) -> str:
    _record(f"start {key} {os.getpid()}")
    try:
        await asyncio.sleep(seconds)
    finally:  # a stopped execution ends too (a killed or frozen process writes nothing)
        _record(f"end {key}")
    return key


@workflow
class NapWithDeadline(Workflow):
    """One nap with a deadline, run again once when it passes."""

    async def run(self, key: str) -> str:
        return await self.run_action(
            nap(key, 1.0),
            timeout=2.0,
            retry=RetryPolicy(attempts=2, exception_types=["ActionTimeout"]),
        )


@workflow
class NapChild(Workflow):
    async def run(self, key: str, seconds: float) -> str:
        first = await nap(f"{key}/a", seconds)
        second = await nap(f"{key}/b", 0.0)
        return first + second


@workflow
class NapParent(Workflow):
    async def run(self, key: str, seconds: float) -> str:
        child = await NapChild().run(key, seconds)
        return await nap(child, 0.0)


@workflow
class SignalThenNap(Workflow):
    async def run(self, key: str) -> list[str]:
        got = []
        for _ in range(2):
            value = await self.wait_for_signal("go", str)
            got.append(await nap(f"{key}/{value}", 0.0))
        return got


@workflow
class WaitOrGiveUp(Workflow):
    async def run(self, seconds: float) -> str:
        try:
            value = await self.wait_for_signal("go", str, timeout=seconds)
        except SignalTimeout:
            return "timed out"
        return f"got {value}"


@workflow(concurrency=Concurrency(key="key", limit=1))
class OnePerKey(Workflow):
    async def run(self, key: str, tag: str, seconds: float) -> str:
        return await nap(f"{key}/{tag}", seconds)


@action(concurrency=1)
async def single_file(key: str, seconds: float) -> str:
    return await nap(key, seconds)


@action
async def refuse(reason: str) -> str:
    raise ValueError(reason)


@workflow
class FailsBesideALimited(Workflow):
    async def run(self, key: str, seconds: float) -> list[str]:
        return await asyncio.gather(single_file(key, seconds), refuse(key))


@workflow
class OneLimited(Workflow):
    async def run(self, key: str) -> str:
        return await single_file(key, 0.0)


@action
async def refuse_after(reason: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    raise ValueError(reason)


@workflow
class FailsBesideTwoLimited(Workflow):
    """One `single_file` runs, the other waits for its slot when `refuse` fails the gather."""

    async def run(self, key: str, seconds: float) -> list[str]:
        return await asyncio.gather(
            single_file(f"{key}/1", seconds), single_file(f"{key}/2", seconds), refuse(key)
        )


@workflow
class FailsBesideABackoff(Workflow):
    """`refuse` waits out its first attempt's backoff when `refuse_after` fails the gather."""

    async def run(self, key: str, seconds: float) -> list[str]:
        return await asyncio.gather(
            self.run_action(refuse(f"{key}/retried"),
                            retry=RetryPolicy(attempts=2, backoff_seconds=60.0)),
            refuse_after(key, seconds),
        )  # fmt: skip


@workflow
class LedgerTree(Workflow):
    """Two `Ledger` children, then one more action: the commit that ends a child settles its
    parent too, its family locked first."""

    async def run(self, tag: str, seconds: float) -> list[str]:
        left = await Ledger().run(f"{tag}/l", 2, seconds)
        right = await Ledger().run(f"{tag}/r", 2, seconds)
        last = await ledger(f"{tag}/last", seconds)
        return [*left, *right, last]


@action
async def flaky(key: str) -> str:
    """Fails its first execution of `key` (counted in the record file's `.tries` neighbour), then
    records its start as `ledger` does and returns `key`. With no record file it just returns."""
    started = time.time()
    path = os.environ.get(RECORD_ENV)
    if path:
        tries = f"{path}.tries"
        earlier = Path(tries).read_text().split().count(key) if os.path.exists(tries) else 0
        fd = os.open(tries, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{key}\n".encode())
        finally:
            os.close(fd)
        if not earlier:
            raise ValueError(f"first try of {key}")
    _record(f"{key} {started:.6f}")
    return key


@workflow
class Stormy(Workflow):
    """An action, a durable sleep, a child workflow, an action retried after a backoff."""

    async def run(self, tag: str, seconds: float) -> list[str]:
        first = await ledger(f"{tag}/a", 0.0)
        await asyncio.sleep(seconds)
        child = await Ledger().run(f"{tag}/c", 2, 0.0)
        last = await self.run_action(
            flaky(f"{tag}/f"), retry=RetryPolicy(attempts=3, backoff_seconds=0.3)
        )
        return [first, *child, last]


@workflow
class OneNap(Workflow):
    """One nap, its result worked on after it: what the runner's kills must not change."""

    async def run(self, key: str, seconds: float) -> str:
        done = await nap(key, seconds)
        return f"{done} rested"


@action
async def kill_my_runner(key: str) -> str:
    """Kills its whole process group: the worker, the runner and its other workers."""
    _record(f"start {key} {os.getpid()}")
    os.killpg(0, signal.SIGKILL)
    return key


@workflow
class KillsItsRunner(Workflow):
    async def run(self, key: str) -> str:
        return await kill_my_runner(key)
