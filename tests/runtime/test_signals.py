"""Signals end to end, on `LocalRuntime` (virtual time) and on PostgreSQL with a runner and
real worker processes: kept before the wait, FIFO per name, consumed once, typed, refused at
once when nobody will receive them, timeouts, cancel, deadlines and a runner restart."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

import waymark
from tests.runtime import signal_flows as flows
from tests.runtime.support import lose_an_answer, runner_settings, running
from waymark_runtime.errors import (
    InvalidSignalPayload,
    SignalError,
    SignalRefused,
    UnknownInstance,
    UnknownSignal,
    ValueNotSerializable,
    WorkflowCancelled,
    WorkflowTimeout,
)
from waymark_runtime.local import LocalRuntime
from waymark_runtime.store.postgres import PostgresStore

MODULE = "tests.runtime.signal_flows"
Backend = Callable[[], contextlib.AbstractAsyncContextManager[Any]]


@pytest.fixture(params=["local", "postgres"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """A context in which `run()` and `waymark.send_signal` reach one runtime. LocalRuntime on
    the wall clock: on its virtual clock a wait with a timeout and nothing else to do passes
    its timeout at once, before a test can see it wait (that is tested on its own below)."""
    if request.param == "local":
        return functools.partial(LocalRuntime, virtual_time=False)
    store: PostgresStore = request.getfixturevalue("store")
    database: str = request.getfixturevalue("database")
    request.getfixturevalue("worker_env")

    @contextlib.asynccontextmanager
    async def postgres() -> AsyncIterator[Any]:
        settings = runner_settings(database, user_modules=(MODULE,))
        async with running(store, settings), waymark.connect(database) as client:
            yield client

    return postgres


async def wait_until_waiting(instance_id: str, name: str) -> None:
    """Until the instance has a pending wait for signal `name` (a real condition, polled)."""
    for _ in range(1000):
        detail = await (await waymark.admin()).show(instance_id)
        if any(s.kind == "wait" and s.name == name and s.pending for s in detail.signals):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"instance {instance_id} never waited for {name!r}")


async def test_a_signal_sent_while_waiting_resumes_the_workflow(backend: Backend) -> None:
    async with backend():
        instance_id = await flows.Approval().run("e1", _blocking=False)
        await wait_until_waiting(instance_id, "decision")
        await waymark.send_signal(instance_id, "decision", flows.Decision(approved=True, note="ok"))
        assert await waymark.get_result(instance_id) == "e1: approved ok"
        detail = await (await waymark.admin()).show(instance_id)
    [wait, signal] = detail.signals
    assert (wait.kind, wait.pending, signal.kind, signal.node) == (
        "wait",
        False,
        "signal",
        wait.node,
    )


async def test_a_signal_sent_before_its_wait_is_kept_for_it(backend: Backend) -> None:
    async with backend():
        instance_id = await flows.Gate().run(_blocking=False)
        await wait_until_waiting(instance_id, "a")
        await waymark.send_signal(instance_id, "b", "second")  # `b` is not waited for yet
        await waymark.send_signal(instance_id, "a", "first")
        assert await waymark.get_result(instance_id) == ["first", "second"]


async def test_signals_of_one_name_arrive_in_order_each_once(backend: Backend) -> None:
    async with backend():
        instance_id = await flows.Collect().run(4, _blocking=False)
        for value in (3, 1, 4, 1):
            await waymark.send_signal(instance_id, "item", value)
        assert await waymark.get_result(instance_id) == [3, 1, 4, 1]
        extra = await flows.TakeOne().run(_blocking=False)
        await waymark.send_signal(extra, "item", 9)
        await waymark.send_signal(extra, "item", 10)  # kept, never consumed
        await waymark.send_signal(extra, "done", True)
        assert await waymark.get_result(extra) == [9]
        detail = await (await waymark.admin()).show(extra)
    signals = [s for s in detail.signals if s.kind == "signal" and s.name == "item"]
    assert [(s.payload, s.pending) for s in signals] == [(9, False), (10, True)]


async def test_payloads_are_validated_and_arrive_as_the_declared_type(backend: Backend) -> None:
    async with backend():
        instance_id = await flows.Typed().run(_blocking=False)
        with pytest.raises(InvalidSignalPayload, match=r"payload\['y'\] of signal 'point'"):
            await waymark.send_signal(instance_id, "point", {"x": 1, "y": "many"})
        await waymark.send_signal(instance_id, "point", {"x": 2, "y": "5"})  # lax, as inputs
        with pytest.raises(InvalidSignalPayload, match="list"):
            await waymark.send_signal(instance_id, "tags", "not a list")
        await waymark.send_signal(instance_id, "tags", None)
        assert await waymark.get_result(instance_id) == [7, None]
        detail = await (await waymark.admin()).show(instance_id)
    assert [s.payload for s in detail.signals if s.kind == "signal"] == [
        {"$t": "dataclass", "type": f"{MODULE}:Point", "fields": {"x": 2, "y": 5}},
        None,
    ]


async def test_a_payload_past_the_payload_limit_is_refused_and_the_wait_goes_on(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAYMARK_MAX_PAYLOAD_BYTES", "1000")
    async with backend():
        instance_id = await flows.Typed().run(_blocking=False)
        await waymark.send_signal(instance_id, "point", {"x": 1, "y": 2})
        await wait_until_waiting(instance_id, "tags")
        with pytest.raises(ValueNotSerializable, match=r"more than WAYMARK_MAX_PAYLOAD_BYTES"):
            await waymark.send_signal(instance_id, "tags", ["x" * 500, "y" * 500])
        await waymark.send_signal(instance_id, "tags", ["x" * 500])
        assert await waymark.get_result(instance_id) == [3, ["x" * 500]]


async def test_a_timeout_raises_signal_timeout_in_the_body(backend: Backend) -> None:
    async with backend():
        assert await flows.Patient().run(0.2) == (
            "timeout: no signal 'go' arrived before the timeout"
        )
        # Sent at once, before the wait starts.
        instance_id = await flows.Patient().run(30.0, _blocking=False)
        await waymark.send_signal(instance_id, "go", "now")
        assert await waymark.get_result(instance_id) == "got now"


async def test_a_long_timeout_passes_in_virtual_time() -> None:
    async with LocalRuntime():
        assert await flows.Approval().run("e2") == "e2: escalated"  # three days, at once
        instance_id = await flows.Collect().run(2, _blocking=False)  # no timeout: it waits
        await waymark.send_signal(instance_id, "item", 1)
        await waymark.send_signal(instance_id, "item", 2)
        assert await waymark.get_result(instance_id) == [1, 2]


async def test_nobody_to_receive_a_signal_is_an_immediate_error(backend: Backend) -> None:
    async with backend():
        instance_id = await flows.Approval().run("e3", _blocking=False)
        with pytest.raises(
            UnknownSignal, match=r"never waits for a signal named 'decison'.*'decision'"
        ):
            await waymark.send_signal(instance_id, "decison", {"approved": True})
        with pytest.raises(SignalRefused, match="no instance"):
            await waymark.send_signal("00000000-0000-0000-0000-000000000000", "decision", {})
        with pytest.raises(SignalRefused, match="no instance"):
            await waymark.send_signal("not-an-id", "decision", {})
        await waymark.send_signal(instance_id, "decision", {"approved": False})
        assert await waymark.get_result(instance_id) == "e3: rejected"
        with pytest.raises(SignalRefused, match=r"already finished \(completed\)"):
            await waymark.send_signal(instance_id, "decision", {"approved": True})
        detail = await (await waymark.admin()).show(instance_id)
    assert len([s for s in detail.signals if s.kind == "signal"]) == 1  # nothing else kept
    assert issubclass(SignalRefused, SignalError) and issubclass(UnknownSignal, SignalError)


async def test_cancel_drops_a_pending_wait(backend: Backend) -> None:
    async with backend():
        instance_id = await flows.Collect().run(2, _blocking=False)
        await wait_until_waiting(instance_id, "item")
        await waymark.cancel(instance_id, "no more items")
        with pytest.raises(WorkflowCancelled, match="no more items"):
            await waymark.get_result(instance_id)
        with pytest.raises(SignalRefused, match="cancelled"):
            await waymark.send_signal(instance_id, "item", 1)
        detail = await (await waymark.admin()).show(instance_id)
    assert [(s.kind, s.pending) for s in detail.signals] == [("wait", False)]


async def test_a_deadline_fires_while_waiting(backend: Backend) -> None:
    async with backend():
        with pytest.raises(WorkflowTimeout):
            await flows.Collect().run(1, _timeout=0.5)


# -- PostgreSQL: several runners, a restart ---------------------------------------------------


async def pending_waits(instance_id: str) -> list[str]:
    detail = await (await waymark.admin()).show(instance_id)
    return [s.node or "" for s in detail.signals if s.kind == "wait" and s.pending]


async def test_two_runners_consume_each_signal_exactly_once(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    settings = runner_settings(database, user_modules=(MODULE,))
    async with (
        running(store, settings, owner="one"),
        running(store, settings, owner="two"),
        waymark.connect(database),
    ):
        ids = [await flows.Collect().run(3, _blocking=False) for _ in range(12)]
        for turn in range(3):
            await asyncio.gather(
                *(waymark.send_signal(i, "item", 10 * n + turn) for n, i in enumerate(ids))
            )
        results = [await waymark.get_result(i) for i in ids]
    assert results == [[10 * n, 10 * n + 1, 10 * n + 2] for n in range(12)]
    rows = await store.pool.fetch("SELECT instance_id, node, consumed_at FROM waymark_signals")
    assert len(rows) == 36 and all(row["consumed_at"] is not None for row in rows)
    assert len({(row["instance_id"], row["node"]) for row in rows}) == 36


async def test_a_wait_survives_a_restart_of_the_runner(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    settings = runner_settings(database, user_modules=(MODULE,))
    async with waymark.connect(database):
        async with running(store, settings):
            instance_id = await flows.Collect().run(2, _blocking=False)
            await waymark.send_signal(instance_id, "item", 1)
            for _ in range(1000):
                waits = await pending_waits(instance_id)
                if waits and waits != ["n1"]:
                    break
                await asyncio.sleep(0.01)
            assert waits == ["n2"]
        await waymark.send_signal(instance_id, "item", 2)  # no runner: kept in the database
        assert await pending_waits(instance_id) == ["n2"]
        async with running(store, settings):
            assert await asyncio.wait_for(waymark.get_result(instance_id), 30) == [1, 2]


async def test_a_wait_inside_an_expression(backend: Backend) -> None:
    async with backend():
        instance_id = await flows.Arithmetic().run(_blocking=False)
        await waymark.send_signal(instance_id, "n", "5")  # lax: "5" is an int
        assert await waymark.get_result(instance_id) == 11


async def test_a_send_whose_answer_was_lost_is_kept_once(
    store: PostgresStore, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection drops after PostgreSQL committed the send: the client's retry must not
    keep the signal a second time (the workflow would receive it twice)."""
    lost = lose_an_answer(monkeypatch, "send_signal")
    async with waymark.connect(database):
        instance_id = await flows.Collect().run(2, _blocking=False)
        await waymark.send_signal(instance_id, "item", 1)
        detail = await (await waymark.admin()).show(instance_id)
    assert lost == [True]
    assert [(s.kind, s.payload) for s in detail.signals] == [("signal", 1)]


