"""PostgreSQL restarted just as a child workflow's end is committed (the statement that reports
it to its waiting parent): the runner rides the outage out, the commit lands once, and the
tree ends with its plain-Python result."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

import waymark
from tests.runtime import child_flows
from tests.runtime.support import go_down_and_up, runner_settings, running
from tests.runtime.test_fencing import own_server
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore

pytestmark = [pytest.mark.fault, pytest.mark.usefixtures("worker_env")]


class RestartAtSettle(PostgresStore):
    """Runs `fault` just before sending the first commit that settles a family (an instance
    of a tree of children ends)."""

    fault: Callable[[], Awaitable[None]] | None = None

    async def commit(self, batch: CommitBatch, owner: str, now: float) -> set[str]:
        if self.fault is not None and batch.settled:
            fault, self.fault = self.fault, None
            await fault()
        return await super().commit(batch, owner, now)


async def test_postgres_restarting_as_a_child_ends_leaves_the_tree_its_result() -> None:
    async with own_server("settle") as (server, database):
        store = await RestartAtSettle.open(database, run_migrations=False)
        restarted: list[asyncio.Task[None]] = []

        async def restart() -> None:
            await go_down_and_up(server, restarted)

        store.fault = restart
        settings = runner_settings(database, user_modules=(child_flows.__name__,))
        try:
            async with running(store, settings), waymark.connect(database) as client:
                tree = await child_flows.Factorial().run(n=4, _blocking=False)
                assert await client.get_result(tree, timeout=60) == 24
        finally:
            await asyncio.gather(*restarted)
            await store.close()
        assert store.fault is None and restarted
