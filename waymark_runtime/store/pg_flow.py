"""Flow control on PostgreSQL: workflow concurrency rules and action slots (`sql/flow.sql`).

`FlowQueries` is the part of `PostgresStore` that keeps the rules clients register (admission
itself is the triggers' job, migration 0013) and grants action slots: under a lock of each
limited action's gate row, it counts the attempts running now and the recent starts, asks
`flow.grant` which waiting attempts may start, and starts them, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import asyncpg

from waymark_runtime.engine import NewInstance
from waymark_runtime.flow import FlowRule, Grants, SlotRequest, grant
from waymark_runtime.store.pg_batch import dumps
from waymark_runtime.store.pg_listen import Listener

SLOTS_CHANNEL = "waymark_slots"


class FlowQueries:
    pool: asyncpg.Pool
    dsn: str
    _sql: dict[str, str]
    _known_rules: dict[str, FlowRule]

    async def _set_rules(self, specs: Sequence[NewInstance]) -> None:
        """Keep the rules of `specs` this store has not written yet (once per process)."""
        await self.keep_rules([rule for spec in specs for rule in spec.flow])

    async def keep_rules(self, rules: Sequence[FlowRule]) -> None:
        """Keep `rules` (concurrency limits and default deadlines of workflows), each written
        once per process unless it changes."""
        fresh = {rule.workflow: rule for rule in rules}
        fresh = {name: r for name, r in fresh.items() if self._known_rules.get(name) != r}
        if not fresh:
            return
        kept = list(fresh.values())
        await self.pool.execute(
            self._sql["set_flow_rules"],
            [r.workflow for r in kept],
            [r.key for r in kept],
            [None if r.default is None else dumps(r.default) for r in kept],
            [r.limit for r in kept],
            [r.timeout for r in kept],
        )
        self._known_rules.update(fresh)

    async def acquire_slots(
        self, owner: str, requests: Sequence[SlotRequest], now: float
    ) -> Grants:
        """Start the waiting attempts their actions' limits allow now, in order (fenced: only
        attempts of instances `owner` still holds under the request's claim start)."""
        actions = sorted({r.action for r in requests})
        counted = [a for a in actions if any(r.action == a and r.limits.concurrency
                                             for r in requests)]  # fmt: skip
        async with self.pool.acquire() as connection, connection.transaction():
            gates = await connection.fetch(self._sql["lock_action_gates"], actions)
            rows = await connection.fetch(self._sql["running_attempts"], counted) if counted else []
            starts = {row["action"]: list(row["starts"]) for row in gates}
            decided = grant(requests, {r["action"]: r["running"] for r in rows}, starts, now)
            if not decided.granted:
                return decided
            chosen = decided.granted
            started = await connection.fetch(
                self._sql["grant_slots"], owner, now,
                [r.instance_id for r in chosen], [r.node for r in chosen],
                [r.attempt for r in chosen], [r.epoch for r in chosen],
                decided.starts,
            )  # fmt: skip
        done = {(str(row["instance_id"]), row["node"], row["attempt"]) for row in started}
        return Grants([r for r in chosen if r.key in done], decided.starts, decided.retry_at)

    async def slots_freed(self, actions: Sequence[str]) -> None:
        """Attempts of `actions` ended: wake the runners waiting for their slots."""
        await self.pool.execute(self._sql["slots_freed"], sorted(set(actions)))

    def subscribe_freed(self, on_freed: Callable[[], None]) -> Listener:
        """A subscription to `waymark_slots` (start it to listen)."""
        return Listener(self.dsn, {SLOTS_CHANNEL: lambda _: on_freed()}, on_freed)
