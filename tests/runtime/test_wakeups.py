"""How a runner hears of work without its fallback poll: each way an instance becomes runnable
without a new submission has a mechanism of its own, so these runners poll once in ten
minutes and every test here would time out waiting for that poll.

- a released sleep falls due: the timer at the next wake the store reports (`next_wake`),
  whichever runner released it;
- a stopping runner gives its instances back: the commit that releases them notifies;
- a runner dies: the lease reclaimer of the others runs a pass when its leases lapse, releases
  its instances and notifies.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import (
    runner_settings,
    running,
    start_workers_env,
    start_workers_process,
)
from tests.runtime.test_store_contract import LEASE, spec
from waymark_runtime.config import Settings
from waymark_runtime.runner import Runner
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.usefixtures("worker_env")

_NEVER_MS = 600_000
"""A poll interval no test here lives to see."""


def _unpolled(database: str, **changes: object) -> Settings:
    return runner_settings(database, poll_interval_ms=_NEVER_MS, **changes)


async def _lease_owner(store: PostgresStore, instance_id: str) -> str | None:
    owner: str | None = await store.pool.fetchval(
        "SELECT lease_owner FROM waymark_instances WHERE id = $1", instance_id
    )
    return owner


async def _until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 20) -> None:
    async def wait() -> None:
        while not await check():
            await asyncio.sleep(0.05)

    try:
        await asyncio.wait_for(wait(), timeout)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


async def test_a_released_sleep_ends_on_time_with_no_poll(
    store: PostgresStore, database: str
) -> None:
    settings = _unpolled(database, evict_sleep_threshold_ms=200)
    async with running(store, settings), waymark.connect(database) as client:
        instance_id = await flows.SleepThenAdd().run(1.5, _blocking=False)
        timers = "SELECT count(*) FROM waymark_timers WHERE instance_id = $1"

        async def released() -> bool:
            slept = await store.pool.fetchval(timers, instance_id)
            return bool(slept) and await _lease_owner(store, instance_id) is None

        await _until(released, "the sleep to release its instance")
        assert await client.get_result(instance_id, timeout=20) == 2


async def test_a_sleep_released_by_a_runner_that_stopped_ends_on_another(
    store: PostgresStore, database: str
) -> None:
    settings = _unpolled(database, evict_sleep_threshold_ms=200)
    async with waymark.connect(database) as client:
        async with running(store, settings):
            instance_id = await flows.SleepThenAdd().run(3.0, _blocking=False)
            timers = "SELECT count(*) FROM waymark_timers WHERE instance_id = $1"

            async def slept() -> bool:
                return bool(await store.pool.fetchval(timers, instance_id))

            await _until(slept, "the sleep to start")
        assert await _lease_owner(store, instance_id) is None
        async with running(store, settings, owner="second"):
            assert await client.get_result(instance_id, timeout=20) == 2


async def test_what_a_stopping_runner_gives_back_another_takes_at_once(
    store: PostgresStore, database: str
) -> None:
    """Both runners are up before the instance is submitted, so the one that claims it is
    stopped within moments of the claim, long before its sleep ends: a runner started after
    the claim could take longer than the sleep to start on a loaded machine, and the holder
    then finished the instance itself."""
    settings = _unpolled(database)  # a sleep under 10 s stays in memory: the instance stays held
    async with (
        waymark.connect(database) as client,
        contextlib.AsyncExitStack() as first,
        contextlib.AsyncExitStack() as second,
    ):
        stacks = {"first": first, "second": second}
        runners = {owner: await stack.enter_async_context(running(store, settings, owner=owner))
                   for owner, stack in stacks.items()}  # fmt: skip
        for runner in runners.values():  # each hears of the instance: whichever claims it first

            async def listening(runner: Runner = runner) -> bool:
                return runner.listener.listening()

            await _until(listening, f"runner {runner.owner} to listen", timeout=30)
        instance_id = await flows.SleepThenAdd().run(5.0, _blocking=False)

        async def owner() -> str | None:
            return await _lease_owner(store, instance_id)

        async def claimed() -> bool:
            return await owner() is not None

        await _until(claimed, "a runner to claim it")
        holder = await owner()
        [other] = [runner for name, runner in runners.items() if name != holder]

        async def settled() -> bool:  # its last claim is over: it waits to hear of work
            return not (other.claims.busy or other.claims.wanted.is_set())

        async def taken() -> bool:
            return await owner() == other.owner

        await _until(settled, "the other runner's claim")
        assert holder is not None
        await stacks[holder].aclose()  # gives the instance back, due now
        await _until(taken, "the other runner to take it")
        assert await client.get_result(instance_id, timeout=20) == 2


async def test_what_a_dead_runner_held_another_takes_over_with_no_poll(
    store: PostgresStore, database: str, tmp_path: Path
) -> None:
    async with waymark.connect(database) as client:
        instance_id = await flows.SleepThenAdd().run(1.0, _blocking=False)
        env = start_workers_env(database, WAYMARK_POLL_INTERVAL_MS=str(_NEVER_MS))
        with start_workers_process(env, tmp_path / "dead.log") as process:

            async def held() -> bool:
                return await _lease_owner(store, instance_id) is not None

            await _until(held, "the first runner to claim it")
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        async with running(store, _unpolled(database), owner="heir"):
            assert await client.get_result(instance_id, timeout=30) == 2


async def test_a_sleep_released_by_a_runner_that_then_died_wakes_on_another_with_no_poll(
    store: PostgresStore, database: str, tmp_path: Path
) -> None:
    """The releasing runner armed the only timer at the wake-up and died with it; the other
    runner had asked for the next wake before the release: the release's commit announces
    the wake-up, and the survivor arms its timer there (under a poll interval of minutes)."""
    env = start_workers_env(database, WAYMARK_POLL_INTERVAL_MS=str(_NEVER_MS),
                            WAYMARK_EVICT_SLEEP_THRESHOLD_MS="200")  # fmt: skip
    settings = _unpolled(database, evict_sleep_threshold_ms=200)
    timers = "SELECT count(*) FROM waymark_timers WHERE instance_id = $1"
    async with waymark.connect(database) as client:
        with start_workers_process(env, tmp_path / "dead.log") as process:
            instance_id = await flows.WorkThenSleep().run(2.0, 2.0, _blocking=False)

            async def held() -> bool:
                return await _lease_owner(store, instance_id) is not None

            await _until(held, "the first runner to claim it")
            async with running(store, settings, owner="survivor") as survivor:

                async def settled() -> bool:  # its claim found nothing: it asked next_wake
                    return not (survivor.claims.busy or survivor.claims.wanted.is_set())

                await asyncio.wait_for(survivor.claims.wanted.wait(), 30)
                await _until(settled, "the survivor's first claim")

                async def released() -> bool:
                    slept = await store.pool.fetchval(timers, instance_id)
                    return bool(slept) and await _lease_owner(store, instance_id) is None

                await _until(released, "the sleep to release its instance")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                assert await client.get_result(instance_id, timeout=20) == 2


async def test_next_wake_is_the_earliest_released_wake_after_now(any_store: RunnerStore) -> None:
    now = float(int(time.time()))  # whole seconds: PostgreSQL keeps microseconds
    ids = await any_store.create_instances([spec(), spec(), spec()], now)
    assert await any_store.next_wake(now) is None  # due now: the claim's, not a wake
    claims = await any_store.claim("a", 3, now, LEASE)
    assert await any_store.next_wake(now) is None  # held
    batch = CommitBatch()
    for claim, later in zip(claims, (60, 30, 90), strict=True):
        batch.instance(claim.instance.instance_id, state={}, release=True, wake_at=now + later,
                       epoch=claim.epoch)  # fmt: skip
    assert await any_store.commit(batch, "a", now) == set(ids)
    assert await any_store.next_wake(now) == now + 30
    assert await any_store.next_wake(now + 30) == now + 60
    assert await any_store.next_wake(now + 90) is None


async def test_a_claim_that_leases_less_than_it_asked_says_when_to_claim_again(
    any_store: RunnerStore,
) -> None:
    """`claim_waking` is `claim` and, when it leased fewer than asked, `next_wake` as the claim
    saw it (on PostgreSQL read with the claimed rows, no statement more)."""
    now = float(int(time.time()))
    await any_store.create_instances([spec(), spec(), spec()], now)
    [first, second] = await any_store.claim("a", 2, now, LEASE)
    batch = CommitBatch()
    batch.instance(first.instance.instance_id, state={}, release=True, wake_at=now + 30,
                   epoch=first.epoch)  # fmt: skip
    assert await any_store.commit(batch, "a", now) == {first.instance.instance_id}
    claims, wake = await any_store.claim_waking("b", 1, now, LEASE)
    assert (len(claims), wake) == (1, None)  # as many as it asked for: not read
    assert await any_store.claim_waking("b", 1, now, LEASE) == ([], now + 30)  # none left
    batch = CommitBatch()
    batch.instance(second.instance.instance_id, state={}, release=True, wake_at=now,
                   epoch=second.epoch)  # fmt: skip
    await any_store.commit(batch, "a", now)
    claims, wake = await any_store.claim_waking("b", 5, now, LEASE)
    assert [c.instance.instance_id for c in claims] == [second.instance.instance_id]
    assert wake == now + 30  # read with the claim: the one it took is no wake of another's


async def test_a_release_due_at_once_notifies_and_one_due_later_does_not(
    any_store: RunnerStore,
) -> None:
    now = time.time()
    ids = await any_store.create_instances([spec(), spec()], now)
    claims = await any_store.claim("a", 2, now, LEASE)
    heard = asyncio.Event()
    subscription = any_store.subscribe(heard.set)
    await subscription.start()
    try:
        for claim, later in zip(claims, (3600, 0), strict=True):
            batch = CommitBatch()
            batch.instance(claim.instance.instance_id, state={}, release=True,
                           wake_at=now + later, epoch=claim.epoch)  # fmt: skip
            assert await any_store.commit(batch, "a", now) == {claim.instance.instance_id}
            if later:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(heard.wait(), 0.5)
                assert not heard.is_set()
        await asyncio.wait_for(heard.wait(), 10)
    finally:
        await subscription.close()
    assert sorted(ids) == sorted(c.instance.instance_id for c in claims)


async def test_next_lease_lapse_is_the_earliest_lease_of_another_owner(
    any_store: RunnerStore,
) -> None:
    now = float(int(time.time()))
    await any_store.create_instances([spec(), spec(), spec()], now)
    assert await any_store.next_lease_lapse(now, keep_owner="me") is None
    await any_store.claim("me", 1, now, 5.0)
    await any_store.claim("other", 1, now, 30.0)
    await any_store.claim("third", 1, now, 60.0)
    assert await any_store.next_lease_lapse(now, keep_owner="me") == now + 30
    assert await any_store.next_lease_lapse(now + 31, keep_owner="me") == now + 60
    assert await any_store.next_lease_lapse(now + 61, keep_owner="me") is None


async def test_a_wake_up_announced_by_a_release_reaches_the_listeners_and_a_bad_one_is_work(
    store: PostgresStore,
) -> None:
    now = float(int(time.time()))
    [instance_id] = await store.create_instances([spec()], now)
    [claim] = await store.claim("a", 1, now, LEASE)
    work, wakes = asyncio.Event(), asyncio.Queue[float]()
    subscription = store.subscribe(work.set, wakes.put_nowait)
    await subscription.start()
    try:
        batch = CommitBatch()
        batch.instance(instance_id, state={}, release=True, wake_at=now + 30,
                       epoch=claim.epoch, announce=True)  # fmt: skip
        assert await store.commit(batch, "a", now) == {instance_id}
        assert await asyncio.wait_for(wakes.get(), 10) == now + 30
        await store.pool.execute("SELECT pg_notify('waymark_runnable', 'not a time')")
        await asyncio.wait_for(work.wait(), 10)
    finally:
        await subscription.close()
