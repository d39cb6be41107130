"""A worker's prefetch: requests sent beyond its slots wait in it, in the order sent, and start
as slots free up; their timeouts and lease deadlines count from their start, the runner can
withdraw them, and when their worker dies those that never started are queued again, not lost.

`Slots` (the pool's count of one worker) is tested alone; the worker's side on a real worker
process over its pipes; the loss of a worker on a real `WorkerPool`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Hashable
from pathlib import Path
from typing import Any

import pytest

from tests.runtime import runtime_flows as flows
from waymark_runtime.actions import action_path
from waymark_runtime.config import Settings
from waymark_runtime.worker import protocol
from waymark_runtime.worker.executor import AttemptOrder, Lease
from waymark_runtime.worker.pool import WorkerPool
from waymark_runtime.worker.protocol import Request, dumps, encode_list
from waymark_runtime.worker.slots import Slots

SLOW = action_path(flows.slow)
RECORDED = action_path(flows.recorded)
BLOCK = action_path(flows.block)
MEASURED = action_path(flows.measured)


# -- the pool's count -------------------------------------------------------------------------


def test_requests_beyond_the_slots_wait_and_start_in_order_as_replies_free_slots() -> None:
    slots = Slots(2)
    assert [slots.sent(i, 0.0) for i in (1, 2, 3, 4)] == [True, True, False, False]
    assert slots.ended(2, 1.0, ran=True) == [3]
    assert slots.running == {1: 0.0, 3: 1.0} and list(slots.waiting) == [4]
    assert slots.ended(4, 1.5, ran=False) == []  # withdrawn while waiting: frees no slot
    assert slots.ended(1, 2.0, ran=True) == [] and list(slots.running) == [3]


def test_no_prefetch_before_the_pace_is_known_nor_for_attempts_that_take_long() -> None:
    slots = Slots(10)
    assert slots.depth(0.0) == 0 and slots.room(0.0) == 10  # free slots fill at once
    slots.took = 0.001
    assert slots.depth(0.0) == 20  # at most two per slot
    slots.took = 0.05
    assert slots.depth(0.0) == 20  # 10 slots get through 40 in PREFETCH_SECONDS (0.2)
    slots.took = 1.0
    assert slots.depth(0.0) == 2
    slots.took = 0.001
    slots.sent(1, 0.0)
    assert slots.depth(0.0) == 20 and slots.depth(5.0) == 0  # one attempt running for 5 s


def test_the_prefetch_is_topped_up_once_half_of_it_has_started() -> None:
    slots = Slots(4)
    slots.took = 0.001  # a prefetch of 8: room for 4 running and 8 waiting
    assert slots.room(0.0) == 12
    for request_id in range(1, 13):
        slots.sent(request_id, 0.0)
    assert slots.room(0.0) == 0
    for request_id in (1, 2, 3):
        slots.ended(request_id, 0.001, ran=True)
    assert slots.room(0.001) == 0  # 3 would make a small frame: wait for a fourth
    slots.ended(4, 0.001, ran=True)
    assert slots.room(0.001) == 4 and len(slots.waiting) == 4  # a slot's worth still waits


# -- the worker process -----------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _worker(slots: int) -> AsyncIterator[tuple[asyncio.StreamReader, Any]]:
    to_worker_r, to_worker_w = os.pipe()
    from_worker_r, from_worker_w = os.pipe()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "waymark_runtime.worker.main",
        str(to_worker_r), str(from_worker_w), str(slots),
        pass_fds=(to_worker_r, from_worker_w),
        env={**os.environ, "WAYMARK_USER_MODULE": flows.__name__},
    )  # fmt: skip
    os.close(to_worker_r)
    os.close(from_worker_w)
    reader, writer, _ = await protocol.open_pipes(from_worker_r, to_worker_w)
    try:
        assert "hello" in await protocol.read_frame(reader)
        yield reader, writer
    finally:
        writer.close()
        await process.wait()


def _request(request_id: int, value: int, seconds: float, **fields: Any) -> Request:
    request: Request = {"id": request_id, "action": SLOW, "args": [value, seconds], "kwargs": {},
                        "timeout": None, "not_after": time.monotonic() + 60}  # fmt: skip
    request.update(fields)  # type: ignore[typeddict-item]
    return request


async def _replies(
    reader: asyncio.StreamReader, count: int, writer: Any = None
) -> list[dict[str, Any]]:
    """The next `count` replies, less how long each ran (`ran`: a duration, checked to be
    one); a worker's `renew` is answered with a deadline long past (the lease is gone)."""
    replies: list[dict[str, Any]] = []
    while len(replies) < count:
        frame = await asyncio.wait_for(protocol.read_frame(reader), 30)
        if isinstance(frame, dict):
            deadlines = [[request_id, 0.0] for request_id in frame["renew"]]
            writer.write(protocol.encode({"renewed": deadlines}))
        else:
            replies += frame
    for reply in replies:
        assert reply.pop("ran", 0.0) >= 0.0
    return replies


