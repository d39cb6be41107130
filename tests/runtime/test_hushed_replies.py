"""Replies left unread while the runner would only put them off (`worker/hush.py`): successes
pile up in the pipe until the hush ends; a failure, a worker's death, new orders or a stop end
it at once; no hush starts while queued orders would leave a worker's slot idle, nor while
an urgent frame a worker announced is still unread.

On a real `WorkerPool` with one worker process of two slots (`test_worker_prefetch._pool`).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from tests.runtime import runtime_flows as flows
from tests.runtime.test_worker_prefetch import _Heard, _pool, _recorded
from waymark_runtime.actions import action_path
from waymark_runtime.worker.executor import AttemptOrder, Lease
from waymark_runtime.worker.hush import Hush, signal_urgent
from waymark_runtime.worker.slots import Slots

DECLINE = action_path(flows.decline)
_LONG = 600.0  # a hush no test waits for
_PROMPT = 20.0  # what "at once" may take on a loaded machine


async def _ran(record: Path, *keys: str) -> None:
    """Until the worker has run `keys` (their replies are written right after)."""
    while not set(keys) <= set(record.read_text().splitlines() if record.exists() else []):
        await asyncio.sleep(0.01)


async def test_successes_wait_in_the_pipe_until_the_hush_ends(worker_env: Path) -> None:
    heard = _Heard()
    async with _pool(heard) as pool:
        pool.submit([_recorded("a", 0.0, Lease(time.monotonic() + _LONG))])
        pool.quiet(time.monotonic() + _LONG)
        assert pool.hush.hushed
        await _ran(worker_env, "a")
        await asyncio.sleep(0.3)
        assert heard.replied == {}  # written, not read
        pool.hush.lift()
        await asyncio.wait_for(heard.until(lambda: "a" in heard.replied), _PROMPT)
    assert heard.replied == {"a": (True, "a")}


async def test_a_hush_ends_when_it_is_due(worker_env: Path) -> None:
    heard = _Heard()
    async with _pool(heard) as pool:
        pool.submit([_recorded("a", 0.0, Lease(time.monotonic() + _LONG))])
        pool.quiet(time.monotonic() + 0.5)
        await asyncio.wait_for(heard.until(lambda: "a" in heard.replied), _PROMPT)
        assert not pool.hush.hushed


async def test_a_failure_ends_the_hush_at_once_with_the_successes_before_it(
    worker_env: Path,
) -> None:
    heard = _Heard()
    async with _pool(heard) as pool:
        lease = Lease(time.monotonic() + _LONG)
        pool.submit([_recorded("a", 0.0, lease)])
        pool.quiet(time.monotonic() + _LONG)
        await _ran(worker_env, "a")
        pool.hush.until(time.monotonic() + _LONG)  # as a runner would between two steps
        pool.workers[0].writer.write(_request(pool, AttemptOrder("no", DECLINE, ["x"], {},
                                                                 30.0, lease)))  # fmt: skip
        await asyncio.wait_for(heard.until(lambda: "no" in heard.replied), _PROMPT)
        assert not pool.hush.hushed
    assert heard.replied["a"] == (True, "a") and heard.replied["no"][0] is False


async def test_a_worker_that_dies_during_a_hush_is_seen_at_once(worker_env: Path) -> None:
    heard = _Heard()
    async with _pool(heard) as pool:
        [worker] = pool.workers
        pool.submit([_recorded("long", 60.0, Lease(time.monotonic() + _LONG))])
        pool.quiet(time.monotonic() + _LONG)
        assert pool.hush.hushed and list(worker.in_flight) == [1]
        await asyncio.sleep(0.2)  # it runs
        os.kill(worker.process.pid, signal.SIGKILL)
        while not heard.lost:
            await asyncio.sleep(0.01)
        assert heard.lost == ["long"] and not pool.hush.hushed


async def test_new_orders_end_the_hush(worker_env: Path) -> None:
    heard = _Heard()
    async with _pool(heard) as pool:
        pool.submit([_recorded("a", 0.0, Lease(time.monotonic() + _LONG))])
        pool.quiet(time.monotonic() + _LONG)
        pool.submit([_recorded("b", 0.0, Lease(time.monotonic() + _LONG))])
        assert not pool.hush.hushed
        await asyncio.wait_for(heard.until(lambda: len(heard.replied) == 2), _PROMPT)


async def test_no_hush_while_queued_orders_would_leave_a_slot_idle(worker_env: Path) -> None:
    """Short attempts (the pool's picture: 1 ms each) queued behind a full worker: the worker
    would run out of work long before the hush ended, so its replies are read as they come."""
    heard = _Heard()
    async with _pool(heard) as pool:
        pool.workers[0].slots.runs = 0.001
        lease = Lease(time.monotonic() + _LONG)
        pool.submit([_recorded(f"r{i}", 0.0, lease) for i in range(12)])
        assert pool.pending  # more than the worker takes (two running, a prefetch of two)
        pool.quiet(time.monotonic() + 1.0)
        assert not pool.hush.hushed
        await asyncio.wait_for(heard.until(lambda: len(heard.replied) == 12), _PROMPT)


async def test_an_order_submitted_this_turn_counts_as_held_by_a_worker(worker_env: Path) -> None:
    """A runner that has just submitted a sequential workflow's one call asks whose orders a
    worker holds: that call's reply would end its wait, so it must be counted, not seen as
    still queued (which would let its reply be left unread)."""
    heard = _Heard()
    async with _pool(heard) as pool:
        pool.submit([_recorded("a", 0.0, Lease(time.monotonic() + _LONG))])
        assert pool.holders() == ({None}, 1, False)  # an order with no context: turn None
        await asyncio.wait_for(heard.until(lambda: "a" in heard.replied), _PROMPT)
        assert pool.holders() == (set(), 0, False)


async def test_a_success_too_large_to_send_fails_and_ends_the_hush(worker_env: Path) -> None:
    """The worker turns a success it cannot send into a failure: that failure is urgent too
    (it used to be sent as quietly as the success it replaced)."""
    heard = _Heard()
    async with _pool(heard, WAYMARK_MAX_PAYLOAD_BYTES="1000") as pool:
        lease = Lease(time.monotonic() + _LONG)
        pool.submit([_recorded("a", 0.0, lease)])
        pool.quiet(time.monotonic() + _LONG)
        await _ran(worker_env, "a")
        pool.hush.until(time.monotonic() + _LONG)
        big = "b" * 2000  # returned as it came: over the 1,000 bytes a reply may carry
        pool.workers[0].writer.write(_request(pool, _recorded(big, 0.0, lease)))
        await asyncio.wait_for(heard.until(lambda: big in heard.replied), _PROMPT)
        assert not pool.hush.hushed and heard.replied[big][0] is False
        while pool.hush.owed.get(pool.workers[0]):  # its byte is heard, its frame read
            await asyncio.sleep(0.01)


async def test_no_hush_begins_while_an_announced_urgent_frame_is_unread() -> None:
    """A worker's urgent byte may be read before its frame (the frame is still behind
    successes in a full pipe): the hush it ends must not begin again before that frame is
    read. A worker whose urgent pipe closed keeps any hush from beginning until it is gone."""
    loop = asyncio.get_running_loop()
    replies_r, replies_w = os.pipe()
    urgent_r, urgent_w = os.pipe()
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(asyncio.StreamReader()), os.fdopen(replies_r, "rb")
    )
    hush = Hush()
    hush.watch("w", transport, urgent_r)
    try:
        signal_urgent(urgent_w, 2)  # two urgent frames on their way
        while hush.owed.get("w") != 2:
            await asyncio.sleep(0.01)
        for _ in range(2):
            hush.until(time.monotonic() + _LONG)
            assert not hush.hushed
            hush.answered("w")  # the listener read one of them
        hush.until(time.monotonic() + _LONG)
        assert hush.hushed
        os.close(urgent_w)  # the worker died
        while hush.hushed:
            await asyncio.sleep(0.01)
        hush.until(time.monotonic() + _LONG)
        assert not hush.hushed and hush.gone == {"w"}
        hush.forget("w")  # its exit is handled
        hush.until(time.monotonic() + _LONG)
        assert hush.hushed
    finally:
        hush.lift()
        transport.close()
        os.close(replies_w)


def test_how_long_a_worker_has_work_counts_what_its_attempts_ran_for_in_it() -> None:
    """Not how late the runner read their replies (`took`): a busy runner reads no-op
    replies tens of milliseconds late, and a hush that long would idle their slots."""
    slots = Slots(2)
    assert slots.busy_until(10.0) == 10.0  # nothing is known of its attempts yet
    for request_id in (1, 2, 3, 4):
        slots.sent(request_id, 10.0)
    slots.took = 0.05
    assert slots.busy_until(10.0) == 10.0
    slots.runs = 0.05  # two running, two waiting: each slot has two attempts' work
    assert slots.busy_until(10.0) == pytest.approx(10.1)
    slots.runs = 0.0001
    assert slots.busy_until(10.0) == pytest.approx(10.0002)
    slots.ended(1, 10.05, ran=True, runs=0.05)
    assert list(slots.running) == [2, 3] and slots.busy_until(10.05) < 10.1


def _request(pool: object, order: AttemptOrder) -> bytes:
    """A frame that runs `order` on the pool's only worker without `submit` (which would end
    the hush): a runner's own orders always come through `submit`."""
    from waymark_runtime.worker import protocol
    from waymark_runtime.worker.pool import WorkerPool

    assert isinstance(pool, WorkerPool)
    [worker] = pool.workers
    worker.next_id += 1
    worker.in_flight[worker.next_id] = order
    worker.slots.sent(worker.next_id, time.monotonic())
    return protocol.encode_list(
        [protocol.dumps(protocol.request_of(worker.next_id, order, pool.stop_grace))]
    )
