"""The runner end to end on PostgreSQL: real worker processes, real commits, real outcomes."""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import lose_an_answer, runner_settings, running
from waymark_runtime.actions import ActionTimeout
from waymark_runtime.client import PostgresClient
from waymark_runtime.config import Settings
from waymark_runtime.errors import UnknownInstance
from waymark_runtime.local import LocalRuntime
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.worker import placement, protocol

pytestmark = pytest.mark.usefixtures("worker_env")


async def test_runs_sequential_gather_and_single(store: PostgresStore, database: str) -> None:
    async with running(store, runner_settings(database)), waymark.connect(database):
        assert await flows.Single().run(7) == 7
        assert await flows.Sequence().run(20) == sum(range(20))
        assert await flows.Fanout().run(50) == list(range(50))
        assert await flows.Fanout().run(0) == []


async def test_exceptions_keep_their_type_and_can_be_caught(
    store: PostgresStore, database: str
) -> None:
    async with running(store, runner_settings(database)), waymark.connect(database):
        with pytest.raises(flows.Declined, match="no thanks"):
            await flows.Declining().run("no thanks")
        assert await flows.CatchDeclined().run("nope") == "caught nope"
        assert await flows.Retrying().run("again") == "gave up"


async def test_attempt_rows_record_every_try(store: PostgresStore, database: str) -> None:
    async with running(store, runner_settings(database)), waymark.connect(database):
        assert await flows.Retrying().run("again") == "gave up"
    rows = await store.pool.fetch(
        "SELECT attempt, status, consumed FROM waymark_attempts ORDER BY attempt"
    )
    assert [(r["attempt"], r["status"], r["consumed"]) for r in rows] == [
        (1, "failed", True),
        (2, "failed", True),
        (3, "failed", True),
    ]


async def test_attempt_rows_say_running_only_for_what_a_worker_runs(
    store: PostgresStore, database: str
) -> None:
    """A gather wider than the workers' slots: the attempts no free slot takes at once are
    sent with their rows `queued` (a runner that dies then counts them lost only if they had
    started), and a later commit marks each `running` once it has run a while."""
    statuses = ("SELECT status, count(*) FROM waymark_attempts WHERE instance_id = $1"
                " GROUP BY status")  # fmt: skip
    seen: list[dict[str, int]] = []

    async def until(wanted: dict[str, int]) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            counts = {row[0]: row[1] for row in await store.pool.fetch(statuses, instance_id)}
            if not seen or seen[-1] != counts:
                seen.append(counts)
            if counts == wanted:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"never saw {wanted}: {seen}")

    settings = runner_settings(database, concurrent_per_worker=2)
    async with running(store, settings), waymark.connect(database) as client:
        instance_id = await flows.RecordedFan().run("q", 6, 0.8, _blocking=False)
        await until({"running": 2, "queued": 4})
        await until({"completed": 2, "running": 2, "queued": 2})
        assert await client.get_result(instance_id, timeout=20) == [f"q/{i}" for i in range(6)]
    assert all(count <= 6 and set(counts) <= {"running", "queued", "completed"}
               for counts in seen for count in counts.values())  # fmt: skip
    assert next(counts for counts in seen if counts) == {"running": 2, "queued": 4}
    lost = "SELECT count(*) FROM waymark_attempts WHERE lost_count > 0"
    assert await store.pool.fetchval(lost) == 0


async def test_many_instances_at_once(store: PostgresStore, database: str) -> None:
    settings = runner_settings(database, worker_count=2)
    async with running(store, settings), waymark.connect(database):
        results = await asyncio.gather(*(flows.Sequence().run(3) for _ in range(40)))
    assert results == [3] * 40