@pytest.mark.usefixtures("worker_env")
async def test_a_waiting_attempt_has_no_timeout_running_until_it_starts() -> None:
    async with _worker(slots=1) as (reader, writer):
        first, second = _request(1, 1, 0.3), _request(2, 2, 0.1, timeout=0.25)
        writer.write(encode_list([dumps(first), dumps(second)]))
        replies = await _replies(reader, 2)
    assert replies == [{"id": 1, "ok": True, "value": 1}, {"id": 2, "ok": True, "value": 2}]


@pytest.mark.usefixtures("worker_env")
async def test_a_waiting_attempt_whose_lease_ran_out_is_skipped_at_its_start() -> None:
    async with _worker(slots=1) as (reader, writer):
        late = _request(2, 2, 0.0, not_after=time.monotonic() + 0.1)
        writer.write(encode_list([dumps(_request(1, 1, 0.3)), dumps(late)]))
        replies = await _replies(reader, 2, writer)
    assert replies == [
        {"id": 1, "ok": True, "value": 1},
        {"id": 2, "ok": False, "value": None, "skipped": True},
    ]


@pytest.mark.usefixtures("worker_env")
async def test_an_attempt_whose_start_comes_after_its_lease_is_skipped() -> None:
    """Both requests have a slot, so both start at once; the first blocks the worker's event
    loop past the second's lease deadline (synchronous code, or a stopped process): the second,
    scheduled before the deadline but starting after it, must not run."""
    async with _worker(slots=2) as (reader, writer):
        blocking: Request = {"id": 1, "action": BLOCK, "args": [0.5], "kwargs": {},
                             "timeout": None, "not_after": time.monotonic() + 60}  # fmt: skip
        late = _request(2, 2, 0.0, not_after=time.monotonic() + 0.2)
        writer.write(encode_list([dumps(blocking), dumps(late)]))
        replies = await _replies(reader, 2, writer)
    assert sorted(replies, key=lambda reply: reply["id"]) == [
        {"id": 1, "ok": True, "value": 0.5},
        {"id": 2, "ok": False, "value": None, "skipped": True},
    ]


@pytest.mark.usefixtures("worker_env")
async def test_a_request_that_arrives_past_its_lease_runs_once_the_runner_renews_it() -> None:
    """A large argument can take longer to arrive than the lease had left when it was sent:
    the worker asks for the lease's current deadline instead of skipping it, and the requests
    sent behind it wait for the answer, so they still start in order."""
    async with _worker(slots=1) as (reader, writer):
        late = _request(1, 1, 0.0, not_after=time.monotonic() - 1)
        writer.write(encode_list([dumps(late), dumps(_request(2, 2, 0.0))]))
        assert await asyncio.wait_for(protocol.read_frame(reader), 30) == {"renew": [1]}
        writer.write(protocol.encode({"renewed": [[1, time.monotonic() + 60]]}))
        replies = await _replies(reader, 2)
    assert replies == [{"id": 1, "ok": True, "value": 1}, {"id": 2, "ok": True, "value": 2}]


