"""The workflow logger, `self.log.<level>(...)` in `run()` and its helpers: each line is recorded
with the commit of the step that wrote it (both stores, through the store contract), shown by
the admin API, and emitted once to the logger `waymark.workflow` after that commit, with the
instance's fields in text and JSON lines. On `LocalRuntime` and on PostgreSQL runners.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import pytest

import waymark
from tests.runtime import log_flows as flows
from tests.runtime.support import runner_settings, running
from tests.runtime.test_one_runner import (
    EXECUTIONS,
    counted,
    first_execution,
    recorded_running,
    start,
)
from waymark import Workflow, workflow
from waymark_runtime.admin import Admin, LogRecord
from waymark_runtime.effects import WriteLog
from waymark_runtime.engine import NewInstance
from waymark_runtime.local import LocalRuntime
from waymark_runtime.logs import ContextFilter, JsonFormatter, TextFormatter
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.worker.executor import InProcessExecutor

CHARGED = flows.Charged.__waymark_definition__
assert CHARGED is not None
NOW = 1_700_000_000.0
# (level, message, function, source line) of `Charged("o1", 150)`.
EXPECTED = [
    ("info", "charging o1 for 150", "run", 23),
    ("warning", "charged o1: 150", "run", 25),
    ("info", "facts {'order': 'o1', 'total': 150}", "note", 34),
    ("error", "large order o1", "run", 28),
    ("debug", "100% done", "run", 29),
    ("critical", "%d apples (log arguments did not format: TypeError: %d format: a real "
                 "number is required, not str)", "run", 30),
]  # fmt: skip


def _lines(records: tuple[LogRecord, ...]) -> list[tuple[str, str, str, int]]:
    assert [line.seq for line in records] == list(range(len(records)))
    return [(line.level, line.message, line.function, line.line) for line in records]


def _emitted(caplog: pytest.LogCaptureFixture, instance_id: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records
            if r.name == "waymark.workflow" and getattr(r, "instance_id", None) == instance_id]  # fmt: skip


def _check_emitted(records: list[logging.LogRecord], instance_id: str) -> None:
    assert [(r.levelname.lower(), r.getMessage(), r.function, r.line) for r in records] == EXPECTED  # type: ignore[attr-defined]
    assert {(r.instance_id, r.workflow) for r in records} == {(instance_id, "Charged")}  # type: ignore[attr-defined]
    assert [r.seq for r in records] == list(range(len(EXPECTED)))  # type: ignore[attr-defined]


async def test_local_runtime_records_each_line_and_emits_it_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="waymark.workflow")
    async with LocalRuntime() as runtime:
        instance_id = await runtime.submit(CHARGED, {"order_id": "o1", "amount": 150})
        assert await runtime.result(instance_id) == 150
        detail = await runtime.admin().show(instance_id)
    assert _lines(detail.logs) == EXPECTED
    _check_emitted(_emitted(caplog, instance_id), instance_id)


async def test_postgres_runner_records_each_line_and_emits_it_once(
    caplog: pytest.LogCaptureFixture, store: PostgresStore, database: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="waymark.workflow")
    async with running(store, runner_settings(database)), waymark.connect(database):
        instance_id = await flows.Charged().run("o1", 150, _blocking=False)
        async with waymark.connect(database) as client:
            assert await client.get_result(instance_id, timeout=30) == 150
    detail = await Admin(store).show(instance_id)
    assert _lines(detail.logs) == EXPECTED
    _check_emitted(_emitted(caplog, instance_id), instance_id)
    stored = await store.pool.fetchval("SELECT count(*) FROM waymark_workflow_logs")
    assert stored == len(EXPECTED)


async def test_a_module_logger_writes_to_the_instance_log(
    caplog: pytest.LogCaptureFixture, store: PostgresStore, database: str
) -> None:
    """`logger = logging.getLogger(__name__)` of the workflow's module is the workflow log:
    its lines are recorded with the instance (both stores) and emitted to `waymark.workflow`."""
    caplog.set_level(logging.DEBUG, logger="waymark.workflow")
    expected = [("info", "checking o7", "run", 66), ("warning", "checked o7", "checked", 72)]
    async with LocalRuntime() as runtime:
        definition = flows.ModuleLogger.__waymark_definition__
        assert definition is not None
        local_id = await runtime.submit(definition, {"order_id": "o7"})
        assert await runtime.result(local_id) == "o7"
        assert _lines((await runtime.admin().show(local_id)).logs) == expected
    async with running(store, runner_settings(database)), waymark.connect(database):
        instance_id = await flows.ModuleLogger().run("o7", _blocking=False)
        async with waymark.connect(database) as client:
            assert await client.get_result(instance_id, timeout=30) == "o7"
    assert _lines((await Admin(store).show(instance_id)).logs) == expected
    emitted = [(r.levelname.lower(), r.getMessage()) for r in _emitted(caplog, instance_id)]
    assert emitted == [(level, message) for level, message, _, _ in expected]


async def test_the_inline_run_writes_the_same_messages() -> None:
    """Run as plain Python, `self.log` writes to the `waymark.workflow` logger itself, and
    `logging` formats the same messages (but for the last, which does not format: `logging`
    reports that on stderr)."""
    records: list[logging.LogRecord] = []
    logger = logging.getLogger("waymark.workflow")
    handler, level, propagate = _Collect(records), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # pytest's own handler raises on the line that does not format
    try:
        assert await flows.Charged().run_inline("o1", 150) == 150
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    got = [(r.levelname.lower(), r.getMessage()) for r in records[:-1]]
    assert got == [(level, message) for level, message, _, _ in EXPECTED[:-1]]
    assert [(r.funcName, r.lineno) for r in records] == [(f, n) for _, _, f, n in EXPECTED]
    assert {r.workflow for r in records} == {"Charged"}  # type: ignore[attr-defined]


class _Collect(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


async def test_emitted_lines_render_in_text_and_json(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="waymark.workflow")
    caplog.handler.addFilter(ContextFilter())
    async with LocalRuntime() as runtime:
        instance_id = await runtime.submit(CHARGED, {"order_id": "o2", "amount": 5})
        await runtime.result(instance_id)
    first = _emitted(caplog, instance_id)[0]
    text = TextFormatter().format(first)
    assert text.endswith(
        f"INFO waymark.workflow: charging o2 for 5 [instance_id={instance_id} workflow=Charged]"
    )
    line = json.loads(JsonFormatter().format(first))
    assert {k: line[k] for k in ("level", "logger", "message", "instance_id", "workflow",
                                 "function", "line", "seq")} == {
        "level": "INFO", "logger": "waymark.workflow", "message": "charging o2 for 5",
        "instance_id": instance_id, "workflow": "Charged", "function": "run", "line": 23,
        "seq": 0,
    }  # fmt: skip


async def test_a_hostile_message_cannot_forge_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="waymark.workflow")
    hostile = "ok\nERROR waymark.runner: forged \x1b[31m\u202e"
    definition = flows.Shouting.__waymark_definition__
    assert definition is not None
    async with LocalRuntime() as runtime:
        instance_id = await runtime.submit(definition, {"text": hostile})
        assert await runtime.result(instance_id) == hostile
        detail = await runtime.admin().show(instance_id)
    assert detail.logs[0].message == f"said: {hostile}"  # recorded as written
    (emitted,) = _emitted(caplog, instance_id)
    assert emitted.getMessage() == "said: ok\\x0aERROR waymark.runner: forged \\x1b[31m\\u202e"


@workflow
class CountedLogged(Workflow):
    async def run(self, key: str, seconds: list[float]) -> int:
        self.log.info("before")
        execution = await counted(key, seconds)
        self.log.info("after execution %d", execution)
        return execution


async def test_a_step_fenced_out_of_the_database_records_and_emits_nothing(
    any_store: Any, database: str, request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """Another runner takes the instance over while its first execution runs (this runner's
    heartbeat is too slow to notice): the execution's reply still reaches this runner, whose
    step over it writes `after execution 1`, but that step's commit is fenced out, so its line
    is neither recorded nor emitted. Given back, the instance runs the attempt again, and the
    line of the execution that counts is recorded and emitted, once."""
    caplog.set_level(logging.INFO)
    key = request.node.name
    settings = runner_settings(database, lock_heartbeat_ms=60_000, lock_ttl_ms=120_000)
    async with running(any_store, settings, executor=InProcessExecutor):
        instance_id = await start(any_store, CountedLogged, key=key, seconds=[0.5, 0.0])
        await first_execution(key)
        await recorded_running(any_store, instance_id)  # it may start before its commit lands
        later = time.time() + 3600
        assert (await any_store.reclaim_expired_instances(later)).instances == 1
        [claim] = await any_store.claim("another runner", 1, later, 30.0)
        await asyncio.wait_for(_logged(caplog, f"instance {instance_id} is no longer ours"), 20)
        [lost] = claim.pending
        release = CommitBatch()
        release.requeue(instance_id, lost.node, lost.attempt)
        release.instance(instance_id, release=True, wake_at=time.time(), epoch=claim.epoch)
        assert await any_store.commit(release, "another runner", time.time()) == {instance_id}
        outcome = await any_store.wait_outcome(instance_id, timeout=20)
    assert outcome.value == 2 and EXECUTIONS[key] == 2
    expected = ["before", "after execution 2"]
    assert [row["message"] for row in await any_store.logs_of(instance_id)] == expected
    assert [r.getMessage() for r in _emitted(caplog, instance_id)] == expected


async def _logged(caplog: pytest.LogCaptureFixture, text: str) -> None:
    while not any(text in record.getMessage() for record in caplog.records):
        await asyncio.sleep(0.01)


# -- the store contract ----------------------------------------------------------------------


def _line(seq: int, message: str) -> WriteLog:
    return WriteLog(seq=seq, level="info", message=message, function="run", line=3 + seq)


async def test_a_commit_records_its_lines_once_and_only_under_its_lease(any_store: Any) -> None:
    spec = NewInstance(workflow=CHARGED.name, version=CHARGED.version, wrl=CHARGED.wrl,
                       inputs={"order_id": "o", "amount": 1})  # fmt: skip
    [instance_id] = await any_store.create_instances([spec], NOW)
    [claim] = await any_store.claim("runner", 1, NOW, 30.0)
    batch = CommitBatch()
    batch.instance(instance_id, state={"logs": 2}, epoch=claim.epoch)
    batch.log(instance_id, _line(0, "first"))
    batch.log(instance_id, _line(1, "second"))
    assert await any_store.commit(batch, "runner", NOW + 1) == {instance_id}
    assert await any_store.commit(batch, "runner", NOW + 2) == {instance_id}  # applied again
    stranger = CommitBatch()
    stranger.instance(instance_id, state={"logs": 3})
    stranger.log(instance_id, _line(2, "not ours"))
    assert await any_store.commit(stranger, "someone else", NOW + 3) == set()
    rows = await any_store.logs_of(instance_id)
    assert [(r["seq"], r["message"], r["line"], r["created_at"]) for r in rows] == [
        (0, "first", 3, NOW + 1), (1, "second", 4, NOW + 1),
    ]  # fmt: skip
    assert [r["message"] for r in await any_store.logs_of(instance_id, 1)] == ["second"]
    detail = await Admin(any_store, clock=lambda: NOW).show(instance_id)
    assert [(line.seq, line.message) for line in detail.logs] == [(0, "first"), (1, "second")]