async def test_a_send_made_again_by_the_caller_with_its_send_id_is_kept_once(
    backend: Backend,
) -> None:
    """The caller's own retry (its call raised, the send may have been stored) passes the same
    `send_id`: one signal is kept, also once the instance finished. The id is the caller's key
    per instance: another instance takes it as a new send, and the same id with another
    signal is refused, nothing stored."""
    async with backend():
        instance_id = await flows.Collect().run(2, _blocking=False)
        other = await flows.Collect().run(2, _blocking=False)
        for _ in range(2):
            await waymark.send_signal(instance_id, "item", 1, send_id="order-7/approve")
        with pytest.raises(SignalError, match="send id 'order-7/approve' was used for"):
            await waymark.send_signal(instance_id, "item", 2, send_id="order-7/approve")
        await waymark.send_signal(other, "item", 1, send_id="order-7/approve")
        await waymark.send_signal(instance_id, "item", 3, send_id="order-7/second")
        await waymark.send_signal(other, "item", 4)
        assert await waymark.get_result(instance_id) == [1, 3]
        assert await waymark.get_result(other) == [1, 4]
        await waymark.send_signal(instance_id, "item", 3, send_id="order-7/second")  # finished
        with pytest.raises(SignalRefused):
            await waymark.send_signal(instance_id, "item", 3, send_id="order-7/third")
        with pytest.raises(SignalError, match="send_id must be a non-empty string"):
            await waymark.send_signal(other, "item", 1, send_id="")
        with pytest.raises(SignalError, match="send_id must not contain a NUL character"):
            await waymark.send_signal(other, "item", 1, send_id="order-7\x00")  # not storable
        detail = await (await waymark.admin()).show(instance_id)
    assert [s.payload for s in detail.signals if s.kind == "signal"] == [1, 3]