@pytest.mark.usefixtures("worker_env")
async def test_a_late_request_whose_lease_is_gone_is_skipped_and_the_next_one_runs() -> None:
    async with _worker(slots=1) as (reader, writer):
        late = _request(1, 1, 0.0, not_after=time.monotonic() - 1)
        writer.write(encode_list([dumps(late), dumps(_request(2, 2, 0.0))]))
        replies = await _replies(reader, 2, writer)
    assert replies == [
        {"id": 1, "ok": False, "value": None, "skipped": True},
        {"id": 2, "ok": True, "value": 2},
    ]


@pytest.mark.usefixtures("worker_env")
async def test_a_withdrawn_request_never_starts() -> None:
    async with _worker(slots=1) as (reader, writer):
        writer.write(encode_list([dumps(_request(1, 1, 0.3)), dumps(_request(2, 2, 0.0))]))
        # 7 is unknown (or would have started already): nothing to withdraw
        writer.write(protocol.encode({"withdraw": [2, 7]}))
        replies = await _replies(reader, 2)
    assert replies == [
        {"id": 2, "ok": False, "value": None, "skipped": True},
        {"id": 1, "ok": True, "value": 1},
    ]


# -- a worker that dies -----------------------------------------------------------------------


class _Heard:
    """What a pool reported: replies by key, lost, expired and started keys."""

    def __init__(self) -> None:
        self.replied: dict[Hashable, Any] = {}
        self.lost: list[Hashable] = []
        self.expired: list[Hashable] = []
        self.started: list[Hashable] = []
        self.changed = asyncio.Event()

    def on_reply(self, key: Hashable, ok: bool, value: Any) -> None:
        self.replied[key] = (ok, value)
        self.changed.set()

    def on_lost(self, keys: list[Hashable], *, suspect: bool = True) -> None:
        self.lost += keys

    def on_expired(self, keys: list[Hashable]) -> None:
        self.expired += keys
        self.changed.set()

    def on_started(self, keys: list[Hashable]) -> None:
        self.started += keys
        self.changed.set()

    def on_ended(self, keys: list[Hashable]) -> None:
        pass

    def on_room(self) -> None:
        pass

    async def until(self, done: Callable[[], bool]) -> None:
        while not done():
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 60)


@contextlib.asynccontextmanager
async def _pool(heard: _Heard, **env: str) -> AsyncIterator[WorkerPool]:
    """One worker of two slots that keeps a prefetch of two from the start (`env`: more
    settings)."""
    settings = Settings.from_env({"WAYMARK_DATABASE_URL": "postgresql://unused/db",
                                  "WAYMARK_USER_MODULE": flows.__name__,
                                  "WAYMARK_WORKER_COUNT": "1",
                                  "WAYMARK_CONCURRENT_PER_WORKER": "2", **env})  # fmt: skip
    pool = WorkerPool(settings, heard)
    await pool.start()
    try:
        pool.workers[0].slots.took = 0.001  # as if its attempts so far were short
        yield pool
    finally:
        await pool.stop()


def _recorded(key: str, seconds: float, lease: Lease) -> AttemptOrder:
    return AttemptOrder(key, RECORDED, [key, seconds], {}, 30.0, lease)


async def test_attempts_waiting_in_a_killed_worker_run_again_and_are_not_lost(
    worker_env: Path,
) -> None:
    heard = _Heard()
    async with _pool(heard) as pool:
        [worker] = pool.workers
        lease = Lease(time.monotonic() + 600)
        pool.submit([_recorded(f"r{i}", 5.0 if i < 2 else 0.0, lease) for i in range(4)])
        await asyncio.sleep(0.5)  # the first two run (5 s each), the others wait in the worker
        assert list(worker.slots.running) == [1, 2] and list(worker.slots.waiting) == [3, 4]
        assert set(worker.deadlines) == {1, 2}  # the watchdog counts from the start
        os.kill(worker.process.pid, signal.SIGKILL)
        await heard.until(lambda: len(heard.replied) == 2)
    assert sorted(heard.lost) == ["r0", "r1"]  # they may have run: the runner counts a loss
    assert heard.replied == {"r2": (True, "r2"), "r3": (True, "r3")}
    assert sorted(worker_env.read_text().splitlines()) == ["r2", "r3"]


