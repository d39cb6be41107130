"""Many instances under repeated faults, with real processes: `start-workers` SIGKILLed three
times in a row at random moments, and every PostgreSQL session of the runners terminated
(`pg_terminate_backend`: the LISTEN connection, the pool, the commit lane, mid-statement)
again and again. Afterwards every instance finished once with its result as plain Python, every
action ran at least once, and none started again after the commit of its result."""

from __future__ import annotations

import asyncio
import os
import random
import signal
from pathlib import Path

import pytest

from tests.runtime import fault_flows
from tests.runtime import runtime_flows as flows
from tests.runtime.test_faults import Started, count, results, start_workers, submit, wait_for
from tests.runtime.test_fencing import SATURATED, in_python, own_server, restart, started_at
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault
FINISHED = "SELECT count(*) FROM waymark_instances WHERE finished_at IS NOT NULL"
COMMITTED = (
    "SELECT args ->> 0 AS key, extract(epoch FROM finished_at)::float8 AS finished_at"
    " FROM waymark_attempts WHERE status = 'completed' AND child_id IS NULL"
)


async def assert_once(database: str, record: Path, outcome: list[list[str]]) -> None:
    """Every action of `outcome` (its key is its first argument and its result) has one
    completed attempt, whose commit no execution of it started after."""
    store = await PostgresStore.open(database, run_migrations=False, max_size=1)
    try:
        rows = await store.pool.fetch(COMMITTED)
    finally:
        await store.close()
    keys = sorted(row["key"] for row in rows)
    assert keys == sorted(key for keys in outcome for key in keys)
    committed = {row["key"]: row["finished_at"] for row in rows}
    starts = started_at(record)
    late = {key: [s for s in times if s > committed[key]] for key, times in starts.items()}
    assert not {key: times for key, times in late.items() if times}, "started after its commit"


async def killed_three_times(database: str, record: Path, seed: int, **env: str) -> None:
    """`start-workers` started and SIGKILLed (its workers with it) three times in a row, each
    time at a random moment within 1.5 s of its being ready."""
    chance = random.Random(seed)
    for _ in range(3):
        with start_workers(database, record, **env) as runner:
            await wait_for(runner.ready, 20, "the runner to be ready")
            await asyncio.sleep(chance.uniform(0.2, 1.5))
            _kill(runner)


def _kill(runner: Started) -> None:
    os.killpg(runner.pid, signal.SIGKILL)
    runner.process.wait()


OTHERS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


@pytest.fixture
def seed() -> int:
    """The seed of the kills' random moments, printed: a failing storm can be replayed."""
    chosen = random.randrange(1 << 30)
    print(f"seed {chosen}")
    return chosen


@pytest.fixture
def record(tmp_path: Path) -> Path:
    """The ledger every action's execution writes a line to (`started_at`)."""
    return tmp_path / "ledger.log"


@pytest.mark.usefixtures("store")  # tables emptied: the rows counted are this test's
async def test_two_hundred_instances_through_three_runner_kills(
    database: str, record: Path, seed: int
) -> None:
    tags, width = [f"s{i}" for i in range(200)], 2
    # 600 actions of 0.25 s on 20 slots take 7.5 s at least: more than the three runners live
    # before their kills (1.5 s each at most), so the kills always land in the middle of it.
    ids = await submit(database, [(flows.Ledger, (tag, width, 0.25)) for tag in tags])
    workers = {"WAYMARK_WORKER_COUNT": "2"}
    await killed_three_times(database, record, seed, **workers)
    assert await count(database, FINISHED) < len(ids)  # the kills came in the middle of it
    with start_workers(database, record, **workers):
        outcome = await results(database, ids, timeout=40)
    assert outcome == await in_python(tags, width)
    assert await count(database, "SELECT count(*) FROM waymark_instances") == len(ids)
    await assert_once(database, record, outcome)


