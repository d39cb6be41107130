"""Workflows and actions the runtime tests run on PostgreSQL with real worker processes.

Worker processes import this module by name (`WAYMARK_USER_MODULE=runtime_flows`, with this
directory on `PYTHONPATH`). Actions that record their executions append one line per run to the
file named by `WM_TEST_RECORD` (O_APPEND writes of one line are atomic across processes).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from waymark import (
    BackoffPolicy,
    RetryPolicy,
    Workflow,
    WorkflowCancelled,
    WorkflowTimeout,
    action,
    workflow,
)

RECORD_ENV = "WM_TEST_RECORD"


class Declined(Exception):
    """A user exception class: the client re-raises it with its own type."""


def _record(line: str) -> None:
    path = os.environ.get(RECORD_ENV)
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{line}\n".encode())
        finally:
            os.close(fd)


@action
async def noop(value: int) -> int:
    return value


@action
async def add(a: int, b: int) -> int:
    return a + b


@action
async def pid() -> int:
    return os.getpid()


@action
async def decline(reason: str) -> str:
    raise Declined(reason)


@action
async def leave_a_thread(value: int) -> int:
    """Returns, leaving a non-daemon thread behind that would keep its process alive an hour."""
    threading.Thread(target=time.sleep, args=(3600,), name="left-behind").start()
    return value


@action
async def fork_and_go_on() -> int:
    """Forks; the child goes on as a copy of its worker process (no exec, no exit)."""
    return 1 if os.fork() else 0


@action
async def slow(value: int, seconds: float) -> int:
    await asyncio.sleep(seconds)
    return value


@action
async def recorded(key: str, seconds: float) -> str:
    """Sleeps, then records that it ran: a line in the file is a completed execution."""
    await asyncio.sleep(seconds)
    _record(key)
    return key


@action
async def measured(key: str, texts: list[str]) -> int:
    """Records that it ran; returns the length of its (large) argument."""
    _record(key)
    return sum(len(text) for text in texts)


@action
async def ledger(key: str, seconds: float) -> str:
    """Like `recorded`, and the line also says when this execution started: `key started`."""
    started = time.time()
    await asyncio.sleep(seconds)
    _record(f"{key} {started:.6f}")
    return key


@action
async def block(seconds: float) -> float:
    """Blocks its worker's event loop (sync sleep), so its own deadline cannot fire."""
    time.sleep(seconds)
    return seconds


@action
async def slow_at_first(marker: str, slow_runs: int, seconds: float) -> int:
    """Sleeps `seconds` (cooperatively) on its first `slow_runs` executions, counted in the
    marker file; returns how many executions it took."""
    path = Path(marker)
    runs = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(runs))
    _record(f"slow {runs}")
    if runs <= slow_runs:
        await asyncio.sleep(seconds)
    return runs


@action
async def crash_process(marker: str) -> str:
    """Kills its worker process; with a marker file, only on the first execution."""
    if marker and Path(marker).exists():
        return "survived"
    if marker:
        Path(marker).touch()
    _record(f"crash {os.getpid()}")
    os._exit(3)


@workflow
class Single(Workflow):
    async def run(self, value: int) -> int:
        return await noop(value)


@workflow
class Sequence(Workflow):
    async def run(self, count: int) -> int:
        total = 0
        for i in range(count):
            total = await add(total, i)
        return total


@workflow
class Fanout(Workflow):
    async def run(self, count: int) -> list[int]:
        return await asyncio.gather(*[noop(i) for i in range(count)])


@workflow
class Pids(Workflow):
    async def run(self, count: int) -> list[int]:
        pids = []
        for _ in range(count):
            current = await pid()
            pids.append(current)
        return pids


@workflow
class Declining(Workflow):
    async def run(self, reason: str) -> str:
        return await decline(reason)


@workflow
class CatchDeclined(Workflow):
    async def run(self, reason: str) -> str:
        try:
            return await decline(reason)
        except Declined as error:
            return f"caught {error}"


@workflow
class Retrying(Workflow):
    async def run(self, reason: str) -> str:
        try:
            return await self.run_action(
                decline(reason), retry=RetryPolicy(attempts=3, backoff_seconds=0.05)
            )
        except Declined:
            return "gave up"


@action
async def declines_on_time(key: str) -> str:
    """Records `retry/<key> <wall time>` per execution, and always fails."""
    _record(f"retry/{key} {time.time():.6f}")
    raise Declined(key)


BACKOFF = 1.0


@workflow
class BackingOff(Workflow):
    """Three executions with backoffs of `BACKOFF` and twice that between them."""

    async def run(self, key: str) -> str:
        try:
            return await self.run_action(declines_on_time(key), retry=RetryPolicy(attempts=3),
                                         backoff=BackoffPolicy(base_delay=BACKOFF))  # fmt: skip
        except Declined as error:
            return f"gave up on {error}"


@workflow
class SleepThenAdd(Workflow):
    async def run(self, seconds: float) -> int:
        first = await noop(1)
        await asyncio.sleep(seconds)
        return await add(first, 1)