async def test_an_instance_whose_claim_answer_was_lost_runs_at_once(
    store: PostgresStore, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The instances leased by a claim whose answer was lost are this runner's in the store and
    unknown to it: they run at the claim's retry, not up to two heartbeats later (the heartbeat
    gives back leases it does not hold on its second tick), when a deadline may have passed.
    Heartbeats a minute apart here, so that the bound below, which a loaded machine's slowness
    cannot reach, is still half the soonest that heartbeat could let it run."""
    # the first claim that leased some
    lost = lose_an_answer(monkeypatch, "claim_waking", lambda answer: bool(answer[0]))
    settings = runner_settings(database, lock_ttl_ms=180_000, lock_heartbeat_ms=60_000)
    async with running(store, settings), waymark.connect(database):
        started = time.monotonic()
        instance_id = await flows.Single().run(7, _blocking=False)
        assert await waymark.get_result(instance_id, timeout=90) == 7
        took = time.monotonic() - started
    assert [[claim.instance.instance_id for claim in claims] for claims, _ in lost] == [
        [instance_id]
    ]
    assert took < 30  # 60 to 120 s without the release before the retry


async def test_non_blocking_run_then_result_and_status(store: PostgresStore, database: str) -> None:
    async with waymark.connect(database) as client:
        instance_id = await flows.Single().run(5, _blocking=False)
        status = await client.get_status(instance_id)
        assert status is not None and status.status == "queued"
        async with running(store, runner_settings(database)):
            assert await client.get_result(instance_id, timeout=20) == 5
        status = await client.get_status(instance_id)
        assert status is not None and status.status == "completed"
        assert status.finished_at is not None
        assert await client.get_status("00000000-0000-0000-0000-000000000000") is None
        assert await client.get_status("not-an-id") is None
        assert (await client.get_status(instance_id.upper())) == status
        for unknown in ("00000000-0000-0000-0000-000000000000", "not-an-id"):
            with pytest.raises(UnknownInstance, match=f"no instance {unknown}"):
                await client.get_result(unknown, timeout=5)


async def test_local_result_of_an_unknown_instance_names_it() -> None:
    async with LocalRuntime():
        for unknown in ("00000000-0000-0000-0000-000000000000", "not-an-id"):
            with pytest.raises(UnknownInstance, match=f"no instance {unknown}"):
                await waymark.get_result(unknown)
            assert await waymark.get_status(unknown) is None
        instance_id = await flows.Single().run(5, _blocking=False)
        assert await waymark.get_result(instance_id.upper()) == 5


async def test_get_result_times_out_while_nothing_runs(database: str, store: PostgresStore) -> None:
    async with waymark.connect(database) as client:
        instance_id = await flows.Single().run(5, _blocking=False)
        with pytest.raises(TimeoutError):
            await client.get_result(instance_id, timeout=0.2)


async def test_durable_sleep(store: PostgresStore, database: str) -> None:
    async with running(store, runner_settings(database)), waymark.connect(database):
        assert await flows.SleepThenAdd().run(0.3) == 2
    [timer] = await store.pool.fetch("SELECT site, iteration, finished_at FROM waymark_timers")
    assert timer["finished_at"] is not None  # over, and kept for inspection
    assert (timer["site"], timer["iteration"]) == ("run.1", [])


async def test_a_sleep_without_end_waits_a_hundred_years(
    store: PostgresStore, database: str
) -> None:
    """`asyncio.sleep(inf)` never ends in Python: the instance sleeps with a deadline a hundred
    years out (a stored deadline is a date), instead of failing its commit."""
    async with running(store, runner_settings(database)), waymark.connect(database) as client:
        instance_id = await flows.SleepThenAdd().run(math.inf, _blocking=False)
        wake_at = None
        for _ in range(200):
            wake_at = await store.pool.fetchval(
                "SELECT wake_at FROM waymark_timers WHERE instance_id = $1", instance_id
            )
            if wake_at is not None:
                break
            await asyncio.sleep(0.05)
        assert wake_at is not None and wake_at.year >= time.gmtime().tm_year + 99
        status = await client.get_status(instance_id)
        assert status is not None and status.status not in ("failed", "completed")


async def test_worker_recycling_loses_nothing(store: PostgresStore, database: str) -> None:
    settings = runner_settings(
        database, worker_count=2, max_action_lifecycle=3, concurrent_per_worker=2
    )
    async with running(store, settings), waymark.connect(database):
        pids = await flows.Pids().run(7)
        assert await flows.Fanout().run(8) == list(range(8))
    assert len(set(pids)) >= 3  # a process serves at most 3 actions


async def test_killed_worker_attempt_is_retried(
    store: PostgresStore, database: str, tmp_path: Path
) -> None:
    marker = tmp_path / "crashed-once"
    async with running(store, runner_settings(database)), waymark.connect(database):
        assert await flows.Crashing().run(str(marker)) == "survived"
    assert marker.exists()
    lost = await store.pool.fetchval("SELECT lost_count FROM waymark_attempts")
    assert lost == 1


async def test_action_that_always_kills_its_worker_fails_only_its_instance(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    async with running(store, runner_settings(database)), waymark.connect(database):
        crashing = asyncio.ensure_future(flows.Crashing().run(""))
        healthy = await asyncio.gather(*(flows.Sequence().run(4) for _ in range(5)))
        with pytest.raises(ActionTimeout, match="lost 3 times"):
            await crashing
    assert healthy == [6] * 5
    crashes = [line for line in worker_env.read_text().splitlines() if line.startswith("crash")]
    assert len(crashes) == 3  # the first try and two retries (the store's budget is 2)


@pytest.mark.parametrize(
    "kind", ["json", "utf8", "shape", "reply", "null", "close", "huge", "stalled"]
)
async def test_a_worker_that_writes_a_malformed_frame_is_replaced_and_its_attempt_retried(
    store: PostgresStore,
    database: str,
    tmp_path: Path,
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A frame outside the protocol on a worker's reply pipe (an action that wrote to it), or
    that pipe closed under a live worker, stops that worker like a crash: its attempt is lost
    and retried, and the pool goes on (the instance waited for ever). So does a header that
    announces more than any reply can weigh, or a body that stops arriving (the runner waited
    for it until the worker exited)."""
    monkeypatch.setattr(protocol, "FRAME_STALL_SECONDS", 1.0)
    marker = tmp_path / "garbled-once"
    async with running(store, runner_settings(database)), waymark.connect(database):
        outcome = await asyncio.wait_for(flows.Garbling().run(str(marker), kind), 60)
        assert outcome == "survived"
        assert await asyncio.wait_for(flows.Sequence().run(4), 60) == 6
    lost = await store.pool.fetchval(
        "SELECT lost_count FROM waymark_attempts WHERE action LIKE '%garble_pipe'"
    )
    assert lost == 1