async def test_orders_that_ask_are_reported_when_they_start_not_when_sent(
    worker_env: Path,
) -> None:
    """`free` counts the slots an order would take at once; an order sent with its row queued
    (`report_start`) is reported when the worker starts it, not while it waits in the worker."""
    heard = _Heard()
    async with _pool(heard) as pool:
        lease = Lease(time.monotonic() + 600)
        assert pool.free == 2
        orders = [_recorded(f"s{i}", 0.6 if i < 2 else 0.0, lease) for i in range(4)]
        for order in orders[1:]:
            order.report_start = True
        pool.submit(orders)
        assert pool.free == 0  # queued in the pool, about to be sent
        await heard.until(lambda: len(heard.started) == 1)
        await asyncio.sleep(0.2)  # s0 and s1 run; s2 and s3 wait in the worker
        assert heard.started == ["s1"] and pool.free == 0
        await heard.until(lambda: len(heard.replied) == 4)
        assert heard.started == ["s1", "s2", "s3"] and pool.free == 2


async def test_the_waiting_requests_of_a_revoked_claim_are_withdrawn_from_the_worker(
    worker_env: Path,
) -> None:
    heard = _Heard()
    async with _pool(heard) as pool:
        kept, revoked = Lease(time.monotonic() + 600), Lease(time.monotonic() + 600)
        pool.submit([_recorded("k0", 0.5, kept), _recorded("k1", 0.5, kept),
                     _recorded("w0", 0.0, revoked), _recorded("w1", 0.0, revoked)])  # fmt: skip
        await asyncio.sleep(0.2)  # k0 and k1 run; w0 and w1 wait in the worker
        revoked.revoke()  # the worker was told a deadline 600 s away: only a withdrawal stops them
        pool.withdraw_revoked()
        await heard.until(lambda: len(heard.replied) + len(heard.expired) == 4)
    assert sorted(heard.expired) == ["w0", "w1"]
    assert heard.replied == {"k0": (True, "k0"), "k1": (True, "k1")}
    assert sorted(worker_env.read_text().splitlines()) == ["k0", "k1"]


async def test_an_order_slower_to_arrive_than_its_lease_starts_when_a_heartbeat_renewed_it(
    worker_env: Path,
) -> None:
    """The request carries the lease deadline of when it was sent; a 30 MB argument arrives
    after it. A heartbeat confirmed the claim meanwhile (the runner moved the deadline on), so
    it runs; one whose claim was let go meanwhile is not started."""
    heard = _Heard()
    big = ["x" * 1_000_000] * 30
    async with _pool(heard) as pool:
        renewed, revoked = Lease(time.monotonic() + 0.02), Lease(time.monotonic() + 0.02)
        pool.submit([AttemptOrder("renewed", MEASURED, ["renewed", big], {}, 30.0, renewed),
                     AttemptOrder("revoked", MEASURED, ["revoked", big], {}, 30.0, revoked)])  # fmt: skip

        def heartbeat() -> None:  # runs once both requests were encoded and written
            renewed.deadline = time.monotonic() + 600
            revoked.revoke()

        asyncio.get_running_loop().call_soon(heartbeat)
        await heard.until(lambda: len(heard.replied) + len(heard.expired) == 2)
    assert heard.replied == {"renewed": (True, 30_000_000)} and heard.expired == ["revoked"]
    assert worker_env.read_text().splitlines() == ["renewed"]