@pytest.mark.usefixtures("store")
async def test_sleeps_children_and_backoffs_through_three_runner_kills(
    database: str, record: Path, seed: int
) -> None:
    """Kills land in durable sleeps' wake-ups, children's completions and retries' backoffs."""
    runs = [(f"y{i}", 0.2 + (i % 5) * 0.2) for i in range(40)]
    expected = await asyncio.gather(*(fault_flows.Stormy().run_inline(*run) for run in runs))
    ids = await submit(database, [(fault_flows.Stormy, run) for run in runs])
    env = {"WAYMARK_USER_MODULE": "tests.runtime.fault_flows"}
    await killed_three_times(database, record, seed, **env)
    with start_workers(database, record, **env):
        outcome = await results(database, ids, timeout=40)
    assert outcome == expected
    assert await count(database, "SELECT count(*) FROM waymark_instances") == 2 * len(ids)
    await assert_once(database, record, outcome)


@pytest.mark.usefixtures("store")
async def test_trees_split_over_two_runners_one_killed_again_and_again(
    database: str, record: Path, seed: int
) -> None:
    """Parents and children claimed by either of two runners; one of them is SIGKILLed three
    times at random moments (and started again) while the other goes on: a child that ends on
    the survivor settles a parent that the dead one held."""
    tags = [f"t{i}" for i in range(40)]
    expected = await asyncio.gather(*(fault_flows.LedgerTree().run_inline(t, 0.0) for t in tags))
    ids = await submit(database, [(fault_flows.LedgerTree, (tag, 0.2)) for tag in tags])
    env = {"WAYMARK_USER_MODULE": "tests.runtime.fault_flows", **SATURATED}
    with start_workers(database, record, **env):
        await killed_three_times(database, record, seed, **env)
        assert await count(database, FINISHED) < 3 * len(ids)
        outcome = await results(database, ids, timeout=40)
    assert outcome == expected
    assert await count(database, "SELECT count(*) FROM waymark_instances") == 3 * len(ids)
    await assert_once(database, record, outcome)


async def test_sleeps_children_and_backoffs_through_postgres_restarts(record: Path) -> None:
    """Two runners on a PostgreSQL of the test's own, restarted twice: down for less than the
    lease, then for longer."""
    runs = [(f"z{i}", 0.2 + (i % 5) * 0.3) for i in range(30)]
    expected = await asyncio.gather(*(fault_flows.Stormy().run_inline(*run) for run in runs))
    env = {"WAYMARK_USER_MODULE": "tests.runtime.fault_flows"}
    async with own_server("storm") as (server, database):
        ids = await submit(database, [(fault_flows.Stormy, run) for run in runs])
        with (
            start_workers(database, record, **env) as a,
            start_workers(database, record, **env) as b,
        ):
            await wait_for(lambda: a.ready() and b.ready(), 20, "the runners to be ready")
            await asyncio.sleep(0.5)
            await restart(server, down_for=0.5)
            await asyncio.sleep(1.0)
            await restart(server, down_for=3.0)
            outcome = await results(database, ids, timeout=40)
            logs = [runner.log.read_text(errors="replace") for runner in (a, b)]
        assert outcome == expected
        assert await count(database, "SELECT count(*) FROM waymark_instances") == 2 * len(ids)
        await assert_once(database, record, outcome)
    assert not [text for text in logs if "Traceback" in text]


@pytest.mark.usefixtures("store")
async def test_every_session_terminated_again_and_again_while_a_client_waits(
    database: str, record: Path
) -> None:
    tags, width = [f"b{i}" for i in range(40)], 2
    ids = await submit(database, [(flows.Ledger, (tag, width, 0.05)) for tag in tags])
    store = await PostgresStore.open(database, run_migrations=False, max_size=1)
    try:
        with start_workers(database, record, WAYMARK_POLL_INTERVAL_MS="30000") as runner:
            await wait_for(runner.ready, 20, "the runner to be ready")
            waiting = asyncio.ensure_future(results(database, ids, timeout=40))
            for _ in range(8):  # the waiting client's sessions too
                await asyncio.sleep(0.4)
                await store.pool.fetch(OTHERS)
            outcome = await waiting
            assert runner.process.poll() is None
            # its LISTEN connection is back: new work starts long before a poll could find it
            late = await submit(database, [(flows.Ledger, ("after", width, 0.0))])
            assert await results(database, late, timeout=10) == [
                ["after/0", "after/1", "after/last"]
            ]
    finally:
        await store.close()
    assert outcome == await in_python(tags, width)
    await assert_once(database, record, [*outcome, ["after/0", "after/1", "after/last"]])