async def test_an_attempt_past_the_default_deadline_runs_again(
    store: PostgresStore, database: str, tmp_path: Path
) -> None:
    settings = runner_settings(database, action_timeout_seconds=0.5)
    async with running(store, settings), waymark.connect(database):
        # timed out twice against WAYMARK_ACTION_TIMEOUT_SECONDS, then quick: within the budget
        assert await flows.SlowAtFirst().run(str(tmp_path / "twice"), 2) == 3
        lost = await store.pool.fetchval("SELECT lost_count FROM waymark_attempts")
        assert lost == 2
        # always slow: the budget (two more runs) is spent, then ActionTimeout
        with pytest.raises(ActionTimeout, match="timed out or lost 3 times"):
            await flows.SlowAtFirst().run(str(tmp_path / "always"), 99)
        assert (tmp_path / "always").read_text() == "3"


async def test_the_local_runtime_runs_an_attempt_past_the_default_deadline_again(
    tmp_path: Path,
) -> None:
    local = LocalRuntime()
    local.settings = local.settings.replace(action_timeout_seconds=0.3)
    async with local:
        assert await flows.SlowAtFirst().run(str(tmp_path / "once"), 1) == 2
        with pytest.raises(ActionTimeout, match="timed out or lost 4 times"):
            await flows.SlowAtFirst().run(str(tmp_path / "always"), 99)
    assert (tmp_path / "always").read_text() == "4"  # WAYMARK_LOST_ATTEMPT_RETRIES is 3


async def test_an_attempt_past_its_own_timeout_fails_at_once(
    store: PostgresStore, database: str, tmp_path: Path
) -> None:
    marker = tmp_path / "runs"
    async with running(store, runner_settings(database)), waymark.connect(database):
        with pytest.raises(ActionTimeout, match=r"timed out after 0\.5s"):
            await flows.SlowAtFirstWithDeadline().run(str(marker), 1)
    assert marker.read_text() == "1"


async def test_a_worker_stuck_past_a_deadline_is_replaced_and_the_attempt_times_out(
    store: PostgresStore, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(placement, "_DEADLINE_GRACE", 0.2)
    async with running(store, runner_settings(database)), waymark.connect(database):
        instance_id = await flows.Blocking().run(30.0, _blocking=False)
        # The attempt's deadline passed: it times out as a cooperative action would, once,
        # rather than being run again as lost.
        with pytest.raises(
            ActionTimeout,
            match=r"timed out after 0\.2s; it did not stop when cancelled: it blocked its worker",
        ):
            await asyncio.wait_for(waymark.get_result(instance_id), 20)
        [attempt] = await store.attempts_of(instance_id)
        assert (attempt["status"], attempt["lost_count"]) == ("failed", 0)
        assert await flows.Single().run(4) == 4  # the pool has a healthy worker again


def test_a_client_used_from_many_event_loops_keeps_one_loops_connections(database: str) -> None:
    client = PostgresClient(Settings.from_env({"WAYMARK_DATABASE_URL": database}), dsn=database)
    unknown = "00000000-0000-0000-0000-000000000000"
    for _ in range(4):
        assert asyncio.run(client.get_status(unknown)) is None

    async def connections() -> int:
        await client.get_status(unknown)
        store = await client.store()
        sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        return int(await store.pool.fetchval(sql))

    assert asyncio.run(connections()) <= 2  # this loop's, not one per earlier loop


async def test_facade_get_result_and_get_status(store: PostgresStore, database: str) -> None:
    import waymark

    async with waymark.connect(database):
        instance_id = await flows.Single().run(7, _blocking=False)
        queued = await waymark.get_status(instance_id)
        assert queued is not None and queued.status == "queued"
        async with running(store, runner_settings(database)):
            assert await waymark.get_result(instance_id, timeout=20) == 7
        done = await waymark.get_status(instance_id)
        assert done is not None and done.status == "completed"