@workflow
class WorkThenSleep(Workflow):
    """Held while its action works, then released for its sleep (under a short threshold)."""

    async def run(self, work: float, seconds: float) -> int:
        first = await slow(1, work)
        await asyncio.sleep(seconds)
        return await add(first, 1)


@workflow
class Slow(Workflow):
    async def run(self, value: int, seconds: float) -> int:
        return await slow(value, seconds)


@workflow
class Naps(Workflow):
    """A gather of `count` actions that each sleep `seconds`."""

    async def run(self, count: int, seconds: float) -> int:
        return len(await asyncio.gather(*[slow(i, seconds) for i in range(count)]))


@workflow
class Recorded(Workflow):
    async def run(self, tag: str, count: int, seconds: float) -> list[str]:
        done = []
        for i in range(count):
            key = await recorded(f"{tag}/{i}", seconds)
            done.append(key)
        return done


@workflow
class RecordedFan(Workflow):
    """A gather of `width` recorded actions: results arrive a few at a time while it waits."""

    async def run(self, tag: str, width: int, seconds: float) -> list[str]:
        return await asyncio.gather(*[recorded(f"{tag}/{i}", seconds) for i in range(width)])


@workflow
class Blocking(Workflow):
    async def run(self, seconds: float) -> float:
        return await self.run_action(block(seconds), timeout=0.2)


@workflow
class SlowAtFirst(Workflow):
    async def run(self, marker: str, slow_runs: int) -> int:
        return await slow_at_first(marker, slow_runs, 30.0)


@workflow
class SlowAtFirstWithDeadline(Workflow):
    async def run(self, marker: str, slow_runs: int) -> int:
        return await self.run_action(slow_at_first(marker, slow_runs, 30.0), timeout=0.5)


def _framed(body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + body


_GARBLED = {
    "json": _framed(b"not json"),
    "utf8": _framed(b"\xff\xfe"),
    "shape": _framed(b"[1, 2]"),
    "reply": _framed(b'[{"no": "id"}]'),
    "null": _framed(b"null"),
    "huge": (2**32 - 1).to_bytes(4, "big"),  # a header announcing 4 GiB, and no body
    "stalled": (100).to_bytes(4, "big") + b"[",  # a body that stops arriving
}


@action
async def garble_pipe(marker: str, kind: str) -> str:
    """Writes a frame outside the protocol on its worker's reply pipe (whose descriptor is the
    worker's second argument), or closes that pipe, on the first execution only."""
    if Path(marker).exists():
        return "survived"
    Path(marker).touch()
    if kind == "close":
        os.close(int(sys.argv[2]))
    else:
        os.write(int(sys.argv[2]), _GARBLED[kind])
    await asyncio.sleep(30)  # the runner stops this worker rather than wait for its reply
    return "unreachable"


@workflow
class Garbling(Workflow):
    async def run(self, marker: str, kind: str) -> str:
        return await garble_pipe(marker, kind)


@workflow
class Crashing(Workflow):
    async def run(self, marker: str) -> str:
        return await crash_process(marker)


@workflow
class Ledger(Workflow):
    """A fan-out, then one more action: attempts queue up behind a runner's worker slots."""

    async def run(self, tag: str, width: int, seconds: float) -> list[str]:
        keys = await asyncio.gather(*[ledger(f"{tag}/{i}", seconds) for i in range(width)])
        last = await ledger(f"{tag}/last", seconds)
        keys.append(last)
        return keys


@workflow
class Deadlined(Workflow):
    """Ends as `WorkflowTimeout` unless it finishes within an hour (the class's default)."""

    timeout = timedelta(hours=1)

    async def run(self, seconds: float) -> int:
        await asyncio.sleep(seconds)
        return await add(1, 1)


@workflow
class Hasty(Workflow):
    """Ends as `WorkflowTimeout` unless it finishes within a second (the class's default)."""

    timeout = 1.0

    async def run(self, seconds: float) -> int:
        await asyncio.sleep(seconds)
        return await add(1, 1)


@workflow
class HastyParent(Workflow):
    """Starts `Hasty` as a child, which keeps its class's deadline."""

    async def run(self, seconds: float) -> str:
        try:
            return str(await Hasty().run(seconds=seconds))
        except WorkflowTimeout as error:
            return f"child ended: {type(error).__name__}"


@workflow
class Waiter(Workflow):
    async def run(self) -> int:
        return await self.wait_for_signal("go", int)


@workflow
class WaiterParent(Workflow):
    """Catches its child's cancellation by name."""

    async def run(self) -> str:
        try:
            return str(await Waiter().run())
        except WorkflowCancelled as error:
            return f"child ended: {error}"


@workflow
class LeavesAThread(Workflow):
    async def run(self, value: int) -> int:
        return await leave_a_thread(value)


@workflow
class Forks(Workflow):
    async def run(self) -> int:
        return await fork_and_go_on()
