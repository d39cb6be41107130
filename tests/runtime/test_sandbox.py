"""A stored program is data, never code: hostile `.wrl` programs and payloads (`hostile`),
stored as instances on PostgreSQL and run on `LocalRuntime`, each fail their instance with a
clear error (or come back as data), with no side effect: no file written or deleted, no module
imported. A forged program version never replaces the one `run()` submitted."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.hostile import Traps, outcome_of, spec, verdict
from tests.runtime.support import runner_settings, running
from waymark_runtime.engine import NewInstance
from waymark_runtime.errors import ProgramMismatch
from waymark_runtime.local import LocalRuntime
from waymark_runtime.store.memory import MemoryStore
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.wrl import version_of_canonical

SINGLE = flows.Single.__waymark_definition__
assert SINGLE is not None


@pytest.fixture
def traps(tmp_path: Path, worker_env: Path, monkeypatch: pytest.MonkeyPatch) -> Traps:
    """The traps, with their directory importable here and in worker processes."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ["PYTHONPATH"]]))
    return Traps(tmp_path)


async def test_hostile_instances_on_postgres_do_nothing(
    store: PostgresStore, database: str, traps: Traps
) -> None:
    cases = traps.cases()
    ids = await store.create_instances([spec(case) for case in cases], time.time())
    async with running(store, runner_settings(database)), waymark.connect(database) as client:
        outcomes = [await outcome_of(client.get_result(i, timeout=20)) for i in ids]
    wrong = [verdict(case, outcome) for case, outcome in zip(cases, outcomes, strict=True)]
    assert [w for w in wrong if w] == []
    assert traps.sprung() == []


async def test_hostile_instances_on_local_runtime_do_nothing(traps: Traps) -> None:
    cases = traps.cases()
    async with LocalRuntime() as runtime:
        ids = await runtime.store.create_instances([spec(case) for case in cases], 0.0)
        outcomes = [await outcome_of(runtime.result(i)) for i in ids]
    wrong = [verdict(case, outcome) for case, outcome in zip(cases, outcomes, strict=True)]
    assert [w for w in wrong if w] == []
    assert traps.sprung() == []


# A program `run()` never submitted: `Single` returning its input plus one.
OTHER = SINGLE.wrl.replace("noop(value)", "noop(value + 1)")
RENAMED = SINGLE.wrl.replace("workflow Single", "workflow Other")


def stored_as(text: str, workflow: str, version: str) -> NewInstance:
    return NewInstance(workflow=workflow, version=version, wrl=text, inputs={"value": 1})


@pytest.mark.parametrize(
    ("text", "workflow", "version", "error"),
    [
        (OTHER, "Single", SINGLE.version, "does not hash to that version"),
        (RENAMED, "Single", version_of_canonical(RENAMED), "is not Single"),
        (SINGLE.wrl, "Other", SINGLE.version, "is not Other"),
    ],
    ids=["forged_text", "other_workflow", "other_name"],
)
async def test_a_version_must_be_the_hash_of_its_text_and_name_its_workflow(
    text: str, workflow: str, version: str, error: str, store: PostgresStore
) -> None:
    for backend in (MemoryStore(), store):
        with pytest.raises(ProgramMismatch, match=error):
            await backend.create_instances([stored_as(text, workflow, version)], time.time())


async def test_a_pre_registered_forged_version_does_not_change_what_run_executes(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    insert = "INSERT INTO waymark_workflow_versions (name, version, wrl) VALUES ($1, $2, $3)"
    await store.pool.execute(insert, SINGLE.name, SINGLE.version, OTHER)
    async with running(store, runner_settings(database)), waymark.connect(database):
        assert await flows.Single().run(5) == 5  # not 6: the submitted program ran
    stored = await store.pool.fetchval("SELECT wrl FROM waymark_workflow_versions")
    assert stored == SINGLE.wrl


async def test_a_forged_version_that_slipped_in_fails_its_instances(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    """A row forged after the version was registered: the runner checks what it loads."""
    [instance] = await store.create_instances(
        [stored_as(SINGLE.wrl, "Single", SINGLE.version)], time.time()
    )
    update = "UPDATE waymark_workflow_versions SET wrl = $1"
    await store.pool.execute(update, OTHER)
    async with running(store, runner_settings(database)), waymark.connect(database) as client:
        with pytest.raises(ProgramMismatch, match="does not hash to that version"):
            await client.get_result(instance, timeout=20)
