"""Flow control on PostgreSQL: workflow concurrency rules and action slots (`sql/flow.sql`).

`FlowQueries` is the part of `PostgresStore` that keeps the rules clients register (admission
itself is the triggers' job, migration 0013) and grants action slots: under a lock of each
limited action's gate row, it counts the attempts running now and the recent starts, asks
`flow.grant` which waiting attempts may start, and starts them, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from waymark_runtime.engine import NewInstance
from waymark_runtime.flow import FlowRule, Grants, SlotRequest, grant
from waymark_runtime.store.pg_batch import dumps
from waymark_runtime.store.pg_listen import Listener

SLOTS_CHANNEL = "waymark_slots"


SHORT_IDLE_MS = 2_000
"""How long PostgreSQL lets a short transaction that holds locks other processes wait for (a
scheduler's tick, a grant of action slots) wait on its client between two statements before it
ends that session, and with it the transaction and its locks. A healthy client only computes
there; one frozen mid-transaction (SIGSTOP, a VM pause) would otherwise hold every other
runner back until it wakes up, or for the whole `idle_in_transaction_ms` of its store."""


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
        self, owner: str, requests: Sequence[SlotRequest], clock: Callable[[], float]
    ) -> Grants:
        """Start the waiting attempts their actions' limits allow now, in order (fenced: only
        attempts of instances `owner` still holds under the request's claim start). "Now" is
        read from `clock` once the gates are locked: the wait for a connection, or for another
        runner's grant (one paused mid-grant holds the lock until its session's idle timeout
        ends it), must not put the starts in the past, where they would let later grants
        through early."""
        actions = sorted({r.action for r in requests})
        counted = [a for a in actions if any(r.action == a and r.limits.concurrency
                                             for r in requests)]  # fmt: skip
        async with self.pool.acquire() as connection, connection.transaction():
            gates = await connection.fetch(self._sql["lock_action_gates"], actions,
                                           str(SHORT_IDLE_MS))  # fmt: skip
            now = clock()
            rows = (
                await connection.fetch(self._sql["running_attempts"], counted, now)
                if counted
                else []
            )
            starts = {row["action"]: list(row["starts"]) for row in gates}
            already = _keys(await connection.fetch(self._sql["started_slots"], owner,
                                                   *_columns(requests)))  # fmt: skip
            running = {r["action"]: r["running"] for r in rows}
            decided = grant(requests, running, starts, now, already)
            fresh = [r for r in decided.granted if r.key not in already]
            if not fresh:
                return decided
            started = await connection.fetch(self._sql["grant_slots"], owner, now,
                                             *_columns(fresh), decided.starts)  # fmt: skip
        done = already | _keys(started)
        return Grants([r for r in decided.granted if r.key in done], decided.starts,
                      decided.retry_at)  # fmt: skip

    async def slots_freed(self, actions: Sequence[str]) -> None:
        """Attempts of `actions` ended: wake the runners waiting for their slots."""
        await self.pool.execute(self._sql["slots_freed"], sorted(set(actions)))

    async def release_slots(self, ended: Sequence[tuple[str, int, str, int]]) -> None:
        """The executions of `ended` attempts (instance id, claim epoch, node, attempt) ended:
        free the slots their cancel or their instance's end left taken, under that claim."""
        ids, epochs, nodes, numbers = (list(column) for column in zip(*ended, strict=True))
        await self.pool.execute(self._sql["release_slots"], ids, nodes, numbers, epochs)

    def subscribe_freed(self, on_freed: Callable[[], None]) -> Listener:
        """A subscription to `waymark_slots` (start it to listen)."""
        return Listener(self.dsn, {SLOTS_CHANNEL: lambda _: on_freed()}, on_freed)


def _columns(requests: Sequence[SlotRequest]) -> tuple[list[str], list[str], list[int], list[int]]:
    """The instance ids, nodes, attempt numbers and claim epochs of `requests`, as arrays."""
    return ([r.instance_id for r in requests], [r.node for r in requests],
            [r.attempt for r in requests], [r.epoch for r in requests])  # fmt: skip


def _keys(rows: Sequence[Any]) -> set[tuple[str, str, int]]:
    return {(str(row["instance_id"]), row["node"], row["attempt"]) for row in rows}
