"""Client calls made while PostgreSQL restarts, each made once (no retry by the caller): a call
either raises or takes effect exactly once, never returns normally for something that was not
kept. Signals sent without a `send_id`, keyless and keyed starts: every send that returned is
stored once, every start that returned an id created that instance once, and a key names one
instance whatever happened to the calls that used it. What a call raises is `DatabaseUnreachable`
(the driver's error its cause), saying whether the call may have taken effect; a keyed start
made again gives the one instance of its key. With the default connect retry, calls made while
the server is down wait for it to be back; a wait for an outcome rides a restart out."""

from __future__ import annotations

import asyncio
import collections
from typing import Any

import asyncpg
import pytest

import waymark
from tests.runtime import signal_flows as flows
from tests.runtime.support import start_embedded, stop_embedded
from tests.runtime.test_fencing import own_server, restart
from tests.runtime.test_steering_faults import rows

pytestmark = pytest.mark.fault
CALLS = 40


async def _outcome(call: Any) -> Any:
    try:
        return await asyncio.wait_for(call, 30)
    except Exception as error:
        return error


async def test_calls_made_once_across_a_restart_take_effect_once_or_raise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WAYMARK_CLIENT_CONNECT_RETRY_SECONDS", "0")  # fail rather than wait
    async with own_server("outage") as (server, database), waymark.connect(database):
        target = await flows.Collect().run(1, _blocking=False)

        async def send(n: int) -> Any:
            await asyncio.sleep(n * 0.15)
            return await _outcome(waymark.send_signal(target, "item", n))

        async def start(n: int) -> Any:
            await asyncio.sleep(n * 0.15)
            key = f"key-{n % 4}" if n % 2 else None
            return await _outcome(flows.Collect().run(n, _blocking=False, _idempotency_key=key))

        sends = asyncio.gather(*(send(n) for n in range(CALLS)))
        starts = asyncio.gather(*(start(n) for n in range(CALLS)))
        await asyncio.sleep(1.0)  # some calls are made before the outage, some during, some after
        down = asyncio.ensure_future(restart(server, down_for=1.0))
        sent, started = await sends, await starts
        await down
        again = {
            n: await flows.Collect().run(n, _blocking=False, _idempotency_key=f"key-{n % 4}")
            for n, outcome in enumerate(started)
            if n % 2 and isinstance(outcome, Exception)
        }
        signals = await rows(database, "SELECT payload FROM waymark_signals"
                             " WHERE instance_id = $1", target)  # fmt: skip
        instances = await rows(database, "SELECT id::text, idempotency_key"
                               " FROM waymark_instances WHERE id <> $1", target)  # fmt: skip
    stored = collections.Counter(str(row["payload"]) for row in signals)
    assert all(times == 1 for times in stored.values()), stored
    returned = [n for n, outcome in enumerate(sent) if outcome is None]
    assert set(map(str, returned)) <= set(stored), (returned, stored, sent)
    errors = [outcome for outcome in sent + started if isinstance(outcome, Exception)]
    assert errors  # it was down
    for error in errors:
        _assert_told(error)
    assert 0 < len(returned) < CALLS
    ids = collections.Counter(row["id"] for row in instances)
    assert all(times == 1 for times in ids.values())
    ok = {n: outcome for n, outcome in enumerate(started) if isinstance(outcome, str)}
    assert set(ok.values()) <= set(ids), (ok, ids)
    keyed = collections.defaultdict(set)
    for n, instance in [*ok.items(), *again.items()]:
        if n % 2:
            keyed[f"key-{n % 4}"].add(instance)
    assert all(len(found) == 1 for found in keyed.values()), keyed
    keys = collections.Counter(row["idempotency_key"] for row in instances
                               if row["idempotency_key"])  # fmt: skip
    assert all(times == 1 for times in keys.values()), keys


def _assert_told(error: Exception) -> None:
    """One exception type, naming the call, saying whether it may have taken effect, with the
    driver's error as its cause."""
    assert isinstance(error, waymark.DatabaseUnreachable), repr(error)
    assert error.call == "send_signal" or str(error.call).startswith("run() of workflow"), error
    assert str(error).startswith(f"{error.call}: "), error
    assert error.__cause__ is not None and not isinstance(error.__cause__, waymark.WaymarkError)
    if not error.ambiguous:
        assert "nothing was sent, so making the call again is safe" in str(error), error
    elif error.call == "send_signal":
        assert "may or may not have taken effect" in str(error) and "send_id" in str(error)
    else:
        assert "may or may not have taken effect" in str(error), error
        assert "_idempotency_key" in str(error), error


async def test_calls_made_while_the_server_is_down_wait_for_it_to_be_back() -> None:
    """The default WAYMARK_CLIENT_CONNECT_RETRY_SECONDS (5 s) outlasts a 1 s restart: calls
    that could not send anything are tried again and return, each taking effect once."""
    async with own_server("outage-wait") as (server, database), waymark.connect(database):
        target = await flows.Collect().run(1, _blocking=False)
        await asyncio.to_thread(stop_embedded, server, "fast")
        calls = asyncio.gather(
            waymark.send_signal(target, "item", 7),
            flows.Collect().run(2, _blocking=False, _idempotency_key="down"),
            waymark.get_status(target),
        )
        await asyncio.sleep(1.0)
        await asyncio.to_thread(start_embedded, server)
        sent, started, status = await asyncio.wait_for(calls, 30)
        signals = await rows(database, "SELECT payload FROM waymark_signals"
                             " WHERE instance_id = $1", target)  # fmt: skip
        keyed = await rows(database, "SELECT id::text FROM waymark_instances"
                           " WHERE idempotency_key = 'down'")  # fmt: skip
    assert sent is None and status is not None and status.status == "queued"
    assert [str(row["payload"]) for row in signals] == ["7"]
    assert [row["id"] for row in keyed] == [started]


