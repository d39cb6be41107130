"""Runs made through the store contract with explicit times, as a runner would make them."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.runtime import runtime_flows as flows
from tests.runtime import signal_flows
from waymark_runtime.engine import NewInstance
from waymark_runtime.step_plan import InstanceOutcome, PlannedAction
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.values import error_json

SINGLE = flows.Single.__waymark_definition__
APPROVAL = signal_flows.Approval.__waymark_definition__  # waits for signal "decision"
assert SINGLE is not None and APPROVAL is not None
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


async def queued(store: PostgresStore, at: float, *, workflow: str | None = None,
                 inputs: dict[str, Any] | None = None, definition: Any = SINGLE) -> str:  # fmt: skip
    spec = NewInstance(workflow=workflow or definition.name, version=definition.version,
                       wrl=definition.wrl, inputs=inputs or {"value": 1}, priority=0)  # fmt: skip
    [instance_id] = await store.create_instances([spec], at)
    return instance_id


async def failed(store: PostgresStore, at: float, message: str = "boom", **options: Any) -> str:
    """A run whose one attempt `n1` failed with ValueError(message), and so the run."""
    instance_id = await queued(store, at, **options)
    [claim] = await store.claim("runner-1", 1, at, 30.0)
    assert claim.instance.instance_id == instance_id
    batch = CommitBatch()
    batch.instance(instance_id, state={"step": 1})
    call = PlannedAction(node="n1", action="tests.runtime.runtime_flows:noop", args=(message,),
                         kwargs={"note": message}, attempt=1, ready_at=at, timeout=10.0)  # fmt: skip
    batch.add_attempt(instance_id, call, running=True)
    assert await store.commit(batch, "runner-1", at) == {instance_id}
    error = error_json(ValueError(message))
    end = CommitBatch()
    end.instance(instance_id, outcome=InstanceOutcome(ok=False, value=error))
    traceback = {"text": f'Traceback (most recent call last):\n  File "flows.py", line 3, in noop\nValueError: {message}\n',
                 "frames": [{"filename": "flows.py", "lineno": 3, "name": "noop", "line": message}]}  # fmt: skip
    end.finish(instance_id, "n1", 1, False, error, traceback)
    assert await store.commit(end, "runner-1", at + 1) == {instance_id}
    return instance_id


async def held(store: PostgresStore, at: float) -> str:
    """A run claimed by `runner-1` with a running attempt and a pending sleep."""
    instance_id = await queued(store, at)
    [claim] = await store.claim("runner-1", 1, at, 30.0)
    batch = CommitBatch()
    batch.instance(instance_id, state={"step": 1})
    call = PlannedAction(node="n1", action="tests.runtime.runtime_flows:noop", args=(7,),
                         kwargs={}, attempt=1, ready_at=at, timeout=10.0)  # fmt: skip
    batch.add_attempt(instance_id, call, running=True)
    batch.add_timer(instance_id, "n2", at + 3600)
    assert await store.commit(batch, "runner-1", at) == {instance_id}
    assert claim.instance.instance_id == instance_id
    return instance_id


async def hostile_row(store: PostgresStore, at: float) -> str:
    """A failed run whose workflow name, inputs and error are markup, written straight to the
    tables (the store refuses such a name; the dashboard must be safe whatever a row holds)."""
    instance_id = str(uuid.uuid4())
    await store.pool.execute(
        "INSERT INTO waymark_workflow_versions (name, version, wrl) VALUES ($1, 'v1', 'x') "
        "ON CONFLICT DO NOTHING", HOSTILE)  # fmt: skip
    await store.pool.execute(
        "INSERT INTO waymark_instances (id, workflow_name, workflow_version, inputs, status, "
        "error, created_at, finished_at) VALUES ($1, $2, 'v1', $3, 'failed', $4, "
        "to_timestamp($5), to_timestamp($5))",
        uuid.UUID(instance_id), HOSTILE, json.dumps({"value": HOSTILE}),
        json.dumps({"message": HOSTILE}), at,
    )  # fmt: skip
    return instance_id


async def checkout(database: str, store: PostgresStore, amount: int = 250) -> tuple[str, str]:
    """Run `dash_flows.Checkout` to the end on a real runner (worker processes): returns the
    parent's id and its child's (whose action failed with a traceback)."""
    import waymark
    from tests.dashboard import dash_flows
    from tests.runtime.support import runner_settings, running
    from waymark_runtime.admin import Admin

    settings = runner_settings(database, user_modules=("tests.dashboard.dash_flows",))
    async with running(store, settings), waymark.connect(database) as client:
        parent = await dash_flows.Checkout().run(["lamp", "desk"], amount, _blocking=False)
        await client.get_result(parent, timeout=60)
    [child] = (await Admin(store).list(parent=parent)).items
    return parent, child.id


async def waiting(database: str, store: PostgresStore) -> str:
    """Run `signal_flows.Approval` on a real runner until it waits for signal "decision"
    (three days at most), then stop the runner: the run is left waiting."""
    import asyncio

    import waymark
    from tests.runtime.support import runner_settings, running
    from waymark_runtime.admin import Admin

    settings = runner_settings(database, user_modules=("tests.runtime.signal_flows",))
    async with running(store, settings), waymark.connect(database):
        instance_id = await signal_flows.Approval().run("d1", _blocking=False)
        for _ in range(1000):
            if any(s.kind == "wait" for s in (await Admin(store).show(instance_id)).signals):
                return instance_id
            await asyncio.sleep(0.01)
    raise AssertionError(f"instance {instance_id} never waited")
