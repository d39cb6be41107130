"""What the pages show, read from PostgreSQL: the few queries the admin API does not answer.

Runs (with their free-text filter), one run and its actions go through
`waymark_runtime.admin`; schedules through `waymark_runtime.schedules.Schedules`. Here: the
workers overview (the runner registry, `Admin.runners`, joined with the leases runners
hold: a lease owner that never registered, a runner of an older version, still shows), "fire
now", and the live graph, drawn by `waymark_compiler.graph` from the trace `waymark graph
--instance` uses.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from waymark_runtime.admin import Admin, RunnerRecord
from waymark_runtime.engine import NewInstance
from waymark_runtime.options import InvalidOptionError
from waymark_runtime.store.postgres import PostgresStore

SILENT_AFTER = 30.0
"""Seconds without a heartbeat (twice the default lease) after which a runner shows as silent."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Runner:
    owner: str
    instances: int
    lease_until: float | None
    """The latest lease expiry of the runs it holds (None when it holds none)."""
    alive: bool
    """It sent a heartbeat in the last `SILENT_AFTER` seconds, or a lease it holds is current."""
    registered: RunnerRecord | None = None
    """Host, process, worker count, start and last heartbeat (None: a lease owner that did
    not register)."""


@dataclass(frozen=True, slots=True)
class Overview:
    runners: tuple[Runner, ...]
    counts: dict[str, Any]
    failures: tuple[dict[str, Any], ...]


async def overview(store: PostgresStore, now: float) -> Overview:
    """Runners (registered, and any other lease owner), queue depths, throughput and recent
    failures."""
    leases = {row["owner"]: row for row in await store.inspection("lease_owners")}
    registered = {r.id: r for r in await Admin(store).runners()}
    runners = tuple(_runner(owner, leases.get(owner), registered.get(owner), now)
                    for owner in [*registered, *sorted(set(leases) - set(registered))])  # fmt: skip
    [counts] = await store.inspection("activity", now)
    failures = tuple(await store.inspection("recent_failures", now, 20))
    return Overview(runners, counts, failures)


def _runner(owner: str, lease: Any, record: RunnerRecord | None, now: float) -> Runner:
    lease_until = None if lease is None else lease["lease_until"]
    alive = (record is not None and now - record.heartbeat_at < SILENT_AFTER) or (
        lease_until is not None and lease_until > now
    )
    return Runner(owner=owner, instances=0 if lease is None else lease["instances"],
                  lease_until=lease_until, alive=alive, registered=record)  # fmt: skip


async def workflow_names(store: PostgresStore) -> list[str]:
    return [row["name"] for row in await store.inspection("workflow_names")]


async def fire_now(store: PostgresStore, workflow: str, inputs: dict[str, Any], priority: int,
                   now: float) -> str:  # fmt: skip
    """Start one run of a schedule's workflow at once (newest version, the schedule's inputs);
    the schedule's own next fire is left as it was."""
    latest = await store.latest_version(workflow)
    if latest is None:
        raise InvalidOptionError(f"no registered version of workflow {workflow}")
    version, wrl = latest
    spec = NewInstance(workflow=workflow, version=version, wrl=wrl, inputs=inputs,
                       priority=priority)  # fmt: skip
    new_id = str(uuid.uuid4())
    await store.create_instances([spec], now, [new_id])
    return new_id


async def live_graph(store: PostgresStore, instance: str) -> str:
    """The instance's graph as DOT coloured by live status ("" when its program cannot be
    read): what `waymark graph --instance` prints, laid out by the browser."""
    from waymark_compiler.cli._database import load_snapshot
    from waymark_compiler.cli._instance_graph import live_status
    from waymark_compiler.graph import render
    from waymark_runtime.dag import build_dag
    from waymark_runtime.errors import ProgramError

    snapshot = await load_snapshot(store, instance)
    if snapshot.program is None:
        return ""
    try:
        dag = build_dag(snapshot.program)
    except ProgramError:  # a stored program Python could not have written: no graph either
        return ""
    return render(dag, "dot", live_status(snapshot)).decode("utf-8")