async def test_a_wait_with_a_timeout_keeps_its_timer_as_the_wait_s_not_a_sleep(
    backend: Backend,
) -> None:
    async with backend():
        instance_id = await flows.Approval().run("e9", _blocking=False)
        await wait_until_waiting(instance_id, "decision")
        detail = await (await waymark.admin()).show(instance_id)
        await waymark.cancel(instance_id)
    [wait] = detail.signals
    assert detail.sleeps == ()
    assert wait.times_out_at == pytest.approx(wait.at + 3 * 86400, abs=1.0)


async def test_refusals_quote_a_long_name_id_or_key_by_its_start(backend: Backend) -> None:
    """A megabyte of signal name, instance id or send id is quoted by its start and length:
    the message stays readable (and no "did you mean" search runs over it)."""
    huge = "x" * 10**6
    head = f"{'x' * 80!r}... (1,000,000 characters)"
    async with backend():
        instance_id = await flows.Approval().run("e10", _blocking=False)
        await wait_until_waiting(instance_id, "decision")
        refusals = []
        with pytest.raises(UnknownSignal) as unknown:
            await waymark.send_signal(instance_id, huge, 1)
        refusals.append(unknown.value)
        with pytest.raises(SignalError) as send_id:
            await waymark.send_signal(instance_id, "decision", {"approved": True}, send_id=huge)
        refusals.append(send_id.value)
        with pytest.raises(UnknownInstance) as no_instance:
            await waymark.get_result(huge)
        refusals.append(no_instance.value)
        with pytest.raises(SignalRefused) as nobody:
            await waymark.send_signal(huge, huge, 1)
        refusals.append(nobody.value)
        await waymark.cancel(instance_id)
        with pytest.raises(SignalRefused) as finished:
            await waymark.send_signal(instance_id, huge, 1)
        refusals.append(finished.value)
    for refusal in refusals:
        assert head in str(refusal) and len(str(refusal)) < 400, str(refusal)[:500]
