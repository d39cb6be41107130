"""Options of `Workflow.run()` are checked before anything is written: a priority that does not
fit PostgreSQL's 32 bits or is not an integer, a non-bool `_blocking`, a NUL or a lone surrogate
in a name, a name too long to index."""

from __future__ import annotations

import dataclasses
import re
import uuid

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from waymark import InvalidOptionError
from waymark_runtime.local import LocalRuntime
from waymark_runtime.options import StartOptions
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.workflows import WorkflowDefinition

BAD_OPTIONS = [
    ({"_priority": 2**40}, "_priority must fit in 32 bits, got 1099511627776"),
    ({"_priority": "high"}, "_priority must be an integer, got 'high'"),
    ({"_priority": True}, "_priority must be an integer, got True"),
    ({"_blocking": "no"}, "_blocking must be True or False, got 'no'"),
    ({"_blocking": None}, "_blocking must be True or False, got None"),
    ({"_idempotency_key": ""}, "_idempotency_key must be a non-empty string, got ''"),
    ({"_idempotency_key": 42}, "_idempotency_key must be a non-empty string, got 42"),
    ({"_idempotency_key": "a\x00b"}, "_idempotency_key must not contain a NUL character"),
    (
        {"_idempotency_key": "a\udcffb"},
        r"_idempotency_key must be valid UTF-8 \(no lone surrogate\)",
    ),
    # Past PostgreSQL's 2,704 bytes of an index entry: refused by the same check, not the index.
    ({"_idempotency_key": "k" * 3000}, "_idempotency_key must be at most 1,000 bytes of UTF-8"),
    ({"_idempotency_key": "é" * 501}, "_idempotency_key must be at most 1,000 bytes of UTF-8"),
    ({"_timeout": "1h"}, "_timeout must be a timedelta or a number of seconds, got '1h'"),
    ({"_timeout": -5}, "_timeout must be positive and finite, got -5"),
    ({"_timeout": float("inf")}, "_timeout must be positive and finite, got inf"),
    ({"_timeout": True}, "_timeout must be a timedelta or a number of seconds, got True"),
]


async def instance_count(store: PostgresStore) -> int:
    count: int = await store.pool.fetchval("SELECT count(*) FROM waymark_instances")
    return count


@pytest.mark.parametrize(("options", "message"), BAD_OPTIONS)
async def test_bad_run_options_write_nothing(
    store: PostgresStore, database: str, options: dict[str, object], message: str
) -> None:
    async with waymark.connect(database):
        with pytest.raises(InvalidOptionError, match=message):
            await flows.Single().run(1, **options)  # type: ignore[arg-type]
    assert await instance_count(store) == 0


@pytest.mark.parametrize(("options", "message"), BAD_OPTIONS[:2])
async def test_bad_run_options_are_refused_by_the_local_runtime_too(
    options: dict[str, object], message: str
) -> None:
    async with LocalRuntime():
        with pytest.raises(InvalidOptionError, match=message):
            await flows.Single().run(1, **options)  # type: ignore[arg-type]


async def test_a_nul_in_the_workflow_name_writes_nothing(
    store: PostgresStore, database: str
) -> None:
    definition = flows.Single.__waymark_definition__
    assert isinstance(definition, WorkflowDefinition)
    renamed = dataclasses.replace(definition, name="Sin\x00gle")
    async with waymark.connect(database) as client:
        with pytest.raises(InvalidOptionError, match="workflow name must not contain a NUL"):
            await client.run_workflow(renamed, {"value": 1}, StartOptions(blocking=False))
    assert await instance_count(store) == 0


@pytest.mark.parametrize(
    ("timeout", "message"),
    [
        (float("nan"), "timeout must be zero or more seconds, got nan"),
        (-1, "timeout must be zero or more seconds, got -1"),
        ("5", "timeout must be a number of seconds or None, got '5'"),
        (True, "timeout must be a number of seconds or None, got True"),
    ],
)
async def test_a_bad_get_result_timeout_is_refused_on_both_runtimes(
    database: str, timeout: object, message: str
) -> None:
    """NaN waited for ever, a string or 10**400 failed inside asyncio with a TypeError or an
    OverflowError."""
    async with waymark.connect(database):
        with pytest.raises(InvalidOptionError, match=re.escape(message)):
            await waymark.get_result(str(uuid.uuid4()), timeout=timeout)  # type: ignore[arg-type]
    async with LocalRuntime():
        with pytest.raises(InvalidOptionError, match=re.escape(message)):
            await waymark.get_result(str(uuid.uuid4()), timeout=timeout)  # type: ignore[arg-type]


async def test_an_endless_get_result_timeout_waits_as_none_does() -> None:
    async with LocalRuntime():
        started = await flows.Single().run(1, _blocking=False)
        for endless in (float("inf"), 10**400):
            assert await waymark.get_result(started, timeout=endless) == await flows.Single().run(1)