async def test_a_call_past_its_connect_retry_names_itself_and_sends_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WAYMARK_CLIENT_CONNECT_RETRY_SECONDS", "0.5")
    async with own_server("outage-down") as (server, database), waymark.connect(database):
        target = await flows.Collect().run(1, _blocking=False)
        admin = await waymark.admin()
        await asyncio.to_thread(stop_embedded, server, "fast")
        calls = {
            "send_signal": waymark.send_signal(target, "item", 7),
            "cancel": waymark.cancel(target),
            "get_status": waymark.get_status(target),
            "run() of workflow": flows.Collect().run(2, _blocking=False),
            "admin().list": admin.list(),
            "admin": waymark.admin(),
        }
        for call, made in calls.items():
            with pytest.raises(waymark.DatabaseUnreachable) as raised:
                await asyncio.wait_for(made, 30)
            assert str(raised.value.call).startswith(call), raised.value
            assert not raised.value.ambiguous
            assert "tried for 0.5 s; nothing was sent" in str(raised.value)
            assert isinstance(raised.value.__cause__, OSError | asyncpg.PostgresError)
        await asyncio.to_thread(start_embedded, server)
        instances = await rows(database, "SELECT id FROM waymark_instances")
    assert len(instances) == 1


async def test_a_blocking_run_waits_across_a_restart() -> None:
    """The wait is a LISTEN that reconnects and looks again: the instance is ended (cancelled)
    after the restart, and run() raises that, not the outage."""
    async with own_server("outage-block") as (server, database), waymark.connect(database):
        waiting = asyncio.ensure_future(flows.Collect().run(3))
        result = asyncio.ensure_future(_result_of_the_one(database))
        await asyncio.sleep(1.0)  # queued, and waited on: no runner takes it
        await restart(server, down_for=1.0)
        found = await rows(database, "SELECT id::text FROM waymark_instances")
        await waymark.cancel(found[0]["id"], "ended after the restart")
        with pytest.raises(waymark.WorkflowCancelled, match="ended after the restart"):
            await asyncio.wait_for(waiting, 30)
        with pytest.raises(waymark.WorkflowCancelled, match="ended after the restart"):
            await asyncio.wait_for(result, 30)


async def _result_of_the_one(database: str) -> Any:
    await asyncio.sleep(0.5)
    found = await rows(database, "SELECT id::text FROM waymark_instances")
    return await waymark.get_result(found[0]["id"])


async def test_a_connection_lost_after_the_call_was_sent_is_ambiguous_and_made_again_once() -> None:
    """The server stops (immediate) while a call's statement waits on a lock held aside: the
    call raises `DatabaseUnreachable` saying it may have taken effect; made again with the same
    send id or idempotency key once the server is back, it takes effect once."""
    async with own_server("outage-sent") as (server, database), waymark.connect(database):
        target = await flows.Collect().run(1, _blocking=False)
        key = f"ambiguous-{target}"
        for hold, made, again in [
            ("SELECT 1 FROM waymark_instances WHERE id = $1 FOR UPDATE",
             lambda: waymark.send_signal(target, "item", 5, send_id=key), "send_id"),
            ("LOCK TABLE waymark_instances IN SHARE MODE",
             lambda: flows.Collect().run(2, _blocking=False, _idempotency_key=key),
             "_idempotency_key"),
        ]:  # fmt: skip
            error = await _stopped_while_waiting(server, database, hold, target, made())
            assert isinstance(error, waymark.DatabaseUnreachable) and error.ambiguous, error
            assert "may or may not have taken effect" in str(error) and again in str(error)
            assert isinstance(error.__cause__, asyncpg.PostgresError | OSError)
            await made()  # made again, with the same send id or key
            await made()
        signals = await rows(database, "SELECT payload FROM waymark_signals"
                             " WHERE instance_id = $1", target)  # fmt: skip
        keyed = await rows(database, "SELECT id FROM waymark_instances"
                           " WHERE idempotency_key = $1", key)  # fmt: skip
    assert [str(row["payload"]) for row in signals] == ["5"]
    assert len(keyed) == 1


async def _stopped_while_waiting(
    server: Any, database: str, hold: str, target: str, call: Any
) -> Any:
    """Run `call` while `hold` (a lock) is held aside, stop the server once the call's
    statement waits on it, start it again; what the call raised."""
    aside = await asyncpg.connect(database)
    try:
        await aside.execute("BEGIN")
        await aside.execute(hold, *([target] if "$1" in hold else []))
        made = asyncio.ensure_future(_outcome(call))
        for _ in range(200):
            waiting = await aside.fetch("SELECT pid FROM pg_stat_activity"
                                        " WHERE wait_event_type = 'Lock'")  # fmt: skip
            if waiting:
                break
            await asyncio.sleep(0.05)
        assert waiting
        await asyncio.to_thread(stop_embedded, server, "immediate")
        outcome = await made
    finally:
        aside.terminate()
    await asyncio.to_thread(start_embedded, server)
    return outcome
