"""Several hosts on one PostgreSQL: three network namespaces, each running `start-workers`.

The hosts reach a PostgreSQL of the test's own only through their veth pairs (tests/runtime/
netns.py). Instances spread over the hosts; then one host's processes are killed (SIGKILL, as a
host that loses power) and the other hosts finish its instances once its leases expire. The test
skips, with the reason, where network namespaces cannot be made (not Linux, not root, no `ip`).
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import asyncpg
import pytest

import waymark
from tests.runtime import netns
from tests.runtime.multihost_flows import TwoPlaces
from tests.runtime.support import START_WORKERS, start_workers_env, with_database
from waymark_runtime.store.pg_migrate import migrate

pytestmark = pytest.mark.fault

HOSTS = 3
HELD_PER_HOST = 4
_LEASED = """
SELECT id::text, lease_owner FROM waymark_instances
WHERE lease_owner IS NOT NULL AND status <> 'completed'
"""
# the second actions wait for the gate: the attempts finished before it are the first actions
_FIRSTS_DONE = "SELECT count(*) FROM waymark_attempts WHERE finished_at IS NOT NULL"


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[list[netns.Host], str]]:
    """The hosts, and the DSN template of their database (`{host}`: the address to use)."""
    try:
        netns.check_support()
    except netns.NoNamespaces as why:
        pytest.skip(f"multi-host test needs network namespaces: {why}")
    with netns.hosts(HOSTS) as hosts, netns.postgres_for(hosts) as server:

        async def create() -> None:
            connection = await asyncpg.connect(server.format(host=hosts[0].gateway))
            try:
                await connection.execute("CREATE DATABASE waymark")
            finally:
                await connection.close()

        asyncio.run(create())
        dsn = with_database(server, "waymark")
        migrate(dsn.format(host=hosts[0].gateway))
        yield hosts, dsn


def _start(stack: ExitStack, host: netns.Host, dsn: str, log: Path) -> int:
    """`start-workers` in `host`'s namespace; its pid (the runner's, named in its leases)."""
    env = start_workers_env(
        dsn.format(host=host.gateway),
        WAYMARK_USER_MODULE="tests.runtime.multihost_flows",
        WM_HOST=host.name,
        WAYMARK_MAX_CONCURRENT_INSTANCES=str(HELD_PER_HOST),
        WAYMARK_LOCK_TTL_MS="6000",  # a heartbeat may come late on a loaded machine
        WAYMARK_LOCK_HEARTBEAT_MS="1000",
    )
    output = stack.enter_context(log.open("ab"))
    process = subprocess.Popen(
        netns.in_host(host, START_WORKERS), env=env, stdout=output, stderr=output,
        start_new_session=True,
    )  # fmt: skip
    stack.callback(process.wait)
    stack.callback(netns.kill_host, host)
    return int(process.pid)


async def _until(what: str, check: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"not within {timeout:.0f} s: {what}"
        await asyncio.sleep(0.05)


async def test_instances_spread_over_hosts_and_survive_one_host_dying(
    cluster: tuple[list[netns.Host], str], tmp_path: Path
) -> None:
    hosts, dsn = cluster
    local = dsn.format(host=hosts[0].gateway)
    logs = {host.name: tmp_path / f"{host.name}.log" for host in hosts}
    with ExitStack() as stack:
        pids = {_start(stack, host, dsn, logs[host.name]): host.name for host in hosts}

        async def ready() -> bool:
            return all(" ready" in log.read_text(errors="replace") for log in logs.values())

        await _until("every host's runner is ready", ready)
        count = HOSTS * HELD_PER_HOST  # every host holds as many as it may
        async with waymark.connect(local):
            gate = tmp_path / "gate"
            ids = [str(await TwoPlaces().run(str(gate), _blocking=False)) for _ in range(count)]
            connection = await asyncpg.connect(local)
            try:
                leased = await _leased_once_first_actions_ran(connection, count)
            finally:
                await connection.close()
            owners = {pids[int(owner.split(":")[-2])] for owner in leased.values()}
            assert owners == {host.name for host in hosts}, f"instances held by {owners}"
            victim = hosts[0]
            netns.kill_host(victim)
            gate.touch()  # the others finish theirs now, the victim's once its leases expire
            results = await asyncio.wait_for(asyncio.gather(*(_result(i) for i in ids)), timeout=45)
    firsts = {first for first, _ in results}
    assert firsts == {host.name for host in hosts}, "every host ran some of the instances"
    for instance_id, (first, second) in zip(ids, results, strict=True):
        if pids[int(leased[instance_id].split(":")[-2])] == victim.name:
            assert first == victim.name
            assert second != victim.name, f"{instance_id} finished on the killed host"


async def _leased_once_first_actions_ran(
    connection: asyncpg.Connection, count: int
) -> dict[str, str]:
    """Wait until every instance is leased and its first action finished; id -> owner."""

    async def settled() -> bool:
        rows = await connection.fetch(_LEASED)
        return len(rows) == count and await connection.fetchval(_FIRSTS_DONE) == count

    await _until("every instance leased, its first action done", settled)
    return {row["id"]: row["lease_owner"] for row in await connection.fetch(_LEASED)}


async def _result(instance_id: str) -> list[str]:
    from waymark_runtime.client import get_result

    value = await get_result(instance_id)
    assert isinstance(value, list)
    return value
